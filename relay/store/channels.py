"""Queries on ``channels`` and ``source_status``."""

from __future__ import annotations

import sqlite3
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
    """Make sure a row exists (messages reference it), without touching a known one."""
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
