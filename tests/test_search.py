"""/search in the store: the newest posts matching every word by post date, kept right through
edits, deletions and albums, at a cost that does not grow with the number of matches; and
migration 16, which keyed the full-text index by date, on an existing database."""

from __future__ import annotations

import contextlib
import re
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from relay.core.records import MessageRow, QueuePolicy
from relay.store import migrations
from relay.store.db import Database
from relay.store.imports import write_backfill_batch, write_import_batch
from relay.store.messages import mark_deleted, store_edit, store_message
from relay.store.review_queries import fts_query, index_pending, search

POLICY = QueuePolicy(languages=frozenset({"fa"}), targets=(("en", "en"), ("es", "es")))
CHANNEL = 100
T = 1_700_000_000
STRIKE, DRIVERS, TEACHERS = "اعتصاب", "رانندگان", "معلمان"


def post(message_id: int, date: int, text: str, **more) -> MessageRow:
    return MessageRow(channel_id=CHANNEL, message_id=message_id, date=date, text=text, **more)


def store(conn: sqlite3.Connection, *rows: MessageRow) -> None:
    for row in rows:
        store_message(conn, row, "fa", 0.99, POLICY, T)


async def found(db: Database, words: str, limit: int = 10) -> list[int]:
    """The message ids /search answers with, in its order."""
    return [f.message_id for f in await db.run(search, words, limit)]


def index_matches_posts(conn: sqlite3.Connection) -> bool:
    """Whether the index holds exactly every post's text under the key it is declared with:
    compared, term by term and position by position, with an index built afresh from the posts
    (FTS5's integrity-check does not read an external content table in this SQLite)."""
    declared = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'messages_fts'")
    key = re.search(r"content_rowid='(\w+)'", declared.fetchone()[0]).group(1)
    conn.execute("CREATE VIRTUAL TABLE temp.fresh_fts USING fts5(text, content='',"
                 " tokenize='unicode61 remove_diacritics 2')")
    conn.execute(f"INSERT INTO temp.fresh_fts (rowid, text) SELECT {key}, text FROM messages")
    conn.execute("CREATE VIRTUAL TABLE temp.kept USING fts5vocab(main, messages_fts, instance)")
    conn.execute("CREATE VIRTUAL TABLE temp.fresh USING fts5vocab(temp, fresh_fts, instance)")
    kept = conn.execute("SELECT term, doc, offset FROM temp.kept ORDER BY 1, 2, 3").fetchall()
    fresh = conn.execute("SELECT term, doc, offset FROM temp.fresh ORDER BY 1, 2, 3").fetchall()
    for table in ("kept", "fresh", "fresh_fts"):
        conn.execute(f"DROP TABLE temp.{table}")
    return bool(fresh) and kept == fresh


@contextlib.asynccontextmanager
async def opened(path: Path) -> AsyncIterator[Database]:
    """The store as relay opens it (migrations applied), closed afterwards."""
    database = await Database.open(path)
    try:
        yield database
    finally:
        await database.close()


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    async with opened(tmp_path / "relay.db") as database:
        yield database


# ------------------------------------------------------------------------------- answers
async def test_newest_first_by_post_date_though_older_posts_were_stored_later(db):
    # Live posts first; then a backfill of older history and an import of an older export
    # store posts dated earlier under higher pks.
    await db.run(store, *(post(m, T + m, f"{STRIKE} {m}") for m in range(50, 55)))
    await db.run(write_backfill_batch, CHANNEL,
                 [(post(m, T + m, f"{STRIKE} {m}"), "fa", 0.99) for m in (5, 4, 3, 2, 1)],
                 POLICY, T)
    await db.run(write_import_batch, [(post(30, T + 30, f"{STRIKE} 30"), "fa", 0.99)], POLICY, T)
    pks = await db.read(lambda c: dict(c.execute("SELECT message_id, pk FROM messages")))
    assert pks[30] > pks[1] > pks[54]  # stored later, dated earlier
    assert await found(db, STRIKE, 7) == [54, 53, 52, 51, 50, 30, 5]
    assert await found(db, STRIKE, 3) == [54, 53, 52]
    assert await found(db, f"{STRIKE} 30") == [30]
    assert await db.read(index_matches_posts)


