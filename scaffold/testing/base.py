"""The family-free common suite every generated model runs; the family testers in `families` extend it."""

from __future__ import annotations

import copy
import inspect
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
import torch
import transformers
from transformers import AutoConfig, PreTrainedConfig, PreTrainedModel
from transformers.models.auto.configuration_auto import CONFIG_MAPPING

from .helpers import assert_outputs_equal, head_labels, main_tensor, rename_keys, tensor_leaves
from .tiny import TinySizes, apply_overrides, find_missing_fields, shrink_config, supply_field

# Heads the common tests prefer to exercise, when a model has them (families may prefer others first).
PREFERRED_HEADS = ("AutoModelForMaskedLM", "AutoModelForImageClassification", "AutoModelForSequenceClassification")
# The tests a config-only type runs (a sub-config no model class is built from alone).
CONFIG_ONLY_TESTS = frozenset(
    {
        "test_config_model_type",
        "test_config_json_round_trip",
        "test_config_save_load",
        "test_config_values_reach_the_config",
        "test_config_defaults_match_source",
        "test_auto_classes_after_registration",
    }
)
SENTINEL = 123.25  # a value no initialisation scheme writes: parameters still holding it were not initialised


class ModelTester:
    """Common tests for a model package, configured by class attributes (see the generated test files).

    Not collected by pytest itself; every subclass is (unless it sets `__test__ = False`, as families do).
    """

    __test__ = False

    config_class: ClassVar[type[PreTrainedConfig]]
    model_type: ClassVar[str]
    model_classes: ClassVar[dict[str, type[PreTrainedModel]]] = {}
    source_model_type: ClassVar[str | None] = None
    source_classes: ClassVar[dict[str, str]] = {}
    state_dict_key_renames: ClassVar[tuple[tuple[str, str], ...]] = ()
    config_overrides: ClassVar[dict[str, Any]] = {}
    tiny_sizes: ClassVar[TinySizes] = TinySizes()
    batch_size: ClassVar[int] = 2
    seq_length: ClassVar[int] = 7
    # Parameter-name substrings that legitimately get no gradient from the main head's loss (e.g. a pooler).
    params_without_grad: ClassVar[tuple[str, ...]] = ()
    equivalence_atol: ClassVar[float] = 1e-5

    # Source classes by head when not exported by transformers (a sub-config type's model, found below).
    source_class_objects: ClassVar[dict[str, type[PreTrainedModel]]] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__test__" not in cls.__dict__:
            cls.__test__ = True
        if cls.__test__ and not cls.model_classes and cls.source_model_type and "config_class" in cls.__dict__:
            # A sub-config type no Auto model class maps (dia_decoder): test the model class built from it.
            from .setup import model_built_from

            found = model_built_from(cls.config_class, cls.source_model_type)
            if found is not None:
                clone_class, source_class = found
                cls.model_classes = {clone_class.__name__: clone_class}
                cls.source_classes = {clone_class.__name__: source_class.__name__}
                cls.source_class_objects = {clone_class.__name__: source_class}
            else:  # a config-only type (idefics_vision): no model is built from it alone, so only its config is tested
                for name in dir(cls):
                    if name.startswith("test_") and name not in CONFIG_ONLY_TESTS:
                        setattr(cls, name, None)  # not callable: pytest does not collect it

    @pytest.fixture(autouse=True)
    def _one_thread(self) -> Iterator[None]:
        """Tiny models run fastest on one thread; several threads thrash on a loaded machine."""
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        yield
        torch.set_num_threads(threads)

    # ----------------------------------------------------------------- building blocks (overridable)
    def base_config(self) -> PreTrainedConfig:
        """The config before shrinking: the config class's defaults."""
        return self.config_class()

    def get_config(self) -> PreTrainedConfig:
        """The tiny test config: defaults, shrunk, then `config_overrides`, with the fields the model reads that
        its config classes lack supplied (dbrx's attention config has no rope_theta; checkpoints carry it)."""
        config = apply_overrides(shrink_config(self.base_config(), self.tiny_sizes), dict(self.config_overrides))
        cls = type(self)
        if "_missing_fields" not in cls.__dict__:  # found once per test class, by a build on the meta device
            heads = self.model_classes  # none for a config-only type: no model reads the config
            cls._missing_fields = find_missing_fields(config, heads[ModelTester.main_head(self)]) if heads else ()
        for class_name, field_name in cls._missing_fields:
            supply_field(config, class_name, field_name)
        return config

    def source_class(self, key: str) -> type[PreTrainedModel] | None:
        """The transformers class head ``key`` was cloned from, or None."""
        if key in self.source_class_objects:
            return self.source_class_objects[key]
        name = self.source_classes.get(key) if self.source_model_type else None
        return getattr(transformers, name, None) if name else None

    def build(self, key: str, config: PreTrainedConfig | None = None, **kwargs: Any) -> PreTrainedModel:
        """A model of head `key` in eval mode, with a fixed seed."""
        torch.manual_seed(0)
        model = self.model_classes[key]._from_config(copy.deepcopy(config or self.get_config()), **kwargs)
        return model.eval()

    def make_inputs(self, config: PreTrainedConfig, batch_size: int | None = None) -> dict[str, torch.Tensor]:
        """Model inputs; families override this."""
        raise NotImplementedError(f"{type(self).__name__} must define make_inputs")

    def inputs_for(self, key: str, config: PreTrainedConfig) -> dict[str, torch.Tensor]:
        """Inputs for head `key` (families drop what a head does not take)."""
        return self.make_inputs(config)

    def labels_for(self, key: str, config: PreTrainedConfig, inputs: dict[str, torch.Tensor]) -> dict | None:
        """Labels giving head `key` a loss, or None when the head takes none (or not under the usual names)."""
        labels = head_labels(key, config, inputs) or {}
        accepted = inspect.signature(self.model_classes[key].forward).parameters
        # Only the names the head's forward declares: llava's pre-training head takes no next_sentence_label,
        # splinter's takes question positions instead of labels (then it gets none).
        return {name: value for name, value in labels.items() if name in accepted} or None

    def head_keys(self) -> list[str]:
        """Auto class names of the heads, sorted."""
        return sorted(self.model_classes)

    def main_head(self) -> str:
        """The head most tests exercise: a usual task head if present, else the first that is not the bare model.

        Not just the first non-AutoModel key: bert's clone lists AutoModelForTextEncoding (the bare BertModel) first.
        """
        for key in PREFERRED_HEADS:
            if key in self.model_classes:
                return key
        bare = getattr(self.model_classes.get("AutoModel"), "__name__", None)
        heads = [key for key in self.model_classes if key != "AutoModel"]
        with_head = [key for key in heads if self.model_classes[key].__name__ != bare]
        return (with_head or heads or list(self.model_classes))[0]

    def expected_layers(self, config: PreTrainedConfig) -> dict[str, int]:
        """Output-name prefix ('', 'encoder_', 'decoder_') -> layer count of that stack."""
        text = config.get_text_config()
        return {"": text.num_hidden_layers}

    def forward(self, model: PreTrainedModel, inputs: dict[str, torch.Tensor], **kwargs: Any) -> Any:
        with torch.no_grad():
            return model(**inputs, **kwargs)

    # ----------------------------------------------------------------- config
    def test_config_model_type(self) -> None:
        assert self.config_class.model_type == self.model_type
        assert type(AutoConfig.for_model(self.model_type)) is self.config_class

    def test_config_json_round_trip(self, tmp_path: Path) -> None:
        config = self.get_config()
        path = tmp_path / "config.json"
        path.write_text(config.to_json_string())
        self._assert_reloads_like_source(config, self.config_class.from_json_file(str(path)))

    def test_config_save_load(self, tmp_path: Path) -> None:
        config = self.get_config()
        config.save_pretrained(tmp_path)
        self._assert_reloads_like_source(config, self.config_class.from_pretrained(tmp_path))
        assert type(AutoConfig.from_pretrained(tmp_path)) is self.config_class

    def test_config_values_reach_the_config(self) -> None:
        """Every numeric init argument given to the config class ends up on the instance (one at a time)."""
        tried, wrong = 0, {}
        source_class = CONFIG_MAPPING[self.source_model_type] if self.source_model_type else None
        for name, value in sorted(_changed_scalars(self.get_config()).items()):
            try:
                config = self.config_class(**{name: value})
            except Exception as error:  # noqa: BLE001 - strict configs raise their own validation error types
                if source_class is not None and _config_or_error(source_class, name, value)[1] is None:
                    wrong[name] = (value, f"{type(error).__name__}, the source config takes it")
                continue  # the changed value is invalid on its own (e.g. divisibility); not this test's business
            tried += 1
            got = getattr(config, name, None)
            if got != value and not (source_class is not None and _source_holds(source_class, name, value, got)):
                wrong[name] = (value, got)
        if not tried:
            pytest.skip("config has no plain numeric fields to vary")
        assert not wrong, f"config ignored these arguments (given, got): {wrong}"

    def _assert_reloads_like_source(self, config: PreTrainedConfig, reloaded: PreTrainedConfig) -> None:
        """The reloaded config equals the saved one; or, where the source config class does not round-trip
        these values either (moshi derives audio_vocab_size from the audio encoder config only when reloading),
        it reloads them exactly as the source config class does."""
        original, ours = config.to_dict(), reloaded.to_dict()
        if ours == original:
            return
        if not self.source_model_type:
            assert ours == original, f"reloaded config differs in {_differing(ours, original)}"
        theirs = _without_type_fields(self.source_config(config).to_dict())
        ours, original = _without_type_fields(ours), _without_type_fields(original)
        assert (
            theirs != original
        ), f"the source config class round-trips these values, the clone's changes {_differing(ours, original)}"
        assert ours == theirs, f"reloaded config differs from the source's reload in {_differing(ours, theirs)}"

    # ----------------------------------------------------------------- save / load
    def test_save_load_safetensors(self, tmp_path: Path) -> None:
        config = self.get_config()
        for key in self.head_keys():
            model = self.build(key, config)
            model.save_pretrained(tmp_path / key)
            assert (tmp_path / key / "model.safetensors").is_file()
            reloaded, info = type(model).from_pretrained(tmp_path / key, output_loading_info=True)
            problems = {name: sorted(value) for name, value in info.items() if value and name != "error_msgs"}
            assert not problems, f"{key}: loading its own checkpoint reported {problems}"
            inputs = self.inputs_for(key, config)
            assert_outputs_equal(self.forward(model, inputs), self.forward(reloaded.eval(), inputs), 1e-6, what=key)

    def test_auto_classes_after_registration(self, tmp_path: Path) -> None:
        config = self.get_config()
        config.save_pretrained(tmp_path / "config")
        assert type(AutoConfig.from_pretrained(tmp_path / "config")) is self.config_class
        for key in [key for key in self.head_keys() if key.startswith("Auto")]:  # a sub-config model is in none
            auto_class = getattr(transformers, key)
            assert type(auto_class.from_config(copy.deepcopy(config))) is self.model_classes[key], key
            self.build(key, config).save_pretrained(tmp_path / key)
            assert type(auto_class.from_pretrained(tmp_path / key)) is self.model_classes[key], key

    # ----------------------------------------------------------------- forward behaviour
    def test_determinism_in_eval_mode(self) -> None:
        config = self.get_config()
        for key in self.head_keys():
            model, inputs = self.build(key, config), self.inputs_for(key, config)
            assert_outputs_equal(self.forward(model, inputs), self.forward(model, inputs), what=key)

    def test_batching_equivalence(self) -> None:
        config = self.get_config()
        key = self.main_head()
        model, inputs = self.build(key, config), self.inputs_for(key, config)
        batched = main_tensor(self.forward(model, inputs))
        for row in range(batched.shape[0]):
            single = {
                name: value[row : row + 1] if torch.is_tensor(value) else value for name, value in inputs.items()
            }
            alone = main_tensor(self.forward(model, single))
            torch.testing.assert_close(batched[row : row + 1], alone, atol=self.equivalence_atol, rtol=1e-4)

    def test_attention_and_hidden_state_outputs(self) -> None:
        """Asked for attentions and hidden states, the clone returns what its source model returns, bit for bit
        (what they are differs by architecture: a state per layer or per stage, softmax rows or not). Without a
        source model: one hidden state per layer plus the embeddings, and attention rows that sum to one."""
        config = self.get_config()
        key = self.main_head()
        model = self.build(key, config, attn_implementation="eager")
        inputs, flags = self.inputs_for(key, config), {"output_attentions": True, "output_hidden_states": True}
        source = self.source_twin(key, config, model, attn_implementation="eager")
        if source is None:
            self._check_attention_structure(config, self.forward(model, inputs, **flags))
            return
        try:
            theirs = self.forward(source, inputs, **flags)
        except Exception as exc:  # noqa: BLE001 - the clone must refuse alike
            with pytest.raises(type(exc)):
                self.forward(model, inputs, **flags)
            return
        assert_outputs_equal(self.forward(model, inputs, **flags), theirs, what=f"{key} vs source, with attentions")

    def _check_attention_structure(self, config: PreTrainedConfig, output: Any) -> None:
        for prefix, layers in sorted(self.expected_layers(config).items()):
            hidden, attentions = output[f"{prefix}hidden_states"], output[f"{prefix}attentions"]
            assert len(hidden) == layers + 1, f"{prefix}hidden_states: {len(hidden)} != {layers} layers + 1"
            assert len(attentions) == layers, f"{prefix}attentions: {len(attentions)} != {layers} layers"
            seq = hidden[0].shape[1]
            for attention in attentions:
                assert attention.dim() == 4 and attention.shape[-2:] == (seq, seq), tuple(attention.shape)
                torch.testing.assert_close(attention.sum(-1), torch.ones_like(attention.sum(-1)), atol=1e-4, rtol=0)

    def test_loss_and_backward_for_every_head(self) -> None:
        config = self.get_config()
        with_loss = 0
        for key in self.head_keys():
            inputs = self.inputs_for(key, config)
            labels = self.labels_for(key, config, inputs)
            if labels is None:
                continue
            model = self.build(key, config).train()
            loss = model(**inputs, **labels).loss
            assert loss is not None and loss.dim() == 0 and torch.isfinite(loss), f"{key}: loss {loss}"
            loss.backward()
            with_loss += 1
            if key == self.main_head():
                missing = _without_grad(model) - self._without_grad_in_source(key, config, inputs, labels)
                missing = {name for name in missing if not any(part in name for part in self.params_without_grad)}
                assert not missing, f"parameters without a finite gradient: {sorted(missing)}"
        if not with_loss:
            pytest.skip("no head of this model takes labels")

    def _without_grad_in_source(self, key: str, config: PreTrainedConfig, inputs: dict, labels: dict) -> set[str]:
        """Parameters the source head leaves without gradient too (an unused pooler): clone names."""
        source_class = self.source_class(key)
        if source_class is None:
            return set()
        source = self._build_source(source_class, config).train()
        source(**inputs, **labels).loss.backward()
        inverse = tuple((clone, source_prefix) for source_prefix, clone in self.state_dict_key_renames)
        return set(rename_keys(dict.fromkeys(_without_grad(source)), inverse))

    def test_gradient_checkpointing(self) -> None:
        key = self.main_head()
        if not self.model_classes[key].supports_gradient_checkpointing:
            pytest.skip(f"{self.model_classes[key].__name__} does not support gradient checkpointing")
        config = self.get_config()
        inputs = self.inputs_for(key, config)
        labels = self.labels_for(key, config, inputs)
        if labels is None:
            pytest.skip(f"{key} takes no labels the suite can build")
        plain, checkpointed = self.build(key, config).train(), self.build(key, config).train()
        checkpointed.gradient_checkpointing_enable()
        assert checkpointed.is_gradient_checkpointing
        losses = []
        for model in (plain, checkpointed):
            loss = model(**inputs, **labels).loss
            loss.backward()
            losses.append(loss)
        torch.testing.assert_close(losses[0], losses[1])
        for (name, a), (_, b) in zip(plain.named_parameters(), checkpointed.named_parameters()):
            if a.grad is not None or b.grad is not None:
                torch.testing.assert_close(a.grad, b.grad, atol=1e-5, rtol=1e-4, msg=lambda m: f"{name}: {m}")

    def test_eager_and_sdpa_agree(self) -> None:
        key = self.main_head()
        model_class = self.model_classes[key]
        if not getattr(model_class, "_supports_sdpa", False):
            pytest.skip(f"{model_class.__name__} does not support sdpa")
        config = self.get_config()
        eager, sdpa = self.build(key, config, attn_implementation="eager"), self.build(
            key, config, attn_implementation="sdpa"
        )
        sdpa.load_state_dict(eager.state_dict())
        inputs = self.inputs_for(key, config)
        assert_outputs_equal(self.forward(eager, inputs), self.forward(sdpa, inputs), atol=self.equivalence_atol)

    # ----------------------------------------------------------------- weights
    def test_init_weights_cover_every_parameter(self) -> None:
        config = self.get_config()
        for key in self.head_keys():
            model = self.build(key, config)
            _fill_and_reinitialise(model)
            stale = sorted(_stale_parameters(model) - self._stale_in_source(key, config))
            assert not stale, f"{key}: _init_weights left these parameters untouched: {stale}"

    def _stale_in_source(self, key: str, config: PreTrainedConfig) -> set[str]:
        """Parameters the source model's own _init_weights leaves alone too (clip's logit_scale): not the clone's bug."""
        source_class = self.source_class(key)
        if source_class is None:
            return set()
        source = self._build_source(source_class, config)
        _fill_and_reinitialise(source)
        inverse = tuple((clone, source_prefix) for source_prefix, clone in self.state_dict_key_renames)
        return set(rename_keys(dict.fromkeys(_stale_parameters(source)), inverse))

    def test_init_weights_match_source(self) -> None:
        """The clone's fresh initialisation has the same statistics as the source model's."""
        pairs = self._source_pairs()
        config = self.get_config()
        for key, source_class in pairs:
            clone = self.build(key, config)
            source = self._build_source(source_class, config)
            clone_sd = rename_keys(clone.state_dict(), self.state_dict_key_renames)
            source_sd = source.state_dict()
            missing = sorted(set(source_sd) - set(clone_sd))
            assert not missing, f"{key}: source state-dict keys the clone lacks (after the key renames): {missing}"
            for name in sorted(source_sd):
                a, b = clone_sd[name].float(), source_sd[name].float()
                if a.numel() >= 64:
                    _assert_same_distribution(a, b, f"{key} {name}")

    # ----------------------------------------------------------------- parity with the source model
    def _source_pairs(self, skip: bool = True) -> list[tuple[str, type[PreTrainedModel]]]:
        """(head, transformers class) pairs; without a source model the test skips (or, skip=False, gets [])."""
        if not self.source_model_type or not self.source_classes:
            if not skip:
                return []
            pytest.skip("no source model to compare with")
        pairs = []
        for key in sorted(self.source_classes):
            source_class = self.source_class(key)
            if key in self.model_classes and source_class is not None:
                pairs.append((key, source_class))
        return pairs

    def source_config(self, config: PreTrainedConfig) -> PreTrainedConfig:
        """The source model's config with the clone's values (model_type aside)."""
        values = {name: value for name, value in config.to_dict().items() if name != "model_type"}
        return CONFIG_MAPPING[self.source_model_type].from_dict(values)

    def _build_source(self, source_class: type[PreTrainedModel], config: PreTrainedConfig, **kwargs) -> Any:
        torch.manual_seed(0)
        return source_class._from_config(self.source_config(copy.deepcopy(config)), **kwargs).eval()

    def source_twin(
        self, key: str, config: PreTrainedConfig, clone: PreTrainedModel, **kwargs: Any
    ) -> PreTrainedModel | None:
        """The source class of head `key` (built with `kwargs`) holding the clone's weights; None when the head has
        no source class."""
        source_class = self.source_class(key)
        if source_class is None:
            return None
        source = self._build_source(source_class, config, **kwargs)
        source.load_state_dict(rename_keys(clone.state_dict(), self.state_dict_key_renames), strict=True)
        return source

    def assert_holds_as_in_source(
        self,
        key: str,
        config: PreTrainedConfig,
        clone: PreTrainedModel,
        run: Callable[[PreTrainedModel], tuple[torch.Tensor, ...]],
        check: Callable[..., None],
    ) -> None:
        """`check(*run(clone))` passes; or, when it fails, it fails for the source model with the clone's weights
        as well (canine's downsampling mixes padded characters into the others) and the clone's tensors are
        the source's: the clone behaves as its source does, not worse."""
        ours = run(clone)
        try:
            check(*ours)
            return
        except AssertionError as error:
            source = self.source_twin(key, config, clone)
            if source is None:
                raise
            theirs = run(source)
            try:
                check(*theirs)
            except AssertionError:
                pass
            else:
                raise AssertionError(f"holds for {type(source).__name__}, not for the clone: {error}") from error
        for index, (a, b) in enumerate(zip(ours, theirs)):
            what = f"the check fails for the source too, but tensor {index} differs from the source's"
            torch.testing.assert_close(a, b, msg=lambda m, what=what: f"{what}: {m}")

    def skip_if_source_fails_too(
        self, key: str, config: PreTrainedConfig, check: Callable[[PreTrainedModel], Any], error: Exception
    ) -> None:
        """`check(clone)` raised `error`: skip when `check` on the source model (built alike) raises the same
        type of error (canine has no input embedding matrix to resize), else raise `error`."""
        source_class = self.source_class(key)
        if source_class is None:
            raise error
        try:
            check(self._build_source(source_class, config))
        except type(error) as source_error:
            reason = str(source_error).strip().splitlines()[0] if str(source_error).strip() else ""
            pytest.skip(f"{source_class.__name__} fails this as well: {type(source_error).__name__}: {reason}")
        raise error

    def test_parity_with_source_for_flipped_flags(self) -> None:
        """Each boolean architecture flag of the config, flipped: the clone still equals the source.

        Catches a clone that ignores a flag the tiny default config leaves off (a bias, a norm variant).
        """
        pairs = dict(self._source_pairs())
        key = self.main_head() if self.main_head() in pairs else sorted(pairs)[0] if pairs else None
        flags = _bool_flags(self.get_config())
        if key is None:
            pytest.skip("no head has a source class to compare with")
        if not flags:
            pytest.skip(f"{self.config_class.__name__} declares no boolean architecture flags to flip")
        compared = 0
        for flag in flags:
            config = self.get_config()
            setattr(config, flag, not getattr(config, flag))
            try:
                source = self._build_source(pairs[key], config)
            except Exception:  # noqa: BLE001 - the source rejects this combination too: nothing to compare
                continue
            clone = self.build(key, config)
            renamed = rename_keys(clone.state_dict(), self.state_dict_key_renames)
            missing, unexpected = source.load_state_dict(renamed, strict=False)
            assert (
                not missing and not unexpected
            ), f"{flag}={getattr(config, flag)}: missing {missing}, extra {unexpected}"
            inputs = self.inputs_for(key, config)
            try:
                theirs = self.forward(source, inputs)
            except Exception:  # noqa: BLE001 - the source's forward rejects it (esm's token_dropout without mask id)
                continue
            assert_outputs_equal(self.forward(clone, inputs), theirs, what=f"{flag} flipped")
            compared += 1
        if not compared:
            pytest.skip(f"the source model rejects every flipped flag of {flags}")

    def test_config_defaults_match_source(self) -> None:
        if not self.source_model_type:
            pytest.skip("no source model to compare with")
        ours = _without_type_fields(self.config_class().to_dict())
        theirs = _without_type_fields(CONFIG_MAPPING[self.source_model_type]().to_dict())
        differing = sorted(name for name in set(ours) | set(theirs) if ours.get(name) != theirs.get(name))
        assert not differing, f"config defaults differ from {self.source_model_type}: {differing}"

    def test_parity_with_source_model(self) -> None:
        config = self.get_config()
        for key, source_class in self._source_pairs():
            clone = self.build(key, config)
            source = self._build_source(source_class, config)
            source.load_state_dict(rename_keys(clone.state_dict(), self.state_dict_key_renames), strict=True)
            inputs = self.inputs_for(key, config)
            assert_outputs_equal(self.forward(clone, inputs), self.forward(source, inputs), what=f"{key} vs source")
            labels = self.labels_for(key, config, inputs)
            if labels is not None:
                ours, theirs = self.forward(clone, inputs, **labels).loss, self.forward(source, inputs, **labels).loss
                assert torch.equal(ours, theirs), f"{key}: loss {ours} != source loss {theirs}"


