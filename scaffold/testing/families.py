"""Family testers: input builders, layer counts and the family-specific tests on top of `ModelTester`."""

from __future__ import annotations

import copy
import inspect
import warnings
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
import torch
from transformers import PreTrainedConfig, PreTrainedModel
from transformers.models.auto.configuration_auto import CONFIG_MAPPING

from .base import ModelTester
from .generation import GenerationTests
from .helpers import assert_outputs_equal, first_int, main_tensor, rename_keys
from .setup import NoValidatedSetup, validated_inputs, validated_setup
from .tiny import shrink_config
from .training import Seq2SeqTrainerTests

FIRST_ORDINARY_TOKEN = 3  # random ids start here, above the usual pad / bos / eos ids


def random_ids(config: PreTrainedConfig, batch: int, length: int, seed: int = 0) -> torch.Tensor:
    """Token ids in [3, vocab_size) of the (text) config, reproducible by seed."""
    vocab = _vocab_size(config)
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(FIRST_ORDINARY_TOKEN, vocab, (batch, length), generator=generator)


def _vocab_size(config: PreTrainedConfig) -> int:
    """The smallest vocab_size of the text configs, encoder and decoder side (why: marian's decoder view
    reports decoder_vocab_size while its shared embedding has vocab_size rows); else the first nested
    config's (fastspeech2 with hifigan keeps its text model under model_config, which get_text_config does
    not know); else CODEPOINT_VOCAB for a text model without a vocabulary (canine hashes code points)."""
    sides = (config.get_text_config(decoder=True), config.get_text_config(encoder=True))
    sizes = [side.vocab_size for side in sides if _is_size(getattr(side, "vocab_size", None))]
    if sizes:
        return min(sizes)
    for _, sub in sorted(vars(config).items()):
        if isinstance(sub, PreTrainedConfig) and _is_size(getattr(sub, "vocab_size", None)):
            return sub.vocab_size
    if _reads_code_points(config):
        return CODEPOINT_VOCAB
    raise AttributeError(f"{type(config).__name__} has no vocab_size, nor any of its sub-configs")


# Ids drawn for a model reading characters instead of tokens (canine: Unicode code points, hashed).
CODEPOINT_VOCAB = 256


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > FIRST_ORDINARY_TOKEN


def _reads_code_points(config: PreTrainedConfig) -> bool:
    """A character-level text model: hash buckets over code points instead of a vocabulary (canine)."""
    return _is_size(getattr(config, "num_hash_buckets", None))


def random_pixels(config: PreTrainedConfig, batch: int, seed: int = 0) -> torch.Tensor:
    """pixel_values of the vision config's image size (a side or a (height, width) pair) and channel count."""
    size = config.image_size
    height, width = (size, size) if isinstance(size, int) else size[:2]  # (height, width): vitpose's 256x192
    generator = torch.Generator().manual_seed(seed)
    return torch.randn((batch, getattr(config, "num_channels", 3), height, width), generator=generator)


def _with_pad_token(config: PreTrainedConfig) -> PreTrainedConfig:
    """Sequence classification over a batch needs a pad token id; 0 is never drawn by random_ids."""
    if getattr(config, "pad_token_id", 0) is None:
        config.pad_token_id = 0
    return config


class EncoderDecoderTests:
    """Mixin for encoder-decoder families: the decoder's mask and cache, checked on logits."""

    __test__ = False

    def test_decoder_attention_mask_is_applied(self) -> None:
        """A decoder token under decoder_attention_mask=0 does not change the logits after it.

        Right padding cannot show a dropped mask (causal attention hides later tokens anyway) and left padding
        moves absolute positions, so the masked token sits inside the sequence: changing it must change
        nothing when the mask is honoured.
        """
        config = self.get_config()
        model, inputs = self.build(self.main_head(), config), self.make_inputs(config)
        decoder = inputs["decoder_input_ids"]
        mask = torch.ones_like(decoder)
        mask[:, 2] = 0
        changed = decoder.clone()
        changed[:, 2] = FIRST_ORDINARY_TOKEN + (decoder[:, 2] - FIRST_ORDINARY_TOKEN + 1) % 5
        first = self.forward(model, {**inputs, "decoder_attention_mask": mask}).logits
        second = self.forward(model, {**inputs, "decoder_input_ids": changed, "decoder_attention_mask": mask}).logits
        torch.testing.assert_close(first[:, 3:], second[:, 3:], atol=1e-5, rtol=1e-4)
        unmasked = self.forward(model, {**inputs, "decoder_input_ids": changed}).logits
        assert not torch.allclose(first[:, 3:], unmasked[:, 3:], atol=1e-5), "the changed token had no effect at all"

    def test_incremental_decoding_with_cache_matches_full_forward(self) -> None:
        """Decoder steps fed one token at a time with the returned cache give the logits of one full pass.

        Checked on logits: greedy tokens of a tiny random decoder may be constant and hide a broken cache.
        """
        config = self.get_config()
        model, inputs = self.build(self.main_head(), config), self.make_inputs(config)
        decoder = inputs.pop("decoder_input_ids")
        split = decoder.shape[1] - 2
        with torch.no_grad():
            full = model(**inputs, decoder_input_ids=decoder, use_cache=False).logits
            prefix = model(**inputs, decoder_input_ids=decoder[:, :split], use_cache=True)
            cache, steps = prefix.past_key_values, []
            assert cache is not None, "use_cache=True returned no past_key_values"
            for position in range(split, decoder.shape[1]):
                step = model(
                    **inputs,
                    decoder_input_ids=decoder[:, position : position + 1],
                    past_key_values=cache,
                    use_cache=True,
                )
                cache = step.past_key_values
                steps.append(step.logits[:, -1])
        torch.testing.assert_close(prefix.logits, full[:, :split], atol=1e-5, rtol=1e-4)
        torch.testing.assert_close(torch.stack(steps, 1), full[:, split:], atol=1e-5, rtol=1e-4)


