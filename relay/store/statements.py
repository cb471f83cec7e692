"""One statement, one job per target (issue 11): copies and forwards join a statement.

A statement's jobs belong to one unit (post or album), its *lead*. A later post that is the same
statement (a forward of the lead, or a copy the in-memory ``StatementIndex`` found) gets no jobs:
it is a row of ``statement_members`` pointing at the lead. Editors can split a member off (it
gets jobs of its own) or join two statements (the second lead becomes a member of the first).
Every change leaves an audit row on the lead's jobs.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass

from relay.config.channels import bare_channel_id
from relay.core.jobview import Member
from relay.core.matching_pair import same_statement
from relay.core.records import IngestResult
from relay.store import audit, jobs

Unit = tuple[int, str]  # (channel id, unit key)
#: (channel id, message id) of a post -> the unit it is a copy of (relay backfill, relay import)
SameAs = Mapping[tuple[int, int], Unit]


def unit_key(message_id: int, grouped_id: int | None) -> str:
    return f"g:{grouped_id}" if grouped_id else f"m:{message_id}"


def lead_of(conn: sqlite3.Connection, unit: Unit) -> Unit | None:
    """The unit holding the jobs of the statement ``unit`` belongs to, or None."""
    row = conn.execute(
        "SELECT lead_channel_id, lead_unit_key FROM statement_members"
        " WHERE channel_id=? AND unit_key=?", unit).fetchone()
    if row is not None:
        return (row[0], row[1])
    if conn.execute("SELECT 1 FROM jobs WHERE channel_id=? AND unit_key=? LIMIT 1",
                    unit).fetchone():
        return unit
    return None


def is_member(conn: sqlite3.Connection, unit: Unit) -> bool:
    return conn.execute("SELECT 1 FROM statement_members WHERE channel_id=? AND unit_key=?",
                        unit).fetchone() is not None


def forward_origin(conn: sqlite3.Connection, fwd_from: str | None) -> Unit | None:
    """The stored unit a forwarded post was forwarded from, when relay stores that channel."""
    if not fwd_from:
        return None
    try:
        origin = json.loads(fwd_from)
        marked, post = int(origin["from_id"]), int(origin["channel_post"])
    except (ValueError, KeyError, TypeError):
        return None
    if (channel_id := bare_channel_id(marked)) is None:
        return None  # a user or a basic group, not a channel post
    row = conn.execute("SELECT grouped_id FROM messages WHERE channel_id=? AND message_id=?",
                       (channel_id, post)).fetchone()
    return None if row is None else (channel_id, unit_key(post, row[0]))


def join(conn: sqlite3.Connection, member: Unit, message_id: int, lead: Unit, how: str,
         now: int, actor_id: int | None = None) -> list[int]:
    """Record ``member`` as carrying the statement of ``lead``; return the lead's job ids."""
    conn.execute(
        "INSERT INTO statement_members (channel_id, unit_key, message_id, lead_channel_id,"
        " lead_unit_key, how, joined_at) VALUES (?,?,?,?,?,?,?)"
        " ON CONFLICT (channel_id, unit_key) DO UPDATE SET lead_channel_id=excluded.lead_channel_id,"
        " lead_unit_key=excluded.lead_unit_key, how=excluded.how, joined_at=excluded.joined_at",
        (*member, message_id, *lead, how, now))
    lead_jobs = jobs.jobs_of_unit(conn, *lead)
    audit.record_many(conn, [
        (job_id, actor_id, "statement_joined", status, status,
         f"{how}: channel {member[0]} message {message_id}", now)
        for job_id, status in lead_jobs])
    return [job_id for job_id, _ in lead_jobs]


def recent_units(conn: sqlite3.Connection, since: int,
                 until: int | None = None) -> list[tuple[Unit, str, int]]:
    """((channel, unit), text, date) of the statements' posts dated ``since`` or later (and
    ``until`` or earlier): the units holding jobs and their members, for rebuilding the index
    at start, or for the part of history a back-fill or an import reaches."""
    bounds = (since, until if until is not None else 2**62)
    leads = conn.execute(
        "SELECT j.channel_id, j.unit_key, MIN(j.source_text), MIN(m.date) FROM jobs j"
        " JOIN messages m ON m.channel_id=j.channel_id AND m.message_id=j.message_id"
        " WHERE m.date BETWEEN ? AND ? GROUP BY j.channel_id, j.unit_key", bounds).fetchall()
    members = conn.execute(
        "SELECT s.channel_id, s.unit_key, m.text, m.date FROM statement_members s"
        " JOIN messages m ON m.channel_id=s.channel_id AND m.message_id=s.message_id"
        " WHERE m.date BETWEEN ? AND ? AND s.how!='joined'", bounds).fetchall()
    return [((c, u), text, date) for c, u, text, date in [*leads, *members]]


def members_of(conn: sqlite3.Connection, channel_id: int, key: str) -> tuple[Member, ...]:
    """The other posts carrying the statement whose lead is this unit, oldest first."""
    rows = conn.execute(
        "SELECT s.id, s.channel_id, c.username, COALESCE(c.display_name, c.title), s.message_id,"
        " s.how, COALESCE(m.date, 0), m.deleted_at IS NOT NULL, s.unit_key"
        " FROM statement_members s"
        " LEFT JOIN channels c ON c.id=s.channel_id"
        " LEFT JOIN messages m ON m.channel_id=s.channel_id AND m.message_id=s.message_id"
        " WHERE s.lead_channel_id=? AND s.lead_unit_key=? ORDER BY s.id", (channel_id, key))
    return tuple(Member(sid, channel, username, name, message_id, how, date, bool(deleted),
                        unit) for sid, channel, username, name, message_id, how, date, deleted,
                 unit in rows)


