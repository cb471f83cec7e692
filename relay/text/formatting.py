"""Telegram-independent formatted text: plain text plus entities.

Offsets and lengths are in UTF-16 code units, exactly as Telegram counts them, so that
entities survive the round trip to and from Telethon's ``MessageEntity*`` types unchanged.
The adapters that convert from and to Telethon live next to the code that talks to Telegram
(``relay.telegram.tl_records``, ``relay.review`` and ``relay.publish``); this module knows nothing
of Telethon or SQLite.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_left
from dataclasses import dataclass, field
from typing import Any

#: Entity kinds relay keeps. Anything else Telegram sends is dropped on conversion.
KINDS = frozenset(
    {
        "bold",
        "italic",
        "underline",
        "strike",
        "spoiler",
        "code",
        "pre",
        "blockquote",
        "text_url",
        "url",
        "email",
        "phone",
        "mention",
        "mention_name",
        "hashtag",
        "cashtag",
        "bot_command",
    }
)


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def by_position(record: Any) -> tuple[type, tuple]:
    """``__reduce__`` for a slots dataclass whose fields are all positional: rebuilt by its
    constructor from the fields in order. Records cross to the ingest process pickled, and
    dataclasses' own way (field by field through ``__setstate__``) cost ~30 µs per post."""
    return (type(record), tuple(getattr(record, name) for name in record.__slots__))


@dataclass(frozen=True, slots=True)
class Entity:
    """One formatting span. ``url`` is set for ``text_url``, ``language`` for ``pre``,
    ``user_id`` for ``mention_name``."""

    kind: str
    offset: int
    length: int
    url: str | None = None
    language: str | None = None
    user_id: int | None = None

    __reduce__ = by_position

    @property
    def end(self) -> int:
        return self.offset + self.length

    def shifted(self, delta: int) -> Entity:
        return Entity(self.kind, self.offset + delta, self.length, self.url, self.language, self.user_id)


@dataclass(frozen=True, slots=True)
class FormattedText:
    text: str
    entities: tuple[Entity, ...] = field(default_factory=tuple)


def text_digest(text: str) -> str:
    """A short, stable digest of a text: what a published part said, without keeping it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (characters above U+FFFF count twice).

    The one place relay counts UTF-16 units: ASCII text is its own length, anything else is
    counted by the codec (in C, far faster than a Python loop over the characters).
    """
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) >> 1


def utf16_to_index(text: str, units: int) -> int:
    """The Python string index at which ``units`` UTF-16 code units have been consumed."""
    if units <= 0:
        return 0
    count = 0
    for index, ch in enumerate(text):
        if count >= units:
            return index
        count += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


class U16Map:
    """Converts between Python string indexes and UTF-16 offsets of one string."""

    __slots__ = ("_idx", "_u16")

    def __init__(self, text: str) -> None:
        if utf16_len(text) == len(text):
            self._idx: list[int] | None = None
            self._u16: list[int] = []
        else:
            self._idx = [m.start() for m in _ASTRAL.finditer(text)]
            self._u16 = [i + k for k, i in enumerate(self._idx)]

    def to_u16(self, index: int) -> int:
        if self._idx is None:
            return index
        return index + bisect_left(self._idx, index)

    def to_index(self, units: int, *, round_up: bool = False) -> int:
        """String index at ``units``; an offset inside a surrogate pair rounds down (or up)."""
        if self._idx is None:
            return units
        k = bisect_left(self._u16, units)
        if k and self._u16[k - 1] + 1 == units:
            return self._idx[k - 1] + (1 if round_up else 0)
        return units - k


def entities_to_json(entities: tuple[Entity, ...] | list[Entity]) -> str:
    """Compact JSON for storage; empty list for no entities."""
    out = []
    for e in entities:
        item: dict[str, object] = {"k": e.kind, "o": e.offset, "l": e.length}
        if e.url is not None:
            item["u"] = e.url
        if e.language is not None:
            item["g"] = e.language
        if e.user_id is not None:
            item["i"] = e.user_id
        out.append(item)
    return json.dumps(out, ensure_ascii=False, separators=(",", ":"))


def entities_from_json(raw: str | None) -> tuple[Entity, ...]:
    if not raw:
        return ()
    return tuple(
        Entity(d["k"], d["o"], d["l"], d.get("u"), d.get("g"), d.get("i")) for d in json.loads(raw)
    )
