"""Which earlier post is the same statement as this one: exact and near copies (issue 11).

``StatementIndex.add(key, text, at)`` stores a post under a key (the caller's statement or job
id); ``match(text, at)`` returns the key of the stored post that is the same statement, or None.
Only posts within ``window_days`` of ``at`` count; older ones are evicted as newer posts arrive.

Exact copy: the same text after ``normalise`` (matching_text.py), known by a 64-bit digest (found
through the LSH bands, which an exact copy shares all of, or by its own key for short posts).

Near copy: MinHash over word bigrams with an LSH index (``bands`` x ``rows``) finds candidates;
each candidate is then *verified* on the two token sequences, aligned with difflib, because a
similarity score alone cannot tell a copy from a template statement about another workplace
(95% of the words shared, and every one of them matters to the reader). A candidate is the
same statement only when
- the shared tokens are at least ``min_shared`` of the longer text, and
- every difference is one a copying channel makes: whole sentences or lines added or removed
  (a header, a closing line, "a sentence added"), a header or closing line replaced when it holds
  no number or date, or a spelling fix (one word at edit distance 1, or a word split or joined);
  at most ``max_spelling_fixes`` of those (or one per ten words in a longer text);
- a word slipped into or changed inside a sentence is never a copy: a changed workplace, a name
  added to a list, another date, number, month or weekday ("12" vs "13" is not a typo).

Short posts: fewer than ``min_tokens`` words are never matched (a "اعتصاب!" or "تجمع امروز" from
two channels is as likely two events as one, and merging would hide one); fewer than
``min_near_tokens`` words match only exactly (a typo or an added word changes too large a share
of a short text for a near match to be safe).

Bounded work: at most ``max_verified`` candidates are verified per post (those sharing the most
bands first), and one band key holds at most 48 posts (matching_table.MAX_PER_KEY), so a text
posted hundreds of times does not make every later post slow.

Memory: per stored post a packed array of 32-bit token hashes (4 bytes a token) and a few fixed
fields; the LSH bands live in one compact table (matching_table.py). ``at`` is a datetime or
epoch seconds. Pure: no I/O, no clocks, deterministic (no salted str hashes).
"""

from __future__ import annotations

import hashlib
from array import array
from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from functools import cached_property
from itertools import repeat
from zlib import crc32

from relay.core.matching_table import SlotTable
from relay.core.matching_text import FACT_WORDS, is_fact, normalise, segments

__all__ = ["MatchSettings", "StatementIndex", "normalise"]

DAY = 86400.0
_MASK32 = 0xFFFFFFFF
_MASK64 = 0xFFFFFFFFFFFFFFFF
_NO_VALUE = 1 << 64
_MARK = 0  # sentence boundary in a token-hash sequence
_ALPHABET = "ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیabcdefghijklmnopqrstuvwxyz"
_MIN_TYPO_LEN = 4  # a shorter word changed by one letter is another word, not a typo
_MAX_JOINED = 3  # words a missing ZWNJ or space may have run together


@dataclass(frozen=True)
class MatchSettings:
    window_days: float = 30.0
    min_tokens: int = 3
    min_near_tokens: int = 8
    bands: int = 10
    rows: int = 3
    min_shared: float = 0.5
    max_spelling_fixes: int = 3
    max_verified: int = 16  # candidates checked per post, most shared bands first
    seed: int = 11


def _token_hash(token: str) -> int:
    """A stable 32-bit hash whose lowest bit says whether the token is a number/date word."""
    h = (crc32(token.encode()) & 0xFFFFFFFE) | is_fact(token)
    return h or 2


def _timestamp(at: float | datetime) -> float:
    return at.timestamp() if isinstance(at, datetime) else float(at)


@dataclass
class _Features:
    text: str
    words: list[str]  # parallel to seq; "" at boundaries
    seq: list[int]  # token hashes with _MARK between sentences
    size: int  # tokens, boundaries not counted
    digest: int
    bands: list[int] | None = None

    @cached_property
    def token_set(self) -> frozenset[int]:
        return frozenset(self.seq) | {_MARK}


