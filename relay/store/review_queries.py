"""Review queries: one job as the bot shows it, state changes with their audit row, the queue,
statistics, archive search, and the bot messages tied to jobs."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from relay.core.jobview import JobView
from relay.store.reports import Stats, stats  # noqa: F401 - /stats, shared with status
from relay.store.transitions import (  # noqa: F401 - the review reads jobs through these
    _JOB_SELECT,
    LastChange,
    Transition,
    _view,
    apply,
    last_change,
    load_job,
)


def unit_jobs(conn: sqlite3.Connection, job_id: int) -> list[int]:
    """Every job made from the same post as ``job_id`` (one per target)."""
    return [r[0] for r in conn.execute(
        "SELECT j.id FROM jobs j JOIN jobs k ON k.channel_id = j.channel_id"
        " AND k.unit_key = j.unit_key WHERE k.id = ? ORDER BY j.id", (job_id,))]


def expired_claims(conn: sqlite3.Connection, now: int, claim_seconds: int) -> list[int]:
    return [r[0] for r in conn.execute(
        "SELECT id FROM jobs INDEXED BY jobs_claims WHERE claimed_by IS NOT NULL"
        " AND status = 'queued' AND claimed_at <= ?", (now - claim_seconds,))]


# ---------------------------------------------------------------------------- listings
def queue_page(conn: sqlite3.Connection, page: int, size: int) -> tuple[int, list[JobView]]:
    """Queued jobs, oldest first: (total, the jobs of ``page`` counting from 0)."""
    total = conn.execute("SELECT COUNT(*) FROM jobs WHERE status = 'queued'").fetchone()[0]
    ids = [r[0] for r in conn.execute(
        "SELECT id FROM jobs WHERE status = 'queued' ORDER BY id LIMIT ? OFFSET ?",
        (size, page * size))]
    return total, [v for i in ids if (v := load_job(conn, i))]


@dataclass(frozen=True, slots=True)
class Found:
    channel_username: str | None
    channel_name: str | None
    channel_id: int
    message_id: int
    date: int
    snippet: str
    job_ids: tuple[int, ...]


def fts_query(words: str) -> str:
    """Each word as a quoted FTS5 string: what people type is never FTS syntax."""
    tokens = [w.replace('"', '""') for w in words.split() if w.strip('"')]
    return " ".join(f'"{t}"' for t in tokens)


def index_pending(conn: sqlite3.Connection) -> int:
    """Add the posts stored or edited since the last call to the full-text index (run inside
    a write transaction); returns how many."""
    count = conn.execute("SELECT COUNT(*) FROM fts_pending").fetchone()[0]
    if count:
        conn.execute("INSERT INTO messages_fts (rowid, text) SELECT m.search_key, m.text"
                     " FROM fts_pending p JOIN messages m ON m.pk = p.pk ORDER BY m.search_key")
        conn.execute("DELETE FROM fts_pending")
    return count


def search(conn: sqlite3.Connection, words: str, limit: int = 10) -> list[Found]:
    """Newest posts matching every word: by post date, and of posts dated the same second
    the one stored later first. Run it in a write transaction: the index is first brought up
    to date, so a post stored a moment ago is found too."""
    index_pending(conn)
    query = fts_query(words)
    if not query:
        return []
    # The index's rowid is messages.search_key (date, then pk; migration 16), so the newest
    # ``limit`` matches are the first rows of a backward scan of the index: no other match is
    # read, however common the word. Snippets and job ids are worked out for those rows only.
    rows = conn.execute(
        "SELECT c.username, COALESCE(c.display_name, c.title), m.channel_id, m.message_id,"
        " m.date, hit.snippet,"
        " (SELECT GROUP_CONCAT(j.id) FROM jobs j WHERE j.channel_id = m.channel_id"
        "  AND j.unit_key = CASE WHEN m.grouped_id IS NULL THEN 'm:' || m.message_id"
        "  ELSE 'g:' || m.grouped_id END)"
        " FROM (SELECT rowid AS search_key, snippet(messages_fts, 0, '«', '»', '…', 12)"
        "  AS snippet FROM messages_fts WHERE messages_fts MATCH ?"
        "  ORDER BY rowid DESC LIMIT ?) hit"
        " JOIN messages m ON m.search_key = hit.search_key"
        " JOIN channels c ON c.id = m.channel_id"
        " ORDER BY hit.search_key DESC",
        (query, limit),
    ).fetchall()
    return [Found(u, n, cid, mid, d, s, tuple(int(x) for x in (jobs or "").split(",") if x))
            for u, n, cid, mid, d, s, jobs in rows]


# ---------------------------------------------------------------------------- bot messages
def add_bot_message(conn: sqlite3.Connection, chat_id: int, message_id: int, job_id: int,
                    kind: str, now: int, for_user: int | None = None) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO bot_messages (chat_id, message_id, job_id, kind, for_user,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (chat_id, message_id, job_id, kind, for_user, now),
    )


def find_bot_message(conn: sqlite3.Connection, chat_id: int,
                     message_id: int) -> tuple[int, str, int | None] | None:
    """(job id, kind, for_user) of a bot message, or None if it is not one of relay's."""
    row = conn.execute(
        "SELECT job_id, kind, for_user FROM bot_messages WHERE chat_id = ? AND message_id = ?",
        (chat_id, message_id),
    ).fetchone()
    return tuple(row) if row else None


def drop_bot_message(conn: sqlite3.Connection, chat_id: int, message_id: int) -> None:
    conn.execute("DELETE FROM bot_messages WHERE chat_id = ? AND message_id = ?",
                 (chat_id, message_id))


def bot_messages_of(conn: sqlite3.Connection, job_id: int, kind: str) -> list[tuple[int, int]]:
    return [tuple(r) for r in conn.execute(
        "SELECT chat_id, message_id FROM bot_messages WHERE job_id = ? AND kind = ?"
        " ORDER BY created_at, message_id", (job_id, kind))]


def jobs_without_cards(conn: sqlite3.Connection, limit: int, after: int = 0) -> list[int]:
    """Queued jobs above ``after`` with no card yet. Job ids only grow, so the caller passes
    the highest id it has already dealt with and this never re-reads the whole queue."""
    return [r[0] for r in conn.execute(
        "SELECT j.id FROM jobs j WHERE j.id > ? AND j.status = 'queued' AND NOT EXISTS"
        " (SELECT 1 FROM bot_messages b WHERE b.job_id = j.id AND b.kind = 'card')"
        " ORDER BY j.id LIMIT ?", (after, limit))]
