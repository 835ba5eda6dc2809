"""Per-source adjustments a plain clone needs to be right, kept as data with the reason for each.

A profile adds class bodies to the modular file (so the fix is visible where the user edits, and the
converter merges it like any user override) and Auto registrations transformers lacks for the source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Profile:
    """What the clone of one source model type adds: class bodies for the modular file and Auto registrations."""

    # source class -> body; `__CLASS__` in a body stands for the clone's class name (in docstring examples)
    overrides: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    extra_auto_classes: tuple[tuple[str, str], ...] = ()  # (Auto class, source class) to register as well


_VED_MODEL_BODY = '''\
    # Trainer scales the logged loss by the gradient-accumulation steps only for models that do not take
    # `num_items_in_batch`; forward() accepts **kwargs but computes a mean loss, so it must say it does not
    # (without this, Seq2SeqTrainer logs a doubled loss at gradient_accumulation_steps=2).
    accepts_loss_kwargs = False

    @classmethod
    def from_encoder_decoder_pretrained(
        cls,
        encoder_pretrained_model_name_or_path: str | None = None,
        decoder_pretrained_model_name_or_path: str | None = None,
        *model_args,
        **kwargs,
    ):
        r"""
        Build the model from a saved vision encoder and a saved causal-LM decoder (local folders or Hub ids).

        The decoder is loaded with cross-attention on whatever fields its config class declares (GPT2 has no
        `is_decoder`, TrOCR no `add_cross_attention`), the encoder with it off. Any encoder/decoder pair works:
        the classes come from the saved configs through `AutoModel` / `AutoModelForCausalLM`.

        Args:
            encoder_pretrained_model_name_or_path (`str`, *optional*):
                Folder (or Hub id) of the vision encoder, saved with `save_pretrained`.
            decoder_pretrained_model_name_or_path (`str`, *optional*):
                Folder (or Hub id) of the text decoder, saved with `save_pretrained`.
            model_args:
                Passed on to the encoder's `from_pretrained`.
            kwargs:
                Those starting with `encoder_` / `decoder_` go to that part without the prefix (`encoder_model=`
                and `decoder_model=` pass modules already built). The others, `decoder_start_token_id` included,
                go to the combined config at construction, so token ids reach `generation_config`.

        Example:

        ```python
        >>> model = __CLASS__.from_encoder_decoder_pretrained(
        ...     "./tiny-vit", "./tiny-gpt2", decoder_start_token_id=1, pad_token_id=0
        ... )
        ```
        """
        # Why: `decoder_start_token_id` starts with `decoder_` but belongs to the combined config.
        combined = {key: kwargs.pop(key) for key in ("decoder_start_token_id",) if key in kwargs}
        parts = {prefix: cls._take_prefixed(kwargs, prefix) for prefix in ("encoder_", "decoder_")}
        encoder = parts["encoder_"].pop("model", None)
        if encoder is None:
            encoder = cls._load_part(encoder_pretrained_model_name_or_path, parts["encoder_"], model_args, as_decoder=False)
        decoder = parts["decoder_"].pop("model", None)
        if decoder is None:
            decoder = cls._load_part(decoder_pretrained_model_name_or_path, parts["decoder_"], (), as_decoder=True)
        config = cls.config_class.from_encoder_decoder_configs(encoder.config, decoder.config, **combined, **kwargs)
        config.tie_word_embeddings = False
        return cls(encoder=encoder, decoder=decoder, config=config)

    @staticmethod
    def _take_prefixed(kwargs: dict, prefix: str) -> dict:
        """Remove the keyword arguments that start with `prefix` from `kwargs`; return them without it."""
        keys = [key for key in kwargs if key.startswith(prefix)]
        return {key[len(prefix) :]: kwargs.pop(key) for key in keys}

    @staticmethod
    def _load_part(path: str | None, kwargs: dict, model_args: tuple, *, as_decoder: bool):
        """Load the encoder (`AutoModel`) or the decoder (`AutoModelForCausalLM`) with cross-attention set."""
        # Imported here: the modular file imports only the classes it subclasses.
        from transformers import AutoConfig, AutoModel, AutoModelForCausalLM

        part = "decoder" if as_decoder else "encoder"
        if path is None:
            raise ValueError(f"Pass a {part} path or `{part}_model=`.")
        config = kwargs.pop("config", None)
        if config is None:
            config, kwargs = AutoConfig.from_pretrained(path, **kwargs, return_unused_kwargs=True)
        config.is_decoder = as_decoder
        config.add_cross_attention = as_decoder
        auto_class = AutoModelForCausalLM if as_decoder else AutoModel
        return auto_class.from_pretrained(path, *model_args, config=config, **kwargs)
'''

_MEAN_LOSS_BODY = """\
    # forward() takes **kwargs but returns a mean loss and ignores `num_items_in_batch`; saying so makes Trainer
    # divide the logged loss by the gradient-accumulation steps (without it the logged loss doubles at
    # gradient_accumulation_steps=2).
    accepts_loss_kwargs = False
