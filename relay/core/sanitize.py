"""Cleaning what volunteers type before relay keeps or shows it. Pure."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from relay.text.formatting import Entity, utf16_len, utf16_to_index

#: A translation longer than this is refused (the publisher splits up to a few messages).
MAX_TRANSLATION_CHARS = 12_000
MAX_REASON_CHARS = 500

# Characters that render as nothing can hide or reorder text, so they are dropped by Unicode
# property, not by a list that a new trick slips past: every format character (category Cf:
# bidi controls, zero-width space, word joiner, invisible operators, tags, ...) and the other
# default-ignorable code points (Unicode's Other_Default_Ignorable_Code_Point: Hangul fillers,
# the combining grapheme joiner, reserved U+FFF0-FFF8, ...). Kept because Persian and emoji
# need them: U+200C (zero-width non-joiner, a real letter joiner in Persian), U+200D (zero-width
# joiner, holding emoji sequences such as 👨‍👩‍👧 together), emoji variation selectors U+FE0E/FE0F,
# and tag characters inside an emoji tag sequence (the flags of England, Scotland, Wales).
# Arabic number signs (U+0600-0605, U+06DD, U+08E2, ...) are Cf but visible: they stay.
_KEEP = frozenset("\u200c\u200d\ufe0e\ufe0f\n\t")
_VISIBLE_FORMAT = frozenset(chr(c) for c in (
    *range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD, 0x110CD))
_OTHER_DEFAULT_IGNORABLE = (
    (0x034F, 0x034F), (0x115F, 0x1160), (0x17B4, 0x17B5), (0x180B, 0x180F), (0x2065, 0x2065),
    (0x3164, 0x3164), (0xFE00, 0xFE0D), (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8),
    (0xE0000, 0xE0FFF),
)
_TAG_FIRST, _TAG_END, _BLACK_FLAG = 0xE0020, 0xE007F, 0x1F3F4


def is_invisible(ch: str) -> bool:
    """True for a character that shows nothing and may hide text (see above)."""
    if ch in _KEEP:
        return False
    category = unicodedata.category(ch)
    if category == "Cf":
        return ch not in _VISIBLE_FORMAT
    if category == "Cc":
        return True
    code = ord(ch)
    return any(low <= code <= high for low, high in _OTHER_DEFAULT_IGNORABLE)


def _emoji_tag_run(text: str, start: int) -> int:
    """The end of an emoji tag sequence (🏴 + tags + CANCEL TAG) whose first tag is at
    ``start``, or ``start`` when there is none there."""
    if start == 0 or ord(text[start - 1]) != _BLACK_FLAG:
        return start
    end = start
    while end < len(text) and _TAG_FIRST <= ord(text[end]) < _TAG_END:
        end += 1
    if end > start and end < len(text) and ord(text[end]) == _TAG_END:
        return end + 1
    return start


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str
    entities: tuple[Entity, ...]


class InputError(ValueError):
    """What was typed cannot be used; ``code`` names the message to show."""

    def __init__(self, code: str, **fields: object):
        super().__init__(code)
        self.code = code
        self.fields = fields


def clean_text(text: str, entities: tuple[Entity, ...] = (), *,
               max_chars: int = MAX_TRANSLATION_CHARS) -> Cleaned:
    """Drop invisible and control characters (keeping entity offsets right), trim, check size."""
    text = text or ""
    if len(text) > max_chars * 2:
        raise InputError("too_long", limit=max_chars, got=len(text))
    text, entities = _nfc(text, entities)
    keep: list[str] = []
    # old UTF-16 offset -> new UTF-16 offset, for every position (including the end)
    mapping: list[int] = []
    new_pos = 0
    tags_to = 0  # characters before this index belong to an emoji tag sequence
    for i, ch in enumerate(text):
        units = 2 if ord(ch) > 0xFFFF else 1
        if i >= tags_to and ord(ch) >= _TAG_FIRST:
            tags_to = _emoji_tag_run(text, i)
        dropped = i >= tags_to and is_invisible(ch)
        for _ in range(units):
            mapping.append(new_pos)
        if not dropped:
            keep.append(ch)
            new_pos += units
    mapping.append(new_pos)
    cleaned = "".join(keep)
    lead = len(cleaned) - len(cleaned.lstrip())
    stripped = cleaned.strip()
    if not stripped:
        raise InputError("empty")
    if len(stripped) > max_chars:
        raise InputError("too_long", limit=max_chars, got=len(stripped))
    lead_units = utf16_len(cleaned[:lead])
    total = utf16_len(stripped)
    out = []
    for e in entities:
        start = mapping[min(e.offset, len(mapping) - 1)] - lead_units
        end = mapping[min(e.end, len(mapping) - 1)] - lead_units
        start, end = max(0, start), min(total, end)
        if end > start:
            out.append(Entity(e.kind, start, end - start, e.url, e.language, e.user_id))
    return Cleaned(stripped, tuple(out))


def _nfc(text: str, entities: tuple[Entity, ...]) -> tuple[str, tuple[Entity, ...]]:
    """NFC-normalise, one stretch between entity boundaries at a time, so that every entity
    still covers exactly its own (normalised) text."""
    if unicodedata.is_normalized("NFC", text):
        return text, entities
    cuts = sorted({0, utf16_len(text), *(e.offset for e in entities), *(e.end for e in entities)})
    moved: dict[int, int] = {0: 0}
    pieces: list[str] = []
    new_units = 0
    for start, end in zip(cuts, cuts[1:], strict=False):
        piece = unicodedata.normalize(
            "NFC", text[utf16_to_index(text, start):utf16_to_index(text, end)])
        pieces.append(piece)
        new_units += utf16_len(piece)
        moved[end] = new_units
    shifted = tuple(Entity(e.kind, moved[e.offset], moved[e.end] - moved[e.offset], e.url,
                           e.language, e.user_id) for e in entities)
    return "".join(pieces), shifted


def clean_reason(text: str) -> str:
    return clean_text(text, max_chars=MAX_REASON_CHARS).text
