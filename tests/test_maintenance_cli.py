"""No command destroys data by mistake: the demo never touches a folder it did not make,
one relay at a time on a data directory, and backup/restore from the command line."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap

import pytest

from relay.cli.main import main
from relay.store.migrations import apply_migrations

HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from relay.service.lock import hold
    with hold(Path(sys.argv[1]), "run"):
        print("held", flush=True)
        time.sleep(60)
""")


@pytest.fixture
def running_relay(settings):
    """A process holding the data directory, as `relay run` does."""
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(settings.storage.data_dir)],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "held"
    yield child
    if child.poll() is None:
        os.kill(child.pid, signal.SIGKILL)
    child.wait()


def make_archive(path, posts: int) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn)
    conn.execute("INSERT INTO channels (id, username, updated_at) VALUES (1, 'src', 0)")
    for i in range(posts):
        conn.execute("INSERT INTO messages (channel_id, message_id, date, text, stored_at)"
                     " VALUES (1, ?, 0, 'x', 0)", (i + 1,))
    conn.close()


def test_demo_refuses_a_folder_holding_someone_elses_database(tmp_path, capsys):
    archive = tmp_path / "data"
    archive.mkdir()
    make_archive(archive / "relay.db", 309)
    before = (archive / "relay.db").read_bytes()
    assert main(["demo", "--data", str(archive)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not made by the demo" in err[0] and str(archive) in err[0]
    assert (archive / "relay.db").read_bytes() == before
    assert sorted(p.name for p in archive.iterdir()) == ["relay.db"]


def test_demo_refuses_a_file_as_its_folder(tmp_path, capsys):
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    assert main(["demo", "--data", str(target)]) == 2
    assert "is a file" in capsys.readouterr().err and target.read_text() == "keep me"


@pytest.mark.parametrize("command", [["run"], ["backfill", "@vahed"], ["login"]])
def test_a_second_relay_on_the_same_data_is_refused_naming_the_first(settings, running_relay,
                                                                      command, capsys,
                                                                      monkeypatch):
    monkeypatch.setenv("RELAY_API_ID", "1")
    monkeypatch.setenv("RELAY_API_HASH", "0123456789abcdef0123456789abcdef")
    monkeypatch.setenv("RELAY_BOT_TOKEN", "123:abc")
    assert main(["--config", str(settings.path), *command]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert f"pid {running_relay.pid}" in err[0] and "`relay run`" in err[0]


def test_backup_while_running_and_restore_refused_until_it_stops(settings, running_relay,
                                                                  tmp_path, capsys):
    make_archive(settings.storage.database, 12)
    copy = tmp_path / "saved.sqlite"
    assert main(["--config", str(settings.path), "backup", str(copy)]) == 0
    assert "12 messages" in capsys.readouterr().out
    assert main(["--config", str(settings.path), "restore", str(copy)]) == 1
    assert f"pid {running_relay.pid}" in capsys.readouterr().err
    os.kill(running_relay.pid, signal.SIGKILL)
    running_relay.wait()
    conn = sqlite3.connect(settings.storage.database)
    conn.execute("DELETE FROM messages")
    conn.commit()
    conn.close()
    assert main(["--config", str(settings.path), "restore", str(copy)]) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "kept as" in out
    conn = sqlite3.connect(settings.storage.database)
    assert conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 12
    conn.close()


def test_restore_of_a_damaged_file_is_one_line_and_changes_nothing(settings, tmp_path, capsys):
    make_archive(settings.storage.database, 3)
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    assert main(["--config", str(settings.path), "restore", str(bad)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0]
    conn = sqlite3.connect(settings.storage.database)
    assert conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0] == 3
    conn.close()
