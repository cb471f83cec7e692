"""The watcher's ingest step in a process of its own (issue 9, ``[watcher] ingest_process``).

The same posts give the same rows in the same order as the step in the service's process;
the child keeps no secret, dies with the service, is restarted when it dies alone, and a
store error reaches the caller (and the service's full-disk watch) as it would in-process.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from relay.core.records import MessageRow, QueuePolicy
from relay.review.statement_index import StatementMatcher
from relay.service import ingest_process
from relay.service.ingest_process import IngestProcessGone, ProcessIngest
from relay.store.db import Database
from relay.store.sqlite_store import SqliteStore
from relay.telegram.ingest_step import InlineIngest
from tests.statement_world import FOOTER, OTHER, STATEMENT

POLICY = QueuePolicy(frozenset({"fa"}), (("en", "en"), ("es", "es")))
A, B = 1001, 1002  # two source channels
T0 = 1_760_000_000


def posts() -> list[tuple[str, object]]:
    """A day of two channels: statements, a copy with a footer, an album, English, an edit,
    a short post its channel decides, a deletion, a split and a copy of the split post."""
    return [
        ("post", MessageRow(A, 1, T0, STATEMENT)),
        ("post", MessageRow(A, 2, T0 + 60, "Solidarity with the Haft Tappeh workers, who"
                                           " have not been paid for three months.")),
        ("post", MessageRow(B, 1, T0 + 120, STATEMENT + FOOTER)),  # a copy: joins A/1
        ("post", MessageRow(A, 3, T0 + 180, OTHER, grouped_id=77, media_kind="photo")),
        ("post", MessageRow(A, 4, T0 + 181, "", grouped_id=77, media_kind="photo")),
        ("post", MessageRow(B, 2, T0 + 240, "اعتصاب")),
        ("post", MessageRow(B, 3, T0 + 241, "تجمع امروز")),
        ("post", MessageRow(A, 1, T0, STATEMENT + " (اصلاحیه)", edit_date=T0 + 300)),
        ("delete", (B, [2])),
        ("forget", (A, "m:1")),  # an editor split A/1 off: B/4 finds only its own channel
        ("post", MessageRow(A, 5, T0 + 400, OTHER + "\n\nکانال ما")),  # own channel: new post
        ("post", MessageRow(B, 4, T0 + 500, STATEMENT + FOOTER + " ")),
    ]


TABLES = {
    "messages": "SELECT channel_id, message_id, text, lang, lang_confidence, lang_reason,"
                " deleted_at, edit_date FROM messages ORDER BY pk",
    "jobs": "SELECT id, channel_id, message_id, unit_key, target, status, source_text FROM jobs"
            " ORDER BY id",
    "members": "SELECT channel_id, unit_key, how FROM statement_members ORDER BY id",
    "audit": "SELECT job_id, action FROM audit ORDER BY id",
}


async def feed(step, statements) -> list:
    answers = []
    for kind, item in posts():
        if kind == "post":
            decision, result = await step.store_post(item, POLICY, T0 + 1000)
            answers.append((decision, result))
        elif kind == "delete":
            answers.append(await step.mark_deleted(*item, T0 + 1000))
        else:
            statements.forget(item)
    return answers


def dump(path: Path) -> dict[str, list]:
    with sqlite3.connect(path) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in TABLES.items()}


async def test_the_process_stores_what_the_inline_step_stores(tmp_path):
    inline_db = await Database.open(tmp_path / "inline.db")
    matcher = StatementMatcher()
    inline = await feed(InlineIngest(SqliteStore(inline_db), matcher), matcher)
    await inline_db.close()

    db = await Database.open(tmp_path / "process.db")
    step = ProcessIngest(db.path, 30.0)
    await step.start()
    try:
        answered = await feed(step, step)
    finally:
        await step.stop()
        await db.close()
    assert answered == inline
    inline_rows, process_rows = dump(tmp_path / "inline.db"), dump(tmp_path / "process.db")
    assert process_rows == inline_rows
    assert [m[2] for m in process_rows["members"]] == ["copy"]  # B/1 joined A/1 ...
    assert (B, 4) in {(j[1], j[2]) for j in process_rows["jobs"]}  # ... B/4 finds no other
    assert [m[6] is not None for m in process_rows["messages"]].count(True) == 1  # B/2


async def test_the_child_rebuilds_the_statement_index_at_start(tmp_path):
    db = await Database.open(tmp_path / "relay.db")
    inline = InlineIngest(SqliteStore(db), StatementMatcher())
    now = int(time.time())
    await inline.store_post(MessageRow(A, 1, now, STATEMENT), POLICY, now)
    step = ProcessIngest(db.path, 30.0)
    await step.start()
    try:
        assert step.indexed == 1
        _, result = await step.store_post(MessageRow(B, 1, now + 5, STATEMENT + FOOTER),
                                          POLICY, now)
        assert result.joined and not result.jobs_created
    finally:
        await step.stop()
        await db.close()


async def test_stop_ends_the_child_and_answers_what_was_in_flight(tmp_path):
    db = await Database.open(tmp_path / "relay.db")
    step = ProcessIngest(db.path, 30.0)
    await step.start()
    child = step._proc
    pending = [asyncio.create_task(step.store_post(MessageRow(A, n, T0 + n, OTHER + f" {n}"),
                                                   POLICY, T0)) for n in range(1, 200)]
    await asyncio.sleep(0)
    await step.stop()
    assert child is not None and child.poll() == 0
    results = await asyncio.gather(*pending, return_exceptions=True)
    assert not [r for r in results if isinstance(r, BaseException)]
    with pytest.raises(IngestProcessGone):
        await step.store_post(MessageRow(A, 999, T0, "x"), POLICY, T0)
    await db.close()
    assert len(dump(tmp_path / "relay.db")["messages"]) == 199


async def test_a_killed_child_fails_its_posts_and_the_next_post_starts_a_new_one(
        tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(ingest_process, "RESTART_PAUSE_SECONDS", 0.0)
    caplog.set_level(logging.WARNING)
    db = await Database.open(tmp_path / "relay.db")
    step = ProcessIngest(db.path, 30.0)
    await step.start()
    first = step._proc
    assert first is not None
    now = int(time.time())
    await step.store_post(MessageRow(A, 1, now, STATEMENT), POLICY, now)
    os.kill(first.pid, signal.SIGSTOP)  # posts sent now stay unanswered ...
    in_flight = [asyncio.create_task(step.store_post(MessageRow(A, n, now + n, OTHER + f" {n}"),
                                                     POLICY, now)) for n in range(2, 20)]
    await asyncio.sleep(0.05)
    os.kill(first.pid, signal.SIGKILL)  # ... and are lost with the child
    results = await asyncio.gather(*in_flight, return_exceptions=True)
    assert all(isinstance(r, IngestProcessGone) for r in results)
    assert "ingest.process_stopped" in caplog.text
    _, result = await step.store_post(MessageRow(A, 100, now + 100, OTHER), POLICY, now)
    assert result.stored and step._proc is not first
    assert "ingest.restarting" in caplog.text
    _, copy = await step.store_post(MessageRow(B, 1, now + 200, STATEMENT + FOOTER), POLICY, now)
    assert copy.joined  # the new child indexed what the old one stored
    await step.stop()
    await db.close()
    assert [m[1] for m in dump(tmp_path / "relay.db")["messages"]] == [1, 100, 1]


async def test_a_store_error_reaches_the_caller_and_the_full_disk_watch(tmp_path):
    db = await Database.open(tmp_path / "relay.db")
    seen: list[BaseException] = []
    step = ProcessIngest(db.path, 30.0, on_error=seen.append)
    await step.start()
    await db.run(lambda conn: conn.execute("ALTER TABLE messages RENAME TO gone"))
    with pytest.raises(sqlite3.OperationalError, match="messages"):
        await step.store_post(MessageRow(A, 1, T0, STATEMENT), POLICY, T0)
    assert seen and isinstance(seen[0], sqlite3.OperationalError)
    await step.stop()
    await db.close()


async def test_the_child_gets_no_secret_and_ignores_the_terminal_signals(tmp_path, monkeypatch):
    monkeypatch.setenv("RELAY_BOT_TOKEN", "123:secret-token")
    monkeypatch.setenv("RELAY_API_HASH", "0123456789abcdef")
    db = await Database.open(tmp_path / "relay.db")
    step = ProcessIngest(db.path, 30.0)
    await step.start()
    child = step._proc
    assert child is not None
    environ = Path(f"/proc/{child.pid}/environ").read_bytes()
    assert b"secret-token" not in environ and b"RELAY_" not in environ
    os.kill(child.pid, signal.SIGINT)  # Ctrl-C and systemd's SIGTERM are the service's to act on
    os.kill(child.pid, signal.SIGTERM)
    _, result = await step.store_post(MessageRow(A, 1, T0, STATEMENT), POLICY, T0)
    assert result.stored and child.poll() is None
    await step.stop()
    await db.close()


def test_the_child_ends_when_the_service_is_killed(tmp_path):
    """kill -9 of relay: the child sees its socket close, finishes and exits."""
    db_path = tmp_path / "relay.db"
    script = textwrap.dedent(f"""
        import asyncio, sys
        from relay.store.db import Database
        from relay.service.ingest_process import ProcessIngest
        async def main():
            db = await Database.open({str(db_path)!r})
            step = ProcessIngest(db.path, 30.0)
            await step.start()
            print(step._proc.pid, flush=True)
            await asyncio.sleep(60)
        asyncio.run(main())
    """)
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert parent.stdout is not None
        child = int(parent.stdout.readline())
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and Path(f"/proc/{child}").exists() \
                and "Z" not in Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1][:3]:
            time.sleep(0.05)
        alive = Path(f"/proc/{child}").exists() and \
            "Z" not in Path(f"/proc/{child}/stat").read_text().rsplit(")", 1)[1][:3]
        assert not alive
    finally:
        if parent.poll() is None:
            parent.kill()


async def test_a_batch_waits_out_a_long_write_lock_of_the_service(tmp_path):
    """The service's connection may hold the write lock past the busy timeout: the batch is
    tried again (nothing of it was written before its BEGIN IMMEDIATE succeeded)."""
    import threading

    from relay.store.ingest_writer import IngestWriter, StorePost

    db = await Database.open(tmp_path / "relay.db")
    await db.close()
    writer = IngestWriter(tmp_path / "relay.db")
    writer.conn.execute("PRAGMA busy_timeout=300")
    holder = sqlite3.connect(tmp_path / "relay.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.4, lambda: holder.execute("COMMIT"))
    release.start()
    outcomes = writer.write([StorePost(MessageRow(A, 1, T0, STATEMENT), "fa", 1.0, POLICY, T0,
                                       None, "text")])
    release.join()
    assert outcomes[0][0] and outcomes[0][1].stored
    holder.execute("BEGIN IMMEDIATE")  # held for good: after three tries the error is the caller's
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        writer.write([StorePost(MessageRow(A, 2, T0, OTHER), "fa", 1.0, POLICY, T0, None, "text")])
    holder.execute("ROLLBACK")
    writer.close()
    holder.close()


def test_the_child_reads_its_socket_into_one_buffer_not_a_fresh_megabyte_each_time() -> None:
    """``recv(1 MiB)`` allocated a megabyte per read and shrank it to the few hundred bytes a
    post takes. Once glibc's malloc had raised its mmap threshold, those reads came from the
    heap and fragmented it: a child fed soak-like posts, the service writing between its
    batches, held 8.6 MB more free heap at 450,000 posts than at 150,000 (its RSS grew as
    much; the statement index and the Python objects did not). A read now allocates only
    what the frame holds."""
    import socket
    import threading
    import tracemalloc

    from relay.service.ingest_child import MAX_WRITES, RECEIVE_SIZE, FrameReader, pack

    ours, theirs = socket.socketpair()
    with ours, theirs:
        frames = FrameReader(ours)
        tracing_already = tracemalloc.is_tracing()
        if not tracing_already:
            tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            for n in range(100):
                theirs.sendall(pack([("post", n, STATEMENT)]))
                assert frames.next_batch(MAX_WRITES) == [("post", n, STATEMENT)]
            peak = tracemalloc.get_traced_memory()[1] - before
        finally:
            if not tracing_already:
                tracemalloc.stop()
        assert peak < RECEIVE_SIZE // 16
        big = [("post", 1, "x" * (3 * RECEIVE_SIZE))]  # one frame, several reads
        sender = threading.Thread(target=theirs.sendall, args=(pack(big),))
        sender.start()
        assert frames.next_batch(MAX_WRITES) == big
        sender.join()
        theirs.close()
        assert frames.next_batch(MAX_WRITES) is None


def test_records_cross_to_the_process_whole() -> None:
    """The records pickle by position (``by_position``): every field, entities included."""
    import pickle

    from relay.core.language_context import Decision
    from relay.core.records import IngestResult
    from relay.text.formatting import Entity

    row = MessageRow(A, 7, T0, STATEMENT, (Entity("text_url", 0, 5, "https://x.org"),), T0 + 1,
                     42, "photo", 1024, "p.jpg", '{"channel": 1}', 3, "Sara")
    result = IngestResult(True, True, [1], [2], [(3, 4)], [5], [6])
    for record in (row, POLICY, result, Decision("fa", 0.8, "channel")):
        assert pickle.loads(pickle.dumps(record)) == record
