"""The audit trail: who did what to which job, when."""

from __future__ import annotations

import sqlite3


def record(conn: sqlite3.Connection, *, job_id: int | None, actor_id: int | None, action: str,
           from_status: str | None, to_status: str | None, at: int,
           detail: str | None = None) -> None:
    conn.execute(
        "INSERT INTO audit (job_id, actor_id, action, from_status, to_status, detail, at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (job_id, actor_id, action, from_status, to_status, detail, at),
    )


#: One audit row: (job_id, actor_id, action, from_status, to_status, detail, at).
AuditRow = tuple[int | None, int | None, str, str | None, str | None, str | None, int]


def record_many(conn: sqlite3.Connection, rows: list[AuditRow]) -> None:
    """:func:`record` for several rows in one statement."""
    if rows:
        conn.executemany(
            "INSERT INTO audit (job_id, actor_id, action, from_status, to_status, detail, at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
