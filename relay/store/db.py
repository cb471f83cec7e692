"""One aiosqlite connection to the relay database: pragmas, migrations, transactions.

All store work for one event (a message, an edit, a button press) runs as one synchronous
function inside the connection's own thread, wrapped in one ``BEGIN IMMEDIATE`` transaction:
either all of it is written or none of it, and a task cancelled while waiting cannot leave
anything half-written because the function runs to the end in the database thread.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from relay.logs import disk_full
from relay.store import channels
from relay.store.migrations import apply_migrations

T = TypeVar("T")


class Database:
    """The relay store. Open with :meth:`open`; close with :meth:`close`."""

    def __init__(self, conn: aiosqlite.Connection, path: Path):
        self._conn = conn
        self.path = path
        #: Called when a write meets a full disk (``relay run`` stops, in one line, issue 12).
        self.on_full: Callable[[BaseException], Any] | None = None

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
        try:
            return await self._conn._execute(fn, self._conn._conn, *args)
        except Exception as exc:
            self.noticed(exc)
            raise

    def noticed(self, exc: BaseException) -> None:
        """Tell :attr:`on_full` when ``exc`` says the disk is full."""
        if self.on_full is not None and disk_full(exc):
            self.on_full(exc)


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
        _roll_back(conn)
        raise
    conn.execute("COMMIT")
    return result


def _roll_back(conn: sqlite3.Connection) -> None:
    """ROLLBACK, unless SQLite already rolled the transaction back itself (a full disk, an
    interrupt): its "cannot rollback" would then hide the real cause (the disk full that
    stops the service in one line)."""
    if conn.in_transaction:
        conn.execute("ROLLBACK")


class BatchWriter:
    """Group commit: store work submitted by many tasks at once goes into one transaction.

    Each piece keeps its own atomicity through a savepoint (a failing piece is undone alone
    and its caller gets the exception), pieces are applied in the order they were submitted,
    and each caller resumes only once the transaction holding its piece has committed. Under
    load this turns one commit per post into one commit per burst of posts.
    """

    def __init__(self, db: Database, max_items: int = 256, max_wait: float = 0.02):
        self.db = db
        self.max_items = max_items
        self.max_wait = max_wait  # seconds a burst may keep a batch open
        self._pending: list[tuple[Callable[..., Any], tuple, dict, asyncio.Future]] = []
        self._task: asyncio.Task | None = None

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        self._pending.append((fn, args, kwargs, future))
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._drain())
        # A caller that is cancelled cancels only its own wait: its piece stays in the batch.
        return await future

    async def _collect(self) -> None:
        """Let every task that is ready add its piece first, and keep the batch open while
        pieces keep arriving (a burst of posts), up to ``max_items`` or ``max_wait``.

        A commit, and the hand-off to the database thread, cost far more than a piece, so a
        fuller batch is cheaper per post. A lone caller waits three turns of the event loop,
        as before: the batch closes once three turns in a row brought nothing new."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.max_wait
        quiet, seen = 0, len(self._pending)
        while quiet < 3 and len(self._pending) < self.max_items:
            await asyncio.sleep(0)
            if len(self._pending) > seen:
                quiet, seen = 0, len(self._pending)
                if loop.time() >= deadline:
                    break
            else:
                quiet += 1

    async def _drain(self) -> None:
        while self._pending:
            await self._collect()
            batch = self._pending[: self.max_items]
            del self._pending[: self.max_items]
            try:
                outcomes = await self.db._call(_run_batch, [(f, a, k) for f, a, k, _ in batch])
            except BaseException as exc:  # noqa: BLE001 - the commit failed: tell every caller
                for *_, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (*_, future), (ok, value) in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if ok:
                    future.set_result(value)
                else:
                    self.db.noticed(value)
                    future.set_exception(value)


def _run_batch(conn: sqlite3.Connection,
               items: list[tuple[Callable[..., Any], tuple, dict]]) -> list[tuple[bool, Any]]:
    """One transaction for the batch. First without a savepoint per piece (two statements
    less per post): when every piece succeeds, that commits exactly what the savepoints
    would have. When one fails, the whole attempt is rolled back and the batch is run again
    from the start, each piece in its own savepoint (:func:`_run_pieces`)."""
    if len(items) > 1:
        conn.execute("BEGIN IMMEDIATE")
        try:
            outcomes = _run_pieces_together(conn, items)
        except Exception:  # noqa: BLE001 - a piece failed: redone below, piece by piece
            _roll_back(conn)
        except BaseException:
            _roll_back(conn)
            raise
        else:
            conn.execute("COMMIT")
            return outcomes
    return _in_transaction(conn, _run_pieces, (items,), {})


def _run_pieces_together(conn: sqlite3.Connection,
                         items: list[tuple[Callable[..., Any], tuple, dict]]
                         ) -> list[tuple[bool, Any]]:
    """Every piece in the open transaction, no savepoints; the first failure propagates."""
    outcomes: list[tuple[bool, Any]] = []
    with channels.bookkeeping(conn) as books:
        for fn, args, kwargs in items:
            outcomes.append((True, fn(conn, *args, **kwargs)))
            books.end_piece(kept=True)
        books.flush(conn)
    return outcomes


def _run_pieces(conn: sqlite3.Connection,
                items: list[tuple[Callable[..., Any], tuple, dict]]) -> list[tuple[bool, Any]]:
    """Each piece in a savepoint of its own: one that fails is undone alone. The channel rows
    the pieces touch are written once per channel, after the last piece (see
    :class:`relay.store.channels.ChannelBookkeeping`)."""
    outcomes: list[tuple[bool, Any]] = []
    execute = conn.execute
    with channels.bookkeeping(conn) as books:
        for fn, args, kwargs in items:
            execute("SAVEPOINT piece")
            try:
                value = fn(conn, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - undone alone, reported to its caller
                if not conn.in_transaction:  # SQLite rolled back the whole batch (disk full)
                    raise
                execute("ROLLBACK TO piece")
                execute("RELEASE piece")
                books.end_piece(kept=False)
                outcomes.append((False, exc))
            else:
                execute("RELEASE piece")
                books.end_piece(kept=True)
                outcomes.append((True, value))
        books.flush(conn)
    return outcomes
