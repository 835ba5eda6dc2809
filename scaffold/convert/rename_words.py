"""Word-level renaming: where an old model name stands as a word or identifier part, and what replaces it.

Pure string functions; the libcst transformers in ``rename_transformers`` call them on node values.

Default rules (``RenamePolicy.word_boundaries`` on), for each old spelling found in the text:

- it must not follow a letter or digit (``DiffLlama``, ``Roberta``, ``mt5``, ``adapt`` and an already renamed
  ``MyLlama`` are other words);
- a CamelCase spelling must not run on into a lower-case letter or a digit (``Llama4Model`` is another model);
  an all-caps CamelCase spelling (``OPT``, ``GPT2``) runs on into a capital in identifiers (``OPTModel``,
  ``ASTMLP``); in text only inside a CamelCase word or after a digit (``GPT2MLP``), never in an all-caps word
  (``OPTIONS``);
- snake, kebab and upper spellings must end the word (``optimizer``, ``llama4`` stay);
- an all-caps match in an all-caps identifier with ``_`` takes the upper spelling (``GPT2_INPUTS`` ->
  ``MY_GPT_INPUTS``), elsewhere the CamelCase one (``OPT model`` -> ``MyOpt model``); in text a bare all-caps
  word is prose too (``PyTorch BERT model`` -> ``PyTorch MyBert model``);
- an old spelling that is part of a new one already there is left alone (``my_llama`` never becomes
  ``my_my_llama``; ``MyLlama`` is protected by the first rule).

In text (strings, comments, docstrings), with ``RenamePolicy.keep_hub_ids``, hub ids are left as they are:
any ``a/b`` token, ``from_pretrained("...")`` arguments, and names joined by ``-`` to another word
(``meta-llama``, ``Llama-2-7b-hf``, ``bert-base-uncased``); so are the names in ``RenameMap.keep``. An escape
letter (``\\n``) before a name is a boundary. ``IN_TREE_COMPAT`` (``word_boundaries`` off) swaps all of this for
``compat_replace``, the rules of transformers' own converter.
"""

from __future__ import annotations

import enum
import functools
import re

from scaffold.convert.rename_map import RenameMap, Spellings

Pair = tuple[Spellings, Spellings]
Span = tuple[int, int]

# A hub id, a URL path or a file path: any token with a "/" inside ("meta-llama/Llama-2-7b-hf").
_SLASH_TOKEN = re.compile(r"[A-Za-z0-9][\w.\-]*(?:/[\w.\-]+)+")
# The checkpoint argument of a from_pretrained call written in prose or a code example.
_FROM_PRETRAINED_ARG = re.compile(r"""from_pretrained\(\s*(?:\w+\s*=\s*)?[rbuRBU]?(['"])[^'"\n]*\1""")
_WORD_CHAR = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


@functools.lru_cache(maxsize=512)
def _spelling_table(pairs: tuple[Pair, ...]) -> tuple[re.Pattern[str] | None, dict[str, Pair]]:
    """One regex for every old spelling of every pair (longest first), and the pair each spelling belongs to."""
    table: dict[str, Pair] = {}
    for old, new in pairs:
        for spelling in (old.camel, old.upper, old.snake, old.kebab):
            if spelling:
                table.setdefault(spelling, (old, new))
    if not table:
        return None, table
    alternatives = sorted(table, key=lambda s: (-len(s), s))
    # Not after a letter or digit, except the letter of an escape written in a literal ("\\nLlama").
    start = r"(?:(?<![A-Za-z0-9])|(?<=\\[ntr]))"
    return re.compile(start + "(?:" + "|".join(map(re.escape, alternatives)) + ")"), table


def _token_around(text: str, start: int, end: int) -> str:
    """The identifier-like run (letters, digits, ``_``) that contains ``text[start:end]``."""
    left, right = start, end
    while left > 0 and text[left - 1] in _WORD_CHAR:
        left -= 1
    while right < len(text) and text[right] in _WORD_CHAR:
        right += 1
    return text[left:right]


def _all_caps_constant(token: str) -> bool:
    return "_" in token and not any(c.islower() for c in token)


def choose_spelling(
    text: str, start: int, end: int, old: Spellings, new: Spellings, in_text: bool = False, hyphen_words: bool = False
) -> str | None:
    """The new spelling for the old one found at ``text[start:end]``, or None when it is part of another word.

    ``in_text`` is True for strings, comments and docstrings: there a bare all-caps word is a name in prose
    (``PyTorch BERT model`` -> ``PyTorch MyBert model``). With ``hyphen_words`` a ``-`` joins the name to the
    next or previous word, as in checkpoint names (``meta-llama``, ``Llama-2``, ``bert-base-uncased``).
    """
    found, after = text[start:end], text[end : end + 1]
    if hyphen_words and _joined_by_hyphen(text, start, end):
        return None
    token = _token_around(text, start, end)
    caps_camel = found == old.camel and old.camel.isupper()
    if found == old.camel and not caps_camel:
        return None if after.islower() or after.isdigit() else new.camel
    if after.isalnum():
        return new.camel if caps_camel and _starts_camel_word(token, found, after, in_text) else None
    if caps_camel:
        return new.upper if _all_caps_constant(token) else new.camel
    if found == old.upper:
        return new.camel if in_text and "_" not in token else new.upper
    if found == old.snake:
        return new.snake
    return new.kebab if found == old.kebab else None


def _starts_camel_word(token: str, found: str, after: str, in_text: bool) -> bool:
    """After an all-caps CamelCase spelling, whether an upper-case letter starts the next word of a class name.

    Always in an identifier (``OPTModel``, ``ASTMLP``: all-caps words hardly occur in code). In text only inside
    a CamelCase word or after a digit-ending spelling (``GPT2MLP``), so ``OPTIONS`` or ``GITHUB`` stay.
    """
    if not after.isupper():
        return False
    return not in_text or any(c.islower() for c in token) or found[-1].isdigit()