def _assert_same_distribution(ours: torch.Tensor, theirs: torch.Tensor, what: str) -> None:
    """Mean and standard deviation agree within sampling noise (5 standard errors)."""
    spread = float(theirs.std())
    noise = 5 * spread / ours.numel() ** 0.5 + 1e-6
    assert abs(float(ours.mean()) - float(theirs.mean())) <= noise, f"{what}: mean {ours.mean()} vs {theirs.mean()}"
    assert abs(float(ours.std()) - spread) <= 0.25 * spread + 1e-6, f"{what}: std {ours.std()} vs {spread}"


def _changed_scalars(config: PreTrainedConfig) -> dict[str, Any]:
    """Plain int/float init fields of the config with another value: floats in (0, 1) halved, ints doubled."""
    fields = getattr(type(config), "__dataclass_fields__", {})
    changed: dict[str, Any] = {}
    for name in sorted(fields):
        value = getattr(config, name, None)
        if isinstance(value, bool) or name.endswith("token_id"):
            continue
        if isinstance(value, float) and 0.0 < value < 1.0:
            changed[name] = value / 2
        elif isinstance(value, int) and value > 0:
            changed[name] = value * 2
    return changed


# Boolean config fields that change the run, not the architecture.
NON_ARCHITECTURE_FLAGS = ("use_cache", "is_decoder", "add_cross_attention", "is_encoder_decoder")