@dataclass(frozen=True)
class SearchedSetup:
    """What the search found for a test class: one tiny config, and per head the inputs its source runs on."""

    config: PreTrainedConfig | None
    inputs: dict[str, dict[str, Any] | Exception]  # head -> inputs, or why none were found
    main: str | None  # the first head (in preference order) with inputs
    error: Exception | None  # why no config was found


class GenericTester(ModelTester):
    """The family-free subset for any model (configs, save/load, parity, init, ...).

    Inputs: the family's own (``own_inputs``: token ids, or pixels for a model whose main input is pixel_values)
    when the source model runs on them; else a tiny config and, per head, inputs its source model is known to run
    on (``searched_setup``: the zoo's search, for speech, video, detection, sub-config models, ...). Then the
    main head is the preferred one among the heads inputs were found for.
    """

    __test__ = False
    # False: always the family's own inputs (the text and vision families, whose tests need their layout).
    falls_back_to_validated_setup: ClassVar[bool] = True

    def get_config(self) -> PreTrainedConfig:
        if not self.model_classes or self.own_inputs_work():  # config-only types have no model to find inputs for
            return self.own_config()
        searched = self.searched_setup()
        return copy.deepcopy(searched.config) if searched.config is not None else self.own_config()

    def main_head(self) -> str:
        preferred = ModelTester.main_head(self)
        return preferred if self.own_inputs_work() else self.searched_setup().main or preferred

    def inputs_for(self, key: str, config: PreTrainedConfig) -> dict[str, torch.Tensor]:
        return self.make_inputs(config) if self.own_inputs_work() else self._searched_inputs(key)

    def make_inputs(self, config: PreTrainedConfig, batch_size: int | None = None) -> dict[str, torch.Tensor]:
        if self.own_inputs_work():
            return self.own_inputs(config, batch_size or self.batch_size)
        inputs = self._searched_inputs(self.main_head())
        return {k: v[:batch_size] if batch_size and torch.is_tensor(v) and v.dim() else v for k, v in inputs.items()}

    def _searched_inputs(self, key: str) -> dict[str, Any]:
        """A fresh copy of the inputs the search found for head ``key``; its failure when it found none."""
        searched = self.searched_setup()
        found = searched.inputs.get(key, searched.error or NoValidatedSetup(f"no source class for {key}"))
        if isinstance(found, Exception):
            raise found
        return {k: v.clone() if torch.is_tensor(v) else copy.deepcopy(v) for k, v in found.items()}

    def own_inputs_work(self) -> bool:
        """Whether the source model of the preferred head runs on the family's own config and inputs (checked
        once per test class; without a source model there is nothing to check them against)."""
        cls = type(self)
        if not self.falls_back_to_validated_setup or not self.model_classes:
            return True
        if "_own_inputs_work" not in cls.__dict__:
            source_class = self.source_class(ModelTester.main_head(self))
            try:
                config = self.own_config()
                if source_class is not None:
                    self.forward(self._build_source(source_class, config), self.own_inputs(config, self.batch_size))
                cls._own_inputs_work = True
            except Exception as exc:  # noqa: BLE001 - any refusal: the searched setup is used instead
                cls._own_inputs_work = False
                self.on_fallback(exc)
        return cls._own_inputs_work

    def searched_setup(self) -> SearchedSetup:
        """The search's result, once per test class: a config from the first head (preferred, then the bare model,
        then the others) whose source runs on a tiny candidate, then inputs for every head on that config."""
        cls = type(self)
        if "_searched" not in cls.__dict__:
            preferred = ModelTester.main_head(self)
            order = list(dict.fromkeys([preferred, *sorted(self.model_classes, key=lambda k: k != "AutoModel")]))
            config, error, inputs = None, None, {}
            for key in order:
                source_class = self.source_class(key)
                if source_class is None:
                    continue
                try:
                    config, inputs[key] = validated_setup(self.config_class, source_class, dict(self.config_overrides))
                    break
                except NoValidatedSetup as exc:
                    error = error or exc
            for key in order if config is not None else ():
                source_class = self.source_class(key)
                if key not in inputs and source_class is not None:
                    try:
                        inputs[key] = validated_inputs(source_class, config)
                    except NoValidatedSetup as exc:
                        inputs[key] = exc
            main = next((key for key in order if isinstance(inputs.get(key), dict)), None)
            cls._searched = SearchedSetup(config, inputs, main, error)
        return cls._searched

    def on_fallback(self, refusal: Exception) -> None:
        """Called once when the source refused the family's own inputs (families warn about what goes untested)."""

    def own_config(self) -> PreTrainedConfig:
        return _with_pad_token(ModelTester.get_config(self))

    def own_inputs(self, config: PreTrainedConfig, batch: int) -> dict[str, torch.Tensor]:
        """Token ids; images for a model whose main input is pixel_values (vit_mae)."""
        if getattr(self.model_classes[ModelTester.main_head(self)], "main_input_name", None) == "pixel_values":
            return {"pixel_values": random_pixels(getattr(config, "vision_config", None) or config, batch)}
        ids = random_ids(config, batch, self.seq_length)
        if isinstance(getattr(config, "question_token_id", None), int):
            ids[:, 1] = config.question_token_id  # splinter's heads need one question token per row
        return {"input_ids": ids, "attention_mask": torch.ones_like(ids)}


