"""Where to cut a text that is too long for one part (used by :mod:`relay.text.split`).

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

At a whitespace cut the *whole* whitespace run (never a no-break space) lies between the two
parts. A cut never falls inside an entity, nor through whitespace an entity covers; if an
entity crosses the best cut, the cut moves before it. Only an entity longer than both this
part's limit and the next part's may itself be cut.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right

from relay.text.formatting import Entity, U16Map

_NO_BREAK = "\u00a0\u2007\u202f"
_WS = f"[^\\S{_NO_BREAK}]"
_WS_RUN = re.compile(_WS + "+")
_SENTENCE = re.compile(
    f"[.!?\u2026\u061f\u06d4\u3002\uff01\uff1f\u203c\u2049][\"'\u201d\u2019\u00bb)\\]}}\u203a]{{0,3}}(?={_WS})"
)

Span = tuple[int, int, Entity]  # (start index, end index, entity)


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


def _blocked(m: U16Map, spans: list[Span], start: int, threshold: int) -> _Blocked:
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


def find_cut(
    s: str,
    m: U16Map,
    spans: list[Span],
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
