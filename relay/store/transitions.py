"""Job state changes: one job as the bot and the publisher see it, and every change of its
state applied with its audit row (and, on approval, its outbox rows) in the caller's
transaction. The outbox reads nothing from here; publishing a sent item comes here."""

from __future__ import annotations

import dataclasses
import sqlite3
from dataclasses import dataclass
from typing import Any

from relay.core.jobview import JobView
from relay.core.sanitize import Cleaned
from relay.core.workflow import SYSTEM, Action, Actor, Outcome, Refusal, Rules, decide
from relay.store import audit, outbox, statements
from relay.store.outbox import OutboxItem
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
       m.deleted_at IS NOT NULL, m.fwd_from
FROM jobs j
JOIN channels c ON c.id = j.channel_id
JOIN messages m ON m.channel_id = j.channel_id AND m.message_id = j.message_id
"""


def _view(row: Any) -> JobView:
    values = list(row)
    values[11] = entities_from_json(values[11])
    values[-2] = bool(values[-2])  # source_deleted; the last column is fwd_from
    return JobView(*values)


def load_job(conn: sqlite3.Connection, job_id: int) -> JobView | None:
    row = conn.execute(_JOB_SELECT + " WHERE j.id = ?", (job_id,)).fetchone()
    if row is None:
        return None
    view = _view(row)
    members = statements.members_of(conn, view.channel_id, view.unit_key)
    return dataclasses.replace(view, also_in=members) if members else view


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
    if action in (Action.APPROVE, Action.REJECT, Action.SKIP, Action.RELANG, Action.JOIN_INTO):
        sets.append("editor_id = ?")  # whoever decided last, shown on the card
        params.append(actor.user_id)
    if action in (Action.REJECT, Action.SKIP, Action.RELANG, Action.REOPEN, Action.JOIN_INTO):
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



def finish(conn: sqlite3.Connection, item: OutboxItem, now: int) -> bool:
    """Mark the item sent and, for a post or correction, the job published: one transaction.
    Returns whether the job changed state."""
    conn.execute("UPDATE outbox SET status = 'sent', sending_part = NULL, updated_at = ?"
                 " WHERE id = ?", (now, item.id))
    if item.kind in ("post", "correction"):
        # The text that went out is kept: the archive shows it, whatever is drafted next.
        conn.execute("UPDATE jobs SET published_text = draft_text,"
                     " published_entities = draft_entities WHERE id = ?", (item.job_id,))
        return apply(conn, item.job_id, Action.PUBLISH, SYSTEM, Rules(), now).ok
    audit.record(conn, job_id=item.job_id, actor_id=None, action=f"source_deleted_{item.kind}",
                 from_status=None, to_status=None, at=now)
    return False
