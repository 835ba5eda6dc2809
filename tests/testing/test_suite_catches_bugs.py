"""The suite must fail on broken models: run it (in-process, via pytester) on deliberately broken subclasses.

Each case runs one targeted test on a healthy class and on a broken one; the healthy run must pass (so the
failure comes from the bug, not from the harness) and the broken run must fail.
"""

import re
import subprocess
import sys

import pytest

HEADER = """
import torch
from transformers import LlamaConfig, LlamaForCausalLM, LlamaModel
from scaffold.testing import CausalLMTester


class Healthy(CausalLMTester):
    __test__ = False
    config_class = LlamaConfig
    model_type = "llama"
    model_classes = {"AutoModel": LlamaModel, "AutoModelForCausalLM": LlamaForCausalLM}
    source_model_type = "llama"
    source_classes = {"AutoModel": "LlamaModel", "AutoModelForCausalLM": "LlamaForCausalLM"}


class TestHealthy(Healthy):
    pass
"""

BROKEN = {
    "ignores_attention_mask": (
        "test_left_padding_does_not_change_outputs",
        """
class Broken(LlamaForCausalLM):
    def forward(self, input_ids=None, attention_mask=None, **kwargs):
        return super().forward(input_ids=input_ids, **kwargs)
""",
    ),
    "init_skips_norms": (
        "test_init_weights_cover_every_parameter",
        """
class Broken(LlamaModel):  # a head class would not do: submodules use their own model's _init_weights
    def _init_weights(self, module):
        if "RMSNorm" not in type(module).__name__:
            super()._init_weights(module)
""",
    ),
    "unshifted_loss": (
        "test_labels_are_shifted_inside_the_model",
        """
class Broken(LlamaForCausalLM):
    def forward(self, labels=None, **kwargs):
        output = super().forward(**kwargs)
        if labels is not None:
            logits = output.logits
            output.loss = torch.nn.functional.cross_entropy(logits.flatten(0, 1), labels.flatten())
        return output
""",
    ),
    "differs_from_source": (
        "test_parity_with_source_model",
        """
class Broken(LlamaForCausalLM):
    def forward(self, **kwargs):
        output = super().forward(**kwargs)
        output.logits = output.logits * 1.001
        return output
""",
    ),
    "cache_ignored": (
        "test_incremental_decoding_with_cache_matches_full_forward",
        """
class Broken(LlamaForCausalLM):
    def forward(self, past_key_values=None, **kwargs):
        return super().forward(**kwargs)
""",
    ),
}


IGNORING_CONFIG = (
    "test_config_values_reach_the_config",
    """
class IgnoringConfig(LlamaConfig):
    def __post_init__(self, **kwargs):
        super().__post_init__(**kwargs)
        self.rms_norm_eps = 1e-6
""",
)


def _case_source(case: str, broken_class: str) -> str:
    """The broken class of `case`, renamed, and a test class using it (the config case swaps the config)."""
    code = broken_class.replace("class Broken(", f"class Broken_{case}(").replace(
        "class IgnoringConfig(", f"class IgnoringConfig_{case}("
    )
    if "class Broken(LlamaModel)" in broken_class:
        attribute = f'    model_classes = {{"AutoModel": Broken_{case}, "AutoModelForCausalLM": LlamaForCausalLM}}'
    elif "IgnoringConfig" in broken_class:
        attribute = f"    config_class = IgnoringConfig_{case}"
    else:
        attribute = f'    model_classes = {{"AutoModel": LlamaModel, "AutoModelForCausalLM": Broken_{case}}}'
    return f"{code}\n\nclass TestBroken_{case}(Healthy):\n{attribute}\n"


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Run the targeted tests on every broken class and the healthy one, in one pytest subprocess."""
    cases = {**BROKEN, "config_ignores_an_argument": IGNORING_CONFIG}
    folder = tmp_path_factory.mktemp("broken")
    source = HEADER + "".join(_case_source(case, code) for case, (_, code) in sorted(cases.items()))
    (folder / "test_broken.py").write_text(source)
    selection = " or ".join(sorted({test for test, _ in cases.values()}))
    command = [
        sys.executable,
        "-m",
        "pytest",
        "test_broken.py",
        "-p",
        "no:cacheprovider",
        "-rA",
        "--tb=line",
        "-k",
        selection,
    ]
    result = subprocess.run(command, cwd=folder, capture_output=True, text=True)
    found = re.findall(r"^(PASSED|FAILED|SKIPPED|ERROR) test_broken.py::(\w+)::(\w+)", result.stdout, re.M)
    assert found, result.stdout[-3000:] + result.stderr[-3000:]
    return {f"{cls}::{test}": status for status, cls, test in found}


@pytest.mark.parametrize("case", sorted(BROKEN) + ["config_ignores_an_argument"])
def test_suite_fails_on_a_broken_model(outcomes: dict[str, str], case: str) -> None:
    test_name = BROKEN[case][0] if case in BROKEN else IGNORING_CONFIG[0]
    assert outcomes[f"TestHealthy::{test_name}"] == "PASSED", outcomes
    assert outcomes[f"TestBroken_{case}::{test_name}"] == "FAILED", outcomes


def test_only_the_targeted_classes_ran(outcomes: dict[str, str]) -> None:
    """The bases (CausalLMTester, Healthy with __test__ = False) are not collected: only Test* classes ran."""
    assert {key.split("::")[0] for key in outcomes} == {"TestHealthy"} | {
        f"TestBroken_{c}" for c in [*BROKEN, "config_ignores_an_argument"]
    }