"""

# Why: seq2seq LM heads whose forward(**kwargs) ignores `num_items_in_batch` and returns a mean loss; measured on
# transformers 5.23 (tiny stock model, Seq2SeqTrainer, 2 steps, lr 0), each logs GA=2 losses twice its GA=1 losses.
# Not measured (tiny configs did not train): fsmt, prophetnet; speech/audio seq2seq heads were not surveyed.
# Setting the attribute stays right if transformers fixes the model: Trainer then falls back to dividing by GA.
MEAN_LOSS_SEQ2SEQ_HEADS: Mapping[str, str] = MappingProxyType(
    {
        "bart": "BartForConditionalGeneration",
        "bigbird_pegasus": "BigBirdPegasusForConditionalGeneration",
        "blenderbot": "BlenderbotForConditionalGeneration",
        "blenderbot-small": "BlenderbotSmallForConditionalGeneration",
        "encoder-decoder": "EncoderDecoderModel",
        "led": "LEDForConditionalGeneration",
        "longt5": "LongT5ForConditionalGeneration",
        "m2m_100": "M2M100ForConditionalGeneration",
        "marian": "MarianMTModel",
        "mbart": "MBartForConditionalGeneration",
        "mt5": "MT5ForConditionalGeneration",
        "mvp": "MvpForConditionalGeneration",
        "nllb-moe": "NllbMoeForConditionalGeneration",
        "pegasus": "PegasusForConditionalGeneration",
        "pegasus_x": "PegasusXForConditionalGeneration",
        "plbart": "PLBartForConditionalGeneration",
        "switch_transformers": "SwitchTransformersForConditionalGeneration",
        "t5": "T5ForConditionalGeneration",
        "umt5": "UMT5ForConditionalGeneration",
    }
)

PROFILES: Mapping[str, Profile] = MappingProxyType(
    {
        **{
            model_type: Profile(overrides=MappingProxyType({head: _MEAN_LOSS_BODY}))
            for model_type, head in sorted(MEAN_LOSS_SEQ2SEQ_HEADS.items())
        },
        # Why: the SmallCap question (shared/context/000): a captioner must train with Seq2SeqTrainer and reload
        # with AutoModel, which transformers does not map for vision-encoder-decoder.
        "vision-encoder-decoder": Profile(
            overrides=MappingProxyType({"VisionEncoderDecoderModel": _VED_MODEL_BODY}),
            extra_auto_classes=(("AutoModel", "VisionEncoderDecoderModel"),),
        ),
    }
)

_DEFAULT = Profile()

# Why: transformers treats every class defined outside its package as custom code, and for custom code it never
# passes modules without parameters of their own (attention blocks, MLPs, heads) to `_init_weights`: a t5 clone
# initialised 38 of its 50 tensors differently from t5 at the same seed. Every clone's PreTrainedModel base
# therefore takes the library's path (its `_init_weights` is a copy that writes through transformers.initialization).
_LIBRARY_INIT_BODY = """\
    def _initialize_weights(self, module, is_custom_code: bool = False):
        # transformers treats classes defined outside its package as custom code and then never passes modules
        # without parameters of their own (attention blocks, MLPs, heads) to _init_weights, so their weights
        # would keep torch's defaults. This _init_weights writes through transformers.initialization, like the
        # library's own models, so it can take the library's path. Keep it that way if you edit _init_weights.
        super()._initialize_weights(module, is_custom_code=False)
"""


def profile_for(model_type: str) -> Profile:
    """The adjustments for cloning `model_type` (an empty profile when it needs none)."""
    return PROFILES.get(model_type, _DEFAULT)


def class_body(model_type: str, source_class: str, new_class: str) -> str | None:
    """The body the clone of ``source_class`` gets in the modular file, or None for a plain ``pass``.

    The profile's override (``__CLASS__`` standing for ``new_class``) and, for a ``*PreTrainedModel`` base,
    the library initialisation path.
    """
    parts = []
    override = profile_for(model_type).overrides.get(source_class)
    if override is not None:
        parts.append(override.replace("__CLASS__", new_class))
    if source_class.endswith("PreTrainedModel"):
        parts.append(_LIBRARY_INIT_BODY)
    return "\n".join(parts) if parts else None