class StatementIndex:
    """Exact and near copies of statements within a time window. Not thread-safe."""

    def __init__(self, settings: MatchSettings | None = None) -> None:
        self.settings = s = settings or MatchSettings()
        self._salt = s.seed
        self._window = s.window_days * DAY
        self._table = SlotTable()
        self._keys: list[Hashable | None] = []
        self._at = array("d")
        self._digest = array("Q")
        self._seq: list[bytes] = []
        self._free: list[int] = []
        self._live = 0
        self._newest = float("-inf")
        self._adds_since_sweep = 0
        self._cache: _Features | None = None

    def __len__(self) -> int:
        return self._live

    # ------------------------------------------------------------------ features

    def _features(self, text: str) -> _Features:
        cached = self._cache
        if cached is not None and cached.text == text:
            return cached
        words: list[str] = []
        seq: list[int] = []
        for sentence in segments(text):
            if seq:
                words.append("")
                seq.append(_MARK)
            words.extend(sentence)
            seq.extend([
                ((crc32(w.encode()) & 0xFFFFFFFE) | (w.isdigit() or w in FACT_WORDS)) or 2
                for w in sentence
            ])  # _token_hash, inlined: this is the hot loop
        size = len(seq) - seq.count(_MARK)
        plain = " ".join(w for w in words if w)
        digest = int.from_bytes(hashlib.blake2b(plain.encode(), digest_size=8).digest(), "big")
        self._cache = _Features(text, words, seq, size, digest)
        return self._cache

    def _band_keys(self, seq: list[int] | array) -> list[int]:
        """LSH keys: a one-permutation MinHash of the word bigrams, ``bands`` x ``rows`` bins.

        One hash per bigram picks its bin and its value (Li, Owen & Zhang 2012), so the cost is
        linear in the text, not in text x permutations; an empty bin borrows the next full bin
        to its right, marked with the distance (rotation densification, Shrivastava & Li 2014).
        """
        s = self.settings
        bins = s.bands * s.rows
        hashes = [h for h in seq if h != _MARK]
        mins = [_NO_VALUE] * bins
        bigrams = zip(hashes, hashes[1:], repeat(self._salt))  # the tuples (a, b, salt)
        for v, j in map(divmod, [hash(t) & _MASK64 for t in bigrams], repeat(bins)):
            if v < mins[j]:
                mins[j] = v
        filled = [(v, 0) for v in mins]
        if _NO_VALUE in mins and len(hashes) > 1:
            for j in range(bins):
                distance = 1
                while filled[j][0] == _NO_VALUE:
                    filled[j] = (mins[(j + distance) % bins], distance)
                    distance += 1
        rows = s.rows
        return [
            hash((band, *filled[band * rows:(band + 1) * rows])) & _MASK32
            for band in range(s.bands)
        ]

    def _feature_bands(self, f: _Features) -> list[int]:
        if f.bands is None:
            f.bands = self._band_keys(f.seq)
        return f.bands

    @staticmethod
    def _exact_key(digest: int) -> int:
        return hash((-1, digest)) & _MASK32

    # ------------------------------------------------------------------ public API

    def add(self, key: Hashable, text: str, at: float | datetime) -> bool:
        """Store ``text`` under ``key``; False (nothing stored) when it is too short to match."""
        s = self.settings
        f = self._features(text)
        if f.size < s.min_tokens:
            return False
        now = _timestamp(at)
        self._newest = max(self._newest, now)
        self._adds_since_sweep += 1
        if self._adds_since_sweep >= max(1024, self._live // 8):
            self.evict(self._newest - self._window)
        slot = self._free.pop() if self._free else self._new_slot()
        self._keys[slot] = key
        self._at[slot] = now
        self._digest[slot] = f.digest
        self._seq[slot] = array("I", f.seq).tobytes()
        if f.size >= s.min_near_tokens:  # an exact copy shares every band: no exact key needed
            for band_key in self._feature_bands(f):
                self._table.add(band_key, slot)
        else:
            self._table.add(self._exact_key(f.digest), slot)
        self._live += 1
        return True

    def match(self, text: str, at: float | datetime) -> Hashable | None:
        """The key of the stored post that is the same statement as ``text``, or None."""
        s = self.settings
        f = self._features(text)
        if f.size < s.min_tokens:
            return None
        now = _timestamp(at)
        hits: Counter[int] = Counter()
        if f.size < s.min_near_tokens:
            hits.update(self._table.get(self._exact_key(f.digest)))
        else:
            for band_key in self._feature_bands(f):
                hits.update(self._table.get(band_key))
        exact = [
            slot for slot in hits
            if self._digest[slot] == f.digest and self._in_window(slot, now)
        ]
        if exact:
            return self._keys[min(exact, key=lambda slot: self._at[slot])]
        if f.size < s.min_near_tokens:
            return None
        best: tuple[float, float, int] | None = None
        verified = 0
        for slot, _ in hits.most_common():  # most bands shared first: the likeliest copies
            if not self._in_window(slot, now):
                continue
            verified += 1
            if verified > s.max_verified:
                break
            score = self._verify(array("I", self._seq[slot]), f)
            if score is not None and (best is None or (-score, self._at[slot]) < best[:2]):
                best = (-score, self._at[slot], slot)
        return None if best is None else self._keys[best[2]]

    def remove(self, key: Hashable) -> int:
        """Forget every post stored under ``key`` (an editor split a wrong match); how many."""
        slots = [slot for slot, stored in enumerate(self._keys) if stored == key]
        for slot in slots:
            self._drop(slot)
        return len(slots)

    def evict(self, before: float | datetime) -> int:
        """Forget posts older than ``before``; how many. Called by ``add`` now and then."""
        limit = _timestamp(before)
        self._adds_since_sweep = 0
        old = [
            slot for slot, at in enumerate(self._at)
            if at < limit and self._keys[slot] is not None
        ]
        for slot in old:
            self._drop(slot)
        return len(old)

    # ------------------------------------------------------------------ internals

    def _new_slot(self) -> int:
        self._keys.append(None)
        self._at.append(0.0)
        self._digest.append(0)
        self._seq.append(b"")
        return len(self._keys) - 1

    def _drop(self, slot: int) -> None:
        seq = array("I", self._seq[slot])
        if len(seq) - seq.count(_MARK) >= self.settings.min_near_tokens:
            for band_key in self._band_keys(seq):
                self._table.remove(band_key, slot)
        else:
            self._table.remove(self._exact_key(self._digest[slot]), slot)
        self._keys[slot] = None
        self._seq[slot] = b""
        self._free.append(slot)
        self._live -= 1

    def _in_window(self, slot: int, now: float) -> bool:
        return self._keys[slot] is not None and abs(self._at[slot] - now) <= self._window

    def _verify(self, old: array, f: _Features) -> float | None:
        """Share of the longer text the two hold in common, or None when not a copy."""
        s = self.settings
        new = f.seq
        old_size = len(old) - old.count(_MARK)
        longer = max(old_size, f.size)
        if min(old_size, f.size) < s.min_shared * longer:
            return None  # the shared tokens cannot outnumber the shorter text's
        present = f.token_set
        if sum(map(present.__contains__, old)) - (len(old) - old_size) < s.min_shared * longer:
            return None  # cheap bound: too few of the old tokens occur in the new text at all
        matcher = SequenceMatcher(None, old, new, autojunk=False)
        shared = sum(size for _, _, size in matcher.get_matching_blocks())
        shared -= sum(
            1 for i, _, size in matcher.get_matching_blocks() for h in old[i:i + size] if h == _MARK
        )
        if shared < s.min_shared * longer:
            return None
        fixes = 0
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            old_part = [h for h in old[i1:i2] if h != _MARK]
            new_part = [h for h in new[j1:j2] if h != _MARK]
            if not old_part and not new_part:
                continue  # lines re-wrapped or sentences split differently
            if not old_part or not new_part:  # a block only one side has
                if _whole_sentences(old, i1, i2) and _whole_sentences(new, j1, j2):
                    continue
                return None
            if _fix_beside_sentences(old, i1, i2, new, j1, j2, f.words):
                fixes += 1
                continue
            at_edge = (i1 == 0 and j1 == 0) or (i2 == len(old) and j2 == len(new))
            no_facts = not any(h & 1 for h in old_part + new_part)
            if (at_edge and no_facts and _whole_sentences(old, i1, i2)
                    and _whole_sentences(new, j1, j2)):
                continue  # a header or closing line replaced
            return None
        if fixes > max(s.max_spelling_fixes, longer // 10):
            return None
        return shared / longer


def _whole_sentences(seq: list[int] | array, lo: int, hi: int) -> bool:
    """Does ``seq[lo:hi]`` start and end on sentence boundaries (an empty block: lie on one)?"""
    if lo == hi:
        return lo in (0, len(seq)) or seq[lo - 1] == _MARK or seq[lo] == _MARK
    starts = lo == 0 or seq[lo - 1] == _MARK or (lo < len(seq) and seq[lo] == _MARK)
    ends = hi == len(seq) or seq[hi] == _MARK or (hi > 0 and seq[hi - 1] == _MARK)
    return starts and ends


def _trims(seq: list[int] | array, lo: int, hi: int) -> list[tuple[int, int]]:
    """The block, and the block without whole sentences at its start or at its end."""
    out = [(lo, hi)]
    marks = [i for i in range(lo, hi) if seq[i] == _MARK]
    if marks and (lo == 0 or seq[lo - 1] == _MARK):
        out.append((marks[-1] + 1, hi))
    if marks and (hi == len(seq) or seq[hi] == _MARK):
        out.append((lo, marks[0]))
    return out


def _fix_beside_sentences(
    old: array, i1: int, i2: int, new: list[int], j1: int, j2: int, words: list[str]
) -> bool:
    """A spelling fix, perhaps next to whole sentences added or removed in the same diff block."""
    for oi, oj in _trims(old, i1, i2):
        for ni, nj in _trims(new, j1, j2):
            old_part = [h for h in old[oi:oj] if h != _MARK]
            new_words = [w for w in words[ni:nj] if w]
            if old_part and new_words and _spelling_fix(old_part, new_words):
                return True
    return False


def _spelling_fix(old: list[int], new: list[str]) -> bool:
    """Is the new wording (strings) the old one (hashes) with a typo fixed, split or joined?

    The old side is known only by token hashes, so a typo is found by hashing every word one
    edit away from the new word (a few hundred hashes, only for candidates that got this far).
    """
    if any(h & 1 for h in old) or any(is_fact(w) for w in new):
        return False
    if len(old) == 1 and 2 <= len(new) <= _MAX_JOINED:
        return _token_hash("".join(new)) == old[0]  # "سعید بن عاص" written "سعیدبنعاص"
    if len(new) == 1 and 2 <= len(old) <= _MAX_JOINED:
        return _splits_into(new[0], old)
    if len(old) == 1 and len(new) == 1 and len(new[0]) >= _MIN_TYPO_LEN:
        target = old[0]
        return any(_token_hash(v) == target for v in _edits1(new[0]))
    return False


def _splits_into(word: str, hashes: list[int]) -> bool:
    """Can ``word`` be cut into consecutive pieces whose hashes are ``hashes``?"""
    if len(hashes) == 1:
        return _token_hash(word) == hashes[0]
    return any(
        _token_hash(word[:i]) == hashes[0] and _splits_into(word[i:], hashes[1:])
        for i in range(1, len(word))
    )


def _edits1(word: str) -> set[str]:
    """Every word one deletion, transposition, substitution or insertion away (Norvig)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    transposes = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _ALPHABET]
    inserts = [a + c + b for a, b in splits for c in _ALPHABET]
    return set(deletes + transposes + replaces + inserts)
