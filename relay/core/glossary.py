"""Glossary terms in a Farsi text, and agreed translations in a translation (issue 14). Pure.

A term is found however a channel writes it: the letters, digits, ZWNJ and spaces are folded as
for statement matching (:func:`relay.core.matching_text.fold_words`: ي/ی, ك/ک, ة/ه, hamza
forms, harakat, Persian and Arabic digits, ZWNJ = space = nothing before می/ها/های), and each
word of the source may carry the affixes Farsi attaches to a noun:

- one or two suffixes: a plural (ها های هایی ان ات یان گان ین; نماینده -> نمایندگان), an
  ezafe, indefinite or adjective ending or a pronoun (ی ای یی ام ات اش م ت ش مان تان شان): a
  single letter only on a stem of three letters or more, and never two single letters;
- before it, the verb prefixes می نمی, and ب ن on a stem of four letters or more.

A term's own words are taken as written, except a written ezafe (سندیکای -> سندیکا). Terms are
kept in a tree of their words, so a lookup costs one dictionary probe per variant of each word of
the text, whatever the size of the glossary; the variants of a word are memoised.

An agreed translation is "present" in a translation when its words occur in order: in Farsi
script with the same tolerance; in other scripts case- and accent-insensitively, each word
allowed a short inflected ending (union/unions, company/companies, huelga/huelgas).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from relay.core.matching_text import fold_words

__all__ = ["Glossary", "Term", "missing_translations", "term_key", "translation_present"]

_PLURALS = ("هایی", "های", "ها", "یان", "گان", "ان", "ات", "ین")
_ENDINGS = ("شان", "مان", "تان", "ای", "یی", "ام", "ات", "اش", "ی", "م", "ت", "ش")
_VERB_PREFIXES = (("نمی", 3), ("می", 3), ("ب", 4), ("ن", 4))
_DETACHED = frozenset({"ی", "ای", "یی", "ام", "ات", "اش", "مان", "تان", "شان", "ها", "های",
                       "هایی"})  # written after a ZWNJ or a space, still part of the word
_MIN_STEM = 2
_ARABIC_LETTER = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_LATIN_WORD = re.compile(r"[^\W_]+")
_MAX_CACHE = 200_000


@dataclass(frozen=True, slots=True)
class Term:
    """One glossary entry: a source term and its agreed translation in ``language``."""

    term: str
    translation: str
    language: str
    note: str | None = None


def _base(word: str) -> str:
    """A word without a written ezafe: سندیکای -> سندیکا, دانشجوی -> دانشجو."""
    if len(word) >= 4 and word[-1] == "ی" and word[-2] in "او":
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    """The folded words of a Farsi text, detached endings joined to their word."""
    out: list[str] = []
    for word in fold_words(text):
        if out and word in _DETACHED:
            out[-1] += word
        else:
            out.append(word)
    return out


def term_key(term: str) -> str:
    """The form two spellings of one term share ("" when it has no word at all)."""
    return " ".join(_base(w) for w in words(term))


_variant_cache: dict[str, frozenset[str]] = {}


_SUFFIXES = tuple(sorted(set(_PLURALS + _ENDINGS), key=len, reverse=True))


def _strip(word: str, out: set[str], depth: int, single_used: bool) -> None:
    """Add ``word`` without one or two suffixes; never two single letters (رضایت is not رضا)."""
    for suffix in _SUFFIXES:
        single = len(suffix) == 1
        stem_len = len(word) - len(suffix)
        if (not word.endswith(suffix) or stem_len < (3 if single else _MIN_STEM)
                or (single and single_used)):
            continue
        stem = word[:stem_len]
        out.add(stem)
        if suffix == "گان":
            out.add(stem + "ه")
        if depth < 2:
            _strip(stem, out, depth + 1, single_used or single)


def variants(word: str) -> frozenset[str]:
    """Every form ``word`` may be the inflection of (itself included)."""
    found = _variant_cache.get(word)
    if found is not None:
        return found
    out = {word, _base(word)}
    _strip(word, out, 1, False)
    for prefix, rest in _VERB_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= rest:
            bare = word[len(prefix):]
            out.add(bare)
            _strip(bare, out, 1, False)
            break
    frozen = frozenset(out)
    if len(_variant_cache) >= _MAX_CACHE:
        _variant_cache.clear()
    _variant_cache[word] = frozen
    return frozen


class _Node:
    """A word of a term in the index: the terms that end here, and the words that follow."""

    __slots__ = ("next", "terms")

    def __init__(self) -> None:
        self.terms: list[Term] = []
        self.next: dict[str, _Node] = {}


class Glossary:
    """The terms of every language, in a tree of their words. Built once, read often."""

    def __init__(self, terms: Iterable[Term] = ()):
        self._roots: dict[str, dict[str, _Node]] = {}
        self._size = 0
        for term in terms:
            key = term_key(term.term).split()
            if not key:
                continue
            children = self._roots.setdefault(term.language, {})
            node = None
            for word in key:
                node = children.get(word)
                if node is None:
                    node = children[word] = _Node()
                children = node.next
            assert node is not None
            node.terms.append(term)
            self._size += 1

    def __len__(self) -> int:
        return self._size

    def languages(self) -> list[str]:
        return sorted(self._roots)

    def find(self, text: str, language: str) -> list[Term]:
        """The terms of ``language`` in ``text``, in order of appearance, each once; where
        two overlap the longer wins ("شرکت واحد" over "واحد")."""
        root = self._roots.get(language)
        if not root or not text:
            return []
        forms = [variants(w) for w in words(text)]
        found: list[Term] = []
        seen: set[int] = set()
        i, n = 0, len(forms)
        while i < n:
            size, term = _longest(root, forms, i)
            if term is None:
                i += 1
                continue
            if id(term) not in seen:
                seen.add(id(term))
                found.append(term)
            i += size
        return found


def _longest(root: dict[str, _Node], forms: Sequence[frozenset[str]],
             start: int) -> tuple[int, Term | None]:
    """The longest term starting at word ``start`` (its length in words), if any."""
    best: tuple[int, Term | None] = (0, None)
    level = [root]
    at = start
    while level and at < len(forms):
        deeper = []
        for children in level:
            for form in forms[at]:
                node = children.get(form)
                if node is None:
                    continue
                if node.terms and at + 1 - start > best[0]:
                    best = (at + 1 - start, node.terms[0])
                if node.next:
                    deeper.append(node.next)
        level = deeper
        at += 1
    return best


# ---------------------------------------------------------------------- translations
def _latin_words(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _LATIN_WORD.findall(plain)


def _latin_match(written: str, agreed: str) -> bool:
    """``written`` is ``agreed`` or an inflection of it: a shared stem, a short ending."""
    if written == agreed:
        return True
    if len(agreed) <= 3 and not agreed.isdigit():
        return written.startswith(agreed) and len(written) - len(agreed) <= 2
    common = 0
    for a, b in zip(written, agreed, strict=False):
        if a != b:
            break
        common += 1
    return (common >= max(3, len(agreed) - 2) and len(agreed) - common <= 2
            and len(written) - common <= 4 and not agreed.isdigit())


def _contains(haystack: Sequence[str], needle: Sequence[str],
              same: Callable[[str, str], bool]) -> bool:
    """Do the words of ``needle`` occur in ``haystack``, in order and side by side?"""
    if not needle:
        return False
    return any(all(same(haystack[start + k], w) for k, w in enumerate(needle))
               for start in range(len(haystack) - len(needle) + 1))


def _farsi_match(written: str, agreed: str) -> bool:
    return agreed in variants(written)


def translation_present(translation: str, agreed: str) -> bool:
    """Is the agreed translation ``agreed`` used in ``translation`` (see the module doc)?"""
    if _ARABIC_LETTER.search(agreed):
        return _contains(words(translation), term_key(agreed).split(), _farsi_match)
    return _contains(_latin_words(translation), _latin_words(agreed), _latin_match)


def missing_translations(terms: Iterable[Term], translation: str) -> list[Term]:
    """The terms whose agreed translation ``translation`` does not use."""
    return [term for term in terms if not translation_present(translation, term.translation)]
