"""The store on a real SQLite file: migrations, idempotence, revisions, atomic queueing."""

from __future__ import annotations

import sqlite3

import pytest

from relay.core.records import MessageRow, QueuePolicy
from relay.store import jobs as job_store
from relay.store import messages as message_store
from relay.store.db import Database
from relay.store.migrations import MIGRATIONS

POLICY = QueuePolicy(languages=frozenset({"fa"}), targets=(("en", "en"), ("es", "es")))
ROW = MessageRow(channel_id=100, message_id=7, date=1_700_000_000, text="اعتصاب کارگران")


async def test_new_file_gets_every_migration_recorded_wal_and_foreign_keys(tmp_path):
    path = tmp_path / "sub" / "relay.db"
    db = await Database.open(path)
    mode = await db.read(lambda c: c.execute("PRAGMA journal_mode").fetchone()[0])
    fks = await db.read(lambda c: c.execute("PRAGMA foreign_keys").fetchone()[0])
    versions = await db.read(lambda c: [r[0] for r in c.execute(
        "SELECT version FROM schema_migrations ORDER BY version")])
    await db.close()
    assert mode == "wal" and fks == 1
    assert versions == [v for v, _ in MIGRATIONS]


async def test_reopening_an_existing_file_keeps_data_and_applies_nothing_twice(tmp_path):
    path = tmp_path / "relay.db"
    db = await Database.open(path)
    await db.run(message_store.store_message, ROW, "fa", 0.99, POLICY, 1)
    await db.close()
    db = await Database.open(path)
    count = await db.read(lambda c: c.execute("SELECT COUNT(*) FROM schema_migrations").fetchone())
    stored = await db.read(lambda c: c.execute("SELECT text FROM messages").fetchall())
    await db.close()
    assert count[0] == len(MIGRATIONS)
    assert [tuple(r) for r in stored] == [(ROW.text,)]


async def test_database_from_a_newer_relay_is_refused_untouched(tmp_path):
    path = tmp_path / "relay.db"
    db = await Database.open(path)
    await db.run(lambda c: c.execute("INSERT INTO schema_migrations VALUES (999, 0)"))
    await db.close()
    with pytest.raises(RuntimeError, match="newer than this relay"):
        await Database.open(path)
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone() == (999,)
    conn.close()


async def test_statement_members_keep_their_numbers_through_migration_15_and_never_reuse_one(
        tmp_path, monkeypatch):
    """Cards and /split name a statement's posts by their row id: a database made before
    migration 15 keeps its numbers, and a number freed by a split is not given out again."""
    from relay.store import migrations

    path = tmp_path / "relay.db"
    monkeypatch.setattr(migrations, "MIGRATIONS", [m for m in MIGRATIONS if m[0] < 15])
    db = await Database.open(path)

    def members(conn: sqlite3.Connection, *message_ids: int) -> None:
        conn.executemany(
            "INSERT INTO statement_members (channel_id, unit_key, message_id, lead_channel_id,"
            " lead_unit_key, how, joined_at) VALUES (200, ?, ?, 100, 'm:7', 'copy', 0)",
            [(f"m:{m}", m) for m in message_ids])
    await db.run(members, 1, 2, 3)
    await db.run(lambda c: c.execute("DELETE FROM statement_members WHERE id = 2"))
    await db.close()
    monkeypatch.undo()
    db = await Database.open(path)
    await db.run(lambda c: c.execute("DELETE FROM statement_members WHERE id = 3"))  # split
    await db.run(members, 4)  # a copy joining later
    rows = await db.read(lambda c: c.execute(
        "SELECT id, message_id FROM statement_members ORDER BY id").fetchall())
    await db.close()
    assert [tuple(r) for r in rows] == [(1, 1), (4, 4)]


async def test_insert_is_idempotent_on_channel_and_message_id(tmp_path):
    db = await Database.open(tmp_path / "relay.db")
    first = await db.run(message_store.store_message, ROW, "fa", 0.99, POLICY, 1)
    again = await db.run(message_store.store_message, ROW, "fa", 0.99, POLICY, 2)
    counts = await db.read(lambda c: c.execute(
        "SELECT (SELECT COUNT(*) FROM messages), (SELECT COUNT(*) FROM jobs),"
        " (SELECT COUNT(*) FROM message_revisions)").fetchone())
    await db.close()
    assert first.stored and len(first.jobs_created) == 2
    assert not again.stored and not again.edited and again.jobs_created == []
    assert tuple(counts) == (1, 2, 0)


