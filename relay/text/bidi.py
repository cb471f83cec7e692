"""Right-to-left safety for published text.

Telegram clients choose each paragraph's direction (every ``\\n``-separated line is a bidi
paragraph) from its first strong character, and then lay out mixed runs by the Unicode
bidirectional algorithm. An English translation of a Farsi post may open a line with a Farsi
name, and a Farsi name followed by a number ("علی نجاتی 55") pulls the number into its run.
The approach, mirrored for right-to-left targets (fa, ar, he, ur, ...):

* **Control characters in input are dropped first** (:func:`clean` and :func:`strip_controls`):
  U+200B ZWSP, U+200E LRM, U+200F RLM, U+061C ALM, U+202A-U+202E embeddings and overrides,
  U+2066-U+2069 isolates, U+FEFF BOM. They come from copy-paste and would fight our own marks
  (Telegram itself deletes U+2028-U+202E). Kept: U+200C ZWNJ (a Persian letter joiner) and
  U+200D ZWJ (joins emoji sequences such as 👨‍👩‍👧 and Arabic-script letters).
* **Translation lines** (:func:`anchor` with ``body=True``): a line that holds some
  target-direction text but whose first strong character is of the other direction gets a
  leading mark (U+200E LRM for LTR targets, U+200F RLM for RTL ones), so it reads in the
  target direction. A line with *no* target-direction text (a Farsi slogan quoted on its own)
  is left alone and keeps its natural direction. Inside target-direction lines, an
  other-direction run followed (past spaces and punctuation only) by a number is closed by
  the same mark: without it the bidi algorithm glues the number, and the punctuation before
  it, to the run ("علی نجاتی 55" would show the 55 on the wrong side of the name). Before
  letters or at the line end no mark is needed: neutrals there take the paragraph direction.
  No mark goes inside hashtags, mentions, URLs or code, nor before a word-joining character.
  Marks (not isolates) are used in the translation because it may be split into several
  messages: a lone mark is always balanced, an isolate pair could be cut in two.
* **Field values** in the template text (source name, translator, credit, ...) that contain
  other-direction letters are wrapped in U+2068 FSI ... U+2069 PDI (:func:`isolate`): the
  value lays itself out in its own direction and cannot reorder the template text around it.
  Template lines whose first strong character is of the other direction get a leading mark
  too (``body=False``).

Marks are inserted through :func:`relay.text.edits.apply_edits`, so entity offsets stay
correct: a mark at an entity's start goes before the entity, one at its end goes after it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from relay.text.edits import apply_edits
from relay.text.formatting import FormattedText, U16Map, utf16_len

LRM = "\u200e"
RLM = "\u200f"
FSI = "\u2068"
PDI = "\u2069"

RTL_LANGUAGES = frozenset(
    {
        "ar",
        "arc",
        "ckb",
        "dv",
        "fa",
        "he",
        "iw",
        "ks",
        "ku-arab",
        "prs",
        "ps",
        "sd",
        "syr",
        "ug",
        "ur",
        "yi",
    }
)

_CONTROL_CHARS = (
    "\u200b\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
_CONTROLS = re.compile(f"[{_CONTROL_CHARS}]+")

_NUMBER_NEXT = re.compile(r"[^\w\n]*\d")

#: Entity kinds whose text must not get marks inside it (they are parsed, not just shown).
_PROTECTED = frozenset(
    {"code", "pre", "url", "email", "phone", "hashtag", "cashtag", "mention", "bot_command"}
)
#: Characters after which/before which a run mark would break a token.
_JOINERS = frozenset("_-/@#&=~+.'\u200c\u200d")


def is_rtl_language(code: str) -> bool:
    """Is ``code`` (``fa``, ``fa-IR``, ``ar_EG`` ...) written right to left?"""
    code = code.lower().replace("_", "-")
    return code in RTL_LANGUAGES or code.split("-")[0] in RTL_LANGUAGES


@functools.lru_cache(maxsize=4096)  # the same names and credits recur in every message
def clean(value: str) -> str:
    """A field value without invisible/bidi control characters (ZWNJ and ZWJ stay)."""
    if not any(c in value for c in _CONTROL_CHARS):  # ~6x faster than a regex scan
        return value
    return _CONTROLS.sub("", value)


def strip_controls(ft: FormattedText) -> FormattedText:
    """:func:`clean` for formatted text, with entities adjusted."""
    if not any(c in ft.text for c in _CONTROL_CHARS):
        return ft
    return apply_edits(ft, [(m.start(), m.end(), "") for m in _CONTROLS.finditer(ft.text)])


@dataclass(frozen=True, slots=True)
class _Regexes:
    ltr: re.Pattern[str]  # one strong left-to-right character
    rtl: re.Pattern[str]  # one strong right-to-left character
    strong: re.Pattern[str]
    ltr_run: re.Pattern[str]
    rtl_run: re.Pattern[str]
    ltr_first: re.Pattern[str]  # the start of a line whose first strong character is LTR
    rtl_first: re.Pattern[str]  # the start of a line whose first strong character is RTL


#: Outside the BMP only coarse blocks are used: a class with hundreds of astral ranges makes
#: every regex scan an order of magnitude slower, and astral strong letters are historic
#: scripts, CJK extensions and private use (emoji are neutral and stay out of both).
_ASTRAL_LTR = (
    "\\U00010000-\\U000107ff\\U00011000-\\U0001e7ff\\U00020000-\\U0003ffff\\U000f0000-\\U0010ffff"
)
_ASTRAL_RTL = "\\U00010800-\\U00010fff\\U0001e800-\\U0001efff"


def _class_ranges() -> dict[str, str]:
    """Regex class bodies for strong LTR, strong RTL and non-spacing marks in the BMP, from the
    running Python's Unicode tables (one pass, a few milliseconds, done once)."""
    bidi = unicodedata.bidirectional
    group = {"L": "L", "R": "R", "AL": "R", "NSM": "NSM"}
    out: dict[str, list[str]] = {"L": [], "R": [], "NSM": []}
    current, start = None, 0
    for cp in range(0x10001):
        kind = None if cp > 0xFFFF or 0xD800 <= cp <= 0xDFFF else group.get(bidi(chr(cp)))
        if kind != current:
            if current is not None:
                end = cp - 1
                out[current].append(f"\\u{start:04x}" + ("" if end == start else f"-\\u{end:04x}"))
            current, start = kind, cp
    out["L"].append(_ASTRAL_LTR)
    out["R"].append(_ASTRAL_RTL)
    return {k: "".join(v) for k, v in out.items()}