async def test_an_edit_is_found_by_its_new_words_and_keeps_its_place(db):
    await db.run(store, post(1, T + 1, f"{STRIKE} {DRIVERS}"), post(2, T + 2, f"{STRIKE} X"),
                 post(3, T + 3, f"{STRIKE} Y"))
    assert await found(db, STRIKE) == [3, 2, 1]  # indexed now
    await db.run(store_edit, post(1, T + 1, f"تجمع {DRIVERS}", edit_date=T + 10), "fa", 0.99,
                 POLICY, T + 10)
    # Edited twice before the index catches up: only the last text counts.
    await db.run(store_edit, post(2, T + 2, f"{STRIKE} {TEACHERS}", edit_date=T + 11), "fa",
                 0.99, POLICY, T + 11)
    await db.run(store_edit, post(2, T + 2, f"{STRIKE} پرستاران", edit_date=T + 12), "fa", 0.99,
                 POLICY, T + 12)
    assert await found(db, STRIKE) == [3, 2]
    assert await found(db, DRIVERS) == [1]
    assert await found(db, "تجمع") == [1]
    assert await found(db, TEACHERS) == []
    assert await found(db, "پرستاران") == [2]
    await db.run(store, post(4, T + 4, f"تجمع {STRIKE}"))
    assert await found(db, "تجمع") == [4, 1]
    assert await db.read(index_matches_posts)


async def test_a_deleted_post_is_still_found_in_its_place(db):
    await db.run(store, *(post(m, T + m, STRIKE) for m in (1, 2, 3)))
    assert await found(db, STRIKE) == [3, 2, 1]
    await db.run(mark_deleted, CHANNEL, [2, 3], T + 20)  # a mark: the archive keeps the post
    assert await found(db, STRIKE) == [3, 2, 1]


async def test_an_album_is_found_by_its_caption_with_the_jobs_of_the_album(db):
    album = [post(10 + i, T + 5, f"{STRIKE} {DRIVERS}" if i == 0 else "", grouped_id=77,
                  media_kind="photo") for i in range(3)]
    await db.run(store, post(9, T + 1, STRIKE), *album, post(13, T + 9, STRIKE))
    job_ids = await db.read(lambda c: tuple(r[0] for r in c.execute(
        "SELECT id FROM jobs WHERE unit_key = 'g:77' ORDER BY id")))
    hits = await db.run(search, DRIVERS, 10)
    assert [(f.message_id, f.date, f.job_ids) for f in hits] == [(10, T + 5, job_ids)]
    assert len(job_ids) == 2 and "«" in hits[0].snippet
    assert await found(db, STRIKE) == [13, 10, 9]


async def test_posts_of_the_same_second_come_the_later_stored_first(db):
    await db.run(store, post(5, T, STRIKE), post(3, T, STRIKE), post(4, T - 1, STRIKE),
                 post(9, T, STRIKE))
    assert await found(db, STRIKE) == [9, 3, 5, 4]


async def test_a_changed_date_moves_the_post_in_the_index(db):
    """Relay never changes a post's date, but the index is keyed by it: were a date changed,
    the post must move, not be lost or found twice."""
    await db.run(store, *(post(m, T + m, STRIKE) for m in (1, 2, 3)))
    assert await found(db, STRIKE) == [3, 2, 1]
    await db.run(lambda c: c.execute("UPDATE messages SET date = ? WHERE message_id = 1", (T + 9,)))
    assert await found(db, STRIKE) == [1, 3, 2]
    assert await db.read(index_matches_posts)


def test_a_common_word_costs_no_more_than_a_rare_one(tmp_path):
    """The newest matches come from the index's own order: the work of a search does not grow
    with the number of posts that match (it read every match's date before migration 16)."""
    conn = sqlite3.connect(tmp_path / "relay.db", isolation_level=None)
    migrations.apply_migrations(conn)
    conn.execute("BEGIN")
    for m in range(1, 2001):
        words = f"{STRIKE} {DRIVERS}" if m % 20 == 0 else STRIKE
        store_message(conn, post(m, T + m, words), "fa", 0.99, None, T)
    index_pending(conn)
    conn.execute("COMMIT")

    def steps(words: str) -> int:
        count = [0]

        def tick() -> int:
            count[0] += 1
            return 0

        conn.set_progress_handler(tick, 1)
        assert len(search(conn, words, 10)) == 10
        conn.set_progress_handler(None, 1)
        return count[0]

    rare, common = steps(DRIVERS), steps(STRIKE)  # 100 and 2,000 matches
    conn.close()
    assert common < 1.5 * rare, (rare, common)


