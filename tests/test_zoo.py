"""The zoo child's input builders: candidate layouts, required arguments, honest 'no builder' verdicts."""

import types

import pytest
import torch
from transformers import PretrainedConfig

from scaffold.zoo_child import _working_inputs


class _FramesLast(torch.nn.Module):
    """Accepts input_features only as (batch, frames, 80): the second candidate layout."""

    main_input_name = "input_features"

    def forward(self, input_features, attention_mask=None):
        assert input_features.shape[-1] == 80, input_features.shape
        return (input_features.sum(-1),)


class _NeedsState(torch.nn.Module):
    main_input_name = "input_ids"

    def forward(self, input_ids, state):
        return (input_ids,)


def test_the_first_layout_the_model_accepts_is_used():
    inputs = _working_inputs(_FramesLast(), PretrainedConfig(num_mel_bins=80))
    assert inputs["input_features"].shape == (2, 64, 80)


class _StateOnly(torch.nn.Module):
    main_input_name = "state"

    def forward(self, state):
        return (state,)


class _PixelsWithInheritedMainInput(torch.nn.Module):
    main_input_name = "input_ids"  # inherited default; forward takes pixels

    def forward(self, pixel_values):
        return (pixel_values,)


def test_unknown_main_input_is_an_honest_verdict():
    with pytest.raises(NotImplementedError, match="main_input_name='state'"):
        _working_inputs(_StateOnly(), PretrainedConfig())


def test_main_input_is_read_from_forward_when_the_declared_one_is_not_a_parameter():
    inputs = _working_inputs(_PixelsWithInheritedMainInput(), PretrainedConfig(image_size=16, num_channels=3))
    assert set(inputs) == {"pixel_values"} and inputs["pixel_values"].shape == (2, 3, 16, 16)


def test_unknown_required_argument_is_an_honest_verdict():
    with pytest.raises(NotImplementedError, match="required argument 'state'"):
        _working_inputs(_NeedsState(), PretrainedConfig(vocab_size=20))


def test_embeds_arguments_are_built_from_the_hidden_size():
    class Qformer(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, input_ids, query_embeds):
            return (query_embeds,)

    inputs = _working_inputs(Qformer(), PretrainedConfig(vocab_size=20, hidden_size=12))
    assert inputs["query_embeds"].shape == (2, 7, 12)


def test_a_crashing_child_costs_only_its_project(monkeypatch):
    """The projects after the one that killed the child are checked again in a fresh child."""
    from scaffold import zoo

    calls = []

    def fake_child(batch):
        calls.append([name for _, name in batch])
        found = {}
        for _, name in batch:
            if name == "b":  # "b" kills its process before printing a verdict
                return found, "Segmentation fault"
            found[name] = ("parity", "")
        return found, ""

    monkeypatch.setattr(zoo, "_run_child", fake_child)
    verdicts = zoo.check_batch([("p", "a"), ("p", "b"), ("p", "c"), ("p", "d")])
    assert verdicts == {
        "a": ("parity", ""),
        "b": ("generated", "child crashed: Segmentation fault"),
        "c": ("parity", ""),
        "d": ("parity", ""),
    }
    assert calls == [["a", "b", "c", "d"], ["c", "d"]]


def test_layout_models_get_word_boxes_as_floats_then_ints():
    """udop raised 'Bbox is required'; its boxes are floats in [0, 1] (layoutlm's are ints)."""

    class NeedsFloatBoxes(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, input_ids, bbox=None):
            assert bbox is not None and bbox.is_floating_point() and bbox.max() <= 1, "needs float boxes"
            assert bool((bbox[..., 0] <= bbox[..., 2]).all() and (bbox[..., 1] <= bbox[..., 3]).all())
            return (bbox,)

    inputs = _working_inputs(NeedsFloatBoxes(), PretrainedConfig(vocab_size=20))
    assert inputs["bbox"].shape == (2, 7, 4)


def test_embeddings_are_tried_when_ids_are_refused():
    """qwen3_omni's talker code predictor: '`input_ids` is expected to be `None`'."""

    class EmbedsOnly(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, input_ids=None, inputs_embeds=None):
            if input_ids is not None:
                raise ValueError("`input_ids` is expected to be `None`")
            return (inputs_embeds,)

    inputs = _working_inputs(EmbedsOnly(), PretrainedConfig(vocab_size=20, hidden_size=12))
    assert set(inputs) == {"inputs_embeds"} and inputs["inputs_embeds"].shape == (2, 7, 12)


