"""The watcher's step from a post to a stored row: its language (with its channel's recent
posts as context), the statement it copies, and the write.

Two ways to run it, one answer: :class:`InlineIngest` in the service's own process, and
``relay.service.ingest_process.ProcessIngest`` in a process of its own (the language rules
and the statement matching are Python CPU work, and one process has one interpreter lock:
on a second core they no longer slow Telegram's updates down). Both use :class:`PostDecider`
for the decision, so a post is decided the same way in either.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from relay.core.language_context import HISTORY, Decision
from relay.core.records import IngestResult, MessageRow, QueuePolicy
from relay.review.statement_index import StatementMatcher, Unit, unit_of
from relay.telegram.channel_languages import ChannelLanguages

if TYPE_CHECKING:  # the ingest process imports this module and should start fast
    from relay.store.api import Store


class PostDecider:
    """Each post's language and the statement it copies, in arrival order. No I/O: the caller
    gives it a channel's recent languages (:meth:`learn`) before its first post."""

    def __init__(self, statements: StatementMatcher | None):
        self.languages = ChannelLanguages()
        self.statements = statements

    def needs_history(self, channel_id: int) -> bool:
        return not self.languages.knows(channel_id)

    def learn(self, channel_id: int, newest: Sequence[str | None]) -> None:
        self.languages.learn(channel_id, newest)

    def decide(self, row: MessageRow, policy: QueuePolicy | None) -> tuple[Decision, Unit | None]:
        """The post's language, and the unit of an earlier post of the same statement. Only a
        post that would be queued is matched (bench/dedup.py: ~0.4 ms each)."""
        decision = self.languages.decide(row.channel_id, row.text)
        same_as = None
        if self.statements is not None and policy and decision.lang in policy.languages:
            same_as = self.statements.same_as(unit_of(row), row.text, row.date)
        return decision, same_as

    def stored(self, channel_id: int, lang: str) -> None:
        self.languages.stored(channel_id, lang)


class IngestStep(Protocol):
    """What the watcher needs to store what it reads."""

    async def store_post(self, row: MessageRow, policy: QueuePolicy | None,
                         now: int) -> tuple[Decision, IngestResult]:
        """Decide the post's language and statement and store it (new or edited)."""

    async def mark_deleted(self, channel_id: int, message_ids: Sequence[int],
                           now: int) -> list[int]:
        """Mark posts deleted; the ids of the jobs made from them."""


class InlineIngest:
    """The ingest step in the service's process: decided here, written through the store."""

    def __init__(self, store: Store, statements: StatementMatcher | None):
        self.store = store
        self.decider = PostDecider(statements)

    async def store_post(self, row: MessageRow, policy: QueuePolicy | None,
                         now: int) -> tuple[Decision, IngestResult]:
        decider, channel_id = self.decider, row.channel_id
        if decider.needs_history(channel_id):
            decider.learn(channel_id, await self.store.recent_languages(channel_id, HISTORY))
        decision, same_as = decider.decide(row, policy)
        result = await self.store.store_message(row, decision.lang, decision.confidence, policy,
                                                now, same_as, reason=decision.reason)
        if result.stored:
            decider.stored(channel_id, decision.lang)
        return decision, result

    async def mark_deleted(self, channel_id: int, message_ids: Sequence[int],
                           now: int) -> list[int]:
        return await self.store.mark_deleted(channel_id, message_ids, now)
