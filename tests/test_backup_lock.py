"""Online backup and restore (relay.store.backup) and the data directory's lock
(relay.service.lock), on real SQLite files and real processes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from relay.service.lock import DataDirBusy, hold
from relay.store.backup import BackupError, backup, restore, verify
from relay.store.migrations import MIGRATIONS, apply_migrations


def make_db(path: Path, posts: int = 0) -> Path:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    apply_migrations(conn)
    conn.execute("INSERT INTO channels (id, username, updated_at) VALUES (1, 'src', 0)")
    for i in range(posts):
        add_post(conn, i + 1)
    conn.close()
    return path


def add_post(conn: sqlite3.Connection, message_id: int) -> None:
    conn.execute("INSERT INTO messages (channel_id, message_id, date, text, stored_at)"
                 " VALUES (1, ?, 0, ?, 0)", (message_id, f"post {message_id}"))


def count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
    finally:
        conn.close()


def test_backup_is_consistent_and_verified_while_a_writer_keeps_writing(tmp_path):
    db = make_db(tmp_path / "relay.sqlite", posts=100)
    stop = threading.Event()
    written = [100]

    def writer() -> None:
        conn = sqlite3.connect(db, isolation_level=None)
        while not stop.is_set():
            conn.execute("BEGIN IMMEDIATE")
            add_post(conn, written[0] + 1)
            conn.execute("COMMIT")
            written[0] += 1
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        time.sleep(0.05)
        info = backup(db, tmp_path / "copy.sqlite")
    finally:
        stop.set()
        thread.join()
    assert 100 <= info.messages <= written[0]
    assert info.schema_version == max(v for v, _ in MIGRATIONS)
    assert count(tmp_path / "copy.sqlite") == info.messages
    assert not (tmp_path / "copy.sqlite.partial").exists()


def test_backup_refuses_a_missing_database_and_a_directory_as_destination(tmp_path):
    with pytest.raises(BackupError, match="no database to back up"):
        backup(tmp_path / "none.sqlite", tmp_path / "copy.sqlite")
    db = make_db(tmp_path / "relay.sqlite", posts=1)
    with pytest.raises(BackupError, match="is a directory"):
        backup(db, tmp_path)


@pytest.mark.parametrize("damage", ["truncated", "garbage", "not relay", "too new"])
def test_verify_refuses_what_cannot_be_restored(tmp_path, damage):
    path = make_db(tmp_path / "b.sqlite", posts=200)
    if damage == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif damage == "garbage":
        path.write_bytes(b"x" * 8192)
    elif damage == "not relay":
        path.unlink()
        sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.close()
    else:
        conn = sqlite3.connect(path)
        conn.execute("INSERT INTO schema_migrations VALUES (999, 0)")
        conn.commit()
        conn.close()
    with pytest.raises(BackupError) as caught:
        verify(path)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_restore_puts_the_backup_in_place_and_keeps_the_replaced_database(tmp_path):
    db = make_db(tmp_path / "relay.sqlite", posts=5)
    saved = backup(db, tmp_path / "saved.sqlite").path
    conn = sqlite3.connect(db, isolation_level=None)
    add_post(conn, 99)
    conn.close()
    assert count(db) == 6
    info, kept = restore(saved, db)
    assert info.messages == 5 and count(db) == 5
    assert kept is not None and count(kept) == 6


def test_a_damaged_backup_changes_nothing(tmp_path):
    db = make_db(tmp_path / "relay.sqlite", posts=5)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(BackupError):
        restore(bad, db)
    assert count(db) == 5
    assert sorted(p.name for p in tmp_path.iterdir() if "before-restore" in p.name) == []


HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from relay.service.lock import hold
    with hold(Path(sys.argv[1]), "run"):
        print("held", flush=True)
        time.sleep(60)
""")


def test_a_second_holder_is_refused_with_the_first_ones_pid_until_it_is_killed(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(tmp_path)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        with pytest.raises(DataDirBusy) as caught, hold(tmp_path, "backfill"):
            pass
        message = str(caught.value)
        assert f"pid {child.pid}" in message and "`relay run`" in message
        assert "\n" not in message
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    with hold(tmp_path, "run"):  # kill -9 released it
        assert (tmp_path / "relay.lock").read_text().startswith(f"{os.getpid()} ")


def test_the_lock_is_released_on_exit_and_on_an_exception(tmp_path):
    with pytest.raises(RuntimeError), hold(tmp_path, "run"):
        raise RuntimeError("boom")
    with hold(tmp_path, "login"):
        pass
