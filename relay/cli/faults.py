"""Every fault a command can meet, as one line and an exit code: never a traceback.

``describe`` maps an exception that escaped a command to (exit code, line). Exit 1: a failure
while working (Telegram, the network, the database, the disk); exit 2: bad input. Before a
command opens the database to write, :func:`check_database` refuses, in one line, a path that
is a folder, a file that is not SQLite, or a folder relay may not write in: so SQLite's worker
thread is never left behind by a failed open, and nothing stored is touched.
"""

from __future__ import annotations

import asyncio
import errno
import os
import sys
from pathlib import Path

from relay.cli.errors import EXIT_FAILURE, EXIT_USAGE, CommandError
from relay.store.errors import StoreError, database_fault

SQLITE_HEADER = b"SQLite format 3\x00"


def check_database(path: Path | str, *, write: bool) -> None:
    """Refuse, in one line, a database path that cannot work."""
    path = Path(path)
    if path.is_dir():
        raise CommandError(f"{path} is a folder, not a database: move it away or set "
                           "[storage] database to a file")
    if path.exists():
        try:
            with path.open("rb") as f:
                head = f.read(16)
        except OSError as exc:
            raise CommandError(f"cannot read the database {path}: {exc.strerror}") from None
        if head and head != SQLITE_HEADER:
            raise CommandError(f"{path} is not a SQLite database (damaged or another file): "
                               "put it aside and `relay restore` a backup")
        if write and not os.access(path, os.W_OK):
            raise CommandError(f"the database {path} is read-only: relay must be able to "
                               "write it")
    folder = path.parent
    if write and folder.exists() and not os.access(folder, os.W_OK | os.X_OK):
        raise CommandError(f"cannot write in {folder} (read-only or not yours): relay keeps its "
                           "journal beside the database")


def folder_problem(folder: Path) -> str | None:
    """Why relay could not create or write in ``folder`` (the data dir), or None."""
    existing = folder
    while not existing.exists():
        if existing.parent == existing:
            break
        existing = existing.parent
    if existing != folder:
        if not existing.is_dir():
            return f"the data folder {folder} cannot be created: {existing} is a file"
        if not os.access(existing, os.W_OK | os.X_OK):
            return f"the data folder {folder} cannot be created: {existing} is read-only " \
                   "(or not yours)"
        return None
    if not folder.is_dir():
        return f"the data folder {folder} is a file, not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"cannot write in the data folder {folder} (read-only or not yours)"
    return None


def _network_error(exc: BaseException) -> bool:
    return isinstance(exc, (ConnectionError, asyncio.IncompleteReadError, TimeoutError)) or (
        isinstance(exc, OSError) and exc.errno in (errno.ECONNREFUSED, errno.ENETUNREACH,
                                                   errno.EHOSTUNREACH, errno.ETIMEDOUT))


def _garbled(telethon_errors: object) -> tuple[type, ...]:
    """Telethon's errors for bytes that are not a Telegram answer."""
    names = ("InvalidBufferError", "InvalidChecksumError", "SecurityError",
             "TypeNotFoundError", "BadMessageError")
    return tuple(t for n in names if isinstance(t := getattr(telethon_errors, n, None), type))


def describe(exc: BaseException) -> tuple[int, str]:
    """(exit code, one line) for an exception no command handled itself."""
    if isinstance(exc, StoreError):
        return EXIT_FAILURE, str(exc)
    if (line := database_fault(exc)) is not None:
        return EXIT_FAILURE, line
    if _network_error(exc):
        what = type(exc).__name__ if not str(exc) else str(exc)
        return EXIT_FAILURE, f"cannot reach Telegram ({what}): check the network or the proxy"
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return EXIT_FAILURE, "the disk is full: free space and run it again; nothing " \
                                 "already stored was lost"
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and exc.filename:
            return EXIT_FAILURE, f"permission denied: {exc.filename} (read-only, or not " \
                                 "yours): relay must be able to write in its data folder"
        where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
        return EXIT_FAILURE, f"{exc.strerror or exc}{where}"
    telethon_errors = sys.modules.get("telethon.errors")
    if telethon_errors is not None and isinstance(exc, _garbled(telethon_errors)):
        # not Telegram's protocol: a captive portal, a proxy or firewall mangling the traffic
        return EXIT_FAILURE, (f"cannot reach Telegram (the answer was not Telegram's: "
                              f"{type(exc).__name__}): check the network or the proxy")
    if telethon_errors is not None and isinstance(exc, telethon_errors.RPCError):
        return EXIT_FAILURE, f"Telegram refused: {exc.message}"
    if isinstance(exc, RecursionError):
        return EXIT_USAGE, "the input is nested too deeply to read"
    return EXIT_FAILURE, f"unexpected {type(exc).__name__}: {str(exc)[:200]} (please report it)"
