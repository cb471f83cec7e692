"""The posts bench/ingest.py feeds the watcher: distinct statements with a share of copies.

Two inputs:

``realistic`` (the default): every post is a statement of its own, one to three sentences, each
a run of words of one dev text of the post's language label, most joined to a run of another
(so language detection sees text of that language, and posts share phrases, as real statements
do, but rarely whole sentences), plus, in half of them, a varying detail (a number slipped into
a sentence, as a date, a count or a sum is in real statements). Each composed post is checked with the matcher
itself (``relay.core.matching.StatementIndex``, all posts inside one window): one that would
match an earlier composed post is composed again, so the distinct posts are distinct for the
matcher too. Texts under the matcher's ``min_tokens`` (a "چه جالب") are left as they are and may
repeat, as such short posts do in life; the matcher never joins them. Then ``COPY_SHARE`` of the
posts are copies of an earlier post of the last ``COPY_REACH`` posts, always in the *other*
channel (a channel repeating itself is not a copy to relay): an exact copy, a copy with a
channel footer ("🆔 @channel", a t.me link) or a Telegram forward (``fwd_from`` naming the
origin post). That is what a statement index meets in life: mostly new statements, a minority
of copies and forwards.

``cyclic``: the old input, the dev set's 529 texts cycled in a seeded shuffle. Four texts in
five repeat an earlier post within the window, so nearly every Farsi post is an exact copy,
every band key of the index is full (``MAX_PER_KEY``) and every match is a join: the worst case
for the matcher, kept for comparison (``--input cyclic``).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from relay.core.matching import MatchSettings, StatementIndex, normalise

ALBUM_SIZE = 3  # an album is 3 photos, the caption on the first
SEED = 20240601
COPY_SHARE = 0.07  # posts that copy or forward an earlier post of the other channel
COPY_REACH = 2_000  # ... among the last this many posts (well inside the 30-day window)
DETAIL_SHARE = 0.5  # composed posts with a number slipped into one sentence
COPY_KINDS = (("exact", 0.35), ("footer", 0.35), ("forward", 0.30))
FOOTERS = ("🆔 @vahed_syndicate", "@kargar_news", "👇👇👇\nhttps://t.me/haft_tappeh",
           "join us: @iran_workers", "لینک کانال: t.me/kargar_news")


@dataclass(frozen=True, slots=True)
class Unit:
    """One post: a single text message, or an album (captions, the first one carrying text)."""

    channel: int  # index into the two source channels
    texts: tuple[str, ...]
    label: str  # the dev set's language label of the text
    copy: str = ""  # "", or how it copies an earlier post: exact, footer, forward
    forward_of: int | None = None  # index in the plan of the post a forward forwards

    @property
    def album(self) -> bool:
        return len(self.texts) > 1


@dataclass
class Plan:
    units: list[Unit]
    kind: str
    recomposed: int = 0  # composed posts the matcher found to copy an earlier one, redone

    @property
    def copies(self) -> int:
        return sum(bool(u.copy) for u in self.units)


def _shape(rng: random.Random, post: int, total: int, messages: int, album_every: int) -> int:
    """How many messages the next post is (an album of ALBUM_SIZE every ``album_every``)."""
    if (album_every and post % album_every == album_every - 1
            and messages - total >= ALBUM_SIZE):
        return ALBUM_SIZE
    return 1


def cyclic(texts: list[tuple[str, str]], messages: int, album_every: int) -> Plan:
    """The dev texts cycled in a seeded shuffle (the old input)."""
    rng = random.Random(SEED)
    order = list(range(len(texts)))
    units: list[Unit] = []
    total = post = 0
    cursor = len(order)
    while total < messages:
        if cursor == len(order):
            rng.shuffle(order)
            cursor = 0
        text, label = texts[order[cursor]]
        cursor += 1
        channel = rng.randrange(2)
        size = _shape(rng, post, total, messages, album_every)
        units.append(Unit(channel, (text,) + ("",) * (size - 1), label))
        total += size
        post += 1
    return Plan(units, "cyclic")


def _word_runs(texts: list[tuple[str, str]]) -> dict[str, list[list[str]]]:
    """label -> the words of each dev text of that label."""
    out: dict[str, list[list[str]]] = {}
    for text, label in texts:
        words = text.split()
        if words:
            out.setdefault(label, []).append(words)
    return out


def _run(rng: random.Random, words: list[str], shortest: int, longest: int) -> list[str]:
    length = min(len(words), rng.randint(shortest, longest))
    start = rng.randrange(len(words) - length + 1)
    return words[start:start + length]


def _compose(rng: random.Random, pool: list[list[str]]) -> str:
    """One to three sentences, each a run of words of one dev text, most joined to a run of
    another (a statement's own wording: real statements share phrases, rarely whole
    sentences), and in half of the posts a number slipped into one sentence."""
    sentences = []
    for _ in range(rng.choices((1, 2, 3), (0.4, 0.35, 0.25))[0]):
        words = _run(rng, rng.choice(pool), 3, 12)
        if rng.random() < 0.6:
            words = words + _run(rng, rng.choice(pool), 3, 10)
        sentences.append(words)
    if rng.random() < DETAIL_SHARE:
        words = rng.choice(sentences)
        words.insert(rng.randrange(len(words) + 1), str(rng.randint(1, 1500)))
    return "\n".join(" ".join(words) for words in sentences)


def realistic(texts: list[tuple[str, str]], messages: int, album_every: int) -> Plan:
    """Distinct statements (checked with the matcher) and ``COPY_SHARE`` copies/forwards."""
    rng = random.Random(SEED)
    by_label = _word_runs(texts)
    labels = [label for _, label in texts]  # the dev set's label mix
    settings = MatchSettings()
    check = StatementIndex(settings)
    units: list[Unit] = []
    recomposed = total = post = 0
    kinds, weights = zip(*COPY_KINDS, strict=True)
    while total < messages:
        size = _shape(rng, post, total, messages, album_every)
        post += 1
        if units and size == 1 and rng.random() < COPY_SHARE:
            origin = rng.randrange(max(0, len(units) - COPY_REACH), len(units))
            first = units[origin]
            kind = rng.choices(kinds, weights)[0]
            text = first.texts[0]
            if kind == "footer":
                text = f"{text}\n{rng.choice(FOOTERS)}"
            units.append(Unit(1 - first.channel, (text,), first.label, kind,
                              origin if kind == "forward" else None))
            total += 1
            continue
        label = rng.choice(labels)
        for _ in range(50):
            text = _compose(rng, by_label[label])
            if len(normalise(text).split()) < settings.min_tokens:
                break  # never matched: short posts may repeat
            if check.match(text, 0.0) is None:
                break
            recomposed += 1
        check.add(len(units), text, 0.0)
        units.append(Unit(rng.randrange(2), (text,) + ("",) * (size - 1), label))
        total += size
    return Plan(units, "realistic", recomposed)


def plan(texts: list[tuple[str, str]], messages: int, album_every: int, kind: str) -> Plan:
    """Deterministic posts adding up to exactly ``messages`` messages."""
    return (cyclic if kind == "cyclic" else realistic)(texts, messages, album_every)


# ---------------------------------------------------------------------------------- on disk
class PlanFile:
    """A plan written to a file, one unit per line, read back a batch at a time.

    bench/ingest.py measures relay's memory in its own process: 100,000 posts held in a list
    (and the matcher that checked them while they were composed) would add ~57 MB of harness
    to that figure. So the plan is made in a process of its own (:func:`make_plan_file`) and
    only the posts of the batch being fed are in memory. Iterating gives the units in order."""

    def __init__(self, path: Path, kind: str, recomposed: int, posts: int):
        self.path, self.kind, self.recomposed, self.posts = path, kind, recomposed, posts

    def __iter__(self) -> Iterator[Unit]:
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                channel, texts, label, copy, forward_of = json.loads(line)
                yield Unit(channel, tuple(texts), label, copy, forward_of)

    def __len__(self) -> int:
        return self.posts

    @property
    def units(self) -> PlanFile:  # the report reads a plan's units; these are read again
        return self

    @property
    def copies(self) -> int:
        return sum(bool(u.copy) for u in self)


def make_plan_file(texts: list[tuple[str, str]], messages: int, album_every: int, kind: str,
                   path: Path) -> PlanFile:
    """:func:`plan`, written to ``path`` (run it in another process: see :class:`PlanFile`)."""
    made = plan(texts, messages, album_every, kind)
    with path.open("w", encoding="utf-8") as fh:
        for u in made.units:
            fh.write(json.dumps([u.channel, u.texts, u.label, u.copy, u.forward_of],
                                ensure_ascii=False) + "\n")
    return PlanFile(path, made.kind, made.recomposed, len(made.units))
