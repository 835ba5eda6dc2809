# MyLlama, cloned by scaffold 0.1.0 from transformers 5.25.0 `llama`.
#
# my_llama/modular_my_llama.py is the file to edit: each of its classes inherits from the
# Llama counterpart; override methods or attributes there, then run
# `scaffold convert my_llama/modular_my_llama.py` to regenerate the standalone files.
from transformers.models.llama.configuration_llama import (
    LlamaConfig,
)
from transformers.models.llama.modeling_llama import (
    LlamaForCausalLM,
    LlamaForQuestionAnswering,
    LlamaForSequenceClassification,
    LlamaForTokenClassification,
    LlamaModel,
    LlamaPreTrainedModel,
)
from transformers.models.llama.tokenization_llama import (
    LlamaTokenizer,
)


class MyLlamaConfig(LlamaConfig):
    model_type = "my-llama"


class MyLlamaForCausalLM(LlamaForCausalLM):
    pass


class MyLlamaModel(LlamaModel):
    pass


class MyLlamaPreTrainedModel(LlamaPreTrainedModel):
    def _initialize_weights(self, module, is_custom_code: bool = False):
        # transformers treats classes defined outside its package as custom code and then never passes modules
        # without parameters of their own (attention blocks, MLPs, heads) to _init_weights, so their weights
        # would keep torch's defaults. This _init_weights writes through transformers.initialization, like the
        # library's own models, so it can take the library's path. Keep it that way if you edit _init_weights.
        super()._initialize_weights(module, is_custom_code=False)


class MyLlamaForSequenceClassification(LlamaForSequenceClassification):
    pass


class MyLlamaForQuestionAnswering(LlamaForQuestionAnswering):
    pass


class MyLlamaForTokenClassification(LlamaForTokenClassification):
    pass


class MyLlamaTokenizer(LlamaTokenizer):
    pass


__all__ = [
    "MyLlamaConfig",
    "MyLlamaForCausalLM",
    "MyLlamaModel",
    "MyLlamaPreTrainedModel",
    "MyLlamaForSequenceClassification",
    "MyLlamaForQuestionAnswering",
    "MyLlamaForTokenClassification",
    "MyLlamaTokenizer",
]
