"""The statement index read again from the store (``relay import`` beside a running relay,
inline mode): what the index is told while the store is read is not lost with the old index."""

from __future__ import annotations

import asyncio

from relay.core.records import MessageRow, QueuePolicy
from relay.review.statement_index import StatementMatcher
from relay.store.db import Database
from relay.store.sqlite_store import SqliteStore
from tests.statement_world import FOOTER, OTHER, STATEMENT

T0 = 1_760_000_000
VAHED, HAFT, OIL = -1001, -1002, -1003
FARSI_QUEUED = QueuePolicy(frozenset({"fa"}), (("@out", "en"),))


class SlowRead(SqliteStore):
    """The real store, whose read of the statements waits until the test lets it go on."""

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        self.reading = asyncio.Event()
        self.go_on = asyncio.Event()

    async def statement_posts(self, since: int, until: int | None = None):  # type: ignore[override]
        posts = await super().statement_posts(since, until)  # before the test stores more
        self.reading.set()
        await self.go_on.wait()
        return posts


async def test_a_post_decided_while_the_index_is_read_again_still_finds_its_copies(db):
    store = SlowRead(db)
    matcher = StatementMatcher()
    rebuild = asyncio.create_task(matcher.rebuild(store, T0))
    await store.reading.wait()
    # Decided and stored while the read is in flight (after its snapshot): the lead.
    row = MessageRow(VAHED, 7, T0, STATEMENT)
    assert matcher.same_as((VAHED, "m:7"), STATEMENT, T0) is None
    await store.store_message(row, "fa", 0.99, FARSI_QUEUED, T0)
    store.go_on.set()
    await rebuild
    assert matcher.same_as((HAFT, "m:3"), STATEMENT + FOOTER, T0 + 60) == (VAHED, "m:7")


async def test_a_post_split_off_while_the_index_is_read_again_stays_split(db):
    store = SlowRead(db)
    await store.store_message(MessageRow(VAHED, 7, T0, STATEMENT), "fa", 0.99, FARSI_QUEUED, T0)
    await store.store_message(MessageRow(OIL, 2, T0, OTHER), "fa", 0.99, FARSI_QUEUED, T0)
    matcher = StatementMatcher()
    await asyncio.wait_for(_released(store, matcher.rebuild(store, T0 + 10)), 10)
    assert matcher.same_as((HAFT, "m:3"), STATEMENT, T0 + 20) == (VAHED, "m:7")

    store = SlowRead(db)
    rebuild = asyncio.create_task(matcher.rebuild(store, T0 + 30))
    await store.reading.wait()
    matcher.forget((VAHED, "m:7"))  # an editor split it off during the read, which has it
    matcher.forget((HAFT, "m:3"))
    matcher.replace((OIL, "m:2"), STATEMENT, T0 + 25)  # edited into the statement's text
    store.go_on.set()
    await rebuild
    assert matcher.same_as((-1004, "m:1"), STATEMENT, T0 + 40) == (OIL, "m:2")
    assert matcher.same_as((-1005, "m:1"), OTHER, T0 + 40) is None


async def _released(store: SlowRead, rebuilding) -> int:
    store.go_on.set()
    return await rebuilding