def _config_or_error(config_class: type[PreTrainedConfig], name: str, value: Any) -> tuple[Any, Exception | None]:
    """config_class(name=value), or the error it raises."""
    try:
        return config_class(**{name: value}), None
    except Exception as error:  # noqa: BLE001 - strict configs raise their own validation error types
        return None, error


def _source_holds(source_class: type[PreTrainedConfig], name: str, value: Any, got: Any) -> bool:
    """The source config class given name=value also ends up with `got` (deepseek_v2 derives head_dim)."""
    config, _ = _config_or_error(source_class, name, value)
    return config is not None and getattr(config, name, None) == got


def _differing(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    return sorted(name for name in set(first) | set(second) if first.get(name) != second.get(name))


def _bool_flags(config: PreTrainedConfig) -> list[str]:
    """Boolean init fields the config class declares itself (not PreTrainedConfig's), run flags aside."""
    inherited = set(getattr(PreTrainedConfig, "__dataclass_fields__", {}))
    fields = getattr(type(config), "__dataclass_fields__", {})
    return sorted(
        name
        for name in fields
        if name not in inherited
        and name not in NON_ARCHITECTURE_FLAGS
        and isinstance(getattr(config, name, None), bool)
    )


def _fill_and_reinitialise(model: PreTrainedModel) -> None:
    """Overwrite every parameter with SENTINEL, then run the model's weight initialisation again."""
    with torch.no_grad():
        for tensor in model.parameters():
            tensor.fill_(SENTINEL)
    _forget_initialisation(model)
    model.init_weights()


def _without_grad(model: PreTrainedModel) -> set[str]:
    """Names of trainable parameters with no (or a non-finite) gradient after backward."""
    return {
        name
        for name, param in model.named_parameters()
        if param.requires_grad and (param.grad is None or not torch.isfinite(param.grad).all())
    }


def _stale_parameters(model: PreTrainedModel) -> set[str]:
    """Names of the parameters still all SENTINEL."""
    return {name for name, param in model.named_parameters() if bool((param == SENTINEL).all())}


def _without_type_fields(values: dict[str, Any]) -> dict[str, Any]:
    """A config dict without model_type / transformers_version, also inside sub-config dicts."""
    return {
        name: _without_type_fields(value) if isinstance(value, dict) else value
        for name, value in values.items()
        if name not in ("model_type", "transformers_version")
    }


def _forget_initialisation(model: PreTrainedModel) -> None:
    """Drop the flags transformers uses to skip already initialised modules and tensors."""
    for module in model.modules():
        module.__dict__.pop("_is_hf_initialized", None)
        for tensor in list(module.parameters(recurse=False)) + list(module.buffers(recurse=False)):
            if hasattr(tensor, "_is_hf_initialized"):
                del tensor._is_hf_initialized


__all__ = ["ModelTester", "tensor_leaves"]