class _TextTester(GenericTester):
    """Text models: `inputs_embeds` must give what `input_ids` gives; embeddings resize and tie."""

    __test__ = False
    falls_back_to_validated_setup = False

    def test_inputs_embeds_equal_input_ids(self) -> None:
        """inputs_embeds = the input embeddings of input_ids gives the outputs of input_ids; or, for a model
        whose inputs_embeds replace the whole embedding block (esm adds positions and a norm to input_ids
        only), the outputs its source model gives."""
        config = self.get_config()
        key = self.main_head()
        model, inputs = self.build(key, config), self.inputs_for(key, config)
        try:
            embedding = model.get_input_embeddings()
        except NotImplementedError as error:  # canine hashes code points: no single embedding matrix
            self.skip_if_source_fails_too(key, config, lambda m: m.get_input_embeddings(), error)
        embeds = {**inputs, "inputs_embeds": embedding(inputs["input_ids"]).detach()}
        embeds.pop("input_ids")

        def run(candidate: PreTrainedModel) -> tuple[torch.Tensor, torch.Tensor]:
            return main_tensor(self.forward(candidate, inputs)), main_tensor(self.forward(candidate, embeds))

        def check(from_ids: torch.Tensor, from_embeds: torch.Tensor) -> None:
            torch.testing.assert_close(from_ids, from_embeds, atol=1e-6, rtol=0)

        self.assert_holds_as_in_source(key, config, model, run, check)

    def test_resize_token_embeddings(self) -> None:
        config = self.get_config()
        key = self.main_head()
        try:
            self._resize_and_run(key, config, self.build(key, config))
        except Exception as error:  # noqa: BLE001 - compared with the source: esm's LM head bias does not resize
            self.skip_if_source_fails_too(key, config, lambda m: self._resize_and_run(key, config, m), error)

    def _resize_and_run(self, key: str, config: PreTrainedConfig, model: PreTrainedModel) -> None:
        """Grow the vocabulary by 8, check every embedding followed, run a forward pass with the last new id."""
        vocab = model.get_input_embeddings().weight.shape[0]
        model.resize_token_embeddings(vocab + 8)
        assert model.get_input_embeddings().weight.shape[0] == vocab + 8
        assert model.config.get_text_config(decoder=True).vocab_size == vocab + 8
        output = model.get_output_embeddings()
        if output is not None:
            assert output.weight.shape[0] == vocab + 8
        inputs = self.inputs_for(key, config)
        inputs["input_ids"] = inputs["input_ids"].clone()
        inputs["input_ids"][:, -1] = vocab + 7
        assert torch.isfinite(main_tensor(self.forward(model, inputs))).all()

    def _shares_embeddings(self, model: PreTrainedModel) -> bool | None:
        """Output and input embeddings are one tensor; None without output embeddings."""
        output = model.get_output_embeddings()
        if output is None:
            return None
        return output.weight.data_ptr() == model.get_input_embeddings().weight.data_ptr()

    def test_tied_weights_follow_the_config(self, tmp_path) -> None:
        """Output embeddings are shared with the input embeddings as tie_word_embeddings says; or, where the
        source model decides otherwise (moshi's input embedding has one row more: never tied), as it does."""
        key = self.main_head()
        source_class = self.source_class(key)
        for tie in (True, False):
            config = _tied(self.get_config(), tie)
            model = self.build(key, config)
            same = self._shares_embeddings(model)
            if same is None:
                pytest.skip(f"{key} has no output embeddings to tie")
            expected = tie
            if source_class is not None:  # set after the reload: t5's config forces True when constructed
                torch.manual_seed(0)
                source = source_class._from_config(_tied(self.source_config(config), tie))
                expected = self._shares_embeddings(source)
            assert same == expected, f"tie_word_embeddings={tie} but output embeddings shared: {same}"
            model.save_pretrained(tmp_path / str(tie))
            reloaded = type(model).from_pretrained(tmp_path / str(tie))
            inputs = self.inputs_for(key, config)
            torch.testing.assert_close(
                main_tensor(self.forward(model, inputs)), main_tensor(self.forward(reloaded.eval(), inputs))
            )


