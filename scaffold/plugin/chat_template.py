"""Derive the seven ``VLChatTemplate`` strings from a Jinja chat template by rendering sentinel messages.

Pure: the template text comes from discovery. A conversation ``system S, user U1, assistant A1, user U2,
assistant A2`` is rendered and cut at the sentinels; two smaller renders separate the pieces that touch
(``assistant_end`` is what follows the last answer, ``user_end`` what follows a lone user turn). A template
that cannot be rendered or cut this way gives the LLaVA-1.5 style default, and ``origin`` says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from scaffold.plugin.source import EOS_MARK, ChatTemplateParts

_SYSTEM, _USER1, _ANSWER1, _USER2, _ANSWER2 = ("SYS7f1", "USR7f2", "ANS7f3", "USR7f4", "ANS7f5")
_SOURCE_ORIGIN = "source processor"
_DEFAULT_ORIGIN = "default (LLaVA-1.5 style)"


class _TemplateUnusable(Exception):
    """The template raised, or its output does not contain the sentinels in order."""


def default_parts(image_placeholder: str) -> ChatTemplateParts:
    """LLaVA-1.5's conversation layout: ``<system> USER: <prompt> ASSISTANT: <answer><eos>``."""
    return ChatTemplateParts(
        system_begin="",
        system_end=" ",
        user_begin="USER: ",
        user_end=" ",
        assistant_begin="ASSISTANT: ",
        assistant_end=EOS_MARK,
        image_placeholder=image_placeholder,
        origin=_DEFAULT_ORIGIN,
    )


def derive_parts(template: str | None, image_placeholder: str) -> ChatTemplateParts:
    """The parts of ``template``, or the default when there is none or it cannot be cut."""
    if not template:
        return default_parts(image_placeholder)
    try:
        return _cut(_compile(template), image_placeholder)
    except (_TemplateUnusable, jinja2.TemplateError):
        return default_parts(image_placeholder)


def _compile(template: str) -> jinja2.Template:
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = _raise
    return env.from_string(template)


def _raise(message: str) -> None:
    raise _TemplateUnusable(message)


def _cut(template: jinja2.Template, image_placeholder: str) -> ChatTemplateParts:
    full = _render(template, (("system", _SYSTEM), *_turns(_USER1, _ANSWER1), *_turns(_USER2, _ANSWER2)))
    system_begin, after_system = _split(full, _SYSTEM)
    system_user, after_user1 = _split(after_system, _USER1)
    user_assistant, after_answer1 = _split(after_user1, _ANSWER1)
    assistant_user, after_user2 = _split(after_answer1, _USER2)
    _, assistant_end = _split(_split(after_user2, _ANSWER2)[1], "")
    user_begin = _strip_prefix(assistant_user, assistant_end)
    user_end = _split(_render(template, (("user", _USER1),)), _USER1)[1]
    return ChatTemplateParts(
        system_begin=system_begin,
        system_end=_strip_suffix(system_user, user_begin),
        user_begin=user_begin,
        user_end=user_end if user_assistant.startswith(user_end) else "",
        assistant_begin=_strip_prefix(user_assistant, user_end),
        assistant_end=assistant_end,
        image_placeholder=image_placeholder,
        origin=_SOURCE_ORIGIN,
    )


def _turns(user: str, answer: str) -> tuple[tuple[str, str], ...]:
    return (("user", user), ("assistant", answer))


def _render(template: jinja2.Template, messages: Sequence[tuple[str, str]]) -> str:
    """Try plain string contents first, then the list-of-parts form multimodal templates iterate over."""
    for as_parts in (False, True):
        try:
            text = template.render(messages=[_message(r, c, as_parts) for r, c in messages], **_SPECIALS)
        except (TypeError, KeyError, AttributeError, _TemplateUnusable, jinja2.TemplateError):
            continue
        if all(content in text for _, content in messages):
            return text
    raise _TemplateUnusable("the template does not render the sentinel messages")


_SPECIALS: dict[str, Any] = {"bos_token": "", "eos_token": EOS_MARK, "add_generation_prompt": False}


def _message(role: str, content: str, as_parts: bool) -> dict[str, Any]:
    if as_parts:
        return {"role": role, "content": [{"type": "text", "text": content}]}
    return {"role": role, "content": content}


def _split(text: str, sentinel: str) -> tuple[str, str]:
    if not sentinel:
        return "", text
    before, found, after = text.partition(sentinel)
    if not found:
        raise _TemplateUnusable(f"sentinel {sentinel} missing")
    return before, after


def _strip_prefix(text: str, prefix: str) -> str:
    return text[len(prefix) :] if prefix and text.startswith(prefix) else text


def _strip_suffix(text: str, suffix: str) -> str:
    return text[: -len(suffix)] if suffix and text.endswith(suffix) else text
