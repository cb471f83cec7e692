"""A real small filesystem for the full-disk tests (issue 12): a tmpfs mounted in a mount
namespace of its own, so that it is never seen by the rest of the machine and vanishes with the
namespace, whatever happens to the test. Needs root (``unshare -m``, ``mount``, ``nsenter``).

The namespace is held by a ``cat`` reading this process's pipe: when the test ends, or dies,
the pipe closes, ``cat`` exits and the namespace and its mount go with it. Commands run inside
it through ``nsenter``; this process reaches the files through ``/proc/<holder>/root``.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

_HOLD = 'mount -t tmpfs -o size="$1" tmpfs "$2" && echo mounted && exec cat >/dev/null'


@dataclass
class Mounted:
    holder: int  # pid of the process holding the namespace
    folder: Path  # the mount point, as seen inside the namespace

    @property
    def outside(self) -> Path:
        """The mounted folder as this process reaches it."""
        return Path(f"/proc/{self.holder}/root{self.folder}")

    def command(self, argv: Sequence[str], cwd: Path | None = None) -> list[str]:
        """``argv`` run inside the namespace (where the tmpfs is mounted), in ``cwd`` (entering
        a mount namespace moves a process to its root otherwise)."""
        return ["nsenter", "-t", str(self.holder), "-m", f"--wd={cwd or Path.cwd()}", "--",
                *argv]

    def fill(self, leave: int = 0) -> int:
        """Fill the filesystem up to the last byte, then give back ``leave`` bytes; return
        the bytes the filler holds."""
        written = 0
        with (self.outside / "filler").open("wb", buffering=0) as f:
            for size in (1 << 16, 1 << 12, 1 << 9, 1):
                while True:
                    try:
                        written += f.write(b"\0" * size)
                    except OSError as exc:
                        if exc.errno != errno.ENOSPC:
                            raise
                        break
            if leave:
                written = max(0, written - leave)
                f.truncate(written)
        return written

    def free(self) -> None:
        (self.outside / "filler").unlink()

    def sql(self, database: Path, *queries: str) -> list[list[tuple]]:
        """Run read queries on a database inside the namespace (SQLite resolves the
        ``/proc/<pid>/root`` link, so it cannot open the file from outside)."""
        script = ("import json, sqlite3, sys\n"
                  "c = sqlite3.connect(sys.argv[1])\n"
                  "print(json.dumps([c.execute(q).fetchall() for q in sys.argv[2:]]))\n")
        done = subprocess.run(self.command([sys.executable, "-c", script, str(database),
                                            *queries]),
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        return [[tuple(row) for row in rows] for rows in json.loads(done.stdout)]


@contextlib.contextmanager
def tmpfs(folder: Path, size: str = "2m") -> Iterator[Mounted]:
    """Mount a tmpfs of ``size`` on ``folder`` in a private mount namespace. If the machine
    refuses, the test fails with one line saying why (never a skip)."""
    folder.mkdir(parents=True, exist_ok=True)
    try:
        holder = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c",
                                   _HOLD, "sh", size, str(folder)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
    except OSError as exc:
        pytest.fail(f"cannot mount a tmpfs for the full-disk test: {exc}", pytrace=False)
    try:
        assert holder.stdout is not None and holder.stdin is not None
        if holder.stdout.readline().strip() != "mounted":
            holder.wait(10)
            why = (holder.stderr.read() if holder.stderr else "").strip().replace("\n", "; ")
            pytest.fail(f"cannot mount a tmpfs for the full-disk test (uid {os.getuid()}): "
                        f"{why or f'exit {holder.returncode}'}", pytrace=False)
        yield Mounted(holder.pid, folder)
    finally:
        with contextlib.suppress(OSError):
            if holder.stdin:
                holder.stdin.close()
        try:
            holder.wait(10)
        except subprocess.TimeoutExpired:
            holder.kill()
            holder.wait()
