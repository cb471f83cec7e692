"""Bulk writes for ``relay import`` (a Telegram Desktop export) and ``relay backfill``.

A batch of posts is written in one transaction; both keep the ingest rules of
:mod:`relay.store.messages` (a post stored once, an edit kept as a revision).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from relay.core.records import MessageRow, QueuePolicy
from relay.store import channels as channel_store
from relay.store import messages as message_store
from relay.store.statements import SameAs
from relay.text.formatting import entities_to_json

#: (text, entities JSON, edit date) of a stored post.
Version = tuple[str, str, int | None]
#: A post with the language detected for it, and the detection's confidence.
Detected = tuple[MessageRow, str, float]

_SELECT_CHUNK = 500  # SQL variables per "IN (...)"


def needs_write(stored: Version | None, row: MessageRow) -> bool:
    """Should the exported ``row`` be written over what is stored? (Pure.)

    New posts: yes. Same text and entities: no. Different: only when the export's edit is
    newer than the stored one; an older snapshot never rolls a post back.
    """
    if stored is None:
        return True
    text, entities, edit_date = stored
    if text == row.text and entities == entities_to_json(row.entities):
        return False
    return (row.edit_date or 0) > (edit_date or 0)


# ------------------------------------------------------------------------------ import
def resolved_sources(conn: sqlite3.Connection,
                     sources: Sequence[tuple[str, str | None]]) -> dict[str, int]:
    """Source ``(str(ref), username)`` -> the channel id the watcher resolved it to, where
    known (by its source status, else by a source channel of that username)."""
    known = {row[0]: row[1] for row in conn.execute(
        "SELECT ref, channel_id FROM source_status WHERE channel_id IS NOT NULL")}
    by_username = {row[0]: row[1] for row in conn.execute(
        "SELECT lower(username), id FROM channels WHERE username IS NOT NULL AND is_source=1")}
    for ref, username in sources:
        if ref not in known and username in by_username:
            known[ref] = by_username[username]
    return known


def record_channel(conn: sqlite3.Connection, channel_id: int, username: str | None,
                   title: str | None, display_name: str | None, is_source: bool,
                   now: int) -> None:
    """Create or update the channel row without erasing what the watcher knows better."""
    known = channel_store.get_channel(conn, channel_id)
    if known is not None:
        username = username or known.username
        title = known.title or title  # the watcher's title is current; the export's may be old
        if not is_source:
            display_name = known.display_name or display_name
    channel_store.upsert_channel(conn, channel_id, username=username, title=title,
                                 display_name=display_name, is_source=is_source, now=now)


def stored_versions(conn: sqlite3.Connection, channel_id: int,
                    message_ids: Sequence[int]) -> dict[int, Version]:
    """The stored version of each of these posts that is stored."""
    found: dict[int, Version] = {}
    for i in range(0, len(message_ids), _SELECT_CHUNK):
        chunk = list(message_ids[i:i + _SELECT_CHUNK])
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            "SELECT message_id, text, entities, edit_date FROM messages"
            f" WHERE channel_id=? AND message_id IN ({marks})",
            (channel_id, *chunk),
        ):
            found[row[0]] = (row[1], row[2], row[3])
    return found


def write_import_batch(conn: sqlite3.Connection, todo: Sequence[Detected],
                       policy: QueuePolicy | None, now: int,
                       same_as: SameAs | None = None) -> tuple[int, int, int, int]:
    """Store a batch in one transaction; return (new, updated, present, jobs created).
    ``same_as``: the unit each post is a copy of, when one was found (issue 11)."""
    same_as = same_as or {}
    new = updated = present = jobs = 0
    for row, lang, confidence in todo:
        # Again, inside the transaction: the watcher may have stored it meanwhile, or the
        # export may hold the same message twice.
        current = stored_versions(conn, row.channel_id, [row.message_id]).get(row.message_id)
        if not needs_write(current, row):
            present += 1
            continue
        result = message_store.store_message(conn, row, lang, confidence, policy, now,
                                             same_as.get((row.channel_id, row.message_id)))
        if result.stored:
            new += 1
        elif result.edited:
            updated += 1
        else:
            present += 1
        jobs += len(result.jobs_created)
    return new, updated, present, jobs


# ------------------------------------------------------------------------------ backfill
def write_backfill_batch(conn: sqlite3.Connection, channel_id: int, rows: Sequence[Detected],
                         policy: QueuePolicy | None, now: int,
                         same_as: SameAs | None = None) -> tuple[int, int]:
    """Store a page of history and remember how far back it reached: (stored, jobs).
    ``same_as``: the unit each post is a copy of, when one was found (issue 11)."""
    stored = jobs = 0
    same_as = same_as or {}
    for row, lang, confidence in rows:
        result = message_store.store_message(conn, row, lang, confidence, policy, now,
                                             same_as.get((row.channel_id, row.message_id)))
        stored += result.stored
        jobs += len(result.jobs_created)
    oldest = min(row.message_id for row, _, _ in rows)
    conn.execute(
        "INSERT INTO backfill_progress (channel_id, oldest_id, finished, updated_at)"
        " VALUES (?, ?, 0, ?) ON CONFLICT(channel_id) DO UPDATE SET"
        " oldest_id = MIN(backfill_progress.oldest_id, excluded.oldest_id),"
        " updated_at = excluded.updated_at",
        (channel_id, oldest, now),
    )
    return stored, jobs


def backfill_progress(conn: sqlite3.Connection, channel_id: int) -> tuple[int, bool] | None:
    """(oldest id read so far, whether the channel's start was reached), if it was begun."""
    row = conn.execute("SELECT oldest_id, finished FROM backfill_progress WHERE channel_id = ?",
                       (channel_id,)).fetchone()
    return (row[0], bool(row[1])) if row else None


def finish_backfill(conn: sqlite3.Connection, channel_id: int, now: int) -> None:
    conn.execute(
        "INSERT INTO backfill_progress (channel_id, oldest_id, finished, updated_at)"
        " VALUES (?, 0, 1, ?) ON CONFLICT(channel_id) DO UPDATE SET finished = 1,"
        " updated_at = excluded.updated_at", (channel_id, now))
