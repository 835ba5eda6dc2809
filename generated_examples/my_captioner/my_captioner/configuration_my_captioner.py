# This file was generated from my_captioner/modular_my_captioner.py by `scaffold convert`.
# Do not edit it by hand: edit the modular file and convert it again.
# MyCaptioner, cloned by scaffold 0.1.0 from transformers 5.25.0 `vision-encoder-decoder`.
#
# my_captioner/modular_my_captioner.py is the file to edit: each of its classes inherits from the
# VisionEncoderDecoder counterpart; override methods or attributes there, then run
# `scaffold convert my_captioner/modular_my_captioner.py` to regenerate the standalone files.
from huggingface_hub.dataclasses import strict

from transformers.configuration_utils import PreTrainedConfig, SubConfigSpec
from transformers.models.auto.configuration_auto import AutoConfig
from transformers.utils import auto_docstring, logging

logger = logging.get_logger(__name__)


@auto_docstring
@strict
class MyCaptionerConfig(PreTrainedConfig):
    r"""
    Examples:

    ```python
    >>> from transformers import BertConfig, ViTConfig, MyCaptionerConfig, MyCaptionerModel

    >>> # Initializing a ViT & BERT style configuration
    >>> config_encoder = ViTConfig()
    >>> config_decoder = BertConfig()

    >>> config = MyCaptionerConfig(encoder=config_encoder, decoder=config_decoder)

    >>> # Initializing a ViTBert model (with random weights) from a ViT & google-bert/bert-base-uncased style configurations
    >>> model = MyCaptionerModel(config=config)

    >>> # Accessing the model configuration
    >>> config_encoder = model.config.encoder
    >>> config_decoder = model.config.decoder
    >>> # set decoder config to causal lm
    >>> config_decoder.is_decoder = True
    >>> config_decoder.add_cross_attention = True

    >>> # Saving the model, including its configuration
    >>> model.save_pretrained("my-model")

    >>> # loading model and config from pretrained folder
    >>> encoder_decoder_config = MyCaptionerConfig.from_pretrained("my-model")
    >>> model = MyCaptionerModel.from_pretrained("my-model", config=encoder_decoder_config)
    ```"""

    model_type = "my-captioner"
    sub_configs_defaults = {
        "decoder": SubConfigSpec(
            config_class=AutoConfig, model_type="bert", init_kwargs={"is_decoder": True, "add_cross_attention": True}
        ),
        "encoder": SubConfigSpec(config_class=AutoConfig, model_type="vit"),
    }

    encoder: PreTrainedConfig | dict | None = None
    decoder: PreTrainedConfig | dict | None = None
    is_encoder_decoder: bool = True

    @classmethod
    def from_encoder_decoder_configs(
        cls, encoder_config: PreTrainedConfig, decoder_config: PreTrainedConfig, **kwargs
    ) -> PreTrainedConfig:
        r"""
        Instantiate a [`MyCaptionerConfig`] (or a derived class) from a pre-trained encoder model
        configuration and decoder model configuration.

        Returns:
            [`MyCaptionerConfig`]: An instance of a configuration object
        """
        logger.info("Setting `config.is_decoder=True` and `config.add_cross_attention=True` for decoder_config")
        decoder_config.is_decoder = True
        decoder_config.add_cross_attention = True

        return cls(encoder=encoder_config.to_dict(), decoder=decoder_config.to_dict(), **kwargs)


__all__ = ["MyCaptionerConfig"]
