"""``/join <job> <job>``: the second job's statement joins the first's (issue 11), its open jobs
closed through the workflow (``Action.JOIN_INTO``), so a join never takes a job where the
state machine would not: an approved job (in the outbox) is never cancelled, and a statement
is never left to be published twice in one target.

Both jobs are first resolved to their statements' leads: a job whose post an earlier /join
already made a member stands for the statement it joined, so statements never chain."""

from __future__ import annotations

import sqlite3

from relay.core.workflow import Action, Actor, Rules, Status, decide
from relay.store import statements, transitions
from relay.store.statements import Joined, Unit

_OPEN = (Status.QUEUED, Status.DRAFTED)
_OUT = (Status.PUBLISHED, Status.STALE)
_CLOSED = (Status.SKIPPED, Status.REJECTED)


def _lead_of_job(conn: sqlite3.Connection, job_id: int) -> tuple[Unit, int] | None:
    row = conn.execute("SELECT channel_id, unit_key, message_id FROM jobs WHERE id=?",
                       (job_id,)).fetchone()
    if row is None:
        return None
    unit = (row[0], row[1])
    lead = statements.lead_of(conn, unit) or unit
    if lead == unit:
        return unit, row[2]
    first = conn.execute("SELECT message_id FROM jobs WHERE channel_id=? AND unit_key=?"
                         " ORDER BY id LIMIT 1", lead).fetchone()
    return lead, first[0] if first else row[2]


def _by_target(conn: sqlite3.Connection, unit: Unit) -> dict[str, tuple[int, str]]:
    return {target: (job_id, status) for job_id, target, status in conn.execute(
        "SELECT id, target, status FROM jobs WHERE channel_id=? AND unit_key=? ORDER BY id",
        unit)}


def join_statements(conn: sqlite3.Connection, keep_job: int, merge_job: int, actor: Actor,
                    rules: Rules, now: int) -> Joined | None:
    """Join the statement of ``merge_job`` into that of ``keep_job``: its lead and members
    follow the first. Per target, the second statement's queued or drafted job is closed
    ("joined into N", ``Action.JOIN_INTO``) when the first has a job for that target that is
    not closed itself; otherwise it stays the target's job. Refused (nothing written) when a
    job of the second is approved (its publication is queued), or published while the
    first's job for that target is still to be published (the statement would go out twice:
    join the other way round). None when a job is unknown or both are one statement."""
    keep, merge = _lead_of_job(conn, keep_job), _lead_of_job(conn, merge_job)
    if keep is None or merge is None or keep[0] == merge[0]:
        return None
    (keep_unit, _), (merge_unit, merge_message) = keep, merge
    kept, merged = _by_target(conn, keep_unit), _by_target(conn, merge_unit)
    to_close: list[int] = []
    for target, (job_id, status) in merged.items():
        first = kept.get(target)
        if status == Status.APPROVED or (
                status in _OUT and first is not None and first[1] not in (*_OUT, *_CLOSED)):
            return Joined([], [], (job_id, status, target), first[0] if first else None)
        if status in _OPEN and first is not None and first[1] not in _CLOSED:
            state = transitions.load_job(conn, job_id)
            if state is None or not decide(Action.JOIN_INTO, state.state, actor, rules,
                                           now).ok:
                return Joined([], [], (job_id, status, target), first[0])
            to_close.append(job_id)
    moved = [merge_unit] + [(c, u) for c, u in conn.execute(
        "SELECT channel_id, unit_key FROM statement_members"
        " WHERE lead_channel_id=? AND lead_unit_key=?", merge_unit)]
    conn.execute("UPDATE statement_members SET lead_channel_id=?, lead_unit_key=?"
                 " WHERE lead_channel_id=? AND lead_unit_key=?", (*keep_unit, *merge_unit))
    statements.join(conn, merge_unit, merge_message, keep_unit, "joined", now, actor.user_id)
    for job_id in to_close:
        done = transitions.apply(conn, job_id, Action.JOIN_INTO, actor, rules, now,
                                 reason=f"joined into {keep_job}")
        if not done.ok:  # decided above in this same transaction: cannot happen
            raise RuntimeError(f"job {job_id}: join refused after it was allowed")
    return Joined(to_close, moved, kept=tuple(job_id for job_id, _ in kept.values()))
