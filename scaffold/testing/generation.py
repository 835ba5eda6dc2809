"""Generation tests shared by the families whose models generate (decoder-only, seq2seq, vision encoder-decoder)."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
import torch
from transformers import PreTrainedConfig, PreTrainedModel


class GenerationTests:
    """Mixin of generation tests; the family provides `generation_inputs` and `start_sequence`."""

    __test__ = False
    new_tokens: ClassVar[int] = 5

    def generation_inputs(self, config: PreTrainedConfig) -> dict[str, torch.Tensor]:
        raise NotImplementedError

    def start_sequence(self, config: PreTrainedConfig, inputs: dict[str, torch.Tensor]) -> torch.Tensor:
        """The sequence generate() starts from (and returns as its prefix)."""
        raise NotImplementedError

    def next_token_logits(self, model: PreTrainedModel, inputs: dict, sequence: torch.Tensor) -> torch.Tensor:
        """Logits of the next token after `sequence`, from a plain forward pass without cache."""
        raise NotImplementedError

    def generation_model(self) -> tuple[PreTrainedModel, PreTrainedConfig]:
        key = self.generation_head()
        config = _untied(self.get_config())
        model = self.build(key, config)
        if not hasattr(model, "generate") and key == "AutoModel":
            pytest.skip("the model has no generating head (only AutoModel)")
        if not hasattr(model, "generate"):
            pytest.fail(f"{type(model).__name__} has no generate(): add GenerationMixin to its bases")
        model.generation_config.eos_token_id = None  # generate exactly new_tokens tokens
        # bart forces bos / eos tokens at the ends: a plain argmax loop does not.
        model.generation_config.forced_bos_token_id = None
        model.generation_config.forced_eos_token_id = None
        if model.generation_config.pad_token_id is None:
            model.generation_config.pad_token_id = 0
        return model, config

    def generation_head(self) -> str:
        return self.main_head()

    def generate(self, model: PreTrainedModel, inputs: dict, **kwargs: Any) -> torch.Tensor:
        with torch.no_grad():
            settings = {"max_new_tokens": self.new_tokens, "do_sample": False, "num_beams": 1}
            return model.generate(**{**inputs, **settings, **kwargs})  # an input option (use_cache) yields to these

    def test_greedy_equals_manual_argmax_loop(self) -> None:
        model, config = self.generation_model()
        inputs = self.generation_inputs(config)
        sequence = self.start_sequence(config, inputs)
        with torch.no_grad():
            for _ in range(self.new_tokens):
                logits = self.next_token_logits(model, inputs, sequence)
                sequence = torch.cat([sequence, logits.argmax(-1, keepdim=True)], dim=-1)
        generated = self.generate(model, inputs)
        assert torch.equal(generated, sequence), f"generate {generated.tolist()} != argmax loop {sequence.tolist()}"

    def test_generate_with_and_without_cache_agree(self) -> None:
        model, config = self.generation_model()
        inputs = self.generation_inputs(config)
        with_cache = self.generate(model, inputs, use_cache=True)
        without_cache = self.generate(model, inputs, use_cache=False)
        assert torch.equal(with_cache, without_cache), f"{with_cache.tolist()} != {without_cache.tolist()}"

    def test_beam_search(self) -> None:
        model, config = self.generation_model()
        inputs = self.generation_inputs(config)
        batch = next(iter(inputs.values())).shape[0]
        beams = self.generate(model, inputs, num_beams=3, num_return_sequences=2)
        start = self.start_sequence(config, inputs)
        assert beams.shape == (batch * 2, start.shape[1] + self.new_tokens), tuple(beams.shape)
        assert torch.equal(beams[:, : start.shape[1]], start.repeat_interleave(2, dim=0))
        greedy = self.generate(model, inputs)
        single_beam = self.generate(model, inputs, num_beams=1)
        assert torch.equal(greedy, single_beam)
        vocab = config.get_text_config(decoder=True).vocab_size
        assert int(beams.min()) >= 0 and int(beams.max()) < vocab


def _untied(config: PreTrainedConfig) -> PreTrainedConfig:
    """The config with separate input and output embeddings (top level and text decoder).

    Tiny random models with tied embeddings mostly repeat their last token under greedy decoding (the residual
    stream stays close to that token's embedding), so generation tests would compare constant outputs.
    """
    text = config.get_text_config(decoder=True)
    for part in (config, text) if text is not config else (config,):
        if getattr(part, "tie_word_embeddings", None):
            part.tie_word_embeddings = False
    return config
