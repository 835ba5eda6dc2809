# MyCaptioner, cloned by scaffold 0.1.0 from transformers 5.25.0 `vision-encoder-decoder`.
#
# my_captioner/modular_my_captioner.py is the file to edit: each of its classes inherits from the
# VisionEncoderDecoder counterpart; override methods or attributes there, then run
# `scaffold convert my_captioner/modular_my_captioner.py` to regenerate the standalone files.
from transformers.models.vision_encoder_decoder.configuration_vision_encoder_decoder import (
    VisionEncoderDecoderConfig,
)
from transformers.models.vision_encoder_decoder.modeling_vision_encoder_decoder import (
    VisionEncoderDecoderModel,
)


class MyCaptionerConfig(VisionEncoderDecoderConfig):
    model_type = "my-captioner"


class MyCaptionerModel(VisionEncoderDecoderModel):
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
        >>> model = MyCaptionerModel.from_encoder_decoder_pretrained(
        ...     "./tiny-vit", "./tiny-gpt2", decoder_start_token_id=1, pad_token_id=0
        ... )
        ```
        """
        # Why: `decoder_start_token_id` starts with `decoder_` but belongs to the combined config.
        combined = {key: kwargs.pop(key) for key in ("decoder_start_token_id",) if key in kwargs}
        parts = {prefix: cls._take_prefixed(kwargs, prefix) for prefix in ("encoder_", "decoder_")}
        encoder = parts["encoder_"].pop("model", None)
        if encoder is None:
            encoder = cls._load_part(
                encoder_pretrained_model_name_or_path, parts["encoder_"], model_args, as_decoder=False
            )
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


__all__ = [
    "MyCaptionerConfig",
    "MyCaptionerModel",
]
