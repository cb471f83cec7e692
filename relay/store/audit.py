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