def _tied(config: PreTrainedConfig, tie: bool) -> PreTrainedConfig:
    """`config` with tie_word_embeddings set to `tie`, on its decoder text config too."""
    config.get_text_config(decoder=True).tie_word_embeddings = tie
    config.tie_word_embeddings = tie
    return config


class CausalLMTester(GenerationTests, _TextTester):
    """Decoder-only language models (llama, gpt2, mistral, ...): the common suite plus generation and cache."""

    __test__ = False

    def generation_head(self) -> str:
        return "AutoModelForCausalLM" if "AutoModelForCausalLM" in self.model_classes else self.main_head()

    def main_head(self) -> str:
        return self.generation_head() if "AutoModelForCausalLM" in self.model_classes else super().main_head()

    def generation_inputs(self, config: PreTrainedConfig) -> dict[str, torch.Tensor]:
        return self.make_inputs(config)

    def start_sequence(self, config: PreTrainedConfig, inputs: dict[str, torch.Tensor]) -> torch.Tensor:
        return inputs["input_ids"]

    def next_token_logits(self, model: PreTrainedModel, inputs: dict, sequence: torch.Tensor) -> torch.Tensor:
        return model(input_ids=sequence, attention_mask=torch.ones_like(sequence), use_cache=False).logits[:, -1]

    def test_incremental_decoding_with_cache_matches_full_forward(self) -> None:
        model, config = self.generation_model()
        name = cache_argument(model)
        ids = random_ids(config, self.batch_size, self.seq_length + 3, seed=4)
        with torch.no_grad():
            full = model(input_ids=ids, use_cache=False).logits
            prefix = model(input_ids=ids[:, :-3], use_cache=True)
            cache, steps = getattr(prefix, name, None), []
            assert cache is not None, f"use_cache=True returned no {name}"
            for position in range(ids.shape[1] - 3, ids.shape[1]):
                step = model(input_ids=ids[:, position : position + 1], **{name: cache}, use_cache=True)
                cache = getattr(step, name)
                steps.append(step.logits[:, -1])
        torch.testing.assert_close(prefix.logits, full[:, :-3], atol=1e-5, rtol=1e-4)
        torch.testing.assert_close(torch.stack(steps, 1), full[:, -3:], atol=1e-5, rtol=1e-4)

    def test_left_padding_does_not_change_outputs(self) -> None:
        model, config = self.generation_model()
        ids = random_ids(config, 1, self.seq_length, seed=5)
        pad = torch.zeros((1, 3), dtype=ids.dtype)
        padded = {"input_ids": torch.cat([pad, ids], 1), "attention_mask": torch.cat([pad, torch.ones_like(ids)], 1)}
        # Absolute-position models (gpt2) need the positions a generate() call would give the padded row.
        positions = {}
        if "position_ids" in inspect.signature(model.forward).parameters:
            positions = {"position_ids": (padded["attention_mask"].cumsum(-1) - 1).clamp(min=0)}
        with torch.no_grad():
            alone = model(input_ids=ids, attention_mask=torch.ones_like(ids)).logits[:, -1]
            with_pad = model(**padded, **positions).logits[:, -1]
        torch.testing.assert_close(with_pad, alone, atol=1e-5, rtol=1e-4)
        generated = self.generate(model, padded)[:, 3:]
        assert torch.equal(generated, self.generate(model, {"input_ids": ids, "attention_mask": torch.ones_like(ids)}))

    def test_causal_mask_future_tokens_do_not_leak(self) -> None:
        """Changing the last token leaves the earlier logits bit-equal; or, for a model whose source changes them
        by rounding too (qwen3_next's chunked linear attention: 1e-8), the clone's logits are the source's."""
        model, config = self.generation_model()
        ids = random_ids(config, 1, self.seq_length, seed=6)
        changed = ids.clone()
        changed[:, -1] = (changed[:, -1] + 1 - 3) % (config.vocab_size - 3) + 3

        def run(candidate: PreTrainedModel) -> tuple[torch.Tensor, torch.Tensor]:
            with torch.no_grad():
                return candidate(input_ids=ids).logits, candidate(input_ids=changed).logits

        def check(first: torch.Tensor, second: torch.Tensor) -> None:
            assert torch.equal(first[:, :-1], second[:, :-1]), "changing the last token changed earlier logits"

        self.assert_holds_as_in_source(self.generation_head(), config, model, run, check)

    def test_labels_are_shifted_inside_the_model(self) -> None:
        """loss(labels=input_ids) is the next-token cross-entropy computed by hand from the logits."""
        model, config = self.generation_model()
        ids = random_ids(config, self.batch_size, self.seq_length, seed=7)
        with torch.no_grad():
            output = model(input_ids=ids, labels=ids)
        vocab = output.logits.shape[-1]
        expected = torch.nn.functional.cross_entropy(
            output.logits[:, :-1].reshape(-1, vocab).float(), ids[:, 1:].reshape(-1)
        )
        torch.testing.assert_close(output.loss, expected, atol=1e-5, rtol=1e-5)


