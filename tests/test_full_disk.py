"""A real full disk (issue 12): the data folder on a small tmpfs (tests/tmpfs.py), filled for
real, and the real command line in processes of their own.

* ``relay import`` on a full disk, or one that fills during the import: one line, exit 1,
  what was stored before is intact (integrity check, rows counted).
* ``relay run`` while posts arrive on the scripted Telegram (tests/full_disk_child.py): when
  the disk fills it logs one error line, stops and exits 1 with one line (no traceback),
  losing nothing stored; the supervisor starts it again, and once space is freed its catch-up
  stores the posts that arrived while the disk was full and while relay was down.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.cli_helpers import ONE_SOURCE
from tests.tmpfs import Mounted, tmpfs

ROOT = Path(__file__).parent.parent
MORE = 1500  # posts in the second export (3 batches): they fit once space is freed
FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه اعتصاب کردند و خواستار پرداخت شدند. "


def export(first: int, count: int) -> str:
    messages = [{"id": i, "type": "message", "date": "2024-01-01T10:00:00",
                 "date_unixtime": str(1704103200 + i), "text": FARSI + str(i)}
                for i in range(first, first + count)]
    return json.dumps({"name": "Vahed", "type": "public_channel", "id": 12345,
                       "messages": messages}, ensure_ascii=False)


def relay(m: Mounted, config: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}
    return subprocess.run(m.command([sys.executable, "-m", "relay.cli.main", "--config",
                                     str(config), *argv], ROOT),
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def stored(m: Mounted, db: Path) -> tuple[str, list[tuple]]:
    """The integrity check's answer and the stored posts' (id, text)."""
    [[(integrity,)], rows] = m.sql(db, "PRAGMA integrity_check",
                                   "SELECT message_id, text FROM messages ORDER BY message_id")
    return integrity, rows


@pytest.fixture
def place(tmp_path: Path):
    data = tmp_path / "data"
    config = tmp_path / "relay.toml"
    config.write_text(ONE_SOURCE.format(data=data.as_posix()), encoding="utf-8")
    (tmp_path / "first.json").write_text(export(1, 20), encoding="utf-8")
    (tmp_path / "more.json").write_text(export(21, MORE), encoding="utf-8")
    with tmpfs(data, "2m") as m:
        done = relay(m, config, "import", str(tmp_path / "first.json"))
        assert done.returncode == 0, done.stderr
        yield m, config, data / "relay.db", tmp_path


def assert_full_line(done: subprocess.CompletedProcess[str], command: str) -> None:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"relay {command}: the disk is full ("), line
    assert line.endswith("free space and run it again; nothing already stored was lost"), line


@pytest.mark.parametrize("leave", [0, 250_000], ids=["full", "fills during the import"])
def test_import_on_a_full_disk_is_one_line_and_keeps_what_was_stored(place, leave):
    m, config, db, tmp = place
    integrity, before = stored(m, db)
    assert integrity == "ok" and len(before) == 20
    m.fill(leave)
    done = relay(m, config, "import", str(tmp / "more.json"))
    assert_full_line(done, "import")
    m.free()  # SQLite needs a little room to open a database (its shared-memory file)
    integrity, after = stored(m, db)
    assert integrity == "ok"
    assert after[:20] == before  # every post stored before is there, unchanged
    assert len(after) < 20 + MORE  # the import did not complete ...
    if leave:
        assert len(after) > 20  # ... though it stored its first batches ...
    assert [mid for mid, _ in after] == list(range(1, len(after) + 1))  # ... and left no hole
    done = relay(m, config, "import", str(tmp / "more.json"))  # space freed: run it again
    assert done.returncode == 0, done.stderr
    assert len(stored(m, db)[1]) == 20 + MORE


class Said:
    """The child's stdout lines, read in a thread so that a child that never says the next
    word fails the test after ``timeout`` seconds instead of hanging it."""

    def __init__(self, child: subprocess.Popen[str]) -> None:
        self.child = child
        self.lines: queue.Queue[str] = queue.Queue()
        self.err: list[str] = []  # stderr, read as it comes so that the test can wait on it
        assert child.stdout is not None and child.stderr is not None
        threading.Thread(target=lambda: [self.lines.put(x) for x in child.stdout or ()],
                         daemon=True).start()
        self.reading_err = threading.Thread(
            target=lambda: [self.err.append(x) for x in child.stderr or ()], daemon=True)
        self.reading_err.start()

    def err_text(self) -> str:
        return "".join(self.err)

    def err_after(self, earlier: str) -> str:
        """What the child wrote on stderr since it had written ``earlier``."""
        return self.err_text()[len(earlier):]

    def expect(self, word: str, timeout: float = 60) -> int:
        try:
            line = self.lines.get(timeout=timeout).split()
        except queue.Empty:
            raise AssertionError(f"the child did not say {word!r} within {timeout:g} s") from None
        assert line and line[0] == word, f"expected {word!r}, got {line}"
        return int(line[1])


def test_run_stops_in_one_line_on_a_full_disk_and_catches_up_once_space_is_freed(tmp_path):
    data = tmp_path / "data"
    db = data / "relay.db"
    with tmpfs(data, "4m") as m:
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("RELAY_")},
               "RELAY_API_ID": "12345", "RELAY_API_HASH": "0123456789abcdef" * 2,
               "RELAY_BOT_TOKEN": "123456:SIM-bot-token-for-tests"}
        child = subprocess.Popen(m.command([sys.executable, "-m", "tests.full_disk_child",
                                            str(data)], ROOT),
                                 cwd=ROOT, env=env, text=True, stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            said = Said(child)
            ready = said.expect("ready")
            m.fill()  # @vahed keeps posting
            first = said.expect("stopped", 30)
            first_run = said.err_text()
            total = said.expect("posted")
            m.free()
            integrity, rows = stored(m, db)
            assert integrity == "ok" and len(rows) >= ready  # nothing stored was lost
            missed = total - len(rows)
            assert missed > 10  # posted while the disk was full, and while relay was down
            assert child.stdin is not None
            child.stdin.write("space freed\n")
            child.stdin.flush()
            deadline = time.monotonic() + 60
            while (len(rows) < total or "service.started" not in said.err_after(first_run))\
                    and time.monotonic() < deadline and child.poll() is None:
                time.sleep(0.2)  # all caught up, and the start over (not a stop while starting)
                rows = stored(m, db)[1]
            child.send_signal(signal.SIGTERM)
            child.wait(timeout=30)
            said.reading_err.join(timeout=10)  # the rest of stderr, up to its end
            err = said.err_text()
        finally:
            if child.poll() is None:
                child.kill()
                child.wait()
        integrity, rows = stored(m, db)
    assert first == 1, err
    assert "Traceback" not in err
    lines = err.splitlines()
    own = [x for x in lines if not x.startswith("ts=")]
    [full] = [x for x in lines if "service.disk_full" in x]
    assert full.startswith("ts=") and " level=error " in full
    assert own == [f"relay run: the disk holding {data} is full (database or disk is full): "
                   "relay stopped, nothing stored was lost; free space and start it again: "
                   "it reads what was posted meanwhile"], err
    assert child.returncode == 0, err  # the second run, stopped by SIGTERM
    assert integrity == "ok"
    assert [mid for mid, _ in rows] == list(range(1, total + 1)), err[-3000:]
    assert "catch_up.stored source=@vahed" in err.split(own[0])[1]
