"""Read-only access for one-shot commands (``relay status``, ``export``, ``health``).

They open their own connection with ``mode=ro``, so they work while the service runs: in WAL
mode readers never wait for the writer, and ``query_only`` makes a stray write fail.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from relay.store.errors import DatabaseUnreadable


def readonly_uri(path: Path | str) -> str:
    """The ``file:`` URI that opens ``path`` read-only; refuses a missing file."""
    path = Path(path)
    if not path.is_file():
        raise DatabaseUnreadable(
            f"no database at {path} (has relay run yet? see [storage] in the config)")
    uri = path.resolve().as_uri() + "?mode=ro"
    # In a folder this user cannot write, SQLite cannot make the WAL index (-shm) a reader
    # needs; with no -wal file nothing is pending and nobody writes: read the file as it is.
    folder = path.resolve().parent
    if not os.access(folder, os.W_OK) and not path.with_name(path.name + "-wal").exists():
        uri += "&immutable=1"
    return uri


def connect_readonly(path: Path | str) -> sqlite3.Connection:
    """Open the relay database read-only (``mode=ro``); safe while the service writes to it."""
    uri = readonly_uri(path)
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        raise DatabaseUnreadable(f"cannot open {path}: {exc}") from None
    conn.execute("PRAGMA query_only=ON")
    return conn


def table_exists(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        (name,)).fetchone() is not None


def require_relay_schema(conn: sqlite3.Connection) -> None:
    if not table_exists(conn, "schema_migrations") or not table_exists(conn, "jobs"):
        raise DatabaseUnreadable("not a relay database (no relay schema found)")


@contextmanager
def snapshot(conn: sqlite3.Connection) -> Iterator[None]:
    """One read transaction around several queries, so their figures agree with each other
    (nothing is opened when the caller is already inside a transaction)."""
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")
    try:
        yield
    finally:
        if began:
            conn.execute("COMMIT")


def schema_version(conn: sqlite3.Connection) -> int | None:
    return conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]


def iso_utc(column: str) -> str:
    """SQL for ``column`` (unix seconds) as ISO-8601 UTC, NULL staying NULL: formatted in
    SQLite at C speed, where Python's strftime is the single largest cost of an export."""
    return f"strftime('%Y-%m-%dT%H:%M:%SZ', {column}, 'unixepoch')"
