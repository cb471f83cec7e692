"""Cut formatted text into parts that fit Telegram's limits, plus small text-surgery helpers.

All lengths are UTF-16 code units, as Telegram counts them (a character outside the BMP, such
as most emoji, counts 2). Python strings hold code points, so a cut between two ``str``
characters can never fall inside a surrogate pair.

Where a cut goes, best first, always within the part's limit:

1. a paragraph break: a whitespace run holding two or more newlines;
2. a line break: a whitespace run holding one newline;
3. a sentence end: ``. ! ? … ؟ ۔ 。 ！ ？`` (optionally followed by closing quotes or brackets)
   followed by whitespace;
4. any other whitespace (a word boundary);
5. a hard cut between two characters, only when no whitespace is usable; it avoids breaking a
   grapheme (combining marks, ZWJ emoji sequences, variation selectors, flags) where it can.

A boundary of a better kind wins only if it keeps the part at least half full; otherwise the
best one in the second half of the window does (so one short opening paragraph does not become
a message of its own). Failing all of those, the rightmost usable whitespace wins.

Separators: at a whitespace cut the *whole* whitespace run (spaces, tabs, newlines; never a
no-break space) is dropped from both sides and returned as :attr:`Part.sep`; a hard cut drops
nothing (``sep == ""``). Hence ``"".join(p.text.text + p.sep for p in parts) == text.text``
(see :func:`join`).

Entities: a cut never falls inside an entity, nor drops whitespace an entity covers. If an
entity crosses the best cut, the cut moves before it. Only an entity longer than both this
part's limit and the next part's is itself cut; each side then keeps an entity of the same
kind (and url/language/user) over its share of the text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from relay.text.formatting import Entity, FormattedText

_NO_BREAK = "\u00a0\u2007\u202f"
_WS = f"[^\\S{_NO_BREAK}]"
_WS_RUN = re.compile(_WS + "+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_SENTENCE = re.compile(
    f"[.!?\u2026\u061f\u06d4\u3002\uff01\uff1f\u203c\u2049][\"'\u201d\u2019\u00bb)\\]}}\u203a]{{0,3}}(?={_WS})"
)


def u16len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (fast: done by the codec in C)."""
    return len(text.encode("utf-16-le", "surrogatepass")) >> 1


class U16Map:
    """Converts between Python string indexes and UTF-16 offsets of one string."""

    __slots__ = ("_idx", "_u16")

    def __init__(self, text: str) -> None:
        if u16len(text) == len(text):
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


# --- text surgery -------------------------------------------------------------------------


def concat(*parts: FormattedText) -> FormattedText:
    """Join formatted texts, shifting each one's entities by the length before it."""
    parts = tuple(p for p in parts if p.text)
    if len(parts) == 1:
        return parts[0]
    texts: list[str] = []
    entities: list[Entity] = []
    offset = 0
    for part in parts:
        texts.append(part.text)
        entities.extend(e.shifted(offset) if offset else e for e in part.entities)
        offset += u16len(part.text)
    return FormattedText("".join(texts), tuple(entities))


def apply_edits(ft: FormattedText, edits: Sequence[tuple[int, int, str]]) -> FormattedText:
    """Replace ``text[start:end]`` by ``new`` for each edit (Python indexes, sorted, disjoint).

    Entities follow the text: an insertion at an entity's start goes before the entity, one at
    its end goes after it, one strictly inside widens it; deleted text shrinks entities, and an
    entity left empty is dropped.
    """
    if not edits:
        return ft
    text = ft.text
    out: list[str] = []
    prev = 0
    for start, end, new in edits:
        out.append(text[prev:start])
        out.append(new)
        prev = end
    out.append(text[prev:])
    new_text = "".join(out)
    if not ft.entities:
        return FormattedText(new_text, ())
    m = U16Map(text)
    units = [(m.to_u16(s), m.to_u16(e), u16len(new)) for s, e, new in edits]
    entities = []
    for ent in ft.entities:
        start = _map_pos(units, ent.offset, is_end=False)
        end = _map_pos(units, ent.end, is_end=True)
        if end > start:
            entities.append(
                Entity(ent.kind, start, end - start, ent.url, ent.language, ent.user_id)
            )
    return FormattedText(new_text, tuple(entities))


