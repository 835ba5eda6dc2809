"""``python -m scaffold.zoo --until registers``: the import-and-register check without building any model."""

from __future__ import annotations

from pathlib import Path

PACKAGE = '''
from transformers import AutoConfig, PreTrainedConfig


class ZooUntilConfig(PreTrainedConfig):
    model_type = "zoo-until-check"


AutoConfig.register("zoo-until-check", ZooUntilConfig, exist_ok=True)
'''


def test_registers_verdict_names_the_stage_reached(tmp_path: Path) -> None:
    from scaffold.zoo import registers_verdict

    (tmp_path / "zoo_until_check").mkdir()
    (tmp_path / "zoo_until_check" / "__init__.py").write_text(PACKAGE)
    assert registers_verdict(str(tmp_path), "zoo-until-check") == {
        "name": "zoo-until-check",
        "reached": "registers",
        "failure": "",
    }
    missing = registers_verdict(str(tmp_path), "zoo-until-absent")
    assert missing["reached"] == "generated" and missing["failure"].startswith("ModuleNotFoundError")
