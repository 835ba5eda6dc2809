"""Generate VL-RLHF / Resonance model plugins for a vision-language model of the installed transformers."""

from scaffold.plugin.plan import Framework, plan_plugin
from scaffold.plugin.source import PluginSource, discover_plugin_source

__all__ = ["Framework", "PluginSource", "discover_plugin_source", "plan_plugin"]
