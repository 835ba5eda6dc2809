"""Generate VL-RLHF / Resonance model plugins for a vision-language model of the installed transformers.

source = discover_plugin_source("llava")                    # reads transformers (imports torch)
files = plan_plugin(Framework.VL_RLHF, source, ModelNames.from_name("my-vlm"))   # pure
# -> vlrlhf/models/MyVlm/__init__.py and patches/vlrlhf-auto_load-my_vlm.patch, relative to --out
"""

from scaffold.plugin.plan import plan_plugin, plugin_warnings
from scaffold.plugin.source import Framework, PluginSource, discover_plugin_source

__all__ = ["Framework", "PluginSource", "discover_plugin_source", "plan_plugin", "plugin_warnings"]
