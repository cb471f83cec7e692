"""Reports: the figures ``relay status``, the Prometheus metrics and the bot's /stats show.

"Jobs by state and the oldest queued job" is answered by one function, :func:`job_counts`, for
all three. Every query here is answered from an index or from a small table (``channels``,
``source_status``, the outbox's pending and failed rows); none touches ``messages`` beyond one
primary-key lookup, so the answer time does not grow with the archive (``bench/status.py``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from relay.core.workflow import Status
from relay.store.readonly import require_relay_schema, schema_version, snapshot, table_exists
from relay.store.service_state import Heartbeat, last_beat

#: Every job state, in the order of the workflow (reports list them all, zeros included).
JOB_STATES: tuple[str, ...] = tuple(s.value for s in Status)
#: How many of the latest publishing failures the status lists.
FAILURES_SHOWN = 5


@dataclass(frozen=True, slots=True)
class QueuedJob:
    job_id: int
    created_at: int
    updated_at: int


@dataclass(frozen=True, slots=True)
class JobCounts:
    by_state: dict[str, int]  # every state of JOB_STATES, in that order
    oldest_queued: QueuedJob | None

    @property
    def total(self) -> int:
        return sum(self.by_state.values())


def job_counts(conn: sqlite3.Connection) -> JobCounts:
    """Jobs per state (every state, zeros included) and the oldest queued job."""
    # COUNT per state over the covering index jobs_status(status, id).
    counts = dict.fromkeys(JOB_STATES, 0)
    for state, count in conn.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status"):
        counts[state] = count
    # Ids grow with creation time, so the first queued id in jobs_status is the oldest queued
    # job: an index seek, where MIN(created_at) would read every queued row.
    row = conn.execute("SELECT id, created_at, updated_at FROM jobs WHERE status = 'queued'"
                       " ORDER BY id LIMIT 1").fetchone()
    return JobCounts(counts, QueuedJob(*row) if row else None)


# ------------------------------------------------------------------------------ status
@dataclass(frozen=True, slots=True)
class SourceState:
    """The watcher's last word on a configured source (``str(ref)``)."""

    ref: str
    channel_id: int | None
    error: str | None
    checked_at: int | None


@dataclass(frozen=True, slots=True)
class ChannelState:
    id: int
    username: str | None
    title: str | None
    display_name: str | None
    is_source: bool
    caught_up_to: int
    caught_up_at: int | None
    last_message_id: int
    last_post_at: int | None  # date of the newest stored post
    last_seen_at: int | None  # when the watcher last stored anything


@dataclass(frozen=True, slots=True)
class OutboxFailure:
    outbox_id: int
    job_id: int
    target: str
    kind: str
    reason: str | None
    attempts: int
    updated_at: int


@dataclass(frozen=True, slots=True)
class OutboxWait:
    """Pending items of one target held back (a flood wait or a retry back-off)."""

    target: str
    items: int
    flood_waits: int
    until: int
    reason: str | None
    outbox_id: int
    job_id: int


@dataclass(frozen=True, slots=True)
class OutboxFigures:
    pending_by_target: dict[str, int]
    failed: int
    failures: list[OutboxFailure]  # the latest FAILURES_SHOWN
    waits: list[OutboxWait]
    failing_since: int | None = None  # when the oldest failed item failed


@dataclass(frozen=True, slots=True)
class StatusFigures:
    """Everything ``relay status`` shows, read in one snapshot."""

    schema_version: int | None
    messages_stored: int
    heartbeat_table: bool  # False: a database from before the heartbeat existed
    heartbeat: Heartbeat | None
    sources: list[SourceState]
    channels: list[ChannelState]
    jobs: JobCounts
    outbox: OutboxFigures
    publications: int
    last_published_at: int | None


def status_figures(conn: sqlite3.Connection, now: int) -> StatusFigures:
    """The status figures in one read transaction; refuses a database that is not relay's."""
    require_relay_schema(conn)
    with snapshot(conn):
        has_heartbeat = table_exists(conn, "service_heartbeat")
        return StatusFigures(
            schema_version=schema_version(conn),
            messages_stored=messages_stored(conn),
            heartbeat_table=has_heartbeat,
            heartbeat=last_beat(conn) if has_heartbeat else None,
            sources=[SourceState(*r) for r in conn.execute(
                "SELECT ref, channel_id, error, checked_at FROM source_status")],
            channels=[ChannelState(cid, user, title, display, bool(source), *marks)
                      for cid, user, title, display, source, *marks in conn.execute(
                          "SELECT id, username, title, display_name, is_source, caught_up_to,"
                          " caught_up_at, last_message_id, last_post_at, last_seen_at"
                          " FROM channels ORDER BY id")],
            jobs=job_counts(conn),
            outbox=_outbox(conn, now),
            publications=conn.execute("SELECT COUNT(*) FROM publications").fetchone()[0],
            last_published_at=_last_published_at(conn),
        )


