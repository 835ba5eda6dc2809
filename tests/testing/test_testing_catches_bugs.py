"""The suite must fail on broken models: run it in a subprocess on deliberately broken stand-ins and read the
per-test outcomes from its JUnit XML. A healthy control class runs the same tests and must pass them."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent

BROKEN_MODULE = """
import torch
import torch.nn.functional as F
from testing_standins import LLAMA, VED_STOCK
from scaffold.testing import CausalLMTester, VisionEncoderDecoderTester

Base = LLAMA["model_classes"]["AutoModelForCausalLM"]


class NoMaskLM(Base):
    def forward(self, input_ids=None, attention_mask=None, **kwargs):
        return super().forward(input_ids=input_ids, attention_mask=None, **kwargs)


class OffsetLM(Base):
    def forward(self, *args, **kwargs):
        output = super().forward(*args, **kwargs)
        output.logits = output.logits + 1e-3
        return output


class UnshiftedLossLM(Base):
    def forward(self, input_ids=None, labels=None, **kwargs):
        output = super().forward(input_ids=input_ids, **kwargs)
        if labels is not None:
            output.loss = F.cross_entropy(output.logits.flatten(0, 1), labels.flatten())
        return output


class NeverTiedLM(Base):
    _tied_weights_keys = {}


def attributes(model_class):
    heads = {"AutoModelForCausalLM": model_class}
    return {**LLAMA, "model_classes": heads, "source_classes": {"AutoModelForCausalLM": "LlamaForCausalLM"}}


class TestHealthy(CausalLMTester):
    locals().update(attributes(Base))


class TestNoMask(CausalLMTester):
    locals().update(attributes(NoMaskLM))


class TestOffset(CausalLMTester):
    locals().update(attributes(OffsetLM))


class TestUnshifted(CausalLMTester):
    locals().update(attributes(UnshiftedLossLM))


class TestNeverTied(CausalLMTester):
    locals().update(attributes(NeverTiedLM))


class TestStockVisionEncoderDecoder(VisionEncoderDecoderTester):
    locals().update(VED_STOCK)
"""

SELECTED = "left_padding or parity_with_source or labels_are_shifted or tied_weights or gradient_accumulation"
EXPECTED_FAILURES = {
    "TestNoMask": {"test_left_padding_does_not_change_outputs"},
    "TestOffset": {"test_parity_with_source_model"},
    "TestUnshifted": {"test_labels_are_shifted_inside_the_model", "test_parity_with_source_model"},
    "TestNeverTied": {"test_tied_weights_follow_the_config"},
    "TestStockVisionEncoderDecoder": {"test_gradient_accumulation_logs_the_same_loss"},
}


def run_suite(tmp_path: Path) -> dict[tuple[str, str], str]:
    """Run the broken module with pytest in a subprocess; return (class, test) -> passed / failed / skipped."""
    (tmp_path / "test_broken_models.py").write_text(textwrap.dedent(BROKEN_MODULE))
    report = tmp_path / "report.xml"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", SELECTED]
    command += [f"--junitxml={report}", "--rootdir", str(tmp_path), str(tmp_path / "test_broken_models.py")]
    completed = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert report.is_file(), completed.stdout[-3000:] + completed.stderr[-3000:]
    outcomes = {}
    for case in ElementTree.parse(report).iter("testcase"):
        kinds = {child.tag for child in case}
        outcome = "failed" if kinds & {"failure", "error"} else "skipped" if "skipped" in kinds else "passed"
        outcomes[(case.get("classname").rsplit(".", 1)[-1], case.get("name"))] = outcome
    return outcomes


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], str]:
    return run_suite(tmp_path_factory.mktemp("broken"))


@pytest.mark.parametrize("class_name", sorted(EXPECTED_FAILURES))
def test_suite_fails_on_the_broken_model(outcomes: dict, class_name: str) -> None:
    for test_name in sorted(EXPECTED_FAILURES[class_name]):
        assert outcomes.get((class_name, test_name)) == "failed", f"{class_name}.{test_name}: {outcomes}"


def test_healthy_control_passes_the_same_tests(outcomes: dict) -> None:
    tests = set().union(*EXPECTED_FAILURES.values()) - {"test_gradient_accumulation_logs_the_same_loss"}
    for test_name in sorted(tests):
        assert outcomes.get(("TestHealthy", test_name)) == "passed", f"TestHealthy.{test_name}: {outcomes}"
