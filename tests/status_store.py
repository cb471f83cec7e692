"""A real SQLite file filled through the real store functions, for tests/test_status.py and
tests/test_export.py: four configured sources, an archive-only channel, jobs in every reachable
state, a publication, a failure and a flood wait. A test module uses the ``settings`` fixture
by naming it: ``settings = status_store.settings``."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from relay.config import Settings
from relay.core.records import MessageRow, QueuePolicy
from relay.core.sanitize import Cleaned
from relay.core.workflow import Action, Actor, Rules
from relay.store import channels as channel_store
from relay.store import messages as message_store
from relay.store import outbox, transitions
from relay.store import review_queries as review_store
from relay.store.db import Database

NOW = 1_750_000_000
HOUR = 3600
POLICY = QueuePolicy(languages=frozenset({"fa"}), targets=(("en", "en"), ("es", "es")))
TRANSLATOR = Actor(5001, is_translator=True)
EDITOR = Actor(5002, is_translator=True, is_editor=True)
RULES = Rules()
VAHED, HAFT, ARCHIVE, OUT_EN = 100, 200, 999, 777
FARSI = "اعتصاب رانندگان شرکت واحد در تهران ادامه دارد"
HEARTBEAT_TABLE = ("CREATE TABLE IF NOT EXISTS service_heartbeat (id INTEGER PRIMARY KEY"
                   " CHECK (id = 1), at INTEGER NOT NULL, pid INTEGER, state TEXT, detail TEXT)")

EXTRA_SOURCES = """
[[sources]]
channel = "@teachers_council"
name = "Coordination Council of Teachers' Trade Associations"

