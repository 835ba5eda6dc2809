"""Image-text-to-text (llava) and the family-free GenericTester on stand-ins: the main tests, called directly.

The full classes take ~30 s; these direct calls cover input building, tiny composite configs (image token
inside the tiny text vocabulary), loss / gradients, generation and parity in a few seconds.
"""

from __future__ import annotations

import pytest
from testing_standins import standin

from scaffold.testing import GenericTester, ImageTextToTextTester

LLAVA = standin(
    "llava",
    "standin-llava",
    {"AutoModel": "LlavaModel", "AutoModelForImageTextToText": "LlavaForConditionalGeneration"},
)
NEOX = standin("gpt_neox", "standin-neox", {"AutoModel": "GPTNeoXModel"})

LLAVA_TESTS = (
    "test_loss_and_backward_for_every_head",
    "test_greedy_equals_manual_argmax_loop",
    "test_parity_with_source_model",
    "test_attention_and_hidden_state_outputs",
)


@pytest.mark.parametrize("test_name", LLAVA_TESTS)
def test_llava_standin(test_name: str) -> None:
    tester = type("Llava", (ImageTextToTextTester,), {**LLAVA, "__test__": False})()
    getattr(tester, test_name)()


def test_llava_inputs_hold_one_image_token_per_patch() -> None:
    tester = type("Llava", (ImageTextToTextTester,), {**LLAVA, "__test__": False})()
    config = tester.get_config()
    inputs = tester.make_inputs(config)
    patches = (config.vision_config.image_size // config.vision_config.patch_size) ** 2
    assert config.image_token_id < config.text_config.vocab_size
    assert (inputs["input_ids"] == config.image_token_id).sum(1).tolist() == [patches] * tester.batch_size


def test_generic_tester_parity_and_skips() -> None:
    tester = type("Neox", (GenericTester,), {**NEOX, "__test__": False})()
    tester.test_parity_with_source_model()
    with pytest.raises(pytest.skip.Exception, match="no head of this model takes labels"):
        tester.test_loss_and_backward_for_every_head()
