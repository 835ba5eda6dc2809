"""derive_parts: chat templates cut into the seven VLChatTemplate strings (expected values written by hand)."""

from __future__ import annotations

import pytest

from scaffold.plugin.chat_template import default_parts, derive_parts
from scaffold.plugin.source import EOS_MARK, ChatTemplateParts

CHATML = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
# Iterates content parts (the multimodal form), skips a header for system, ends answers with eos_token.
PARTS_TEMPLATE = (
    "{{ bos_token }}{% for m in messages %}{% if m['role'] != 'system' %}{{ m['role'].upper() + ': ' }}{% endif %}"
    "{% for c in m['content'] %}{% if c['type'] == 'text' %}{{ c['text'] }}{% endif %}{% endfor %}"
    "{% if m['role'] == 'assistant' %}{{ eos_token }}{% else %} {% endif %}{% endfor %}"
)
NO_SYSTEM = (
    "{% for m in messages %}{% if m['role'] == 'system' %}{{ raise_exception('no system role') }}{% endif %}"
    "[{{ m['role'] }}]{{ m['content'] }}{% endfor %}"
)


def test_chatml_is_cut_at_every_boundary() -> None:
    assert derive_parts(CHATML, "<image>") == ChatTemplateParts(
        system_begin="<|im_start|>system\n",
        system_end="<|im_end|>\n",
        user_begin="<|im_start|>user\n",
        user_end="<|im_end|>\n",
        assistant_begin="<|im_start|>assistant\n",
        assistant_end="<|im_end|>\n",
        image_placeholder="<image>",
        origin="source processor",
    )


def test_list_content_template_and_eos_marker() -> None:
    parts = derive_parts(PARTS_TEMPLATE, "<img>")
    assert (parts.system_begin, parts.system_end) == ("", " ")
    assert (parts.user_begin, parts.user_end) == ("USER: ", " ")
    assert (parts.assistant_begin, parts.assistant_end) == ("ASSISTANT: ", EOS_MARK)
    assert parts.image_placeholder == "<img>"
    assert parts.origin == "source processor"


@pytest.mark.parametrize("template", [None, "", "{{ raise_exception('unsupported') }}", NO_SYSTEM, "{{ messages"])
def test_missing_or_unusable_template_gives_the_default(template: str | None) -> None:
    parts = derive_parts(template, "<image>")
    assert parts.origin.startswith("default")
    assert (parts.user_begin, parts.assistant_begin, parts.assistant_end) == ("USER: ", "ASSISTANT: ", EOS_MARK)


def test_default_is_llava_15_layout() -> None:
    parts = default_parts("<image>")
    rendered = parts.user_begin + "<image>\nhi" + parts.user_end + parts.assistant_begin + "yo" + parts.assistant_end
    assert rendered == f"USER: <image>\nhi ASSISTANT: yo{EOS_MARK}"