# ------------------------------------------------------------------------------- migration 16
def database_at_14(path: Path, monkeypatch: pytest.MonkeyPatch) -> sqlite3.Connection:
    """A database as relay left it before migration 16: posts indexed under their pk (the
    bot's index_pending of then), one edited since, two waiting in fts_pending, older posts
    stored after newer ones."""
    with monkeypatch.context() as patch:
        patch.setattr(migrations, "MIGRATIONS", [m for m in migrations.MIGRATIONS if m[0] <= 14])
        conn = sqlite3.connect(path, isolation_level=None)
        assert migrations.apply_migrations(conn)[-1] == 14

    def index_as_relay_14_did() -> None:
        conn.execute("INSERT INTO messages_fts (rowid, text) SELECT m.pk, m.text"
                     " FROM fts_pending p JOIN messages m ON m.pk = p.pk ORDER BY m.pk")
        conn.execute("DELETE FROM fts_pending")

    conn.execute("BEGIN")
    store(conn, *(post(m, T + m, f"{STRIKE} {m}") for m in (50, 51, 52)))
    store(conn, *(post(m, T + m, f"{STRIKE} {m}") for m in (1, 2)))  # a backfill, later
    store(conn, post(60, T + 60, f"{STRIKE} {DRIVERS}"))
    index_as_relay_14_did()
    store_edit(conn, post(51, T + 51, f"{TEACHERS} 51", edit_date=T + 70), "fa", 0.99, POLICY,
               T + 70)
    store(conn, post(40, T + 40, f"{STRIKE} 40"), post(70, T + 70, f"{STRIKE} 70"))
    conn.execute("COMMIT")
    assert conn.execute("SELECT COUNT(*) FROM fts_pending").fetchone()[0] == 3
    return conn


EXPECTED = {STRIKE: [70, 60, 52, 50, 40, 2, 1], TEACHERS: [51], DRIVERS: [60], "51": [51]}


async def test_migration_16_indexes_an_existing_database_by_date(tmp_path, monkeypatch):
    path = tmp_path / "relay.db"
    database_at_14(path, monkeypatch).close()
    async with opened(path) as db:  # as relay run opens it: migrated
        version = await db.read(lambda c: c.execute(
            "SELECT MAX(version) FROM schema_migrations").fetchone()[0])
        pending = await db.read(lambda c: c.execute(
            "SELECT COUNT(*) FROM fts_pending").fetchone()[0])
        assert (version, pending) == (16, 0)
        assert await db.read(index_matches_posts)
        for words, message_ids in EXPECTED.items():
            assert await found(db, words) == message_ids, words
        # and it goes on working: a new post, an edit, a post of an older date
        await db.run(store, post(80, T + 80, f"{STRIKE} {DRIVERS}"), post(45, T + 45, STRIKE))
        await db.run(store_edit, post(60, T + 60, f"{STRIKE} 60", edit_date=T + 90), "fa",
                     0.99, POLICY, T + 90)
        assert await found(db, STRIKE) == [80, 70, 60, 52, 50, 45, 40, 2, 1]
        assert await found(db, DRIVERS) == [80]
        assert await db.read(index_matches_posts)


async def test_an_interrupted_migration_16_leaves_the_database_as_it_was(tmp_path, monkeypatch):
    path = tmp_path / "relay.db"
    conn = database_at_14(path, monkeypatch)
    before = {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
              for table in ("messages", "fts_pending", "jobs", "message_revisions")}
    indexed_before = conn.execute("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?"
                                  " ORDER BY rowid", (fts_query(STRIKE),)).fetchall()
    assert len(indexed_before) == 5  # under their pks; the rest wait in fts_pending
    rebuilding = [False]
    conn.set_trace_callback(lambda sql: rebuilding.__setitem__(
        0, rebuilding[0] or "VALUES ('rebuild')" in sql))
    conn.set_progress_handler(lambda: int(rebuilding[0]), 100)  # stop in the middle of it
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        migrations.apply_migrations(conn)
    conn.set_progress_handler(None, 100)
    conn.set_trace_callback(None)
    assert rebuilding[0]
    # Migration 15 (statement members) committed on its own; 16 left nothing behind.
    assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone() == (15,)
    columns = [r[1] for r in conn.execute("PRAGMA table_xinfo(messages)")]
    assert "search_key" not in columns
    assert {table: conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in before} == before
    assert conn.execute("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?"
                        " ORDER BY rowid", (fts_query(STRIKE),)).fetchall() == indexed_before
    conn.close()
    async with opened(path) as db:  # the next start completes it
        for words, message_ids in EXPECTED.items():
            assert await found(db, words) == message_ids, words
        assert await db.read(index_matches_posts)
