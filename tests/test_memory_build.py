"""Translation memory (issue 14) builds its index off the event loop: the CPU work of a batch
runs in a worker thread while the loop keeps answering, one build at a time per desk (two cards
asking at once index each approval once), a build cancelled by a stopping bot gives up the
memory only once its thread is done, and the bot warms the memory when it starts.

Nothing here measures time: the tests count what ran while an ``add`` was in progress."""

from __future__ import annotations

import asyncio
import logging
import random
import sqlite3
import threading
import time

import pytest

from relay.core.matching import StatementIndex
from relay.core.records import MessageRow
from relay.core.workflow import Action
from relay.review import memory
from relay.review.desk import Desk
from relay.store import messages as message_store
from relay.store import review_queries as review_store
from relay.store.sqlite_store import SqliteStore
from tests.review_world import team_with_a_card
from tests.status_store import EDITOR, FARSI, NOW, POLICY, RULES, VAHED, _ok, _translate
from tests.status_store import job_of as _job
from tests.test_publisher import approve_in_store

APPROVED = 2500  # two batches (memory.BATCH is 2000)
WORDS = FARSI.split() + ["کارگران", "حقوق", "معوقه", "اعتراض", "امروز", "فردا", "نفت", "معلمان"]


def text_of(post: int) -> str:
    """Post ``post``'s Farsi text: a dozen words of its own and its number."""
    return " ".join(random.Random(post).choices(WORDS, k=12)) + f" {post}"


def approve_many(conn: sqlite3.Connection, count: int) -> list[int]:
    """``count`` posts from Vahed, each one's English job translated and approved (in one
    transaction); the approved job ids."""
    approved = []
    for post in range(1, count + 1):
        stored = message_store.store_message(conn, MessageRow(VAHED, post, NOW, text_of(post)),
                                             "fa", 0.99, POLICY, NOW)
        job = stored.jobs_created[0]  # in the order of POLICY's targets: English first
        _translate(conn, job, NOW, f"Translation of post {post}")
        _ok(review_store.apply(conn, job, Action.APPROVE, EDITOR, RULES, NOW))
        approved.append(job)
    return approved


@pytest.fixture
def desk(db, settings) -> Desk:
    return Desk(SqliteStore(db), settings)


@pytest.fixture
async def approved(db) -> list[int]:
    return await db.run(approve_many, APPROVED)


def pause_at(monkeypatch: pytest.MonkeyPatch, call: int, pause) -> None:
    """``StatementIndex.add`` runs ``pause()`` before its ``call``-th call (counted from 1)."""
    add, calls = StatementIndex.add, 0

    def paused(self, key, text, at):
        nonlocal calls
        calls += 1
        if calls == call:
            pause()
        return add(self, key, text, at)

    monkeypatch.setattr(StatementIndex, "add", paused)


async def test_the_loop_keeps_running_while_a_batch_is_indexed(desk, approved, monkeypatch):
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    during: list[int] = []

    def wait_for_a_tick() -> None:
        """Mid-batch, inside an add: does the loop take turns meanwhile? On the loop's own
        thread it cannot, and this gives up after a while (a failure, not a threshold)."""
        before, deadline = ticks, time.monotonic() + 20
        while ticks == before and time.monotonic() < deadline:
            time.sleep(0.001)
        during.append(ticks - before)

    pause_at(monkeypatch, 1000, wait_for_a_tick)
    ticking = asyncio.create_task(ticker())
    try:
        async with memory.held(desk) as built:
            ticks_when_built = ticks
    finally:
        ticking.cancel()
    assert during and during[0] > 0  # the loop ran while the thread was adding
    assert ticks_when_built > 0
    assert sorted(built.approved_at) == approved and len(built.indexes["en"]) == APPROVED


async def test_two_cards_at_once_build_one_index_with_each_job_once(desk, approved):
    async def built() -> tuple[memory.Memory, int]:
        async with memory.held(desk) as m:
            return m, len(m.indexes["en"])

    (first, first_size), (second, second_size) = await asyncio.gather(built(), built())
    assert first is second and first_size == second_size == APPROVED
    assert sorted(first.approved_at) == approved and list(first.indexes) == ["en"]


async def test_a_cancelled_build_waits_for_its_thread_and_adds_nothing_twice(desk, approved,
                                                                              monkeypatch):
    adding, go = threading.Event(), threading.Event()

    def hold_the_thread() -> None:
        adding.set()
        go.wait(30)

    pause_at(monkeypatch, 100, hold_the_thread)
    warming = asyncio.create_task(memory.warm(desk))
    try:
        assert await asyncio.to_thread(adding.wait, 30)
        warming.cancel()  # the bot stops while a thread adds the first batch
        for _ in range(20):
            await asyncio.sleep(0)
        half_built = memory._MEMORY[desk]
        # still waiting for its thread: nobody else may touch the index meanwhile
        assert not warming.done() and half_built.lock.locked()
    finally:
        go.set()
    with pytest.raises(asyncio.CancelledError):
        await warming
    assert not half_built.lock.locked()
    assert sorted(half_built.approved_at) == approved[:memory.BATCH]  # the batch it had read
    async with memory.held(desk) as m:  # the next card reads on from there
        assert sorted(m.approved_at) == approved and len(m.indexes["en"]) == APPROVED


async def test_the_card_still_offers_the_earlier_approved_translation(desk, db, approved):
    async with memory.held(desk):
        pass  # built (as the bot's start does), then a copy of post 1234 arrives
    await db.run(message_store.store_message,
                 MessageRow(VAHED, APPROVED + 1, NOW + 60, text_of(1234)), "fa", 0.99, POLICY,
                 NOW + 60)
    job = await desk.job(await db.read(_job, APPROVED + 1, "en"))
    lines, buttons = await memory.card_hint(desk, job, "en")
    earlier = approved[1233]
    assert lines == [f"Translation memory: job {earlier} (approved 2025-06-15) translated"
                     " the same text."]
    assert [(b.action, b.value) for row in buttons for b in row] == [(memory.ACTION, earlier)]


async def test_a_failed_warm_up_is_logged_and_the_bot_goes_on(desk, monkeypatch, caplog):
    async def broken(after: int, limit: int):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(desk.store, "approved_since", broken)
    await memory.warm(desk)  # does not raise
    [record] = [r for r in caplog.records if "memory.warm_failed" in r.getMessage()]
    # with the traceback (relay's secret filter, once installed, keeps it as scrubbed text)
    assert record.levelno == logging.ERROR and (record.exc_info or record.exc_text)
    assert "disk I/O error" in caplog.text


async def test_the_bot_warms_the_memory_when_it_starts(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="relay.bot")
    async with team_with_a_card(tmp_path) as w:
        await approve_in_store(w.db, 1)
        await w.settle()
        await w.restart()  # a new bot, a new desk: no card has asked for its memory yet
        bot = w.service.bot
        await bot._warming
        assert memory._MEMORY[bot.desk].approved_at.keys() == {1}
        assert any("memory.ready" in r.getMessage() and "translations=1" in r.getMessage()
                   for r in caplog.records)
    assert bot._warming.done()  # and the stop found nothing left to cancel
