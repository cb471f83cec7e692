"""The watcher's writes from a process of their own (``relay.service.ingest_process``).

The service's other parts reach SQLite through :class:`relay.store.db.Database` (one thread
of the service's process). The ingest process opens a second connection to the same file and
writes posts and deletions with the very functions the database thread runs, in the same
group-commit batches (:func:`relay.store.db._run_batch`): WAL lets the two connections read at
once, and ``BEGIN IMMEDIATE`` with the busy timeout orders their writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from relay.core.records import MessageRow, QueuePolicy
from relay.store import messages, statements
from relay.store.db import _configure, _run_batch
from relay.store.statements import Unit

#: Tries of a batch when the service held the write lock longer than the busy timeout (5 s):
#: nothing of a batch is written until its BEGIN IMMEDIATE succeeds, so trying again is safe.
BUSY_TRIES = 3


class StorePost:
    """Store one post (new or edited): :func:`relay.store.messages.store_message`'s arguments."""

    __slots__ = ("row", "lang", "confidence", "policy", "now", "same_as", "reason")

    def __init__(self, row: MessageRow, lang: str, confidence: float,
                 policy: QueuePolicy | None, now: int, same_as: Unit | None, reason: str):
        self.row, self.lang, self.confidence, self.policy = row, lang, confidence, policy
        self.now, self.same_as, self.reason = now, same_as, reason


class MarkDeleted:
    """Mark posts deleted: :func:`relay.store.messages.mark_deleted`'s arguments."""

    __slots__ = ("channel_id", "message_ids", "now")

    def __init__(self, channel_id: int, message_ids: Sequence[int], now: int):
        self.channel_id, self.message_ids, self.now = channel_id, list(message_ids), now


Write = StorePost | MarkDeleted


class IngestWriter:
    """A synchronous connection for the ingest process; not thread-safe."""

    def __init__(self, path: Path | str):
        self.conn = sqlite3.connect(str(path), isolation_level=None)
        _configure(self.conn)  # the service opened (and migrated) the file before

    def close(self) -> None:
        self.conn.close()

    def recent_languages(self, channel_id: int, limit: int) -> list[str | None]:
        return messages.recent_languages(self.conn, channel_id, limit)

    def statement_posts(self, since: int) -> list[tuple[Unit, str, int]]:
        return statements.recent_units(self.conn, since)

    def write(self, writes: Sequence[Write]) -> list[tuple[bool, Any]]:
        """Apply ``writes`` in one transaction, in order; per write (True, its result:
        :class:`IngestResult` or the touched job ids) or (False, the exception). A commit that
        fails raises (nothing of the batch was written)."""
        pieces: list[tuple[Any, tuple, dict]] = []
        for w in writes:
            if isinstance(w, StorePost):
                pieces.append((messages.store_message,
                               (w.row, w.lang, w.confidence, w.policy, w.now, w.same_as),
                               {"reason": w.reason}))
            else:
                pieces.append((messages.mark_deleted, (w.channel_id, w.message_ids, w.now), {}))
        if not pieces:
            return []
        for attempt in range(1, BUSY_TRIES + 1):
            try:
                return _run_batch(self.conn, pieces)
            except sqlite3.OperationalError as exc:  # the service held the write lock so long
                if attempt == BUSY_TRIES or "locked" not in str(exc):
                    raise
        raise AssertionError("unreachable")