def _joined_by_hyphen(text: str, start: int, end: int) -> bool:
    before_ok = start >= 2 and text[start - 1] == "-" and text[start - 2].isalnum()
    after_ok = text[end : end + 1] == "-" and text[end + 1 : end + 2].isalnum()
    return before_ok or after_ok


def part_of_new_spelling(text: str, start: int, found: str, new: Spellings) -> bool:
    """Whether the old spelling found at ``start`` sits inside a new spelling already there.

    ``llama`` in ``my_llama`` or ``LLAMA`` in ``MY_LLAMA`` is the new name, not an old one to rename again.
    """
    for spelling in (new.camel, new.snake, new.kebab, new.upper):
        offset = spelling.find(found)
        while offset >= 0:
            if offset and start - offset >= 0 and text.startswith(spelling, start - offset):
                return True
            offset = spelling.find(found, offset + 1)
    return False


def _inside(spans: tuple[Span, ...], position: int) -> bool:
    return any(start <= position < end for start, end in spans)


def replace_words(
    text: str,
    pairs: tuple[Pair, ...],
    protected: tuple[Span, ...] = (),
    in_text: bool = False,
    hyphen_words: bool = False,
) -> str:
    """Rename every old spelling that stands as a word in ``text``, outside the ``protected`` spans."""
    regex, table = _spelling_table(pairs)
    if regex is None:
        return text

    def substitute(match: re.Match[str]) -> str:
        if protected and _inside(protected, match.start()):
            return match.group()
        old, new = table[match.group()]
        if part_of_new_spelling(text, match.start(), match.group(), new):
            return match.group()
        chosen = choose_spelling(text, match.start(), match.end(), old, new, in_text, hyphen_words)
        return match.group() if chosen is None else chosen

    return regex.sub(substitute, text)


def protected_spans(text: str, keep: frozenset[str], keep_hub_ids: bool) -> tuple[Span, ...]:
    """Spans of ``text`` never renamed: hub ids and paths, from_pretrained arguments, names in ``keep``."""
    spans: list[Span] = []
    if keep_hub_ids:
        spans += [m.span() for m in _SLASH_TOKEN.finditer(text)]
        spans += [m.span() for m in _FROM_PRETRAINED_ARG.finditer(text)]
    if keep:
        spans += [m.span() for m in _keep_regex(keep).finditer(text)]
    return tuple(sorted(spans))


@functools.lru_cache(maxsize=64)
def _keep_regex(keep: frozenset[str]) -> re.Pattern[str]:
    names = sorted(keep, key=lambda s: (-len(s), s))
    return re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, names)) + r")(?![\w])")


def compat_replace(text: str, old: Spellings, new: Spellings) -> str:
    """Rename the way transformers' converter does: case-insensitive, only a preceding letter/digit protects.

    A match that is not exactly one of the old spellings takes the new CamelCase one; when the old CamelCase
    spelling is all-caps, an all-caps match not followed by a letter takes the new upper spelling.
    """
    table = {old.snake: new.snake, old.upper: new.upper, old.camel: new.camel}
    regex = _compat_regex(tuple(table))

    def substitute(match: re.Match[str]) -> str:
        found, after = match.group(1), match.group(2)
        if found == old.snake and after.islower() and found[-1].isalpha():
            return found  # ``use_mambapy`` names another thing (the mamba.py package), not the model
        chosen = table.get(found, new.camel)
        if len(table) == 2 and found.isupper() and not after.isalpha():
            chosen = table.get(found.lower(), new.snake).upper()
        return chosen

    return regex.sub(substitute, text)


@functools.lru_cache(maxsize=256)
def _compat_regex(spellings: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(s) for s in spellings)
    return re.compile(r"(?<![a-z0-9])(" + alternatives + r")(?=(.?))", re.IGNORECASE | re.DOTALL)


class TextKind(enum.Enum):
    """Where a piece of text comes from; decides which protections apply."""

    IDENTIFIER = "identifier"  # a Name: no hub ids inside, ``keep`` is a whole-name match
    STRING = "string"  # a string literal's contents: hub ids and kept names protected
    PROSE = "prose"  # a comment or docstring: same protections as strings


def rename_words(text: str, rename_map: RenameMap, kind: TextKind) -> str:
    """``text`` renamed per ``rename_map`` with the rules for its ``kind``."""
    if kind is TextKind.IDENTIFIER:
        return rename_identifier(text, rename_map)
    return rename_text(text, rename_map)


def rename_identifier(name: str, rename_map: RenameMap) -> str:
    """An identifier renamed (``LlamaModel`` -> ``MyLlamaModel``); names in ``keep`` stay as they are."""
    if name in rename_map.keep:
        return name
    if not rename_map.policy.word_boundaries:
        for old, new in rename_map.pairs:
            name = compat_replace(name, old, new)
        return name
    return replace_words(name, rename_map.pairs)


def rename_text(text: str, rename_map: RenameMap) -> str:
    """Prose or string contents renamed at word boundaries, hub ids and kept names left alone."""
    if not rename_map.policy.word_boundaries:
        for old, new in rename_map.pairs:
            text = compat_replace(text, old, new)
        return text
    spans = protected_spans(text, rename_map.keep, rename_map.policy.keep_hub_ids)
    keep_hub_ids = rename_map.policy.keep_hub_ids
    return replace_words(text, rename_map.pairs, spans, in_text=True, hyphen_words=keep_hub_ids)