def _map_pos(units: list[tuple[int, int, int]], pos: int, *, is_end: bool) -> int:
    delta = 0
    for a, b, n in units:
        if a == b:  # insertion
            if pos > a or (pos == a and not is_end):
                delta += n
                continue
            break
        if pos >= b:
            delta += n - (b - a)
        elif pos > a:
            return a + delta + (n if is_end else 0)
        else:
            break
    return pos + delta


def strip_whitespace(
    ft: FormattedText, *, leading: bool = True, trailing: bool = True
) -> FormattedText:
    """Drop leading and/or trailing whitespace, clipping entities."""
    text = ft.text
    start = len(text) - len(text.lstrip()) if leading else 0
    end = len(text.rstrip()) if trailing else len(text)
    if end <= start:
        return FormattedText("", ())
    edits = []
    if start:
        edits.append((0, start, ""))
    if end < len(text):
        edits.append((end, len(text), ""))
    return apply_edits(ft, edits)


# --- splitting ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of a split: its text, the whitespace dropped after it ("" after the last part
    and at hard cuts), and whether the cut after it went through an entity (see :func:`join`)."""

    text: FormattedText
    sep: str = ""
    cut_entity: bool = False


_Span = tuple[int, int, Entity]  # (start index, end index, entity)


def split(
    text: FormattedText, limits: Sequence[int] | int, *, reserve_last: int = 0
) -> list[FormattedText]:
    """:func:`split_parts` without the separators."""
    return [p.text for p in split_parts(text, limits, reserve_last=reserve_last)]


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
        cut = _find_cut(s, m, spans, start, limit, lims[min(i + 1, len(lims) - 1)], tail)
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
        plen = u16len(part.text.text)
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
        offset += plen + u16len(part.sep)
        open_ends = ends
    entities.sort(key=lambda e: (e.offset, -e.length))
    return FormattedText("".join(texts), tuple(entities))


def _slice(s: str, m: U16Map, spans: list[_Span], start: int, end: int) -> FormattedText:
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


class _Blocked:
    """Merged text intervals no cut may enter (entities that must stay whole), and all the
    entities' intervals (a separator may not cover part of any entity)."""

    def __init__(self, intervals: list[tuple[int, int]], entities: list[tuple[int, int]]) -> None:
        self.iv = intervals
        self.starts = [x for x, _ in intervals]
        self.entities = entities

    def covering(self, pos: int) -> tuple[int, int] | None:
        """The interval whose characters include ``text[pos]``."""
        k = bisect_right(self.starts, pos) - 1
        if k >= 0 and self.iv[k][1] > pos:
            return self.iv[k]
        return None

    def next_start(self, pos: int) -> int | None:
        k = bisect_left(self.starts, pos)
        return self.iv[k][0] if k < len(self.iv) else None


def _blocked(m: U16Map, spans: list[_Span], start: int, threshold: int) -> _Blocked:
    out: list[tuple[int, int]] = []
    live = [(x, y) for x, y, _ in spans if y > start and y > x]
    for x, y in live:
        if m.to_u16(y) - m.to_u16(max(x, start)) > threshold:
            continue
        if out and x < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], y))
        else:
            out.append((x, y))
    return _Blocked(out, live)