class EncoderTester(_TextTester):
    """Encoder-only text models (bert, roberta, ...): masked LM and classification heads."""

    __test__ = False
    num_choices: ClassVar[int] = 3

    def inputs_for(self, key: str, config: PreTrainedConfig) -> dict[str, torch.Tensor]:
        inputs = self.make_inputs(config)
        if key == "AutoModelForMultipleChoice":
            return {
                name: value.unsqueeze(1).expand(-1, self.num_choices, -1).contiguous()
                for name, value in inputs.items()
            }
        return inputs

    def labels_for(self, key: str, config: PreTrainedConfig, inputs: dict) -> dict | None:
        if key == "AutoModelForMultipleChoice":
            return {"labels": torch.arange(self.batch_size) % self.num_choices}
        return super().labels_for(key, config, inputs)

    def test_padding_is_masked(self) -> None:
        """Tokens under attention_mask=0 do not change the other positions' outputs; or, for a model whose source
        lets them through too (canine's strided downsampling, nystromformer's landmark means), the clone's
        outputs are the source's."""
        config = self.get_config()
        key = "AutoModel" if "AutoModel" in self.model_classes else self.main_head()
        model, inputs = self.build(key, config), self.make_inputs(config)
        inputs["attention_mask"][:, -2:] = 0
        changed = {**inputs, "input_ids": inputs["input_ids"].clone()}
        changed["input_ids"][:, -2:] = FIRST_ORDINARY_TOKEN

        def run(candidate: PreTrainedModel) -> tuple[torch.Tensor, torch.Tensor]:
            return main_tensor(self.forward(candidate, inputs)), main_tensor(self.forward(candidate, changed))

        def check(first: torch.Tensor, second: torch.Tensor) -> None:
            torch.testing.assert_close(first[:, :-2], second[:, :-2], atol=1e-5, rtol=1e-4)

        self.assert_holds_as_in_source(key, config, model, run, check)