async def test_message_and_its_jobs_are_one_transaction(tmp_path, monkeypatch):
    db = await Database.open(tmp_path / "relay.db")

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(job_store, "create_jobs", broken)
    with pytest.raises(sqlite3.OperationalError):
        await db.run(message_store.store_message, ROW, "fa", 0.99, POLICY, 1)
    counts = await db.read(lambda c: c.execute(
        "SELECT (SELECT COUNT(*) FROM messages), (SELECT COUNT(*) FROM jobs)").fetchone())
    await db.close()
    assert tuple(counts) == (0, 0)


async def test_edit_keeps_revisions_and_marks_a_draft_outdated(tmp_path):
    db = await Database.open(tmp_path / "relay.db")
    await db.run(message_store.store_message, ROW, "fa", 0.99, POLICY, 1)
    await db.run(lambda c: c.execute(
        "UPDATE jobs SET status='drafted', draft_text='Strike', draft_source_hash=source_hash"))
    edited = MessageRow(**{**_fields(ROW), "text": ROW.text + " ادامه دارد", "edit_date": 5})
    result = await db.run(message_store.store_message, edited, "fa", 0.99, POLICY, 6)
    state = await db.read(lambda c: c.execute(
        "SELECT status, draft_source_hash != source_hash, source_text FROM jobs").fetchall())
    revisions = await db.read(lambda c: c.execute(
        "SELECT text FROM message_revisions").fetchall())
    await db.close()
    assert result.edited and len(result.jobs_touched) == 2
    assert {tuple(r) for r in state} == {("drafted", 1, edited.text)}
    assert [tuple(r) for r in revisions] == [(ROW.text,)]


async def test_edit_after_publication_makes_the_job_stale(tmp_path):
    db = await Database.open(tmp_path / "relay.db")
    await db.run(message_store.store_message, ROW, "fa", 0.99, POLICY, 1)
    await db.run(lambda c: c.execute("UPDATE jobs SET status='published'"))
    edited = MessageRow(**{**_fields(ROW), "text": "متن جدید", "edit_date": 5})
    await db.run(message_store.store_message, edited, "fa", 0.99, POLICY, 6)
    audit = await db.read(lambda c: c.execute(
        "SELECT from_status, to_status FROM audit WHERE action='source_edited'").fetchall())
    await db.close()
    assert [tuple(r) for r in audit] == [("published", "stale")] * 2


async def test_deletion_marks_rows_and_never_removes_them(tmp_path):
    db = await Database.open(tmp_path / "relay.db")
    await db.run(message_store.store_message, ROW, "fa", 0.99, POLICY, 1)
    touched = await db.run(message_store.mark_deleted, ROW.channel_id, [ROW.message_id, 999], 9)
    again = await db.run(message_store.mark_deleted, ROW.channel_id, [ROW.message_id], 10)
    state = await db.read(lambda c: c.execute("SELECT deleted_at, text FROM messages").fetchall())
    await db.close()
    assert len(touched) == 2 and again == []
    assert [tuple(r) for r in state] == [(9, ROW.text)]


@pytest.mark.parametrize(("edit_date", "deleted_at"), [(5, 9), (12, None)])
async def test_an_edit_delivered_after_the_deletion_mark_revives_the_post_only_if_later(
        tmp_path, edit_date, deleted_at):
    # Marked deleted at 9. An edit made at 5 and delivered late (a channel difference, a
    # re-read in flight) keeps its text but not the post; one made at 12 shows it exists.
    db = await Database.open(tmp_path / "relay.db")
    await db.run(message_store.store_message, ROW, "fa", 0.99, POLICY, 1)
    await db.run(message_store.mark_deleted, ROW.channel_id, [ROW.message_id], 9)
    late = MessageRow(**{**_fields(ROW), "text": "متن ویرایش‌شده", "edit_date": edit_date})
    await db.run(message_store.store_message, late, "fa", 0.99, POLICY, 13)
    state = await db.read(lambda c: c.execute("SELECT deleted_at, text FROM messages").fetchall())
    revisions = await db.read(lambda c: c.execute("SELECT text FROM message_revisions").fetchall())
    await db.close()
    assert [tuple(r) for r in state] == [(deleted_at, late.text)]
    assert [tuple(r) for r in revisions] == [(ROW.text,)]


async def test_a_post_queued_for_no_language_creates_no_job(tmp_path):
    db = await Database.open(tmp_path / "relay.db")
    english = MessageRow(**{**_fields(ROW), "text": "Strike at the bus company"})
    result = await db.run(message_store.store_message, english, "en", 0.99, POLICY, 1)
    await db.close()
    assert result.stored and result.jobs_created == []


