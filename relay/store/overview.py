"""A whole-store overview for small databases: what ``relay demo`` prints after its run.

These read every row; they are meant for the demo's handful of posts, not for an archive.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PostSummary:
    channel_username: str | None
    message_id: int
    lang: str
    lang_confidence: float
    media_kind: str | None
    media_downloaded: bool
    deleted: bool
    text: str
    revisions: int  # earlier versions kept


@dataclass(frozen=True, slots=True)
class JobSummary:
    job_id: int
    channel_username: str | None
    message_id: int
    target: str
    status: str
    unit_key: str
    source_deleted: bool


def posts(conn: sqlite3.Connection) -> list[PostSummary]:
    """Every stored post, in storing order."""
    return [PostSummary(u, mid, lang, conf, media, bool(got), bool(deleted), text, revisions)
            for u, mid, lang, conf, media, got, deleted, text, revisions in conn.execute(
                "SELECT c.username, m.message_id, m.lang, m.lang_confidence, m.media_kind,"
                " m.media_path IS NOT NULL, m.deleted_at IS NOT NULL, m.text,"
                " (SELECT COUNT(*) FROM message_revisions r WHERE r.message_pk = m.pk)"
                " FROM messages m JOIN channels c ON c.id = m.channel_id ORDER BY m.pk")]


def jobs(conn: sqlite3.Connection) -> list[JobSummary]:
    """Every job, in creation order."""
    return [JobSummary(job_id, u, mid, target, status, unit, bool(deleted))
            for job_id, u, mid, target, status, unit, deleted in conn.execute(
                "SELECT j.id, c.username, j.message_id, j.target, j.status, j.unit_key,"
                " (SELECT m.deleted_at IS NOT NULL FROM messages m"
                "  WHERE m.channel_id = j.channel_id AND m.message_id = j.message_id)"
                " FROM jobs j JOIN channels c ON c.id = j.channel_id ORDER BY j.id")]


def source_errors(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """(source, why) for each configured source that could not be resolved."""
    return [tuple(r) for r in conn.execute(
        "SELECT ref, error FROM source_status WHERE error IS NOT NULL")]


def first_job_of(conn: sqlite3.Connection, username: str, target: str) -> int | None:
    """The first job made from the channel ``@username`` for ``target``."""
    row = conn.execute(
        "SELECT j.id FROM jobs j JOIN channels c ON c.id = j.channel_id"
        " WHERE c.username = ? AND j.target = ? ORDER BY j.id LIMIT 1",
        (username, target)).fetchone()
    return row[0] if row else None