class Seq2SeqLMTester(GenerationTests, Seq2SeqTrainerTests, EncoderDecoderTests, _TextTester):
    """Encoder-decoder language models (t5, bart, ...): generation and Seq2SeqTrainer on top of the suite."""

    __test__ = False

    def get_config(self) -> PreTrainedConfig:
        """v5 configs may not declare decoder_start_token_id; generation needs it at construction time."""
        config = super().get_config()
        if getattr(config, "decoder_start_token_id", None) is None:
            bos = getattr(config, "bos_token_id", None)
            config.decoder_start_token_id = bos if bos is not None else config.pad_token_id
        return config

    def main_head(self) -> str:
        return "AutoModelForSeq2SeqLM" if "AutoModelForSeq2SeqLM" in self.model_classes else super().main_head()

    def base_config(self) -> PreTrainedConfig:
        """Defaults, plus a decoder start id given at construction when the class declares none (t5 in v5)."""
        config = super().base_config()
        if getattr(config, "decoder_start_token_id", None) is None and getattr(config, "bos_token_id", None) is None:
            pad = getattr(config, "pad_token_id", None)
            config = self.config_class(decoder_start_token_id=pad if pad is not None else 0)
        return config

    def decoder_start(self, config: PreTrainedConfig) -> int:
        return config.decoder_start_token_id

    def make_inputs(self, config: PreTrainedConfig, batch_size: int | None = None) -> dict[str, torch.Tensor]:
        """Encoder ids ending in the eos token (classification heads pool there) and decoder ids."""
        batch = batch_size or self.batch_size
        ids = random_ids(config, batch, self.seq_length)
        if getattr(config, "eos_token_id", None) is not None:
            ids[:, -1] = config.eos_token_id
        decoder = random_ids(config, batch, self.seq_length - 2, seed=1)
        decoder[:, 0] = self.decoder_start(config)
        return {"input_ids": ids, "attention_mask": torch.ones_like(ids), "decoder_input_ids": decoder}

    def takes_decoder_inputs(self, key: str) -> bool:
        """Only the bare model and the seq2seq LM class get decoder ids; other heads derive them or have no decoder."""
        model_class = self.model_classes[key]
        full = {_class_name(self.model_classes.get(name)) for name in ("AutoModel", "AutoModelForSeq2SeqLM")}
        return (
            model_class.__name__ in full and "decoder_input_ids" in inspect.signature(model_class.forward).parameters
        )

    def is_seq2seq_lm(self, key: str) -> bool:
        """Head `key` is the seq2seq LM class (AutoModelForPreTraining / MaskedLM often map to it too)."""
        return self.model_classes[key].__name__ == _class_name(self.model_classes.get("AutoModelForSeq2SeqLM"))

    def inputs_for(self, key: str, config: PreTrainedConfig) -> dict[str, torch.Tensor]:
        inputs = self.make_inputs(config)
        if not self.takes_decoder_inputs(key):
            inputs.pop("decoder_input_ids")
        return inputs

    def labels_for(self, key: str, config: PreTrainedConfig, inputs: dict) -> dict | None:
        if self.is_seq2seq_lm(key):
            length = inputs["decoder_input_ids"].shape[1] if "decoder_input_ids" in inputs else self.seq_length - 2
            return {"labels": random_ids(config, inputs["input_ids"].shape[0], length, seed=2)}
        return super().labels_for(key, config, inputs)

    def expected_layers(self, config: PreTrainedConfig) -> dict[str, int]:
        encoder = first_int(config, ("encoder_layers", "num_layers", "num_hidden_layers"))
        decoder = first_int(config, ("decoder_layers", "num_decoder_layers", "num_layers", "num_hidden_layers"))
        return {"encoder_": encoder, "decoder_": decoder}

    def generation_inputs(self, config: PreTrainedConfig) -> dict[str, torch.Tensor]:
        ids = random_ids(config, self.batch_size, self.seq_length)
        return {"input_ids": ids, "attention_mask": torch.ones_like(ids)}

    def start_sequence(self, config: PreTrainedConfig, inputs: dict[str, torch.Tensor]) -> torch.Tensor:
        return torch.full((inputs["input_ids"].shape[0], 1), self.decoder_start(config), dtype=torch.long)

    def next_token_logits(self, model: PreTrainedModel, inputs: dict, sequence: torch.Tensor) -> torch.Tensor:
        return model(**inputs, decoder_input_ids=sequence, use_cache=False).logits[:, -1]

    def training_examples(self, config: PreTrainedConfig, count: int) -> list[dict[str, torch.Tensor]]:
        ids = random_ids(config, count, self.seq_length, seed=8)
        labels = random_ids(config, count, 4, seed=9)
        return [
            {"input_ids": ids[i], "attention_mask": torch.ones_like(ids[i]), "labels": labels[i]} for i in range(count)
        ]


class VisionEncoderTester(GenericTester):
    """Vision encoders (vit, deit, ...): image inputs, no text, no generation."""

    __test__ = False

    falls_back_to_validated_setup = False

    def vision_config(self, config: PreTrainedConfig) -> PreTrainedConfig:
        return getattr(config, "vision_config", None) or config

    def make_inputs(self, config: PreTrainedConfig, batch_size: int | None = None) -> dict[str, torch.Tensor]:
        """pixel_values; dual encoders (a text_config too, like clip) also get text ids."""
        batch = batch_size or self.batch_size
        inputs = {"pixel_values": random_pixels(self.vision_config(config), batch)}
        if isinstance(getattr(config, "text_config", None), PreTrainedConfig):
            ids = random_ids(config.text_config, batch, self.seq_length)
            inputs.update(input_ids=ids, attention_mask=torch.ones_like(ids))
        return inputs

    def inputs_for(self, key: str, config: PreTrainedConfig) -> dict[str, torch.Tensor]:
        """The inputs the head's forward names (an image classifier of a dual encoder takes no text)."""
        accepted = inspect.signature(self.model_classes[key].forward).parameters
        return {name: value for name, value in self.make_inputs(config).items() if name in accepted}

    def expected_layers(self, config: PreTrainedConfig) -> dict[str, int]:
        return {"": self.vision_config(config).num_hidden_layers}


