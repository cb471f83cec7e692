"""The outbox (what must be posted where) and publications (what was posted, under which id).

A send is bracketed: ``mark_sending`` is committed before the request leaves, ``record_part``
after it came back. An item found with ``sending_part`` set and no publication for that part
may or may not have reached the channel: the publisher looks in the channel before it sends
again, so a crash anywhere never doubles or loses a post.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from relay.store import audit
from relay.text.formatting import text_digest


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    job_id: int
    target: str
    kind: str
    status: str
    not_before: int
    attempts: int
    last_error: str | None
    sending_part: int | None
    sending_hash: str | None = None  # digest of the part whose send was started


@dataclass(frozen=True, slots=True)
class Publication:
    outbox_id: int
    part: int
    channel_id: int
    message_id: int
    text_hash: str


_ITEM = ("SELECT id, job_id, target, kind, status, not_before, attempts, last_error, sending_part,"
         " sending_hash"
         " FROM outbox")


text_hash = text_digest  # what a part said, kept as a digest


def enqueue(conn: sqlite3.Connection, job_id: int, target: str, kind: str, now: int) -> int:
    cur = conn.execute(
        "INSERT INTO outbox (job_id, target, kind, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        (job_id, target, kind, now, now),
    )
    item_id = cur.lastrowid
    if item_id is None:  # sqlite3 sets it after every successful INSERT
        raise RuntimeError("outbox INSERT reported no row id")
    audit.record(conn, job_id=job_id, actor_id=None, action=f"outbox_{kind}", from_status=None,
                 to_status=None, at=now, detail=f"outbox {item_id} -> {target}")
    return item_id


def enqueue_for_approval(conn: sqlite3.Connection, job_id: int, target: str, now: int) -> int:
    """An approved job goes out as a post, or as a correction of what was already posted."""
    posted = conn.execute("SELECT 1 FROM publications WHERE job_id = ? LIMIT 1",
                          (job_id,)).fetchone()
    return enqueue(conn, job_id, target, "correction" if posted else "post", now)


def heads(conn: sqlite3.Connection) -> list[OutboxItem]:
    """The oldest pending item of each target: items of one target go out in approval order."""
    rows = conn.execute(
        _ITEM + " WHERE id IN (SELECT MIN(id) FROM outbox WHERE status = 'pending'"
        " GROUP BY target) ORDER BY not_before, id"
    ).fetchall()
    return [OutboxItem(*r) for r in rows]


def get_item(conn: sqlite3.Connection, outbox_id: int) -> OutboxItem | None:
    row = conn.execute(_ITEM + " WHERE id = ?", (outbox_id,)).fetchone()
    return OutboxItem(*row) if row else None


def parts_of(conn: sqlite3.Connection, outbox_id: int) -> dict[int, Publication]:
    return {r[1]: Publication(*r) for r in conn.execute(
        "SELECT outbox_id, part, channel_id, message_id, text_hash FROM publications"
        " WHERE outbox_id = ? ORDER BY part", (outbox_id,))}


def posted_parts(conn: sqlite3.Connection, job_id: int) -> list[Publication]:
    """The parts of the job's original post (what a correction edits), in order."""
    row = conn.execute(
        "SELECT MIN(o.id) FROM outbox o JOIN publications p ON p.outbox_id = o.id"
        " WHERE o.job_id = ? AND o.kind = 'post'", (job_id,)).fetchone()
    return list(parts_of(conn, row[0]).values()) if row and row[0] else []


def newest_message_id(conn: sqlite3.Connection, channel_id: int) -> int:
    row = conn.execute("SELECT MAX(message_id) FROM publications WHERE channel_id = ?",
                       (channel_id,)).fetchone()
    return row[0] or 0


def mark_sending(conn: sqlite3.Connection, outbox_id: int, part: int, now: int,
                 hashed: str | None = None) -> None:
    """A part is about to be sent: which one, and a digest of exactly what it says."""
    conn.execute("UPDATE outbox SET sending_part = ?, sending_hash = ?, updated_at = ?"
                 " WHERE id = ?", (part, hashed, now, outbox_id))


def record_part(conn: sqlite3.Connection, item: OutboxItem, channel_id: int, part: int,
                message_id: int, hashed: str, now: int) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO publications (outbox_id, job_id, target, channel_id, part,"
        " message_id, text_hash, posted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (item.id, item.job_id, item.target, channel_id, part, message_id, hashed, now),
    )
    conn.execute("UPDATE outbox SET sending_part = NULL, updated_at = ? WHERE id = ?",
                 (now, item.id))


def delay(conn: sqlite3.Connection, outbox_id: int, until: int, error: str, now: int, *,
          count_attempt: bool) -> None:
    conn.execute(
        "UPDATE outbox SET not_before = ?, last_error = ?, attempts = attempts + ?,"
        " updated_at = ? WHERE id = ?",
        (until, error, int(count_attempt), now, outbox_id),
    )


def fail(conn: sqlite3.Connection, item: OutboxItem, error: str, now: int) -> None:
    conn.execute(
        "UPDATE outbox SET status = 'failed', last_error = ?, attempts = attempts + 1,"
        " updated_at = ? WHERE id = ?", (error, now, item.id))
    audit.record(conn, job_id=item.job_id, actor_id=None, action="publish_failed",
                 from_status=None, to_status=None, at=now, detail=error)


