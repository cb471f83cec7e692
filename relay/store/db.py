"""One aiosqlite connection to the relay database: pragmas, migrations, transactions.

All store work for one event (a message, an edit, a button press) runs as one synchronous
function inside the connection's own thread, wrapped in one ``BEGIN IMMEDIATE`` transaction:
either all of it is written or none of it, and a task cancelled while waiting cannot leave
anything half-written because the function runs to the end in the database thread.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from relay.store.migrations import apply_migrations

T = TypeVar("T")


class Database:
    """The relay store. Open with :meth:`open`; close with :meth:`close`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path):
        self._conn = conn
        self.path = path

    @classmethod
    async def open(cls, path: Path | str) -> Database:
        path = Path(path)
        if str(path) != ":memory:":
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        conn.row_factory = sqlite3.Row
        db = cls(conn, path)
        try:
            await db._call(_configure)
            await db._call(apply_migrations)
        except BaseException:
            await conn.close()
            raise
        return db

    async def close(self) -> None:
        await self._conn.close()

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run ``fn(conn, *args, **kwargs)`` in one write transaction; commit, or roll back."""
        return await self._call(_in_transaction, fn, args, kwargs)

    async def read(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(conn, *args)`` without opening a write transaction."""
        return await self._call(fn, *args)

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        # aiosqlite runs each call in its connection thread; `_execute` is how its own
        # methods do it, and it lets one Python function hold one transaction.
        return await self._conn._execute(fn, self._conn._conn, *args)


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=5000")


def _in_transaction(conn: sqlite3.Connection, fn: Callable[..., T], args: tuple,
                    kwargs: dict[str, Any]) -> T:
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = fn(conn, *args, **kwargs)
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return result
