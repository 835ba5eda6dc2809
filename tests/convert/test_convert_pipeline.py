"""convert_modular end to end on small fake sources (a dict-backed resolver), and its errors."""

from __future__ import annotations

import pytest

from scaffold.convert import ConvertOptions, DefinitionOrder, ImportStyle, convert_modular
from scaffold.errors import ModularError
from scaffold.files import FileKind

from dict_resolver import FakeResolver

MODELING_FOO = '''
import torch
from torch import nn

from ...modeling_utils import PreTrainedModel
from ...utils import logging
from .configuration_foo import FooConfig

logger = logging.get_logger(__name__)

SCALE = 2


def helper(x):
    return x * SCALE


class FooMLP(nn.Module):
    def __init__(self, config: FooConfig):
        super().__init__()
        self.proj = nn.Linear(config.hidden_size, config.hidden_size)

    def forward(self, x):
        return helper(self.proj(x))


class FooPreTrainedModel(PreTrainedModel):
    config_class = FooConfig


class FooModel(FooPreTrainedModel):
    def __init__(self, config):
        super().__init__(config)
        self.mlp = FooMLP(config)
        self.post_init()

    def forward(self, x):
        logger.info("foo")
        return self.mlp(x)


class FooUnused(nn.Module):
    pass


__all__ = ["FooModel", "FooPreTrainedModel"]
'''

CONFIGURATION_FOO = '''
from ...configuration_utils import PreTrainedConfig


class FooConfig(PreTrainedConfig):
    model_type = "foo"

    def __init__(self, hidden_size=8, **kwargs):
        self.hidden_size = hidden_size
        super().__init__(**kwargs)


__all__ = ["FooConfig"]
'''


RESOLVER = FakeResolver(
    {
        "transformers.models.foo.modeling_foo": MODELING_FOO,
        "transformers.models.foo.configuration_foo": CONFIGURATION_FOO,
    }
)

MODULAR = '''
from transformers.models.foo.configuration_foo import FooConfig
from transformers.models.foo.modeling_foo import FooModel, FooPreTrainedModel


class BarConfig(FooConfig):
    model_type = "bar"


class BarPreTrainedModel(FooPreTrainedModel):
    pass


class BarModel(FooModel):
    def forward(self, x):
        x = x + 1
        return super().forward(x)


__all__ = ["BarConfig", "BarPreTrainedModel", "BarModel"]
'''


def _files(source: str = MODULAR, **options: object) -> dict[str, str]:
    result = convert_modular(source, modular_path="bar/modular_bar.py", resolver=RESOLVER,
                             options=ConvertOptions(**options))  # type: ignore[arg-type]
    return {str(f.path): f.content for f in result.files}


def test_out_of_tree_files_follow_the_parents_order() -> None:
    """Before: the modular order (``BarPreTrainedModel`` above ``SCALE``, ``helper`` and ``BarMLP``)."""
    modeling = _files()["modeling_bar.py"]
    order = ["logger = ", "SCALE = 2", "def helper(", "class BarMLP(", "class BarPreTrainedModel(", "class BarModel("]
    positions = [modeling.index(marker) for marker in order]
    assert positions == sorted(positions)


def test_files_are_routed_by_kind_and_sorted() -> None:
    result = convert_modular(MODULAR, modular_path="bar/modular_bar.py", resolver=RESOLVER)
    assert [(str(f.path), f.kind) for f in result.files] == [
        ("configuration_bar.py", FileKind.CONFIGURATION),
        ("modeling_bar.py", FileKind.MODELING),
    ]


def test_dependencies_are_pulled_renamed_in_order_and_unused_ones_left_out() -> None:
    modeling = _files(order=DefinitionOrder.MODULAR)["modeling_bar.py"]
    # modular order (BarPreTrainedModel first), each class after the dependencies it pulls in
    order = ["logger = ", "class BarPreTrainedModel(", "SCALE = 2", "def helper(", "class BarMLP(", "class BarModel("]
    positions = [modeling.index(marker) for marker in order]
    assert positions == sorted(positions)
    assert "Foo" not in modeling.replace("foo", "")  # every Foo name renamed (the "foo" log text aside)
    assert "Unused" not in modeling
    assert '__all__ = ["BarPreTrainedModel", "BarModel"]' in modeling


def test_super_call_in_override_is_unrolled() -> None:
    modeling = _files()["modeling_bar.py"]
    forward = modeling[modeling.index("class BarModel(") :]
    assert "x = x + 1" in forward and "return self.mlp(x)" in forward and "super().forward" not in forward


def test_out_of_tree_imports_are_absolute_and_siblings_relative() -> None:
    modeling = _files()["modeling_bar.py"]
    assert "from transformers.modeling_utils import PreTrainedModel" in modeling
    assert "from transformers.utils import logging" in modeling
    assert "from .configuration_bar import BarConfig" in modeling
    configuration = _files()["configuration_bar.py"]
    assert "from transformers.configuration_utils import PreTrainedConfig" in configuration
    assert 'model_type = "bar"' in configuration


def test_in_tree_imports_are_relative() -> None:
    modeling = _files(import_style=ImportStyle.IN_TREE, package="transformers.models.bar")["modeling_bar.py"]
    assert "from ...modeling_utils import PreTrainedModel" in modeling
    assert "from .configuration_bar import BarConfig" in modeling


def test_header_is_put_on_every_file() -> None:
    files = _files(header="# HEADER\n")
    assert all(text.startswith("# HEADER\n") for text in files.values())
    default = _files()
    assert all("bar/modular_bar.py" in text.splitlines()[0] for text in default.values())


def test_output_is_deterministic() -> None:
    assert _files() == _files()


@pytest.mark.parametrize(
    ("source", "message", "line"),
    [
        ("class A(:\n    pass\n", "syntax error", 1),
        ("from transformers.models.nope.modeling_nope import NopeModel\n\nclass A(NopeModel):\n    pass\n",
         "unknown parent module", 1),
        ("from transformers.models.foo.modeling_foo import FooGhost\n\n\nclass BarGhost(FooGhost):\n    pass\n",
         "unknown parent class", 4),
        ("from transformers.models.foo.modeling_foo import FooModel, FooMLP\n\nclass A(FooModel, FooMLP):\n    pass\n",
         "more than one model-specific base", 3),
    ],
    ids=["syntax", "unknown-module", "unknown-class", "two-bases"],
)
def test_bad_input_raises_modular_error_with_file_and_line(source: str, message: str, line: int) -> None:
    with pytest.raises(ModularError) as caught:
        convert_modular(source, modular_path="bar/modular_bar.py", resolver=RESOLVER)
    assert message in str(caught.value)
    assert caught.value.path == "bar/modular_bar.py"
    assert caught.value.line == line