def recheck_edited_copy(conn: sqlite3.Connection, unit: Unit, message_id: int,
                        grouped_id: int | None, text: str, targets: list[tuple[str, str]],
                        now: int, result: IngestResult) -> None:
    """An edited post that joined a statement as a copy: if its text is no longer the same
    statement as the lead's or another copy's, it leaves the statement and gets jobs of its own
    (``targets``: none when its language is not queued); ``result.left`` names the lead's jobs
    (the editors are told), ``result.jobs_created`` the new ones. A forward (its text is the
    origin's) and a post an editor joined (their decision) stay whatever the edit."""
    row = conn.execute(
        "SELECT id, lead_channel_id, lead_unit_key, how FROM statement_members"
        " WHERE channel_id=? AND unit_key=?", unit).fetchone()
    if row is None or row[3] != "copy":
        return
    member_id, lead = row[0], (row[1], row[2])
    others = [r[0] for r in conn.execute(
        "SELECT source_text FROM jobs WHERE channel_id=? AND unit_key=? LIMIT 1", lead)]
    others += [r[0] for r in conn.execute(
        "SELECT m.text FROM statement_members s JOIN messages m ON m.channel_id=s.channel_id"
        " AND m.message_id=s.message_id WHERE s.lead_channel_id=? AND s.lead_unit_key=?"
        " AND s.how='copy' AND s.id!=?", (*lead, member_id))]
    if same_statement(text, others):
        return
    conn.execute("DELETE FROM statement_members WHERE id=?", (member_id,))
    new_jobs = jobs.create_jobs(conn, channel_id=unit[0], unit_key=unit[1], message_id=message_id,
                                grouped_id=grouped_id, targets=targets, source_text=text,
                                now=now) if text.strip() else []
    lead_jobs = jobs.jobs_of_unit(conn, *lead)
    detail = (f"copy in channel {unit[0]} message {message_id} edited, no longer the same"
              " statement: jobs " + (",".join(map(str, new_jobs)) or "none"))
    audit.record_many(conn, [(j, None, "statement_left", s, s, detail, now) for j, s in lead_jobs])
    result.left.extend(j for j, _ in lead_jobs)
    result.jobs_created.extend(new_jobs)


@dataclass(frozen=True, slots=True)
class Split:
    """What splitting a member off did: its unit, its text, its new jobs and the jobs of the
    statement it left (every one of their cards lists it)."""

    unit: Unit
    text: str
    jobs: list[int]
    statement_jobs: tuple[int, ...] = ()


def split(conn: sqlite3.Connection, job_id: int, member_id: int, actor_id: int | None,
          now: int) -> Split | None:
    """Make the member its own statement with a job for every target of ``job_id``'s
    statement; None when the member is not (or no longer) one of that statement's, or was
    joined by an editor (its post has jobs already: /join made it a member, not a match)."""
    lead = conn.execute("SELECT channel_id, unit_key FROM jobs WHERE id=?", (job_id,)).fetchone()
    row = conn.execute(
        "SELECT channel_id, unit_key, message_id, how FROM statement_members"
        " WHERE id=? AND lead_channel_id=? AND lead_unit_key=? AND how!='joined'",
        (member_id, *(lead or (None, None)))).fetchone()
    if lead is None or row is None:
        return None
    channel_id, key, message_id, how = row
    grouped = conn.execute("SELECT grouped_id FROM messages WHERE channel_id=? AND message_id=?",
                           (channel_id, message_id)).fetchone()
    grouped_id = grouped[0] if grouped else None
    if grouped_id:
        texts = [r[0] for r in conn.execute(
            "SELECT text FROM messages WHERE channel_id=? AND grouped_id=? AND deleted_at IS NULL"
            " ORDER BY message_id", (channel_id, grouped_id)) if r[0].strip()]
    else:
        texts = [r[0] for r in conn.execute(
            "SELECT text FROM messages WHERE channel_id=? AND message_id=?",
            (channel_id, message_id))]
    text = "\n\n".join(texts)
    targets = conn.execute("SELECT target, language FROM jobs WHERE channel_id=? AND unit_key=?"
                           " ORDER BY id", lead).fetchall()
    conn.execute("DELETE FROM statement_members WHERE id=?", (member_id,))
    new_jobs = jobs.create_jobs(conn, channel_id=channel_id, unit_key=key, message_id=message_id,
                                grouped_id=grouped_id, targets=targets, source_text=text, now=now)
    detail = f"{how} in channel {channel_id} message {message_id} split off: jobs " + \
        ",".join(map(str, new_jobs))
    lead_jobs = jobs.jobs_of_unit(conn, *lead)
    audit.record_many(conn, [(j, actor_id, "statement_split", s, s, detail, now)
                             for j, s in lead_jobs])
    return Split((channel_id, key), text, new_jobs, tuple(j for j, _ in lead_jobs))


@dataclass(frozen=True, slots=True)
class Joined:
    """What /join did: the jobs closed, and the units that now follow the first statement; or,
    with ``refused``, nothing: (job, status, target) of the second statement's job the workflow
    may not close, and the first statement's job for that target when it matters."""

    closed: list[int]
    moved: list[Unit]
    refused: tuple[int, str, str] | None = None
    blocking: int | None = None
    kept: tuple[int, ...] = ()  # the first statement's jobs: their cards list the posts
