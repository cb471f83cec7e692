"""The statements relay has queued in the last days, in memory, to find copies (issue 11).

One :class:`StatementMatcher` per service: the watcher asks it, before storing a post that
would be queued, which stored post (unit) is the same statement, and the review desk tells it
when an editor splits a wrong match. It is rebuilt from the store at start. Each post is kept
under its own unit ``(channel id, unit key)``; the store knows which statement a unit belongs
to, so splits and joins never have to rewrite the index.
"""

from __future__ import annotations

import logging
from collections.abc import Hashable

from relay.config import Settings
from relay.core.matching import MatchSettings, StatementIndex
from relay.logs import event
from relay.store.api import Store

log = logging.getLogger("relay.statements")

Unit = tuple[int, str]


class StatementMatcher:
    def __init__(self, settings: MatchSettings | None = None):
        self.index = StatementIndex(settings)

    @classmethod
    def for_settings(cls, settings: Settings) -> StatementMatcher:
        """The matcher with the configured window (``[watcher] statement_window_days``)."""
        return cls(MatchSettings(window_days=settings.watcher.statement_window_days))

    @property
    def window_seconds(self) -> int:
        return int(self.index.settings.window_days * 86400)

    async def rebuild(self, store: Store, now: int) -> int:
        """Load the statements' posts of the window from the store; how many were indexed."""
        self.index = StatementIndex(self.index.settings)
        posts = await store.statement_posts(now - self.window_seconds)
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
        if isinstance(found, tuple) and found[0] != unit[0]:
            return found
        return None

    def forget(self, unit: Unit) -> int:
        """Forget a post split off a statement, so later copies no longer find it."""
        return self.index.remove(unit)

    def replace(self, unit: Unit, text: str, at: int) -> None:
        """A post's text changed so that it left its statement: later copies of the statement
        no longer find it; copies of its new text do."""
        self.index.remove(unit)
        self.index.add(unit, text, at)
