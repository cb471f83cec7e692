"""Every command against every fault: one line on stderr, exit 1 or 2, never a traceback, and
nothing stored is lost (issue 12).

Faults are made for real where the machine allows (a damaged, truncated or too-new database,
a folder in its place); here a full disk is injected at the SQLite boundary (the error SQLite
raises on ENOSPC, ``database or disk is full``); tests/test_full_disk.py fills a real one.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from relay.cli.main import main
from relay.store.db import Database
from tests.cli_helpers import command_place

COMMANDS = {
    "status": ["status"],
    "status --json": ["status", "--json"],
    "export": ["export"],
    "health": ["health"],
    "import": ["import", "EXPORT"],
    "backup": ["backup", "COPY"],
    "run": ["run"],
    "backfill": ["backfill", "@vahed"],
}


def _relay_db(path: Path) -> None:
    async def make() -> None:
        db = await Database.open(path)
        await db.close()
    asyncio.run(make())


def corrupt(db: Path) -> None:
    db.write_bytes(b"\x13" * 8192)


def truncated(db: Path) -> None:
    _relay_db(db)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3])


def folder(db: Path) -> None:
    db.mkdir()
    (db / "keep.txt").write_text("mine")


def newer_schema(db: Path) -> None:
    _relay_db(db)
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO schema_migrations VALUES (999, 0)")
    conn.commit()
    conn.close()


FAULTS = {"corrupt": corrupt, "truncated": truncated, "folder": folder,
          "newer schema": newer_schema}


def _fingerprint(path: Path) -> str:
    if path.is_dir():
        return "dir:" + ",".join(sorted(p.name for p in path.iterdir()))
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "-"


@pytest.fixture
def place(tmp_path, monkeypatch):
    config, data = command_place(tmp_path, monkeypatch)
    data.mkdir()
    export = tmp_path / "result.json"
    export.write_text(json.dumps({"name": "Vahed", "type": "public_channel", "id": 1,
                                  "messages": []}), encoding="utf-8")
    return tmp_path, config, data / "relay.db"


@pytest.mark.parametrize("fault", list(FAULTS))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_every_command_meets_every_database_fault_with_one_line(place, capsys, fault, command):
    tmp, config, db = place
    FAULTS[fault](db)
    before = _fingerprint(db)
    argv = [a.replace("EXPORT", str(tmp / "result.json")).replace("COPY", str(tmp / "copy.db"))
            for a in COMMANDS[command]]
    code = main(["--config", str(config), *argv])
    err = capsys.readouterr().err.strip()
    assert code in (1, 2), err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert _fingerprint(db) == before  # nothing stored was touched


def test_a_full_disk_during_import_is_one_line_and_keeps_what_was_stored(place, capsys,
                                                                         monkeypatch):
    tmp, config, db = place
    _relay_db(db)
    before = _fingerprint(db)

    async def full(self, fn, *args, **kwargs):
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(Database, "run", full)
    code = main(["--config", str(config), "import", str(tmp / "result.json")])
    err = capsys.readouterr().err.strip()
    assert code == 1 and "disk is full" in err and len(err.splitlines()) == 1, err
    assert _fingerprint(db) == before


def test_backfill_of_an_unknown_source_fails_before_connecting(place, capsys, monkeypatch):
    tmp, config, db = place
    import relay.service.runner as runner

    def no_client(settings):
        raise AssertionError("connected")

    monkeypatch.setattr(runner, "make_watcher_client", no_client)
    code = main(["--config", str(config), "backfill", "@nosuch"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and "'@nosuch' is not a configured source" in err


@pytest.mark.parametrize("error", [ConnectionRefusedError(111, "Connection refused"),
                                   asyncio.IncompleteReadError(b"", 8), TimeoutError()])
@pytest.mark.parametrize("command", ["backfill", "check --online"])
def test_network_failures_are_one_line(place, capsys, monkeypatch, error, command):
    tmp, config, db = place
    import relay.service.runner as runner

    class Unreachable:
        async def connect(self):
            raise error

        async def disconnect(self):
            return None

    monkeypatch.setattr(runner, "make_watcher_client", lambda settings: Unreachable())
    argv = ["backfill", "@vahed"] if command == "backfill" else ["check", "--online"]
    code = main(["--config", str(config), *argv])
    err = capsys.readouterr().err.strip()
    assert code == 1 and "cannot reach Telegram" in err and len(err.splitlines()) == 1, err
