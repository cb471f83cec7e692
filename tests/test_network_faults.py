"""`relay run` and `relay login` when Telegram cannot be reached or answers garbage (issue 12):
exit 1 with one line "cannot reach Telegram ...", never a traceback or a hang, nothing stored
lost. Only the network is replaced: Telethon connects for real to a misbehaving peer on a
loopback socket (tests/loopback_peer.py), whose address the session holds.
"""

from __future__ import annotations

import asyncio
import io
import logging
import sqlite3
import sys
from pathlib import Path

import pytest

import relay.service.runner as runner
import relay.telegram.login as login_module
from relay.cli.main import main
from relay.core.records import MessageRow
from relay.store.sqlite_store import open_store
from tests.cli_helpers import command_place
from tests.loopback_peer import MODES, peer, session_file, string_session


@pytest.fixture
def place(tmp_path, monkeypatch):
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield from _place(tmp_path, monkeypatch)
    root.handlers[:] = handlers  # the command installed relay's handler on a captured stream
    root.setLevel(level)


def _place(tmp_path, monkeypatch):
    config, data = command_place(tmp_path, monkeypatch)
    data.mkdir()

    async def keep_one_post() -> None:
        store = await open_store(data / "relay.db")
        try:
            await store.store_message(MessageRow(channel_id=777, message_id=1, date=1704103200,
                                                 text="stored before the fault"), "en", 1.0, None, 1704103200)
        finally:
            await store.close()
    asyncio.run(keep_one_post())
    yield tmp_path, config, data


def posts(data: Path) -> list[tuple]:
    conn = sqlite3.connect(data / "relay.db")
    try:
        return conn.execute("SELECT channel_id, message_id, text FROM messages").fetchall()
    finally:
        conn.close()


def assert_cannot_reach(code: int, err: str, command: str) -> None:
    """Exit 1; the command's own message is one line; anything else on stderr is a log record
    of Telethon's retries, one line each (relay's log format), never a bare traceback."""
    assert code == 1, err
    lines = err.splitlines()
    records = [line for line in lines if line.startswith("ts=")]
    own = [line for line in lines if not line.startswith("ts=")]
    assert len(own) == 1 and own[0].startswith(f"relay {command}: cannot reach Telegram"), err
    assert lines[-1] == own[0]
    assert not any(line.startswith(("Traceback", "  File ")) for line in lines), err
    assert len(records) == len(lines) - 1


@pytest.mark.parametrize("mode", MODES)
def test_run_against_an_unreachable_or_garbling_telegram(place, capsys, monkeypatch, mode):
    tmp, config, data = place
    before = posts(data)
    # refused: Telethon's own retries end it (ConnectionError); the others hit the bound.
    monkeypatch.setattr(runner, "START_TIMEOUT_SECONDS", 30.0 if mode == "refused" else 3.0)
    with peer(mode) as port:
        monkeypatch.setenv("RELAY_SESSION", string_session(port))
        code = main(["--config", str(config), "run"])
    assert_cannot_reach(code, capsys.readouterr().err, "run")
    assert posts(data) == before


@pytest.mark.parametrize("mode", MODES)
def test_login_against_an_unreachable_or_garbling_telegram(place, capsys, monkeypatch, mode):
    tmp, config, data = place
    before = posts(data)
    monkeypatch.setattr(login_module, "CONNECT_TIMEOUT_SECONDS", 30.0 if mode == "refused"
                        else 3.0)
    monkeypatch.setattr(sys, "stdin", io.StringIO("+989121234567\n12345\n"))
    with peer(mode) as port:
        session_file(str(data / "watcher.session"), port)
        code = main(["--config", str(config), "login"])
    assert_cannot_reach(code, capsys.readouterr().err, "login")
    assert posts(data) == before