@functools.cache
def _regexes() -> _Regexes:
    c = _class_ranges()
    ltr, rtl, nsm = c["L"], c["R"], c["NSM"]
    # A run of words of one direction: letters, combining marks, inner spaces and joiners;
    # Arabic-Indic digits belong to RTL runs, ASCII digits to none (they are what follows).
    inner_l = f"{ltr}{nsm}"
    inner_r = f"{rtl}{nsm}\u0660-\u0669\u06f0-\u06f9"
    return _Regexes(
        ltr=re.compile(f"[{ltr}]"),
        rtl=re.compile(f"[{rtl}]"),
        strong=re.compile(f"[{ltr}{rtl}]"),
        ltr_run=re.compile(f"[{ltr}](?:[{inner_l} \u200c\u200d]*[{inner_l}])?"),
        rtl_run=re.compile(f"[{rtl}](?:[{inner_r} \u200c\u200d]*[{inner_r}])?"),
        ltr_first=re.compile(f"(?m)^(?=[^{ltr}{rtl}\n]*[{ltr}])"),
        rtl_first=re.compile(f"(?m)^(?=[^{ltr}{rtl}\n]*[{rtl}])"),
    )


def has_foreign(text: str, rtl: bool) -> bool:
    """Does ``text`` hold a strong character against the target direction?"""
    r = _regexes()
    return (r.ltr if rtl else r.rtl).search(text) is not None


@functools.lru_cache(maxsize=4096)
def isolate(value: str, rtl: bool) -> str:
    """Wrap ``value`` in FSI/PDI if it holds letters of the other direction."""
    if value and has_foreign(value, rtl):
        return FSI + value + PDI
    return value


def anchor(
    ft: FormattedText,
    rtl: bool,
    *,
    body: bool,
    skip_first_line: bool = False,
    first_line_only: bool = False,
) -> FormattedText:
    """Add the direction marks described in the module docstring.

    ``body``: translation rules (lines with no target-direction text are left alone, runs get
    closing marks) rather than template rules. ``skip_first_line``: the first line continues a
    line that starts in a previous piece. ``first_line_only``: re-anchor the start of a split
    part (no run marks).
    """
    text = ft.text
    if not text:
        return ft
    r = _regexes()
    foreign = r.ltr if rtl else r.rtl
    if foreign.search(text) is None:
        return ft
    own = r.rtl if rtl else r.ltr
    mark = RLM if rtl else LRM
    protected = [(e.offset, e.end) for e in ft.entities if e.kind in _PROTECTED]
    if protected and len(text) != utf16_len(text):
        protected = _to_indexes(text, protected)
    has_own: dict[int, bool] = {}  # line start -> the line holds target-direction text

    def wanted(line_start: int, pos: int) -> bool:
        if (skip_first_line and line_start == 0) or _inside(protected, pos):
            return False
        if not body:
            return True
        known = has_own.get(line_start)
        if known is None:
            line_end = text.find("\n", line_start)
            known = (
                own.search(text, line_start, line_end if line_end >= 0 else len(text)) is not None
            )
            has_own[line_start] = known
        return known

    edits: list[tuple[int, int, str]] = []
    stop = text.find("\n") if first_line_only and "\n" in text else len(text)
    # Lines whose first strong character is of the other direction get a leading mark.
    for m in (r.ltr_first if rtl else r.rtl_first).finditer(text, 0, stop):
        if wanted(m.start(), m.start()):
            edits.append((m.start(), m.start(), mark))
    if body and not first_line_only:
        for m in (r.ltr_run if rtl else r.rtl_run).finditer(text):
            if _closes(text, m.start(), m.end()) and wanted(
                text.rfind("\n", 0, m.start()) + 1, m.end()
            ):
                edits.append((m.end(), m.end(), mark))
        edits.sort()
    return apply_edits(ft, edits) if edits else ft


def _closes(text: str, run_start: int, run_end: int) -> bool:
    """Should a mark follow this run? Only if a number comes next (after neutral characters
    only), the next character does not continue a token, and the run is not part of a
    hashtag, mention or URL."""
    if _NUMBER_NEXT.match(text, run_end) is None or text[run_end] in _JOINERS:
        return False
    tok_start, tok_end = run_start, run_end
    while tok_start > 0 and not text[tok_start - 1].isspace():
        tok_start -= 1
    while tok_end < len(text) and not text[tok_end].isspace():
        tok_end += 1
    token = text[tok_start:tok_end]
    return not any(c in token for c in "#@/")


def _inside(intervals: list[tuple[int, int]], pos: int) -> bool:
    return any(a < pos < b for a, b in intervals)


def _to_indexes(text: str, intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    m = U16Map(text)
    return [(m.to_index(a), m.to_index(b, round_up=True)) for a, b in intervals]
