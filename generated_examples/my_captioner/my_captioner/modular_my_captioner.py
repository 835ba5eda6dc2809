# MyCaptioner, cloned by scaffold 0.1.0 from transformers 5.23.0 `vision-encoder-decoder`.
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


__all__ = [
    "MyCaptionerConfig",
    "MyCaptionerModel",
]
