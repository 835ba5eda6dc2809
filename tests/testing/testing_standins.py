"""Stand-in "clones" for testing scaffold.testing without the generator: transformers' own classes under a new
model_type, registered with the Auto classes on import, exactly as a generated package registers its classes.

The parity tests then compare each stand-in with its transformers original (same weights, same outputs).
"""

from __future__ import annotations

import transformers
from transformers import AutoConfig

PREFIX = "Standin"


def standin(source_model_type: str, new_type: str, heads: dict[str, str], **attributes: object) -> dict:
    """Subclass the source config and head classes under `new_type`, register them; return tester attributes."""
    source_config = transformers.models.auto.configuration_auto.CONFIG_MAPPING[source_model_type]
    config_class = type(f"{PREFIX}{source_config.__name__}", (source_config,), {"model_type": new_type})
    AutoConfig.register(new_type, config_class, exist_ok=True)
    model_classes = {}
    for auto_name, class_name in sorted(heads.items()):
        source_class = getattr(transformers, class_name)
        namespace = {"config_class": config_class, **attributes}
        model_class = type(f"{PREFIX}{class_name}", (source_class,), namespace)
        getattr(transformers, auto_name).register(config_class, model_class, exist_ok=True)
        model_classes[auto_name] = model_class
    return {
        "config_class": config_class,
        "model_type": new_type,
        "model_classes": model_classes,
        "source_model_type": source_model_type,
        "source_classes": dict(heads),
    }


LLAMA = standin(
    "llama",
    "standin-llama",
    {
        "AutoModel": "LlamaModel",
        "AutoModelForCausalLM": "LlamaForCausalLM",
        "AutoModelForSequenceClassification": "LlamaForSequenceClassification",
    },
)
BERT = standin(
    "bert",
    "standin-bert",
    {
        "AutoModel": "BertModel",
        "AutoModelForMaskedLM": "BertForMaskedLM",
        "AutoModelForSequenceClassification": "BertForSequenceClassification",
        "AutoModelForMultipleChoice": "BertForMultipleChoice",
        "AutoModelForTokenClassification": "BertForTokenClassification",
    },
)
# Stock BART and T5 (transformers 5.23) also log a doubled loss at gradient accumulation 2: its forward takes
# **kwargs but returns a mean loss. The stand-in carries the fix a clone needs.
BART = standin(
    "bart",
    "standin-bart",
    {"AutoModel": "BartModel", "AutoModelForSeq2SeqLM": "BartForConditionalGeneration"},
    accepts_loss_kwargs=False,
)
T5 = standin(
    "t5",
    "standin-t5",
    {"AutoModel": "T5Model", "AutoModelForSeq2SeqLM": "T5ForConditionalGeneration"},
    accepts_loss_kwargs=False,
)
VIT = standin(
    "vit",
    "standin-vit",
    {"AutoModel": "ViTModel", "AutoModelForImageClassification": "ViTForImageClassification"},
)
# Stock VisionEncoderDecoderModel logs a doubled loss under gradient accumulation; the fixed stand-in says
# it does not take num_items_in_batch, as the generated clone does.
VED_STOCK = standin(
    "vision-encoder-decoder",
    "standin-ved-stock",
    {"AutoModel": "VisionEncoderDecoderModel", "AutoModelForImageTextToText": "VisionEncoderDecoderModel"},
)
VED = standin(
    "vision-encoder-decoder",
    "standin-ved",
    {"AutoModel": "VisionEncoderDecoderModel", "AutoModelForImageTextToText": "VisionEncoderDecoderModel"},
    accepts_loss_kwargs=False,
)