async def test_an_edit_that_turns_a_post_farsi_queues_it(tmp_path):
    db = await Database.open(tmp_path / "relay.db")
    english = MessageRow(**{**_fields(ROW), "text": "(photo)"})
    await db.run(message_store.store_message, english, "und", 0.0, POLICY, 1)
    edited = MessageRow(**{**_fields(ROW), "edit_date": 3})
    result = await db.run(message_store.store_message, edited, "fa", 0.99, POLICY, 4)
    await db.close()
    assert result.edited and len(result.jobs_created) == 2


def _fields(row: MessageRow) -> dict:
    return {name: getattr(row, name) for name in row.__slots__}


async def test_batch_writer_commits_pieces_together_in_order_and_isolates_a_failure(tmp_path):
    import asyncio

    from relay.store.db import BatchWriter

    db = await Database.open(tmp_path / "relay.db")
    writer = BatchWriter(db)
    rows = [MessageRow(**{**_fields(ROW), "message_id": i, "text": f"اعتصاب {i}"})
            for i in range(1, 6)]

    def broken(conn, row):
        message_store.store_message(conn, row, "fa", 0.99, POLICY, 1)  # writes, then fails
        raise ValueError("bad post")

    calls = [writer.run(message_store.store_message, r, "fa", 0.99, POLICY, 1) for r in rows[:2]]
    calls.append(writer.run(broken, rows[2]))
    calls += [writer.run(message_store.store_message, r, "fa", 0.99, POLICY, 1) for r in rows[3:]]
    results = await asyncio.gather(*calls, return_exceptions=True)
    stored = await db.read(lambda c: [r[0] for r in c.execute(
        "SELECT message_id FROM messages ORDER BY pk")])
    jobs = await db.read(lambda c: c.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])
    await db.close()
    assert isinstance(results[2], ValueError)
    assert [r.stored for i, r in enumerate(results) if i != 2] == [True] * 4
    assert stored == [1, 2, 4, 5]  # the failed piece left nothing behind; order kept
    assert jobs == 8



async def counted_batches(tmp_path, monkeypatch):
    """A database, a group-commit writer on it, and the size of each batch it commits."""
    from relay.store import db as db_module
    from relay.store.db import BatchWriter

    db = await Database.open(tmp_path / "relay.db")
    batches: list[int] = []
    real = db_module._run_batch

    def counted(conn, items):
        batches.append(len(items))
        return real(conn, items)

    monkeypatch.setattr(db_module, "_run_batch", counted)
    return db, BatchWriter(db), batches

async def test_group_commit_notes_each_channel_once_as_the_posts_would_one_by_one(tmp_path,
                                                                                  monkeypatch):
    import asyncio

    db, writer, batches = await counted_batches(tmp_path, monkeypatch)
    posts = [MessageRow(channel_id=200, message_id=9, date=50, text="اعتصاب"),
             MessageRow(channel_id=200, message_id=4, date=90, text="اعتصاب دوم"),
             MessageRow(channel_id=300, message_id=2, date=10, text="strike")]

    def broken(conn, row):  # a new channel and the highest id and date: all undone
        message_store.store_message(conn, row, "fa", 0.99, POLICY, 7)
        raise ValueError("bad post")

    calls = [writer.run(broken, MessageRow(channel_id=400, message_id=99, date=999))]
    calls += [writer.run(broken, MessageRow(channel_id=200, message_id=99, date=999))]
    calls += [writer.run(message_store.store_message, p, "fa", 0.99, POLICY, now)
              for now, p in enumerate(posts, start=5)]
    results = await asyncio.gather(*calls, return_exceptions=True)
    rows = await db.read(lambda c: [tuple(r) for r in c.execute(
        "SELECT id, last_message_id, last_post_at, last_seen_at FROM channels ORDER BY id")])
    await db.close()
    assert batches == [5]
    assert [type(r) for r in results[:2]] == [ValueError, ValueError]
    assert all(r.stored for r in results[2:])
    assert rows == [(200, 9, 90, 6), (300, 2, 10, 7)]  # channel 400 was never kept


async def test_create_jobs_queues_every_target_in_order_with_its_audit_row(tmp_path):
    db = await Database.open(tmp_path / "relay.db")
    await db.run(message_store.store_message, ROW, "en", 0.99, POLICY, 1)  # not queued

    def queue(conn):
        first = job_store.create_jobs(conn, channel_id=100, unit_key="m:7", message_id=7,
                                      grouped_id=None, targets=(("es", "es"), ("en", "en")),
                                      source_text="متن", now=3)
        again = job_store.create_jobs(conn, channel_id=100, unit_key="m:7", message_id=7,
                                      grouped_id=None, targets=(("en", "en"), ("de", "de")),
                                      source_text="متن دیگر", now=4)
        return first, again

    first, again = await db.run(queue)
    jobs = await db.read(lambda c: [tuple(r) for r in c.execute(
        "SELECT id, target, source_text, status FROM jobs ORDER BY id")])
    audit = await db.read(lambda c: [tuple(r) for r in c.execute(
        "SELECT job_id, action, from_status, to_status, at FROM audit ORDER BY id")])
    await db.close()
    assert [t for _, t, *_ in jobs] == ["es", "en", "de"] and first == [jobs[0][0], jobs[1][0]]
    assert again == [jobs[2][0]]  # the existing "en" job is left as it was
    assert jobs[1][2:] == ("متن", "queued")
    assert audit == [(j, "queue", None, "queued", at) for (j, *_), at in zip(jobs, (3, 3, 4),
                                                                              strict=True)]