def test_patch_vision_towers_get_patches_and_grid():
    """qwen2_5_vl / qwen3_vl vision towers: forward(hidden_states, grid_thw)."""

    class Tower(torch.nn.Module):
        main_input_name = "pixel_values"  # declared, yet not a parameter of forward

        def forward(self, hidden_states, grid_thw):
            assert hidden_states.shape[0] == int(grid_thw.prod(-1).sum())
            return (hidden_states,)

    config = PretrainedConfig(in_channels=3, temporal_patch_size=2, patch_size=4, spatial_merge_size=2)
    inputs = _working_inputs(Tower(), config)
    assert inputs["hidden_states"].shape == (2 * 16, 3 * 2 * 16) and inputs["grid_thw"].tolist() == [[1, 4, 4]] * 2


def test_sub_config_class_prefixes_are_read_from_the_config_names():
    from scaffold.zoo_child import _prefixes

    assert _prefixes("ZooDiaDecoderDecoderConfig", "DiaDecoderConfig") == ("ZooDiaDecoder", "Dia")
    assert _prefixes("MyQwenAudioEncoderConfig", "Qwen2_5OmniAudioEncoderConfig") == ("MyQwen", "Qwen2_5Omni")


def test_cause_summary_groups_failures_and_keeps_labelled_verdicts_apart():
    from scaffold.zoo import ZooResult, _totals, cause_key, cause_summary

    results = [
        ZooResult("a", "parity", "", 1.0),
        ZooResult("b", "registers", "NoTinySetup: ValueError: bad (x.py:1) (zoo_child.py:9)", 1.0),
        ZooResult("c", "registers", "NoTinySetup: ValueError: worse (y.py:2) (zoo_child.py:9)", 1.0),
        ZooResult("d", "generated", "ModuleNotFoundError: No module named 'z' (m.py:3)", 1.0),
        ZooResult("e", "", "generate: No model type 'e'.", 1.0),
        ZooResult("f", "registers", "ConfigOnly: no model class", 1.0, "config-only"),
        ZooResult("g", "instantiates", "child crashed: Segmentation fault", 1.0),
    ]
    assert cause_key(results[1]) == "instantiates: NoTinySetup/ValueError"
    assert cause_key(results[3]) == "imports: ModuleNotFoundError"
    assert cause_key(results[4]) == "generated: ScaffoldError"
    assert cause_key(results[6]) == "parity: child crashed"
    lines = cause_summary(results)
    assert lines[0] == "failures by cause (5 types):"
    assert lines[1] == "    2  instantiates: NoTinySetup/ValueError: b c"
    assert lines[-1] == "    1  config-only: f"
    assert _totals(results).startswith("generated: 6/7 (86%)  imports: 5/7 (71%)")


def test_codebook_rows_spectrogram_values_and_larger_unsized_images_are_candidates():
    """musicgen decoders take (batch * num_codebooks, length) ids; the audio spectrogram transformer takes
    input_values as (batch, max_length, num_mel_bins); pp_ocrv6's CNN reduces a 32-pixel image to nothing."""

    class CodebookRows(torch.nn.Module):
        main_input_name = "input_ids"

        def forward(self, input_ids):
            assert input_ids.shape[0] == 2 * 4, input_ids.shape
            return (input_ids,)

    class Spectrogram(torch.nn.Module):
        main_input_name = "input_values"

        def forward(self, input_values):
            assert input_values.shape[1:] == (12, 5), input_values.shape
            return (input_values,)

    class DeepCnn(torch.nn.Module):
        main_input_name = "pixel_values"

        def forward(self, pixel_values):
            assert pixel_values.shape[-1] >= 64, pixel_values.shape
            return (pixel_values,)

    assert _working_inputs(CodebookRows(), PretrainedConfig(vocab_size=20, num_codebooks=4))["input_ids"].shape == (
        8,
        7,
    )
    spectrogram_config = types.SimpleNamespace(max_length=12, num_mel_bins=5)  # max_length: a generation key
    assert _working_inputs(Spectrogram(), spectrogram_config)["input_values"].shape == (2, 12, 5)
    assert _working_inputs(DeepCnn(), PretrainedConfig())["pixel_values"].shape == (2, 3, 128, 128)


def test_parameter_count_on_meta_and_unknown_when_the_model_refuses_meta():
    """The fallback configs are built only under the parameter budget, counted without allocating."""
    from transformers import LlamaConfig, LlamaModel

    from scaffold.zoo_child import PARAMETER_BUDGET, _parameters

    assert _parameters(LlamaModel, LlamaConfig()) > PARAMETER_BUDGET  # 7B default: never built for real
    tiny = LlamaConfig(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2, vocab_size=10)
    assert _parameters(LlamaModel, tiny) == sum(p.numel() for p in LlamaModel(tiny).parameters())

    class RefusesMeta(torch.nn.Module):
        config_class = LlamaConfig

        def __init__(self, config):
            super().__init__()
            torch.zeros(1).item()  # data access: impossible on the meta device

    assert _parameters(RefusesMeta, tiny) is None


