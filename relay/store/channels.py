"""Queries on ``channels`` and ``source_status``.

Inside a group commit (:class:`relay.store.db.BatchWriter`) the per-post channel bookkeeping
(:func:`ensure_channel`, :func:`note_stored`) is done once per channel per batch: see
:class:`ChannelBookkeeping`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    id: int
    username: str | None
    title: str | None
    display_name: str | None
    caught_up_to: int
    caught_up_at: int | None
    last_message_id: int
    last_post_at: int | None
    last_seen_at: int | None


def upsert_channel(conn: sqlite3.Connection, channel_id: int, *, username: str | None,
                   title: str | None, display_name: str | None, is_source: bool, now: int) -> None:
    conn.execute(
        "INSERT INTO channels (id, username, title, display_name, is_source, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET username=excluded.username, title=excluded.title,"
        " display_name=COALESCE(excluded.display_name, channels.display_name),"
        " is_source=MAX(channels.is_source, excluded.is_source), updated_at=excluded.updated_at",
        (channel_id, username, title, display_name, int(is_source), now),
    )


def ensure_channel(conn: sqlite3.Connection, channel_id: int, now: int) -> None:
    """Make sure a row exists (messages reference it), without touching a known one.

    In a group commit, a channel already ensured by an earlier post of the batch is not
    asked again."""
    books = _BOOKS.get(conn)
    if books is not None:
        books.ensure(conn, channel_id, now)
        return
    conn.execute(
        "INSERT OR IGNORE INTO channels (id, updated_at) VALUES (?, ?)", (channel_id, now)
    )


def get_channel(conn: sqlite3.Connection, channel_id: int) -> ChannelInfo | None:
    row = conn.execute(
        "SELECT id, username, title, display_name, caught_up_to, caught_up_at, last_message_id,"
        " last_post_at,"
        " last_seen_at FROM channels WHERE id = ?",
        (channel_id,),
    ).fetchone()
    return ChannelInfo(*row) if row else None


def set_caught_up(conn: sqlite3.Connection, channel_id: int, up_to: int, now: int) -> None:
    conn.execute(
        "UPDATE channels SET caught_up_to = MAX(caught_up_to, ?), caught_up_at = ?, updated_at = ?"
        " WHERE id = ?",
        (up_to, now, now, channel_id),
    )


def note_stored(conn: sqlite3.Connection, channel_id: int, message_id: int, date: int,
                now: int) -> None:
    """Raise the channel's newest stored id and post date; set when it was last seen.

    In a group commit this is tallied and written once per channel at the end of the batch
    (the same final row: maxima of ids and dates, the last ``now``)."""
    books = _BOOKS.get(conn)
    if books is not None:
        books.note(channel_id, message_id, date, now)
        return
    _write_note(conn, channel_id, message_id, date, now)


def _write_note(conn: sqlite3.Connection, channel_id: int, message_id: int, date: int,
                now: int) -> None:
    conn.execute(
        "UPDATE channels SET last_message_id = MAX(last_message_id, ?),"
        " last_post_at = MAX(COALESCE(last_post_at, 0), ?), last_seen_at = ? WHERE id = ?",
        (message_id, date, now, channel_id),
    )


def set_source_status(conn: sqlite3.Connection, ref: str, *, channel_id: int | None,
                      error: str | None, now: int) -> None:
    conn.execute(
        "INSERT INTO source_status (ref, channel_id, error, checked_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(ref) DO UPDATE SET channel_id=COALESCE(excluded.channel_id,"
        " source_status.channel_id), error=excluded.error, checked_at=excluded.checked_at",
        (ref, channel_id, error, now),
    )


class ChannelBookkeeping:
    """The channel rows a group commit touches, ensured and noted once per channel.

    Each post of the batch runs in a savepoint; what a post recorded here is kept only when
    its savepoint is released (:meth:`end_piece` with ``kept=True``), so a post that fails and
    is undone leaves no trace here either. :meth:`flush` writes the tallies before the commit.
    """

    def __init__(self) -> None:
        self._ensured: set[int] = set()
        self._noted: dict[int, tuple[int, int, int]] = {}  # channel -> (max id, max date, now)
        self._piece_ensured: set[int] = set()
        self._piece_noted: dict[int, tuple[int, int, int]] = {}

    def ensure(self, conn: sqlite3.Connection, channel_id: int, now: int) -> None:
        if channel_id in self._ensured or channel_id in self._piece_ensured:
            return
        conn.execute(
            "INSERT OR IGNORE INTO channels (id, updated_at) VALUES (?, ?)", (channel_id, now)
        )
        self._piece_ensured.add(channel_id)

    def note(self, channel_id: int, message_id: int, date: int, now: int) -> None:
        _merge_note(self._piece_noted, channel_id, (message_id, date, now))

    def end_piece(self, *, kept: bool) -> None:
        if kept:
            self._ensured |= self._piece_ensured
            for channel_id, note in self._piece_noted.items():
                _merge_note(self._noted, channel_id, note)
        self._piece_ensured = set()
        self._piece_noted = {}

    def flush(self, conn: sqlite3.Connection) -> None:
        for channel_id, (message_id, date, now) in self._noted.items():
            _write_note(conn, channel_id, message_id, date, now)
        self._noted = {}


def _merge_note(notes: dict[int, tuple[int, int, int]], channel_id: int,
                note: tuple[int, int, int]) -> None:
    old = notes.get(channel_id)
    if old is None:
        notes[channel_id] = note
    else:  # the same as two UPDATEs in a row: MAX of ids and dates, the later ``now``
        notes[channel_id] = (max(old[0], note[0]), max(old[1], note[1]), note[2])


_BOOKS: dict[sqlite3.Connection, ChannelBookkeeping] = {}


@contextmanager
def bookkeeping(conn: sqlite3.Connection) -> Iterator[ChannelBookkeeping]:
    """Channel bookkeeping deferred for the duration of one group commit on ``conn``."""
    books = ChannelBookkeeping()
    _BOOKS[conn] = books
    try:
        yield books
    finally:
        del _BOOKS[conn]
