"""SIGTERM or SIGINT while `relay run` is still reaching Telegram (issue 12): it stops within
seconds, not after START_TIMEOUT_SECONDS, exits 0 with one line, and the data folder's lock is
free. The real `relay run` in a process of its own; Telethon connects for real to a loopback
peer that reads and never answers (tests/loopback_peer.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from relay.service.lock import DataDirBusy, hold
from relay.service.runner import START_TIMEOUT_SECONDS
from tests.cli_helpers import ONE_SOURCE
from tests.loopback_peer import peer, string_session


def _held(data: Path) -> bool:
    try:
        with hold(data, "test"):
            return False
    except DataDirBusy:
        return True


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_while_reaching_telegram_stops_relay_at_once(tmp_path: Path,
                                                              sig: signal.Signals) -> None:
    data = tmp_path / "data"
    config = tmp_path / "relay.toml"
    config.write_text(ONE_SOURCE.format(data=data.as_posix()), encoding="utf-8")
    assert START_TIMEOUT_SECONDS >= 30  # what relay would otherwise wait for
    with peer("silent") as port:
        env = {**os.environ, "RELAY_API_ID": "12345", "RELAY_API_HASH": "0123456789abcdef" * 2,
               "RELAY_SESSION": string_session(port)}
        for name in ("RELAY_BOT_TOKEN", "RELAY_CONFIG"):
            env.pop(name, None)
        child = subprocess.Popen(
            [sys.executable, "-m", "relay.cli.main", "--config", str(config), "run"],
            cwd=tmp_path, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            deadline = time.monotonic() + 20
            while not _held(data):  # relay holds the lock before it reaches Telegram
                assert child.poll() is None and time.monotonic() < deadline, child.stderr.read()
                time.sleep(0.05)
            time.sleep(1.0)  # now waiting for the silent peer's answer
            assert child.poll() is None
            sent = time.monotonic()
            child.send_signal(sig)
            out, err = child.communicate(timeout=START_TIMEOUT_SECONDS + 15)
            took = time.monotonic() - sent
        finally:
            if child.poll() is None:
                child.kill()
                child.communicate()
    assert took < 5.0, f"stopped {took:.1f} s after {sig.name}: {err}"
    assert child.returncode == 0, err
    assert "Traceback" not in err and out == ""
    [line] = err.splitlines()
    assert line.endswith(f'service.stopped signal={sig.name} note="stopped while starting '
                         '(reaching Telegram)"'), err
    assert not _held(data)  # the lock is free: relay can start again at once
