"""Normalising a post's text so that copies of one statement look the same.

Channels that copy a statement change what a reader barely notices: a footer with their handle,
hashtags, emoji, links, Arabic-keyboard letters, Persian or Arabic digits, ZWNJ or a space. The
rules below (applied in this order) remove exactly those differences and keep every word and
number of the statement, because the words and numbers are what tell two statements apart.

1. NFKC: presentation forms, full-width and compatibility characters become plain letters.
2. Letters (``_CHAR_MAP``): ي ى ئ -> ی; ك ڪ -> ک; ة ۀ ە ھ ہ -> ه; أ إ آ ٱ -> ا; ؤ -> و;
   hamza ء, tatweel ـ and harakat (fatha, kasra, shadda, sukun, superscript alef, Quranic marks)
   removed. Persian ۰-۹ and Arabic-Indic ٠-٩ digits -> ASCII 0-9; Arabic decimal and thousands
   separators and punctuation -> their ASCII forms. ZWNJ -> space; ZWJ, bidi marks and BOM removed.
3. Footers (``_strip_footer``): trailing lines that are a channel signature are dropped (never
   the last line left, which is the post itself): a line
   with nothing but links, @mentions, hashtags, emoji or punctuation (anywhere in the text); a
   line that names a channel (@handle, t.me/ or another link) with at most a few words beside it
   ("🆔 @channel", "کانال سندیکا: t.me/x", "join us @x"); a short line that starts like an
   invitation ("کانال ...", "عضویت ...", "join ...", "به ما بپیوندید"). A leading line that is only
   a handle or link with a word or two is dropped too.
4. Links (http(s)://, www., t.me/, telegram.me/, bare domains), @mentions and hashtags ending a
   line are removed. A hashtag inside a sentence keeps its words ("کارگران #هفت_تپه" ->
   "کارگران هفت تپه"): in Farsi channels such hashtags are part of the sentence, often the very
   workplace name that tells two template statements apart.
5. Thousands separators between digits are removed (1,500 = 1500); numbers lose leading zeros
   (۰۷ = 7). Everything that is not a letter or a digit (punctuation, emoji, symbols) becomes a
   space; Latin letters are case-folded; whitespace runs become one space.
6. Detached affixes are joined, so ZWNJ, space and nothing write the same word: the verb prefixes
   می / نمی join the next word, the suffixes ها های هایی ای تر ترین join the previous one, and
   "سه شنبه" (and the other weekday compounds) become one word.

``segments(text)`` returns the tokens sentence by sentence (a sentence ends at . ! ? ؟ … ; or a
line break), which the near-copy check uses to tell an added line from a word slipped into a
sentence. ``normalise(text)`` is the tokens joined by single spaces.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["FACT_WORDS", "fold_words", "is_fact", "normalise", "segments", "tokens"]

_CHAR_MAP: dict[int, str | None] = {}
for _src, _dst in (
    ("يىئې", "ی"),
    ("كڪ", "ک"),
    ("ةۀەھہ", "ه"),
    ("أإآٱ", "ا"),
    ("ؤ", "و"),
    ("٫", "."),
    ("٬", ","),
    ("،", ","),
    ("؛", ";"),
    ("؟", "?"),
):
    for _ch in _src:
        _CHAR_MAP[ord(_ch)] = _dst
for _i in range(10):
    _CHAR_MAP[0x06F0 + _i] = str(_i)  # Persian digits
    _CHAR_MAP[0x0660 + _i] = str(_i)  # Arabic-Indic digits
for _cp in (0x0621, 0x0640, 0x0670, 0x200D, 0x200E, 0x200F, 0xFEFF, 0x061C):
    _CHAR_MAP[_cp] = None  # hamza, tatweel, superscript alef, ZWJ, LRM/RLM, BOM, ALM
for _cp in (*range(0x064B, 0x0660), *range(0x06D6, 0x06EE), *range(0x202A, 0x202F),
            *range(0x2066, 0x206A), *range(0xFE00, 0xFE10)):
    _CHAR_MAP[_cp] = None  # harakat, Quranic marks, bidi embeddings/isolates, variation selectors
_CHAR_MAP[0x200C] = " "  # ZWNJ

_URL_RE = re.compile(r"(?:https?://|www\.|(?:t|telegram)\.me/)\S*", re.IGNORECASE)
_DOMAIN_RE = re.compile(
    r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|ir|me|info|io|app|site|tv|news)\b(?:/\S*)?",
    re.IGNORECASE,
)
_TLD_RE = re.compile(r"\.(?:com|org|net|ir|me|info|io|app|site|tv|news)\b", re.IGNORECASE)
_MENTION_RE = re.compile(r"@\w+")
_HASHTAG_RE = re.compile(r"#\w+")
_TRAILING_TAGS_RE = re.compile(r"(?:[^\w#\n]*#\w+)+[^\w#\n]*$", re.MULTILINE)
_SENTENCE_END_RE = re.compile(r"(?:[!?…;]|\.(?!\d))+")
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_NOT_WORD_RE = re.compile(r"[^\w\n]+|_+")  # keeps line breaks: they end sentences
_WORD_CHAR_RE = re.compile(r"[^\W_]")
_DIGIT_RUN_RE = re.compile(r"\d+|\D+")
_MAP_RE = re.compile("[" + "".join(map(chr, sorted(_CHAR_MAP))) + "]")
_FOOTER_START_RE = re.compile(  # anchored: used with .match
    r"^\W*(?:کانال|عضویت|عضو\s+شوید|لینک\s+کانال|ادرس\s+کانال|به\s+ما\s+بپیوندید|ما\s+را\s+دنبال"
    r"|join|follow|subscribe|id\b)",
    re.IGNORECASE,
)
_FOOTER_MAX_WORDS = 6  # words beside a handle/link for the line still to be a signature
_INVITE_MAX_WORDS = 8  # words in a line starting like an invitation ("کانال ...", "join ...")

_PREFIXES = frozenset({"می", "نمی"})
_SUFFIXES = frozenset({"ها", "های", "هایی", "ای", "تر", "ترین"})
_WEEKDAY_HEADS = frozenset({"یک", "دو", "سه", "چهار", "پنج"})
_AFFIXES = _PREFIXES | _SUFFIXES | {"شنبه"}

_MONTHS = ("فروردین اردیبهشت خرداد تیر مرداد شهریور مهر ابان اذر دی بهمن اسفند "
           "ژانویه فوریه مارس اوریل مه ژوین ژوییه اوت سپتامبر اکتبر نوامبر دسامبر")
_DAYS = "شنبه یکشنبه دوشنبه سهشنبه چهارشنبه پنجشنبه جمعه امروز فردا دیروز امشب پریروز پسفردا"
FACT_WORDS = frozenset((_MONTHS + " " + _DAYS).split())
"""Words that date a statement; with the numbers they must agree between copies."""


def is_fact(token: str) -> bool:
    """A number, month or day word: two statements that differ in one are two statements."""
    return token.isdigit() or token in FACT_WORDS


def _strip_links(text: str) -> str:
    if "/" in text or "www" in text.lower():
        text = _URL_RE.sub(" ", text)
    if _TLD_RE.search(text):
        text = _DOMAIN_RE.sub(" ", text)
    return text


def _names_channel(line: str) -> bool:
    return "@" in line or _URL_RE.search(line) is not None or _TLD_RE.search(line) is not None


def _words(line: str) -> list[str]:
    """The plain words of a line once links, mentions, tags and symbols are gone."""
    line = _strip_links(line)
    line = _MENTION_RE.sub(" ", line)
    line = _HASHTAG_RE.sub(" ", line)
    return _NOT_WORD_RE.sub(" ", line).split()


def _is_signature(line: str) -> bool:
    names_channel = _names_channel(line)
    if not names_channel and not _FOOTER_START_RE.match(line):
        return not _has_words(line)
    words = _words(line)
    if not words:
        return True
    if names_channel and len(words) <= _FOOTER_MAX_WORDS:
        return True
    return bool(_FOOTER_START_RE.match(line)) and len(words) <= _INVITE_MAX_WORDS


def _may_name_channel(text: str) -> bool:
    return ("@" in text or "#" in text or "/" in text or "www" in text.lower()
            or _TLD_RE.search(text) is not None)


def _has_words(line: str) -> bool:
    if not _may_name_channel(line):  # nothing to strip: any letter or digit will do
        return _WORD_CHAR_RE.search(line) is not None
    return bool(_words(line))


def _strip_footer(lines: list[str], plain: bool) -> list[str]:
    """Drop empty-of-words lines anywhere, signature lines at the end, a bare handle at the top.

    ``plain``: the text has no handle, link or hashtag at all, so only the invitation rule and
    lines without words can apply (the common case, checked once for the whole text).
    """
    if plain:
        kept = [line for line in lines if _WORD_CHAR_RE.search(line)]
        while len(kept) > 1 and _FOOTER_START_RE.match(kept[-1]) and len(
            _words(kept[-1])
        ) <= _INVITE_MAX_WORDS:
            kept.pop()
        return kept
    kept = [line for line in lines if _has_words(line)]
    while len(kept) > 1 and _is_signature(kept[-1]):
        kept.pop()
    while len(kept) > 1 and _names_channel(kept[0]) and len(_words(kept[0])) <= 2:
        kept.pop(0)
    return kept


def _mapped(match: re.Match[str]) -> str:
    return _CHAR_MAP[ord(match.group())] or ""


def _split_numbers(words: list[str]) -> list[str]:
    """Numbers stand alone ("5مین" -> "5", "مین") and lose leading zeros ("07" -> "7")."""
    if all(map(str.isalpha, words)):
        return words
    out: list[str] = []
    for word in words:
        if word.isalpha():
            out.append(word)
        elif word.isdigit():
            out.append(word.lstrip("0") or "0")
        else:
            out.extend(p.lstrip("0") or "0" if p.isdigit() else p
                       for p in _DIGIT_RUN_RE.findall(word))
    return out


def _join_affixes(words: list[str]) -> list[str]:
    if _AFFIXES.isdisjoint(words):
        return words
    out: list[str] = []
    pending_prefix = ""
    for word in words:
        if out and not pending_prefix and (
            word in _SUFFIXES or (word == "شنبه" and out[-1] in _WEEKDAY_HEADS)
        ):
            out[-1] += word
            continue
        word = pending_prefix + word
        pending_prefix = ""
        if word in _PREFIXES:
            pending_prefix = word
            continue
        out.append(word)
    if pending_prefix:
        out.append(pending_prefix)
    return out


def segments(text: str) -> list[list[str]]:
    """The normalised tokens of ``text``, sentence by sentence (empty sentences left out)."""
    text = unicodedata.normalize("NFKC", text)
    text = _MAP_RE.sub(_mapped, text)
    plain = not _may_name_channel(text)
    body = "\n".join(_strip_footer(text.splitlines(), plain))
    if not plain:
        body = _strip_links(body)
        if "@" in body:
            body = _MENTION_RE.sub(" ", body)
        if "#" in body:
            body = _TRAILING_TAGS_RE.sub(" ", body)
    if "," in body:
        body = _THOUSANDS_RE.sub("", body)
    body = _SENTENCE_END_RE.sub("\n", body)
    body = _NOT_WORD_RE.sub(" ", body).casefold()
    return _sentences(body)


def _sentences(body: str) -> list[list[str]]:
    out: list[list[str]] = []
    for sentence in body.split("\n"):
        words = sentence.split()
        if words:
            out.append(_join_affixes(_split_numbers(words)))
    return out


def tokens(text: str) -> list[str]:
    """All normalised tokens of ``text`` in order."""
    return [word for sentence in segments(text) for word in sentence]


def normalise(text: str) -> str:
    """The text as copies of one statement share it: see the module docstring for the rules."""
    return " ".join(tokens(text))


def fold_words(text: str) -> list[str]:
    """Rules 1, 2, 5 and 6 only, on the whole text (no footer, link or hashtag removal): the
    words of a glossary term or of any text it is looked for in (issue 14)."""
    text = _MAP_RE.sub(_mapped, unicodedata.normalize("NFKC", text))
    if "," in text:
        text = _THOUSANDS_RE.sub("", text)
    return _join_affixes(_split_numbers(_NOT_WORD_RE.sub(" ", text).casefold().split()))