class VisionEncoderDecoderTester(GenerationTests, Seq2SeqTrainerTests, EncoderDecoderTests, ModelTester):
    """Vision encoder-decoder models: a config built from an encoder and a decoder config (ViT + GPT2 by default)."""

    __test__ = False
    encoder_model_type: ClassVar[str] = "vit"
    decoder_model_type: ClassVar[str] = "gpt2"
    decoder_length: ClassVar[int] = 5
    reload_through_auto_model: ClassVar[bool] = True
    params_without_grad: ClassVar[tuple[str, ...]] = ("pooler",)

    def base_config(self) -> PreTrainedConfig:
        encoder = shrink_config(CONFIG_MAPPING[self.encoder_model_type](), self.tiny_sizes)
        decoder = shrink_config(CONFIG_MAPPING[self.decoder_model_type](), self.tiny_sizes)
        config = self.config_class.from_encoder_decoder_configs(encoder, decoder)
        bos = decoder.bos_token_id if decoder.bos_token_id is not None else 1
        config.decoder_start_token_id = bos
        config.pad_token_id = decoder.pad_token_id if decoder.pad_token_id is not None else 0
        config.eos_token_id = decoder.eos_token_id
        return config

    def main_head(self) -> str:
        for key in ("AutoModelForImageTextToText", "AutoModelForVision2Seq", "AutoModel"):
            if key in self.model_classes:
                return key
        return super().main_head()

    def make_inputs(self, config: PreTrainedConfig, batch_size: int | None = None) -> dict[str, torch.Tensor]:
        batch = batch_size or self.batch_size
        decoder = random_ids(config.decoder, batch, self.decoder_length, seed=1)
        decoder[:, 0] = config.decoder_start_token_id
        return {"pixel_values": random_pixels(config.encoder, batch), "decoder_input_ids": decoder}

    def labels_for(self, key: str, config: PreTrainedConfig, inputs: dict) -> dict | None:
        return {"labels": random_ids(config.decoder, inputs["pixel_values"].shape[0], self.decoder_length, seed=2)}

    def expected_layers(self, config: PreTrainedConfig) -> dict[str, int]:
        return {"encoder_": config.encoder.num_hidden_layers, "decoder_": config.decoder.num_hidden_layers}

    def generation_inputs(self, config: PreTrainedConfig) -> dict[str, torch.Tensor]:
        return {"pixel_values": random_pixels(config.encoder, self.batch_size, seed=3)}

    def start_sequence(self, config: PreTrainedConfig, inputs: dict[str, torch.Tensor]) -> torch.Tensor:
        return torch.full((inputs["pixel_values"].shape[0], 1), config.decoder_start_token_id, dtype=torch.long)

    def next_token_logits(self, model: PreTrainedModel, inputs: dict, sequence: torch.Tensor) -> torch.Tensor:
        return model(**inputs, decoder_input_ids=sequence, use_cache=False).logits[:, -1]

    def training_examples(self, config: PreTrainedConfig, count: int) -> list[dict[str, torch.Tensor]]:
        pixels = random_pixels(config.encoder, count, seed=8)
        labels = random_ids(config.decoder, count, 4, seed=9)
        return [{"pixel_values": pixels[i], "labels": labels[i]} for i in range(count)]

    def test_logits_depend_on_the_image(self) -> None:
        """The decoder reads the encoder: other pixel values give other logits (cross-attention is wired)."""
        config = self.get_config()
        model, inputs = self.build(self.main_head(), config), self.make_inputs(config)
        other = {**inputs, "pixel_values": random_pixels(config.encoder, inputs["pixel_values"].shape[0], seed=11)}
        first, second = self.forward(model, inputs).logits, self.forward(model, other).logits
        assert not torch.allclose(first, second, atol=1e-6), "the decoder's logits ignore pixel_values"

    def test_labels_alone_are_shifted_into_decoder_inputs(self) -> None:
        """forward(labels=L) equals forward(decoder_input_ids=[start] + L[:-1] with -100 -> pad), loss included."""
        config = self.get_config()
        model = self.build(self.main_head(), config)
        pixels = random_pixels(config.encoder, self.batch_size)
        labels = self.labels_for(self.main_head(), config, {"pixel_values": pixels})["labels"]
        labels[0, 1] = -100  # a padded position inside the shifted window
        shifted = torch.cat([torch.full_like(labels[:, :1], config.decoder_start_token_id), labels[:, :-1]], 1)
        shifted[shifted == -100] = config.pad_token_id
        from_labels = self.forward(model, {"pixel_values": pixels}, labels=labels)
        by_hand = self.forward(model, {"pixel_values": pixels}, decoder_input_ids=shifted, labels=labels)
        torch.testing.assert_close(from_labels.logits, by_hand.logits, atol=0, rtol=0)
        torch.testing.assert_close(from_labels.loss, by_hand.loss, atol=0, rtol=0)
        if hasattr(model, "prepare_decoder_input_ids_from_labels"):  # DataCollatorForSeq2Seq calls it
            assert torch.equal(model.prepare_decoder_input_ids_from_labels(labels=labels), shifted)

    def test_parity_with_unequal_hidden_sizes(self) -> None:
        """An encoder wider than the decoder goes through the projection between them, as in the source model."""
        config = self.get_config()
        config.encoder.hidden_size = 2 * config.decoder.hidden_size
        pairs = self._source_pairs()
        key = self.main_head() if self.main_head() in dict(pairs) else pairs[0][0]
        clone, source = self.build(key, config), self._build_source(dict(pairs)[key], config)
        source.load_state_dict(rename_keys(clone.state_dict(), self.state_dict_key_renames), strict=True)
        inputs = self.make_inputs(config)
        assert_outputs_equal(self.forward(clone, inputs), self.forward(source, inputs), what=f"{key} vs source")

    def test_generation_config_has_the_token_ids(self) -> None:
        model = self.build(self.main_head())
        config = self.get_config()
        assert model.generation_config.decoder_start_token_id == config.decoder_start_token_id
        assert model.generation_config.pad_token_id == config.pad_token_id
        assert model.main_input_name == "pixel_values"
        assert model.get_encoder() is model.encoder