def test_a_less_shrunk_candidate_of_unknown_size_is_never_built_for_real(monkeypatch):
    """emu3's default config cannot be built on the meta device; building it for real took 20 GB and the
    kernel killed the zoo's child. Only the shrunk ("tiny...") candidates are built when the size is unknown."""
    from scaffold import zoo_child

    built = []
    candidates = [("tiny", "small"), ("default", "huge")]
    monkeypatch.setattr(zoo_child, "_candidates", lambda config_class, overrides=None: candidates)
    monkeypatch.setattr(zoo_child, "_parameters", lambda source_class, config: None)

    def refuse(source_class, config):
        built.append(config)
        raise RuntimeError("does not run")

    monkeypatch.setattr(zoo_child, "_source_twin", refuse)
    with pytest.raises(zoo_child.NoTinySetup):
        zoo_child._tiny_setup(object, object)
    assert built == ["small"]


def test_a_default_config_transformers_itself_cannot_build_is_labelled_not_counted(monkeypatch, tmp_path):
    """nougat's default config asks for 'donut_swin' (the table says 'donut-swin'): the clone's failure is the
    source's, labelled "broken in transformers"; a clone failing where its source works stays our failure."""
    from scaffold import zoo, zoo_child

    monkeypatch.setattr(zoo_child, "_read_source_type", lambda project, name: "nougat")
    with pytest.raises(zoo_child.BrokenInTransformers) as broken:
        zoo_child._clone_config(tmp_path, "nougat")
    assert zoo_child._label(broken.value) == "broken in transformers" and zoo._is_label("broken in transformers")
    monkeypatch.setattr(zoo_child, "_read_source_type", lambda project, name: "llama")
    with pytest.raises(ValueError) as ours:
        zoo_child._clone_config(tmp_path, "no-such-clone")
    assert not isinstance(ours.value, zoo_child.BrokenInTransformers) and zoo_child._label(ours.value) == ""


def test_a_source_model_failing_whatever_the_config_is_labelled_with_the_evidence(monkeypatch):
    """A model that reads a field its config class lacks, one the zoo has no value for; a model that fails
    on its own default config with the same crash (gemma4_assistant's validator): transformers' faults, not gaps
    of our tiny setup. A failure the default config does not share stays NoTinySetup."""
    from transformers import PretrainedConfig

    from scaffold import zoo_child

    class LacksField(torch.nn.Module):
        config_class = PretrainedConfig

        def __init__(self, config):
            super().__init__()
            config.adapter_window  # noqa: B018 - a field no config defines and the zoo knows no value for

    class DefaultFails(torch.nn.Module):
        config_class = PretrainedConfig

        def __init__(self, config):
            super().__init__()
            raise TypeError("unsupported operand type(s) for //: 'int' and 'str'")

    class TinyFails(torch.nn.Module):
        config_class = PretrainedConfig

        def __init__(self, config):
            super().__init__()
            if getattr(config, "tiny", False):
                raise TypeError("only the tiny config fails")

    monkeypatch.setattr(zoo_child, "_candidates", lambda config_class, overrides=None: [("tiny", PretrainedConfig(tiny=True))])
    monkeypatch.setattr(zoo_child, "_parameters", lambda source_class, config: 1)
    for source, evidence in ((LacksField, "adapter_window"), (DefaultFails, "own default config")):
        with pytest.raises(zoo_child.BrokenInTransformers, match=evidence) as broken:
            zoo_child._tiny_setup(PretrainedConfig, source)
        assert zoo_child._label(broken.value) == "broken in transformers"
    with pytest.raises(zoo_child.NoTinySetup):
        zoo_child._tiny_setup(PretrainedConfig, TinyFails)