def retry_failed(conn: sqlite3.Connection, job_id: int, now: int) -> int:
    cur = conn.execute(
        "UPDATE outbox SET status = 'pending', not_before = 0, last_error = NULL, updated_at = ?"
        " WHERE job_id = ? AND status = 'failed'", (now, job_id))
    return cur.rowcount


def retry_all_failed(conn: sqlite3.Connection, target: str | None, now: int) -> list[int]:
    """Put every failed item (of ``target``, or of all targets) back in line; their job ids."""
    where, args = ("AND target = ?", (target,)) if target else ("", ())
    jobs = [r[0] for r in conn.execute(
        f"SELECT DISTINCT job_id FROM outbox WHERE status = 'failed' {where} ORDER BY job_id",
        args)]
    conn.execute("UPDATE outbox SET status = 'pending', not_before = 0, last_error = NULL,"
                 f" updated_at = ? WHERE status = 'failed' {where}", (now, *args))
    return jobs


def failing(conn: sqlite3.Connection) -> tuple[int, int | None]:
    """(failed items, when the oldest of them failed): publication that needs people."""
    count, since = conn.execute(
        "SELECT COUNT(*), MIN(updated_at) FROM outbox WHERE status = 'failed'").fetchone()
    return count, since


def failure_of(conn: sqlite3.Connection, job_id: int) -> str | None:
    row = conn.execute("SELECT last_error FROM outbox WHERE job_id = ? AND status = 'failed'"
                       " ORDER BY id DESC LIMIT 1", (job_id,)).fetchone()
    return row[0] if row else None


#: A statement still carried by a copy its channel has not deleted is not deleted (issue 11):
#: its publication stands until every post carrying it is gone.
_NO_LIVE_COPY = (
    " AND NOT EXISTS (SELECT 1 FROM statement_members s JOIN messages c"
    " ON c.channel_id = s.channel_id AND c.message_id = s.message_id"
    " WHERE s.lead_channel_id = j.channel_id AND s.lead_unit_key = j.unit_key"
    " AND c.deleted_at IS NULL)")


def deleted_sources_to_handle(conn: sqlite3.Connection, kind: str, after: int | None = None,
                              ) -> tuple[list[tuple[int, str]], int]:
    """Published jobs whose source was deleted and that have no ``kind`` item yet, and the
    newest audit id looked at.

    With ``after`` (the audit id a previous call returned) only jobs with a newer audit entry
    are looked at: every change that can make a job qualify is audited (its source marked
    deleted, or the job reaching ``published`` or ``stale``), so nothing is missed and a turn
    costs what happened since the last one, not every publication ever made."""
    top = conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0]
    sql = ("SELECT j.id, j.target FROM jobs j JOIN messages m ON m.channel_id = j.channel_id"
           " AND m.message_id = j.message_id WHERE m.deleted_at IS NOT NULL"
           " AND j.status IN ('published', 'stale')"
           " AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.job_id = j.id AND o.kind = ?)"
           + _NO_LIVE_COPY)
    params: tuple = (kind,)
    if after is not None:
        sql += (" AND j.id IN (SELECT job_id FROM audit WHERE id > ? AND id <= ?"
                " AND (action IN ('source_deleted', 'statement_member_deleted')"
                " OR to_status IN ('published', 'stale')))")
        params += (after, top)
    return [tuple(r) for r in conn.execute(sql, params)], top


def backlog(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'").fetchone()[0]


# ---------------------------------------------------------------------------- the source post
#: Media kinds the publisher can re-post.
DOWNLOADABLE = ("photo", "video", "document", "audio", "animation", "voice", "round")


def unit_media(conn: sqlite3.Connection, channel_id: int, message_id: int,
               unit_key: str) -> list[tuple[int, str, str | None, int | None]]:
    """(message id, kind, file path, size) of the re-postable media of a job's post or album."""
    if unit_key.startswith("g:"):
        rows = conn.execute(
            "SELECT message_id, media_kind, media_path, media_size FROM messages"
            " WHERE channel_id = ? AND grouped_id = ? AND media_kind IS NOT NULL"
            " AND deleted_at IS NULL ORDER BY message_id", (channel_id, int(unit_key[2:])))
    else:
        rows = conn.execute(
            "SELECT message_id, media_kind, media_path, media_size FROM messages"
            " WHERE channel_id = ? AND message_id = ? AND media_kind IS NOT NULL",
            (channel_id, message_id))
    return [tuple(r) for r in rows if r[1] in DOWNLOADABLE]


def source_deleted_at(conn: sqlite3.Connection, channel_id: int, message_id: int) -> int | None:
    """When the source post was marked deleted (None: it was not, or is not stored); for a
    statement other posts carried too, when the last of them was (issue 11)."""
    row = conn.execute("SELECT deleted_at, grouped_id FROM messages WHERE channel_id = ?"
                       " AND message_id = ?", (channel_id, message_id)).fetchone()
    if row is None or row[0] is None:
        return None
    key = f"g:{row[1]}" if row[1] else f"m:{message_id}"
    last = conn.execute(
        "SELECT MAX(c.deleted_at) FROM statement_members s JOIN messages c"
        " ON c.channel_id = s.channel_id AND c.message_id = s.message_id"
        " WHERE s.lead_channel_id = ? AND s.lead_unit_key = ?", (channel_id, key)).fetchone()
    return max(row[0], last[0] or 0) if last else row[0]