class ImageTextToTextTester(GenerationTests, GenericTester):
    """Image-text-to-text models: a prompt with one image placeholder token per patch plus pixel_values (llava's
    layout). When the source model refuses that layout (grids, tiles, image sizes: qwen2-vl, internvl, ...), the
    tiny setup the source is known to run on (``searched_setup``) is used instead, with a warning when its inputs
    hold no image: the image path is then untested."""

    __test__ = False
    # Vision towers built from CLIP-like encoders: the projector reads hidden states before this norm.
    params_without_grad: ClassVar[tuple[str, ...]] = ("post_layernorm",)

    def on_fallback(self, refusal: Exception) -> None:
        searched = self.searched_setup()
        found = searched.inputs.get(searched.main, {}) if searched.main else {}
        if not any(name.startswith(("pixel", "image")) for name in found):
            warnings.warn(
                f"the source model refuses a llava-style image prompt ({type(refusal).__name__}: "
                f"{str(refusal)[:120]}); these tests run on text inputs only, so the image path is untested: "
                "override make_inputs to cover it",
                stacklevel=2,
            )

    def own_config(self) -> PreTrainedConfig:
        config = _with_pad_token(ModelTester.get_config(self))
        vision = config.vision_config
        patches = (_side(vision.image_size) // _side(vision.patch_size)) ** 2
        if hasattr(config, "image_seq_length"):
            config.image_seq_length = patches
        if isinstance(getattr(config, "vision_feature_layer", None), int):
            config.vision_feature_layer = -1  # every vision layer then feeds the loss (gradient test)
        return config

    def image_token(self, config: PreTrainedConfig) -> int:
        token = getattr(config, "image_token_id", None)
        return token if token is not None else config.image_token_index

    def own_inputs(self, config: PreTrainedConfig, batch: int) -> dict[str, torch.Tensor]:
        patches = getattr(config, "image_seq_length", 0)
        ids = random_ids(config, batch, self.seq_length)
        ids[ids == self.image_token(config)] = FIRST_ORDINARY_TOKEN
        image = torch.full((batch, patches), self.image_token(config), dtype=ids.dtype)
        ids = torch.cat([image, ids], 1)
        return {
            "input_ids": ids,
            "attention_mask": torch.ones_like(ids),
            "pixel_values": random_pixels(config.vision_config, batch),
        }

    def expected_layers(self, config: PreTrainedConfig) -> dict[str, int]:
        return {"": config.get_text_config(decoder=True).num_hidden_layers}

    def generation_inputs(self, config: PreTrainedConfig) -> dict[str, torch.Tensor]:
        return self.make_inputs(config)

    def start_sequence(self, config: PreTrainedConfig, inputs: dict[str, torch.Tensor]) -> torch.Tensor:
        return inputs["input_ids"]

    def next_token_logits(self, model: PreTrainedModel, inputs: dict, sequence: torch.Tensor) -> torch.Tensor:
        """A forward over the whole sequence; per-token inputs other than the ids and mask (token types) are
        extended with their last column, as generate extends them."""
        grown = sequence.shape[1] - inputs["input_ids"].shape[1]
        step = {**inputs, "input_ids": sequence, "attention_mask": torch.ones_like(sequence)}
        for name, value in inputs.items():
            if name not in ("input_ids", "attention_mask") and _per_token(value, inputs["input_ids"]) and grown:
                step[name] = torch.cat([value, value[:, -1:].expand(-1, grown, *value.shape[2:])], dim=1)
        return model(**step).logits[:, -1]


def _side(size: Any) -> int:
    """An image or patch side: an int, or the first of a (height, width) pair."""
    return size if isinstance(size, int) else int(size[0])


def _per_token(value: Any, ids: torch.Tensor) -> bool:
    """True for a tensor laid out like the input ids (batch, sequence, ...)."""
    return torch.is_tensor(value) and value.dim() >= 2 and tuple(value.shape[:2]) == tuple(ids.shape)


# Names a model's forward takes its cache under (mamba's is `cache`), tried in this order.
CACHE_ARGUMENTS = ("past_key_values", "cache", "cache_params")


def cache_argument(model: PreTrainedModel) -> str:
    """The forward argument (and output field) carrying the cache: the first of CACHE_ARGUMENTS forward names."""
    accepted = inspect.signature(model.forward).parameters
    return next((name for name in CACHE_ARGUMENTS if name in accepted), CACHE_ARGUMENTS[0])


def _class_name(model_class: type | None) -> str | None:
    return model_class.__name__ if model_class is not None else None