def _find_cut(
    s: str,
    m: U16Map,
    spans: list[_Span],
    start: int,
    limit: int,
    next_limit: int,
    tail: int | None = None,
) -> tuple[int, int] | None:
    """The cut ``(a, b)``: the part ends at ``a``, the next starts at ``b``.

    ``tail``: the text after the cut must fit in ``tail`` units; then only a whitespace cut
    will do (room for an attribution is no reason to break a word).
    """
    ustart = m.to_u16(start)
    pmax = min(m.to_index(ustart + limit), len(s) - 1)
    if pmax <= start:
        return None
    if tail is not None:
        lo = max(m.to_index(m.to_u16(len(s)) - tail, round_up=True), start + 1)
        if lo > pmax:
            return None
    else:
        lo = min(max(m.to_index(ustart + limit // 2), start + 1), pmax)
    # Entities that could fit a part are kept whole; failing that, those that fit this one;
    # failing that (overlapping entities chained longer than the limit), none.
    tiers = [max(limit, next_limit), limit, 0] if spans else [0]
    if tail is not None:
        tiers = tiers[:1]
    for threshold in dict.fromkeys(tiers):
        blocked = _blocked(m, spans, start, threshold if threshold else -1)
        if tail is not None:
            cut = _boundary_cut(s, blocked, start, lo, pmax, fallback=False)
        else:
            cut = _boundary_cut(s, blocked, start, lo, pmax) or _hard_cut(s, blocked, start, pmax)
        if cut:
            return cut
    return None


def _run_cut(s: str, blocked: _Blocked, start: int, pos: int) -> tuple[int, int] | None:
    """The usable cut inside the whitespace run that holds ``s[pos]``."""
    a = pos
    while a > start and s[a - 1].isspace() and s[a - 1] not in _NO_BREAK:
        a -= 1
    run = _WS_RUN.match(s, pos)
    rb = run.end() if run else pos + 1
    while (iv := blocked.covering(a)) is not None:
        a = iv[1]
        if a >= rb:
            return None
    nxt = blocked.next_start(a)
    b = rb if nxt is None else min(rb, nxt)
    # An entity that may be cut must be cut whole-sidedly: the separator lies inside it or
    # outside it, never over one of its ends (its edge whitespace would be lost).
    for x, y in blocked.entities:
        if x >= b:
            break
        if y <= a or (x < a and y > b):
            continue
        if x < a:
            a = max(a, y)
        else:
            b = x
            break
    if a <= start or b >= len(s) or a > b:
        return None
    return a, b


def _boundary_cut(
    s: str, blocked: _Blocked, start: int, lo: int, pmax: int, *, fallback: bool = True
) -> tuple[int, int] | None:
    """The best whitespace cut with ``lo <= a <= pmax`` (by kind, then rightmost); with
    ``fallback``, else the rightmost one before ``lo``."""
    line = None
    pos = s.rfind("\n", lo, pmax + 1)
    while pos >= lo:
        cut = _run_cut(s, blocked, start, pos)
        if cut and lo <= cut[0] <= pmax:
            if s.count("\n", cut[0], cut[1]) >= 2:
                return cut
            line = line or cut
        pos = s.rfind("\n", lo, min(pos, cut[0]) if cut else pos)
    if line:
        return line
    for mt in reversed(list(_SENTENCE.finditer(s, max(start, lo - 4), pmax + 1))):
        cut = _run_cut(s, blocked, start, mt.end())
        if cut and lo <= cut[0] <= pmax:
            return cut
    cut = _last_space(s, blocked, start, lo, pmax)
    if cut is None and fallback:
        cut = _last_space(s, blocked, start, start + 1, lo - 1)
    return cut


def _last_space(s: str, blocked: _Blocked, start: int, lo: int, hi: int) -> tuple[int, int] | None:
    """The rightmost usable whitespace cut with ``lo <= a <= hi``."""
    pos = hi
    while pos >= lo:
        ch = s[pos]
        if ch.isspace() and ch not in _NO_BREAK:
            cut = _run_cut(s, blocked, start, pos)
            if cut and lo <= cut[0] <= hi:
                return cut
            while pos > lo and s[pos - 1].isspace():
                pos -= 1
        pos -= 1
    return None


def _hard_cut(s: str, blocked: _Blocked, start: int, pmax: int) -> tuple[int, int] | None:
    """The rightmost cut between two characters, outside kept entities, preferably not inside
    a grapheme."""
    first = None
    pos = pmax
    for _ in range(64):
        if pos <= start:
            break
        iv = blocked.covering(pos)
        if iv is not None and iv[0] < pos:
            pos = iv[0]
            continue
        if first is None:
            first = pos
        if not _inside_grapheme(s, pos):
            return pos, pos
        pos -= 1
    return (first, first) if first is not None else None


def _is_extender(ch: str) -> bool:
    o = ord(ch)
    if o == 0x200D or 0xFE00 <= o <= 0xFE0F or 0x1F3FB <= o <= 0x1F3FF:
        return True
    if 0xE0020 <= o <= 0xE007F or 0xE0100 <= o <= 0xE01EF:
        return True
    return unicodedata.category(ch)[0] == "M"


def _is_regional(ch: str) -> bool:
    return 0x1F1E6 <= ord(ch) <= 0x1F1FF


def _inside_grapheme(s: str, pos: int) -> bool:
    """Would a cut before ``s[pos]`` break a user-perceived character?"""
    prev, cur = s[pos - 1], s[pos]
    if _is_extender(cur) or prev == "\u200d" or (prev == "\r" and cur == "\n"):
        return True
    if _is_regional(prev) and _is_regional(cur):
        k = pos - 1
        while k > 0 and _is_regional(s[k - 1]):
            k -= 1
        return (pos - k) % 2 == 1
    return False