[[sources]]
channel = "@oil_workers"
name = "Organising Council of Oil Contract Workers' Protests"
"""


def job_of(conn: sqlite3.Connection, message_id: int, target: str) -> int:
    return conn.execute("SELECT id FROM jobs WHERE channel_id = ? AND message_id = ? AND"
                        " target = ?", (VAHED, message_id, target)).fetchone()[0]


def _ok(transition) -> None:
    assert transition.ok, transition.refusal


def _translate(conn: sqlite3.Connection, job_id: int, at: int, text: str) -> None:
    _ok(review_store.apply(conn, job_id, Action.SUBMIT, TRANSLATOR, RULES, at,
                           draft=Cleaned(text, ())))


def _publish(conn: sqlite3.Connection, job_id: int, at: int, message_id: int) -> None:
    _ok(review_store.apply(conn, job_id, Action.APPROVE, EDITOR, RULES, at))
    item = next(i for i in outbox.heads(conn) if i.job_id == job_id)
    outbox.mark_sending(conn, item.id, 0, at)
    outbox.record_part(conn, item, OUT_EN, 0, message_id, outbox.text_hash("x"), at)
    assert transitions.finish(conn, item, at)


def fill(conn: sqlite3.Connection) -> None:
    """Four configured sources (fine, silent, unresolvable, never read), one archive-only
    channel, jobs in every reachable state, a publication, a failure and a flood wait."""
    channel_store.upsert_channel(conn, VAHED, username="vahed", title="Vahed",
                                 display_name="Vahed Syndicate", is_source=True, now=NOW - 6 * HOUR)
    channel_store.set_source_status(conn, "@vahed", channel_id=VAHED, error=None,
                                    now=NOW - 6 * HOUR)
    # No source_status row for Haft Tappeh: matched by username, case-insensitively.
    channel_store.upsert_channel(conn, HAFT, username="Haft_Tappeh", title="Haft Tappeh",
                                 display_name=None, is_source=True, now=NOW - 200 * HOUR)
    channel_store.set_source_status(conn, "@teachers_council", channel_id=None,
                                    error='No user has "teachers_council" as username',
                                    now=NOW - 60)
    # Vahed: six Farsi posts, the first stored five hours ago, the last an hour ago.
    for n in range(1, 7):
        at = NOW - (6 - n) * HOUR
        row = MessageRow(channel_id=VAHED, message_id=n, date=at - 30, text=f"{FARSI} {n}")
        message_store.store_message(conn, row, "fa", 0.99, POLICY, at)
    # Haft Tappeh: last post 100 hours ago (limit 48 h), in English: no jobs.
    message_store.store_message(conn, MessageRow(HAFT, 41, NOW - 100 * HOUR, "Strike day 12"),
                                "en", 0.9, POLICY, NOW - 100 * HOUR)
    # An archive import of a channel that is not configured.
    channel_store.upsert_channel(conn, ARCHIVE, username="archive_chan", title="Old archive",
                                 display_name=None, is_source=False, now=NOW - 900 * HOUR)
    message_store.store_message(conn, MessageRow(ARCHIVE, 9, NOW - 900 * HOUR, FARSI), "fa",
                                0.99, None, NOW - 900 * HOUR)

    t = NOW - HOUR // 2
    _translate(conn, job_of(conn, 1, "en"), t, "The Vahed drivers' strike goes on 1")
    _publish(conn, job_of(conn, 1, "en"), t, 501)
    _translate(conn, job_of(conn, 6, "en"), t, "The strike goes on 6")
    _publish(conn, job_of(conn, 6, "en"), t, 502)
    # The source of a published job is edited: that job becomes stale.
    edited = MessageRow(VAHED, 1, NOW - 5 * HOUR - 30, f"{FARSI} ۱ (ویرایش)", edit_date=t + 1)
    message_store.store_message(conn, edited, "fa", 0.99, POLICY, t + 1)
    # Two approved jobs waiting in the outbox: one held by a flood wait, one failed.
    _translate(conn, job_of(conn, 2, "en"), t, "two en")
    _ok(review_store.apply(conn, job_of(conn, 2, "en"), Action.APPROVE, EDITOR, RULES, t))
    head = next(i for i in outbox.heads(conn) if i.job_id == job_of(conn, 2, "en"))
    outbox.delay(conn, head.id, NOW + 300, "flood wait 300s", NOW - 10, count_attempt=False)
    _translate(conn, job_of(conn, 2, "es"), t, "dos es")
    _ok(review_store.apply(conn, job_of(conn, 2, "es"), Action.APPROVE, EDITOR, RULES, t))
    head = next(i for i in outbox.heads(conn) if i.job_id == job_of(conn, 2, "es"))
    outbox.fail(conn, head, "ChatWriteForbiddenError: the bot is not an admin of @relay_es",
                NOW - 20)
    _translate(conn, job_of(conn, 3, "en"), t, "three en (draft)")
    _ok(review_store.apply(conn, job_of(conn, 3, "es"), Action.SKIP, EDITOR, RULES, t,
                           reason="not news"))
    # 'rejected' is a state the schema knows; the workflow sends rejections back to queued.
    conn.execute("UPDATE jobs SET status = 'rejected' WHERE id = ?", (job_of(conn, 4, "en"),))


def add_heartbeat(conn: sqlite3.Connection, at: int, state: str = "running") -> None:
    conn.execute(HEARTBEAT_TABLE)
    conn.execute("INSERT OR REPLACE INTO service_heartbeat (id, at, pid, state, detail)"
                 " VALUES (1, ?, 4242, ?, 'watcher ok, bot ok, publisher ok')", (at, state))


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    """The usual settings (tests/conftest.py) with two more sources."""
    return make_settings(EXTRA_SOURCES)


async def filled_store(settings: Settings, *more: Callable[[sqlite3.Connection], None]) -> Path:
    """The database filled (:func:`fill`, then each of ``more``) with a heartbeat 30 s old;
    its path."""
    db = await Database.open(settings.storage.database)
    await db.run(fill)
    for step in more:
        await db.run(step)
    await db.run(add_heartbeat, NOW - 30)
    await db.close()
    return settings.storage.database
