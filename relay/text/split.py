"""Cut formatted text into parts that fit Telegram's limits, and join them back.

All lengths are UTF-16 code units, as Telegram counts them (a character outside the BMP, such
as most emoji, counts 2). Python strings hold code points, so a cut between two ``str``
characters can never fall inside a surrogate pair. Where the cuts go is
:mod:`relay.text.cut_points`.

Separators: at a whitespace cut the *whole* whitespace run (spaces, tabs, newlines; never a
no-break space) is dropped from both sides and returned as :attr:`Part.sep`; a hard cut drops
nothing (``sep == ""``). Hence ``"".join(p.text.text + p.sep for p in parts) == text.text``
(see :func:`join`).

Entities: a cut never falls inside an entity, nor drops whitespace an entity covers. Only an
entity longer than both this part's limit and the next part's is itself cut; each side then
keeps an entity of the same kind (and url/language/user) over its share of the text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from relay.text.cut_points import Span, find_cut
from relay.text.formatting import Entity, FormattedText, U16Map, utf16_len


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of a split: its text, the whitespace dropped after it ("" after the last part
    and at hard cuts), and whether the cut after it went through an entity (see :func:`join`)."""

    text: FormattedText
    sep: str = ""
    cut_entity: bool = False


def split(
    text: FormattedText, limits: Sequence[int] | int, *, reserve_last: int = 0
) -> list[FormattedText]:
    """:func:`split_parts` without the separators, and without a part that would be empty or
    only whitespace (Telegram refuses it, and subscribers would see nothing): at least one part
    is returned all the same, the first."""
    parts = [p.text for p in split_parts(text, limits, reserve_last=reserve_last)]
    return [p for p in parts if p.text.strip()] or parts[:1]


def split_parts(
    text: FormattedText, limits: Sequence[int] | int, *, reserve_last: int = 0
) -> list[Part]:
    """Cut ``text`` into parts of at most ``limits[i]`` UTF-16 units for part ``i``.

    ``limits`` is one limit for every part, or one per part where the last value repeats
    (``[1024, 4096]``: a caption, then text messages). The last part additionally leaves
    ``reserve_last`` units free (room for an attribution). When the rest of the text would fit
    but for the reserve, it is cut only at whitespace that leaves a tail short enough, the best
    kind of boundary first; if there is none, the reserve is given up rather than a word or a
    kept entity broken (the caller then sends the attribution on its own).
    Always returns at least one part; no part is empty unless the text is.
    """
    lims = (limits,) if isinstance(limits, int) else tuple(limits)
    if not lims or min(lims) < 2:
        raise ValueError("every limit must be at least 2 UTF-16 units")
    if reserve_last < 0:
        raise ValueError("reserve_last must not be negative")
    s = text.text
    m = U16Map(s)
    spans = sorted(
        ((m.to_index(e.offset), m.to_index(e.end, round_up=True), e) for e in text.entities),
        key=lambda sp: (sp[0], -sp[1]),
    )
    total = m.to_u16(len(s))
    parts: list[Part] = []
    start = 0
    while True:
        i = len(parts)
        limit = lims[min(i, len(lims) - 1)]
        remaining = total - m.to_u16(start)
        if remaining <= limit - reserve_last:
            break
        # If the rest fits but for the reserve, only cut where the tail then fits.
        tail = limit - reserve_last if remaining <= limit else None
        cut = find_cut(s, m, spans, start, limit, lims[min(i + 1, len(lims) - 1)], tail)
        if cut is None:
            break
        a, b = cut
        through = any(x < a and y > b for x, y, _ in spans)
        parts.append(Part(_slice(s, m, spans, start, a), s[a:b], through))
        start = b
    parts.append(Part(_slice(s, m, spans, start, len(s))))
    return parts


def join(parts: Sequence[Part]) -> FormattedText:
    """Undo :func:`split_parts`: the original text, and its entities (fragments of a cut entity
    are merged back)."""
    texts: list[str] = []
    entities: list[Entity] = []
    offset = 0
    open_ends: dict[tuple, int] = {}  # attrs -> index in entities, for fragments ending at a cut
    for part in parts:
        plen = utf16_len(part.text.text)
        ends: dict[tuple, int] = {}
        for e in part.text.entities:
            key = (e.kind, e.url, e.language, e.user_id)
            if e.offset == 0 and key in open_ends:
                k = open_ends.pop(key)
                prev = entities[k]
                entities[k] = Entity(
                    e.kind, prev.offset, offset + e.end - prev.offset, e.url, e.language, e.user_id
                )
            else:
                k = len(entities)
                entities.append(e.shifted(offset))
            if part.cut_entity and e.end == plen:
                ends[key] = k
        texts.append(part.text.text + part.sep)
        offset += plen + utf16_len(part.sep)
        open_ends = ends
    entities.sort(key=lambda e: (e.offset, -e.length))
    return FormattedText("".join(texts), tuple(entities))


def _slice(s: str, m: U16Map, spans: list[Span], start: int, end: int) -> FormattedText:
    base = m.to_u16(start)
    entities = []
    for x, y, e in spans:
        if x >= end:
            break
        if y <= start:
            continue
        cx, cy = max(x, start), min(y, end)
        if cy > cx:
            ux = m.to_u16(cx)
            entities.append(
                Entity(e.kind, ux - base, m.to_u16(cy) - ux, e.url, e.language, e.user_id)
            )
    return FormattedText(s[start:end], tuple(entities))
