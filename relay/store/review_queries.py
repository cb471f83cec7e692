"""Review queries: one job as the bot shows it, state changes with their audit row, the queue,
statistics, archive search, and the bot messages tied to jobs."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from relay.core.jobview import JobView
from relay.core.sanitize import Cleaned
from relay.core.workflow import Action, Actor, Outcome, Refusal, Rules, decide
from relay.store import audit, outbox
from relay.store.reports import Stats, stats  # noqa: F401 - /stats, shared with status
from relay.text.formatting import entities_from_json, entities_to_json

_JOB_SELECT = """
SELECT j.id, j.status, j.version, j.target, j.language, j.channel_id, j.message_id, j.unit_key,
       j.source_text, j.source_hash, j.draft_text, j.draft_entities, j.draft_source_hash,
       j.draft_source_text, j.translator_id, j.editor_id, j.claimed_by, j.claimed_at, j.reason,
       j.created_at, j.updated_at, c.username, COALESCE(c.display_name, c.title), m.date, m.lang,
       m.lang_confidence,
       CASE WHEN j.grouped_id IS NULL THEN m.media_kind ELSE
         (SELECT GROUP_CONCAT(DISTINCT u.media_kind) FROM messages u
          WHERE u.channel_id = j.channel_id AND u.grouped_id = j.grouped_id) END,
       m.deleted_at IS NOT NULL
FROM jobs j
JOIN channels c ON c.id = j.channel_id
JOIN messages m ON m.channel_id = j.channel_id AND m.message_id = j.message_id
"""


def _view(row: Any) -> JobView:
    values = list(row)
    values[11] = entities_from_json(values[11])
    values[-1] = bool(values[-1])
    return JobView(*values)


def load_job(conn: sqlite3.Connection, job_id: int) -> JobView | None:
    row = conn.execute(_JOB_SELECT + " WHERE j.id = ?", (job_id,)).fetchone()
    return _view(row) if row else None


@dataclass(frozen=True, slots=True)
class LastChange:
    actor_id: int | None
    action: str
    at: int


@dataclass(frozen=True, slots=True)
class Transition:
    """The result of trying a state change."""

    ok: bool
    job: JobView | None
    from_status: str | None = None
    refusal: Refusal | str | None = None
    last: LastChange | None = None


def last_change(conn: sqlite3.Connection, job_id: int) -> LastChange | None:
    row = conn.execute(
        "SELECT actor_id, action, at FROM audit WHERE job_id = ? AND to_status IS NOT NULL"
        " ORDER BY id DESC LIMIT 1",
        (job_id,),
    ).fetchone()
    return LastChange(*row) if row else None


def apply(conn: sqlite3.Connection, job_id: int, action: Action, actor: Actor, rules: Rules,
          now: int, *, expected_version: int | None = None, confirm: bool = False,
          keep: bool = True, reason: str | None = None, draft: Cleaned | None = None,
          lang: str | None = None) -> Transition:
    """Decide and, if allowed, apply one action: one UPDATE and one audit row, or nothing."""
    job = load_job(conn, job_id)
    if job is None:
        return Transition(False, None, refusal="unknown_job")
    outcome: Outcome = decide(action, job.state, actor, rules, now,
                              expected_version=expected_version, confirm=confirm, keep=keep,
                              reason=reason)
    if not outcome.ok:
        return Transition(False, job, job.status, outcome.refusal, last_change(conn, job_id))
    sets = ["status = ?", "version = version + 1", "updated_at = ?"]
    params: list[Any] = [outcome.to_status, now]
    if outcome.claim == "set":
        sets += ["claimed_by = ?", "claimed_at = ?"]
        params += [actor.user_id, now]
    elif outcome.claim == "clear":
        sets += ["claimed_by = NULL", "claimed_at = NULL"]
    if action == Action.SUBMIT and draft is not None:
        sets += ["draft_text = ?", "draft_entities = ?", "draft_source_hash = source_hash",
                 "draft_source_text = source_text", "translator_id = ?", "drafted_at = ?",
                 "reason = NULL"]
        params += [draft.text, entities_to_json(draft.entities), actor.user_id, now]
    if action in (Action.APPROVE, Action.REJECT, Action.SKIP, Action.RELANG):
        sets.append("editor_id = ?")  # whoever decided last, shown on the card
        params.append(actor.user_id)
    if action in (Action.REJECT, Action.SKIP, Action.RELANG, Action.REOPEN):
        sets.append("reason = ?")  # always replaced, so a card never shows a stale reason
        params.append(reason)
    params.append(job_id)
    conn.execute(f"UPDATE jobs SET {', '.join(sets)} WHERE id = ?", params)
    if action == Action.RELANG and lang:
        conn.execute(
            "UPDATE messages SET lang = ?, lang_confidence = 1.0 WHERE channel_id = ? AND"
            " (message_id = ? OR (grouped_id IS NOT NULL AND grouped_id ="
            " (SELECT grouped_id FROM jobs WHERE id = ?)))",
            (lang, job.channel_id, job.message_id, job_id),
        )
    audit.record(conn, job_id=job_id, actor_id=actor.user_id, action=action.value,
                 from_status=job.status, to_status=outcome.to_status, at=now, detail=reason)
    if outcome.to_status == "approved":
        outbox.enqueue_for_approval(conn, job_id, job.target, now)  # same transaction
    return Transition(True, load_job(conn, job_id), job.status)


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
        conn.execute("INSERT INTO messages_fts (rowid, text) SELECT m.pk, m.text"
                     " FROM fts_pending p JOIN messages m ON m.pk = p.pk ORDER BY m.pk")
        conn.execute("DELETE FROM fts_pending")
    return count


def search(conn: sqlite3.Connection, words: str, limit: int = 10) -> list[Found]:
    """Newest posts matching every word. Run it in a write transaction: the index is first
    brought up to date, so a post stored a moment ago is found too."""
    index_pending(conn)
    query = fts_query(words)
    if not query:
        return []
    # The newest ``limit`` matches are chosen first: snippets and job ids are then worked out
    # for those rows only, not for every match of a common word.
    rows = conn.execute(
        "SELECT c.username, COALESCE(c.display_name, c.title), m.channel_id, m.message_id,"
        " m.date, snippet(messages_fts, 0, '«', '»', '…', 12),"
        " (SELECT GROUP_CONCAT(j.id) FROM jobs j WHERE j.channel_id = m.channel_id"
        "  AND j.unit_key = CASE WHEN m.grouped_id IS NULL THEN 'm:' || m.message_id"
        "  ELSE 'g:' || m.grouped_id END)"
        " FROM messages_fts f JOIN messages m ON m.pk = f.rowid"
        " JOIN channels c ON c.id = m.channel_id"
        " WHERE messages_fts MATCH ?1 AND f.rowid IN (SELECT m2.pk FROM messages_fts f2"
        "  JOIN messages m2 ON m2.pk = f2.rowid WHERE f2.messages_fts MATCH ?1"
        "  ORDER BY m2.date DESC LIMIT ?2)"
        " ORDER BY m.date DESC",
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
