"""Compiled templates come from the user cache on later runs and render exactly as freshly compiled ones."""

from scaffold import templates

TEMPLATE = "project/pyproject.toml.j2"


def _render(env, **context):
    return env.get_template(TEMPLATE).render(**context)


def test_bytecode_cache_is_filled_then_used_with_identical_output(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from scaffold.names import ModelNames

    source = SimpleNamespace(names=ModelNames.from_name("llama"), transformers_version="5.25.0")
    context = {"names": ModelNames.from_name("my-x"), "scaffold_version": "0.0", "source": source}
    monkeypatch.setenv("SCAFFOLD_NO_CACHE", "1")
    fresh = templates.environment.__wrapped__()
    assert fresh.bytecode_cache is None
    monkeypatch.delenv("SCAFFOLD_NO_CACHE")
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(tmp_path))
    first = templates.environment.__wrapped__()
    expected = _render(fresh, **context)
    assert 'name = "my-x"' in expected and "transformers~=5.25.0" in expected
    assert _render(first, **context) == expected
    entries = list((tmp_path / "jinja").iterdir())
    assert len(entries) == 1
    second = templates.environment.__wrapped__()
    loaded = []
    original = second.bytecode_cache.load_bytecode
    monkeypatch.setattr(second.bytecode_cache, "load_bytecode", lambda b: (original(b), loaded.append(b.code is not None)))
    assert _render(second, **context) == expected
    assert loaded == [True]


def test_unwritable_cache_directory_still_renders(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("SCAFFOLD_CACHE_DIR", str(blocker))
    env = templates.environment.__wrapped__()
    assert env.bytecode_cache is None
    assert env.get_template(TEMPLATE) is not None
