"""Queries on ``jobs``: creation and source snapshots. State changes live with the review code."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence

from relay.store import audit


def source_hash(text: str) -> str:
    """A short, stable fingerprint of a source text version."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


_INSERT_JOB = (
    "INSERT INTO jobs (channel_id, unit_key, message_id, grouped_id, target, language, status,"
    " source_text, source_hash, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)"
)

_INSERT_NEW_JOB = _INSERT_JOB + " ON CONFLICT (channel_id, unit_key, target) DO NOTHING"


def create_job(conn: sqlite3.Connection, *, channel_id: int, unit_key: str, message_id: int,
               grouped_id: int | None, target: str, language: str, source_text: str,
               now: int) -> int:
    cur = conn.execute(
        _INSERT_JOB,
        (channel_id, unit_key, message_id, grouped_id, target, language, source_text,
         source_hash(source_text), now, now),
    )
    job_id = _inserted_id(cur)
    audit.record(conn, job_id=job_id, actor_id=None, action="queue", from_status=None,
                 to_status="queued", at=now)
    return job_id


def create_jobs(conn: sqlite3.Connection, *, channel_id: int, unit_key: str, message_id: int,
                grouped_id: int | None, targets: Sequence[tuple[str, str]], source_text: str,
                now: int) -> list[int]:
    """Queue one post (or album) for every ``(target key, target language)``, the audit rows
    in one statement. Returns the new job ids in the order of ``targets``; a target the unit
    already has a job for is left as it is (never an error that would undo the post)."""
    digest = source_hash(source_text)
    job_ids = []
    for target, language in targets:
        cur = conn.execute(_INSERT_NEW_JOB, (
            channel_id, unit_key, message_id, grouped_id, target, language, source_text, digest,
            now, now,
        ))
        if cur.rowcount:
            job_ids.append(_inserted_id(cur))
    audit.record_many(conn, [(job_id, None, "queue", None, "queued", None, now)
                             for job_id in job_ids])
    return job_ids


def jobs_of_unit(conn: sqlite3.Connection, channel_id: int, unit_key: str) -> list[tuple[int, str]]:
    return conn.execute(
        "SELECT id, status FROM jobs WHERE channel_id=? AND unit_key=? ORDER BY id",
        (channel_id, unit_key),
    ).fetchall()


def update_source(conn: sqlite3.Connection, job_ids: list[int], source_text: str,
                  first_message_id: int, now: int) -> list[int]:
    """Record a new source version on jobs; a published job becomes ``stale``.

    A draft keeps ``draft_source_hash``, so a draft made from an older version shows as such.
    Returns the jobs whose source changed.
    """
    new_hash = source_hash(source_text)
    changed = []
    for job_id in job_ids:
        status, old_hash = conn.execute(
            "SELECT status, source_hash FROM jobs WHERE id=?", (job_id,)
        ).fetchone()
        conn.execute(
            "UPDATE jobs SET message_id=MIN(message_id, ?) WHERE id=?", (first_message_id, job_id)
        )
        if old_hash == new_hash:
            continue
        to_status = "stale" if status == "published" else status
        conn.execute(
            "UPDATE jobs SET source_text=?, source_hash=?, status=?, updated_at=? WHERE id=?",
            (source_text, new_hash, to_status, now, job_id),
        )
        audit.record(conn, job_id=job_id, actor_id=None, action="source_edited",
                     from_status=status, to_status=to_status, at=now,
                     detail=f"{old_hash} -> {new_hash}")
        changed.append(job_id)
    return changed


def _inserted_id(cur: sqlite3.Cursor) -> int:
    if cur.lastrowid is None:  # an INSERT that inserted a row always has one
        raise sqlite3.IntegrityError("no row id after INSERT")
    return cur.lastrowid
