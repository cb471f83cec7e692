"""One relay at a time on one data directory.

``relay run`` (and the commands that use the watcher's session or replace the database:
backfill, login, restore) hold an exclusive ``flock`` on ``<data_dir>/relay.lock``. The kernel
releases it when the process ends in any way, kill -9 included, so a crash never leaves a stale
lock; the file only says who holds it, for the refusal message.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = "relay.lock"


class DataDirBusy(Exception):
    """Another relay process holds the data directory."""


def _holder(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 512).decode("utf-8", "replace").strip()
    pid, _, rest = text.partition(" ")
    since, _, command = rest.partition(" ")
    if not pid.isdigit():
        return "another relay process"
    started = ""
    if since.isdigit():
        at = dt.datetime.fromtimestamp(int(since), dt.UTC)
        started = f", since {at:%Y-%m-%d %H:%M} UTC"
    return f"`relay {command or '?'}` (pid {pid}{started})"


@contextmanager
def hold(data_dir: Path, command: str) -> Iterator[None]:
    """Hold the data directory for ``command`` or raise :class:`DataDirBusy` at once."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DataDirBusy(f"{data_dir}: in use by {_holder(fd)}; stop it first") from None
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, f"{os.getpid()} {int(time.time())} {command}\n".encode())
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
