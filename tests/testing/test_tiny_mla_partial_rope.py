"""An MLA config whose rope parameters rope part of the head keeps head_dim = rope / partial_rotary_factor
(mistral4), on the real class."""

import torch
from transformers.models.auto.configuration_auto import CONFIG_MAPPING
from transformers.models.mistral4.modeling_mistral4 import Mistral4Model

from scaffold.testing.tiny import shrink_config


def test_mistral4_head_ropes_its_whole_rope_width():
    """'The size of tensor a (4) must match the size of tensor b (2)': head_dim 8 * 0.5 ropes 4 of 8 rope dims."""
    config = shrink_config(CONFIG_MAPPING["mistral4"]())
    factor = config.rope_parameters["partial_rotary_factor"]
    assert config.head_dim * factor == config.qk_rope_head_dim
    torch.manual_seed(0)
    model = Mistral4Model(config).eval()
    with torch.no_grad():
        out = model(input_ids=torch.randint(0, config.vocab_size, (2, 7)), use_cache=False)
    assert out.last_hidden_state.shape == (2, 7, config.hidden_size)


def test_deepseek_v3_head_dim_stays_the_rope_width():
    config = shrink_config(CONFIG_MAPPING["deepseek_v3"]())
    assert config.head_dim == config.qk_rope_head_dim
