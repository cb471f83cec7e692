"""The statements relay has queued in the last days, in memory, to find copies (issue 11).

One :class:`StatementMatcher` per service: the watcher asks it, before storing a post that
would be queued, which stored post (unit) is the same statement, and the review desk tells it
when an editor splits a wrong match. It is rebuilt from the store at start. Each post is kept
under its own unit ``(channel id, unit key)``; the store knows which statement a unit belongs
to, so splits and joins never have to rewrite the index.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from relay.core.matching import MatchSettings, StatementIndex
from relay.core.records import MessageRow, QueuePolicy
from relay.logs import event

if TYPE_CHECKING:  # types only: the ingest process imports this module and should start fast
    from relay.config import Settings
    from relay.store.api import Store
    from relay.store.statements import SameAs

log = logging.getLogger("relay.statements")

Unit = tuple[int, str]
#: What the index was told: a post added ``(unit, text, date)`` or removed ``(unit, None, None)``.
Told = tuple[Unit, str, int] | tuple[Unit, None, None]


def unit_of(row: MessageRow) -> Unit:
    """The unit a post belongs to: its album, or the post alone."""
    return (row.channel_id, f"g:{row.grouped_id}" if row.grouped_id else f"m:{row.message_id}")


class StatementUpdates(Protocol):
    """What the review desk tells the index (an in-process matcher, or the ingest process)."""

    def forget(self, unit: Unit) -> object:
        """A post split off its statement: later copies no longer find it."""

    def replace(self, unit: Unit, text: str, at: int) -> None:
        """A post whose edited text left its statement: copies of the new text find it."""


class StatementMatcher:
    def __init__(self, settings: MatchSettings | None = None):
        self.index = StatementIndex(settings)
        #: While :meth:`rebuild` reads the store: what the index was told meanwhile, replayed
        #: on the new index (a post decided during the read may be missing from what it read).
        self._told: list[Told] | None = None

    @classmethod
    def for_settings(cls, settings: Settings) -> StatementMatcher:
        """The matcher with the configured window (``[watcher] statement_window_days``)."""
        return cls(MatchSettings(window_days=settings.watcher.statement_window_days))

    @property
    def window_seconds(self) -> int:
        return int(self.index.settings.window_days * 86400)

    async def rebuild(self, store: Store, now: int) -> int:
        """Load the statements' posts of the window from the store; how many were indexed.
        Posts decided, split or edited while the store is read are kept (replayed after)."""
        told: list[Told] = []
        self._told = told
        try:
            posts = await store.statement_posts(now - self.window_seconds)
        finally:
            self._told = None
        added = self.rebuild_from(posts)
        read = {unit for unit, _, _ in posts}
        for unit, text, at in told:
            if text is None or at is None:  # split off or edited: it leaves whatever the read gave it
                self.index.remove(unit)
                read.discard(unit)
            elif unit not in read:  # decided or edited; the read may have missed it
                self.index.add(unit, text, at)
        return added

    def rebuild_from(self, posts: Iterable[tuple[Unit, str, int]]) -> int:
        """A new index of ``posts`` ((unit, text, date), from the store); how many indexed."""
        self.index = StatementIndex(self.index.settings)
        added = sum(self.index.add(unit, text, at) for unit, text, at in
                    sorted(posts, key=lambda p: p[2]))
        log.info(event("statements.indexed", posts=added))
        return added

    def same_as(self, unit: Unit, text: str, at: int) -> Unit | None:
        """The unit of an earlier post that is the same statement as ``text`` (posted in
        ``unit`` at ``at``), if any; the post is kept for later copies either way. Only another
        channel's post counts: a channel posting a text again (a repeated call, a numbered
        follow-up) makes a new post, as before."""
        found: Hashable | None = self.index.match(text, at)
        self.index.add(unit, text, at)
        if self._told is not None:
            self._told.append((unit, text, at))
        if isinstance(found, tuple) and found[0] != unit[0]:
            return found
        return None

    def forget(self, unit: Unit) -> int:
        """Forget a post split off a statement, so later copies no longer find it."""
        if self._told is not None:
            self._told.append((unit, None, None))
        return self.index.remove(unit)

    def replace(self, unit: Unit, text: str, at: int) -> None:
        """A post's text changed so that it left its statement: later copies of the statement
        no longer find it; copies of its new text do."""
        self.forget(unit)
        self.index.add(unit, text, at)
        if self._told is not None:
            self._told.append((unit, text, at))


class _KeepAll(StatementIndex):
    """An index that forgets nothing by itself: history is read newest first, so "older than
    the newest post minus the window" would drop the very posts being compared."""

    def evict(self, before: float | datetime) -> int:
        self._adds_since_sweep = 0
        return 0


class BulkMatcher:
    """Copies among posts ``relay backfill`` and ``relay import`` write (issue 11): the same
    matching as live posts, over the stored statements of the stretch of history each batch
    reaches (its dates +- the window), loaded from the store as the batches go back in time."""

    def __init__(self, store: Store, settings: MatchSettings | None = None):
        self.store = store
        self.matcher = StatementMatcher(settings)
        self.matcher.index = _KeepAll(self.matcher.index.settings)
        self.loaded: tuple[int, int] | None = None

    @classmethod
    def for_settings(cls, store: Store, settings: Settings) -> BulkMatcher:
        return cls(store, StatementMatcher.for_settings(settings).index.settings)

    async def same_as(self, rows: Sequence[tuple[MessageRow, str, float]],
                      policy: QueuePolicy | None) -> SameAs:
        """(channel, message id) -> the unit each post that would be queued copies."""
        queued = [row for row, lang, _ in rows if policy and lang in policy.languages]
        if not queued:
            return {}
        window = self.matcher.window_seconds
        await self._load(min(r.date for r in queued) - window, max(r.date for r in queued) + window)
        found = {}
        for row in queued:
            match = self.matcher.same_as(unit_of(row), row.text, row.date)
            if match is not None:
                found[(row.channel_id, row.message_id)] = match
        return found

    async def _load(self, lo: int, hi: int) -> None:
        """Index the stored statements dated in [lo, hi] not indexed yet."""
        if self.loaded is None:
            missing = [(lo, hi)]
        else:
            was_lo, was_hi = self.loaded
            missing = [r for r in ((lo, was_lo - 1), (was_hi + 1, hi)) if r[0] <= r[1]]
        for since, until in missing:
            posts = await self.store.statement_posts(since, until)
            for unit, text, at in sorted(posts, key=lambda p: p[2]):
                self.matcher.index.add(unit, text, at)
        self.loaded = (lo, hi) if self.loaded is None else (min(lo, self.loaded[0]),
                                                             max(hi, self.loaded[1]))
