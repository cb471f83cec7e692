"""A read-only database file, or a read-only data folder (issue 12): every command that writes
ends in one line naming the path, exit 1, and touches nothing; the commands that only read
(status, export, health, backup) still work when SQLite can read the file.

The tests run as root, for whom permissions do not bind, so each command runs in a child
process that gives up, before it starts, the capabilities that let root ignore them
(CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER): it is then held to the mode bits like any
user. (Dropping to ``nobody`` instead would lock it out of the Python installation itself.)
"""

from __future__ import annotations

import asyncio
import ctypes
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from relay.core.records import MessageRow
from relay.store.sqlite_store import open_store
from tests.cli_helpers import ONE_SOURCE

_LIBC = ctypes.CDLL(None, use_errno=True)
_PR_CAPBSET_DROP = 24
_CAPS_THAT_IGNORE_PERMISSIONS = (1, 2, 3)  # DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER

#: Each command, whether it writes the database (or its folder), and its arguments.
COMMANDS = {
    "status": (False, ["status"]),
    "status --json": (False, ["status", "--json"]),
    "export": (False, ["export"]),
    "health": (False, ["health"]),
    "backup": (False, ["backup", "{tmp}/out/copy.db"]),
    "import": (True, ["import", "{tmp}/result.json"]),
    "run": (True, ["run"]),
    "backfill": (True, ["backfill", "@vahed"]),
    "login": (True, ["login"]),
    "restore": (True, ["restore", "{tmp}/backup.db"]),
}
FAULTS = ("read-only database", "read-only data folder")


def _obey_permissions() -> None:
    """In the child, before exec: root keeps its uid but loses what bypasses the mode bits."""
    for cap in _CAPS_THAT_IGNORE_PERMISSIONS:
        if _LIBC.prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def relay_obeying_permissions(tmp: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}
    env.update(HOME=str(tmp), RELAY_API_ID="12345",
               RELAY_API_HASH="0123456789abcdef0123456789abcdef", PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-m", "relay.cli.main", "--config",
                           str(tmp / "relay.toml"), *argv], cwd=tmp, env=env,
                          preexec_fn=_obey_permissions, capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)


def _store_posts(db: Path) -> None:
    async def go() -> None:
        store = await open_store(db)
        try:
            for n in (1, 2):
                await store.store_message(MessageRow(channel_id=777, message_id=n,
                                                     date=1704103200, text=f"post {n}"),
                                          "en", 1.0, None, 1704103200)
        finally:
            await store.close()
    asyncio.run(go())


def _fingerprint(folder: Path) -> str:
    """The database's bytes (a reader may add SQLite's -wal/-shm beside it: that is fine)."""
    return hashlib.sha256((folder / "relay.db").read_bytes()).hexdigest()


@pytest.fixture
def place():
    tmp = Path(tempfile.mkdtemp(prefix="relay-ro-"))
    os.chmod(tmp, 0o755)
    data = tmp / "data"
    data.mkdir()
    (tmp / "out").mkdir()
    (tmp / "relay.toml").write_text(ONE_SOURCE.format(data=data.as_posix()), encoding="utf-8")
    (tmp / "result.json").write_text(json.dumps(
        {"name": "Vahed", "type": "public_channel", "id": 1,
         "messages": [{"id": 9, "type": "message", "date_unixtime": "1704103200",
                       "text": "x"}]}), encoding="utf-8")
    _store_posts(data / "relay.db")
    shutil.copy(data / "relay.db", tmp / "backup.db")
    os.chmod(tmp / "backup.db", 0o644)
    yield tmp, data
    os.chmod(data, 0o755)
    shutil.rmtree(tmp, ignore_errors=True)


def make_fault(fault: str, data: Path) -> None:
    if fault == "read-only database":  # the folder stays writable
        os.chmod(data / "relay.db", 0o444)
    else:  # the file stays writable, the folder does not
        os.chmod(data, 0o555)


#: login writes the session file and the lock, never the database: a read-only database file
#: is no fault for it, so that pair is not a case.
CASES = [(command, fault) for command in COMMANDS for fault in FAULTS
         if (command, fault) != ("login", "read-only database")]


@pytest.mark.parametrize(("command", "fault"), CASES)
def test_read_only_database_or_folder(place, fault, command):
    tmp, data = place
    make_fault(fault, data)
    before = _fingerprint(data)
    writes, argv = COMMANDS[command]
    result = relay_obeying_permissions(tmp, *(a.format(tmp=tmp) for a in argv))
    err = result.stderr.strip()
    assert "Traceback" not in err, err
    if writes:
        assert result.returncode == 1, (result.returncode, err)
        assert len(err.splitlines()) == 1, err
        named = str(data / "relay.db") if fault == "read-only database" else str(data)
        assert named in err and "read-only" in err, err
    elif command == "health":  # no service ran: its heartbeat is missing, said in one line
        assert result.returncode == 1 and len(err.splitlines()) == 1, err
        assert "heartbeat" in err or "not running" in err or "no " in err, err
    else:
        assert result.returncode == 0, err
        if command == "export":
            assert '"post 1"' in result.stdout or "post 1" in result.stdout
    assert _fingerprint(data) == before  # nothing stored was touched
