"""Cleaning what volunteers type before relay keeps or shows it. Pure."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from relay.text.formatting import Entity, utf16_len, utf16_to_index

#: A translation longer than this is refused (the publisher splits up to a few messages).
MAX_TRANSLATION_CHARS = 12_000
MAX_REASON_CHARS = 500

# Invisible characters that can hide or reorder text. U+200C (zero-width non-joiner) is a
# real letter joiner in Persian and stays; so does U+200D (zero-width joiner), which holds
# emoji sequences such as 👨‍👩‍👧 together and reorders nothing.
_INVISIBLE = frozenset(
    [chr(c) for c in (0x061C, 0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x00AD)]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)


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
    for ch in text:
        units = 2 if ord(ch) > 0xFFFF else 1
        dropped = ch in _INVISIBLE or (unicodedata.category(ch) == "Cc" and ch not in "\n\t")
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