async def test_batch_writer_keeps_a_batch_open_while_a_burst_arrives(tmp_path, monkeypatch):
    import asyncio

    db, writer, batches = await counted_batches(tmp_path, monkeypatch)

    async def post(i: int) -> None:
        for _ in range(i):  # one post arriving per turn of the event loop
            await asyncio.sleep(0)
        row = MessageRow(**{**_fields(ROW), "message_id": i + 1})
        await writer.run(message_store.store_message, row, "fa", 0.99, POLICY, 1)

    await asyncio.gather(*(post(i) for i in range(40)))
    for i in range(3):  # one caller at a time: each commits on its own, without waiting
        await writer.run(message_store.store_message,
                         MessageRow(**{**_fields(ROW), "message_id": 100 + i}), "fa", 0.99,
                         POLICY, 1)
    stored = await db.read(lambda c: c.execute("SELECT COUNT(*) FROM messages").fetchone()[0])
    await db.close()
    assert batches == [40, 1, 1, 1] and stored == 43


async def test_a_batch_without_failures_runs_without_savepoints_and_one_with_redoes_them(
        tmp_path):
    import asyncio

    from relay.store.db import BatchWriter

    db = await Database.open(tmp_path / "relay.db")
    statements: list[str] = []
    await db.read(lambda c: c.set_trace_callback(statements.append))
    writer = BatchWriter(db)
    rows = [MessageRow(**{**_fields(ROW), "message_id": i, "text": f"اعتصاب {i}"})
            for i in range(1, 5)]
    await asyncio.gather(*(writer.run(message_store.store_message, r, "fa", 0.99, POLICY, 1)
                           for r in rows[:2]))
    assert not [s for s in statements if "SAVEPOINT" in s]  # all kept: no savepoint needed

    def broken(conn, row):
        message_store.store_message(conn, row, "fa", 0.99, POLICY, 1)
        raise ValueError("bad post")

    statements.clear()
    results = await asyncio.gather(writer.run(broken, rows[2]),
                                   writer.run(message_store.store_message, rows[3], "fa",
                                              0.99, POLICY, 1), return_exceptions=True)
    stored = await db.read(lambda c: [r[0] for r in c.execute(
        "SELECT message_id FROM messages ORDER BY pk")])
    await db.close()
    assert isinstance(results[0], ValueError) and results[1].stored
    assert statements.count("ROLLBACK") == 1  # the attempt without savepoints, undone
    assert sum(s.startswith("SAVEPOINT") for s in statements) == 2  # then piece by piece
    assert stored == [1, 2, 4]


def _interrupted_insert(conn: sqlite3.Connection, *_: object) -> None:
    """A write SQLite interrupts half-way: it rolls the whole transaction back itself, as it
    may on a full disk."""
    conn.execute("CREATE TABLE IF NOT EXISTS numbers (n INTEGER)")
    conn.set_progress_handler(lambda: 1, 50)
    try:
        conn.execute("INSERT INTO numbers WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL"
                     " SELECT n + 1 FROM c WHERE n < 100000) SELECT n FROM c")
    finally:
        conn.set_progress_handler(None, 50)


@pytest.mark.parametrize("how", ["alone", "in a batch"])
def test_a_write_sqlite_rolled_back_itself_fails_with_its_own_error(tmp_path, how):
    """Not "cannot rollback - no transaction is active", which hid the real cause (a disk
    full: the service's one-line stop looks for it)."""
    from relay.store import db as db_module

    conn = sqlite3.connect(tmp_path / "relay.db", isolation_level=None)
    with pytest.raises(sqlite3.OperationalError, match="interrupted"):
        if how == "alone":
            db_module._in_transaction(conn, _interrupted_insert, (), {})
        else:
            fine = (lambda c: c.execute("CREATE TABLE IF NOT EXISTS kept (n INTEGER)"), (), {})
            db_module._run_batch(conn, [fine, (_interrupted_insert, (), {}), fine])
    assert not conn.in_transaction
    assert conn.execute("SELECT name FROM sqlite_master").fetchall() == []  # nothing half-done
    conn.close()
