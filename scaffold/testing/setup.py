"""Tiny configs and inputs the *source* model is known to run on, found as the zoo finds them.

The families' own input builders cover the common shapes (token ids, a llava-style image-text prompt, plain
pixels). The other hundreds of architectures (speech, video, detection, mixed vision-language prompts with grids
and placeholder tokens, sub-configs) are what the zoo's search handles: tiny config candidates, then input layouts,
each tried on the transformers source model until one runs (``scaffold.zoo_child``). A generated test that uses it
therefore tests its clone on inputs its source accepts, and a search that finds nothing is reported as such.
"""

from __future__ import annotations

import sys
from typing import Any

from transformers import PreTrainedConfig, PreTrainedModel


class NoValidatedSetup(AssertionError):
    """No tiny config and inputs on which the source model runs (the zoo's NoTinySetup, and its siblings)."""


def validated_setup(
    config_class: type[PreTrainedConfig], source_class: type[PreTrainedModel], overrides: dict[str, Any]
) -> tuple[PreTrainedConfig, dict[str, Any]]:
    """(config of ``config_class``, inputs) on which ``source_class`` builds and runs; ``overrides`` are set on
    every config tried."""
    from scaffold import zoo_child

    try:
        config, inputs, _ = zoo_child._tiny_setup(config_class, source_class, overrides)
    except Exception as exc:  # noqa: BLE001 - every failure of the search is the same verdict for the tests
        raise NoValidatedSetup(f"no tiny config and inputs the source {source_class.__name__} runs on: {exc}") from exc
    return config, inputs


def validated_inputs(source_class: type[PreTrainedModel], config: PreTrainedConfig) -> dict[str, Any]:
    """Inputs on which ``source_class``, built from ``config``, runs (the zoo's search over input layouts)."""
    from scaffold import zoo_child

    try:
        return zoo_child._working_inputs(zoo_child._source_twin(source_class, config), config)
    except Exception as exc:  # noqa: BLE001 - every failure of the search is the same verdict for the tests
        raise NoValidatedSetup(f"no inputs the source {source_class.__name__} runs on: {exc}") from exc


def model_built_from(config_class: type[PreTrainedConfig], source_model_type: str) -> tuple[type, type] | None:
    """(the clone's model class declaring ``config_class``, its transformers twin) for a sub-config type no Auto
    class maps (dia_decoder's DiaDecoder), or None when no model class is built from that config alone."""
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING

    from scaffold import zoo_child

    package = sys.modules[config_class.__module__.rpartition(".")[0]]
    try:
        return zoo_child._sub_config_model(package, config_class, CONFIG_MAPPING[source_model_type])
    except zoo_child.ConfigOnly:
        return None