@pytest.mark.parametrize(
    "error, label",
    [
        (ImportError("DetrModel requires the timm library but it was not found in your environment."), "needs timm"),
        (ValueError("The `prediction_length` config needs to be specified."), ""),
        (TypeError("unsupported operand type(s) for //: 'NoneType' and 'NoneType'"), ""),
        (AttributeError("'NoneType' object has no attribute 'get'"), ""),
    ],
)
def test_a_default_config_failing_alike_is_no_evidence_for_missing_libraries_or_asked_values(
    monkeypatch, error, label
):
    """detr without timm, time_series_transformer without prediction_length fail on their default configs too:
    neither is transformers' fault (one needs a library, the other a value our tiny config must give). Nor is an
    operation on None: qwen4_exp_text divides its unset QSA budget, chameleon reads its unset vocabulary map -
    fields a checkpoint's config fills, so the tiny config must fill them too."""
    from transformers import PretrainedConfig

    from scaffold import zoo_child

    class Fails(torch.nn.Module):
        config_class = PretrainedConfig

        def __init__(self, config):
            super().__init__()
            raise error

    monkeypatch.setattr(zoo_child, "_candidates", lambda config_class, overrides=None: [("tiny", PretrainedConfig(tiny=True))])
    monkeypatch.setattr(zoo_child, "_parameters", lambda source_class, config: 1)
    with pytest.raises(zoo_child.NoTinySetup) as gap:
        zoo_child._tiny_setup(PretrainedConfig, Fails)
    assert zoo_child._label(gap.value) == label


def test_a_field_the_source_config_class_lacks_is_supplied_at_the_same_path_of_the_clone_config():
    """dbrx's model reads attn_config.rope_theta, which DbrxAttentionConfig (5.25) does not define: checkpoints
    carry it, so the zoo supplies it - on the clone's config, found where the source's config has the class."""
    from transformers import DbrxConfig, DbrxModel

    from scaffold import zoo_child
    from scaffold.testing.tiny import shrink_config

    class MyDbrxConfig(DbrxConfig):  # a clone's config: other class names, same structure
        pass

    config = shrink_config(MyDbrxConfig())
    error = AttributeError("'DbrxAttentionConfig' object has no attribute 'rope_theta'")
    supplied = zoo_child._with_missing_field(DbrxModel, config, error)
    assert supplied.attn_config.rope_theta == zoo_child.MISSING_FIELD_VALUES["rope_theta"]
    assert "rope_theta" not in vars(config.attn_config)  # the candidate itself is left alone
    with torch.device("meta"):
        DbrxModel(zoo_child._source_config(DbrxModel, supplied))
    unknown = AttributeError("'DbrxAttentionConfig' object has no attribute 'adapter_window'")
    assert zoo_child._with_missing_field(DbrxModel, config, unknown) is None


def test_a_model_with_heads_of_width_64_builds_from_the_width_64_candidate():
    """granite4_vision's Q-Former has vision width // 64 heads: no head at the tiny width 32, so only the width-64
    candidate (with the Q-Former's window rate filled) builds; the narrower ones fail on a zero head count."""
    from transformers import Granite4VisionConfig, Granite4VisionModel

    from scaffold import zoo_child

    built = []
    for label, config in zoo_child._candidates(Granite4VisionConfig):
        if isinstance(config, Exception) or not label.startswith("tiny"):
            continue
        try:
            with torch.device("meta"):
                Granite4VisionModel(zoo_child._source_config(Granite4VisionModel, config))
        except ZeroDivisionError:
            continue
        built.append(label)
    assert built[0] == "tiny, 64 wide, 32-wide heads"


def test_own_tests_name_the_failed_tests_and_add_up_over_projects(monkeypatch, tmp_path):
    from scaffold import testrun, zoo

    output = (
        "FAILED tests/test_modeling_zoo_x.py::ZooXModelTest::test_save_load - AssertionError: x\n"
        "ERROR tests/test_modeling_zoo_x.py::test_trainer_step - RuntimeError: y\n"
        "FAILED tests/test_modeling_zoo_x.py::ZooXModelTest::test_save_load[1] - AssertionError: x\n"
        "2 failed, 14 passed, 1 error in 3.2s\n"
    )
    summary = "2 failed, 14 passed, 1 error in 3.2s"
    report = testrun.TestRunReport(1, testrun.outcome_counts(summary), summary, output)
    monkeypatch.setattr(testrun, "run_project_tests", lambda project, extra_args=(): report)
    line = zoo.own_tests_of(str(tmp_path))
    assert line == "2 failed, 14 passed, 1 error in 3.2s [test_save_load, test_trainer_step]"
    results = [
        zoo.ZooResult("x", "registers", "", 1.0, own_tests=line),
        zoo.ZooResult("y", "registers", "", 1.0, own_tests="17 passed in 9.0s"),
        zoo.ZooResult("z", "registers", "", 1.0, own_tests="16 passed, 1 skipped in 9.0s"),
        zoo.ZooResult("w", "", "generate: boom", 1.0),
    ]
    assert (
        zoo.own_tests_totals(results)
        == "own tests: no failure or error in 2/3 projects; 47 passed, 2 failed, 1 error, 1 skipped"
    )
