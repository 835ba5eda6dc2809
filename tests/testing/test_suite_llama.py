"""The common suite on transformers' llama as a clone of itself (decoder-only family)."""

from transformers import LlamaConfig, LlamaForCausalLM, LlamaForSequenceClassification, LlamaModel

from scaffold.testing import CausalLMTester


class TestLlamaAsItsOwnClone(CausalLMTester):
    config_class = LlamaConfig
    model_type = "llama"
    model_classes = {
        "AutoModel": LlamaModel,
        "AutoModelForCausalLM": LlamaForCausalLM,
        "AutoModelForSequenceClassification": LlamaForSequenceClassification,
    }
    source_model_type = "llama"
    source_classes = {
        "AutoModel": "LlamaModel",
        "AutoModelForCausalLM": "LlamaForCausalLM",
        "AutoModelForSequenceClassification": "LlamaForSequenceClassification",
    }
    state_dict_key_renames = (("model.", "model."),)