def messages_stored(conn: sqlite3.Connection) -> int:
    """How many posts are stored."""
    # Message rows are never deleted (a deletion is a mark) and ``pk`` is an INTEGER PRIMARY
    # KEY assigned as max + 1, so the highest pk is the row count: one B-tree descent instead
    # of counting a million index entries.
    return conn.execute("SELECT MAX(pk) FROM messages").fetchone()[0] or 0


def _last_published_at(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT posted_at FROM publications"
                       " WHERE id = (SELECT MAX(id) FROM publications)").fetchone()
    return row[0] if row else None


def _outbox(conn: sqlite3.Connection, now: int) -> OutboxFigures:
    pending_by_target = dict(conn.execute(
        "SELECT target, COUNT(*) FROM outbox WHERE status = 'pending' GROUP BY target"))
    failed = conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'failed'").fetchone()[0]
    failures = [OutboxFailure(*r) for r in conn.execute(
        "SELECT id, job_id, target, kind, last_error, attempts, updated_at FROM outbox"
        " WHERE status = 'failed' ORDER BY updated_at DESC, id DESC LIMIT ?", (FAILURES_SHOWN,))]
    # Only the head of each target is ever delayed, so these are a handful of rows; the bare
    # columns come from the row holding MAX(not_before) (SQLite's documented min/max rule).
    waits = [OutboxWait(target, items, floods or 0, until, reason, outbox_id, job_id)
             for target, items, floods, until, reason, outbox_id, job_id in conn.execute(
                 "SELECT target, COUNT(*), SUM(last_error LIKE 'flood wait%'), MAX(not_before),"
                 " last_error, id, job_id FROM outbox WHERE status = 'pending'"
                 " AND not_before > ? GROUP BY target ORDER BY target", (int(now),))]
    since = conn.execute("SELECT MIN(updated_at) FROM outbox WHERE status = 'failed'"
                         ).fetchone()[0]
    return OutboxFigures(pending_by_target, failed, failures, waits, since)


# ------------------------------------------------------------------------------ metrics
@dataclass(frozen=True, slots=True)
class MetricsFigures:
    """What the Prometheus endpoint exposes from the database."""

    ingested: int
    jobs: JobCounts
    published: int  # posts (first parts) published
    backlog: int  # outbox items waiting
    flood_waiting: int  # seconds of wait still in force, summed over the pending items
    failed: int = 0  # outbox items that failed and wait for people (``/retry``)
    failing_since: int | None = None  # when the oldest of them failed


def metrics_figures(conn: sqlite3.Connection, now: int) -> MetricsFigures:
    return MetricsFigures(
        ingested=conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM messages").fetchone()[0],
        jobs=job_counts(conn),
        published=conn.execute("SELECT COUNT(*) FROM publications WHERE part = 0").fetchone()[0],
        backlog=conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'"
                             ).fetchone()[0],
        flood_waiting=conn.execute(
            "SELECT COALESCE(SUM(not_before - ?), 0) FROM outbox WHERE status = 'pending'"
            " AND not_before > ?", (int(now), int(now))).fetchone()[0],
        **dict(zip(("failed", "failing_since"), conn.execute(
            "SELECT COUNT(*), MIN(updated_at) FROM outbox WHERE status = 'failed'"
        ).fetchone(), strict=True)),
    )


# ------------------------------------------------------------------------------ /stats
@dataclass(frozen=True, slots=True)
class Stats:
    """The review bot's /stats: states that have jobs, the oldest queued, per translator."""

    by_status: dict[str, int]
    oldest_queued_at: int | None
    per_translator: dict[int, dict[str, int]]


def stats(conn: sqlite3.Connection) -> Stats:
    counts = job_counts(conn)
    per: dict[int, dict[str, int]] = {}
    for translator, status, count in conn.execute(
            "SELECT translator_id, status, COUNT(*) FROM jobs WHERE translator_id IS NOT NULL"
            " GROUP BY translator_id, status"):
        per.setdefault(translator, {})[status] = count
    oldest = counts.oldest_queued.created_at if counts.oldest_queued else None
    return Stats({s: n for s, n in counts.by_state.items() if n}, oldest, per)
