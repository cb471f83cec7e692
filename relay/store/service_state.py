"""The service's heartbeat: written by the running service, read by `relay health`/`status`."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

#: How often the running service writes its heartbeat, in seconds.
HEARTBEAT_SECONDS = 15
#: A heartbeat older than this means the service is down or stuck: `relay health` fails and
#: `relay status` warns. Kept here, beside the heartbeat, so neither has to import the
#: service (and Telethon with it) to know it.
HEARTBEAT_STALE_SECONDS = 3 * HEARTBEAT_SECONDS


@dataclass(frozen=True, slots=True)
class Heartbeat:
    at: int
    pid: int | None
    state: str | None
    detail: str | None


def beat(conn: sqlite3.Connection, at: int, pid: int, state: str, detail: str) -> None:
    conn.execute(
        "INSERT INTO service_heartbeat (id, at, pid, state, detail) VALUES (1, ?, ?, ?, ?)"
        " ON CONFLICT(id) DO UPDATE SET at=excluded.at, pid=excluded.pid, state=excluded.state,"
        " detail=excluded.detail",
        (at, pid, state, detail),
    )


def last_beat(conn: sqlite3.Connection) -> Heartbeat | None:
    try:
        row = conn.execute(
            "SELECT at, pid, state, detail FROM service_heartbeat WHERE id = 1").fetchone()
    except sqlite3.OperationalError:  # a database from before the heartbeat existed
        return None
    return Heartbeat(*row) if row else None
