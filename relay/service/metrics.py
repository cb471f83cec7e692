"""Optional Prometheus metrics: a plain-text endpoint on a local port (off by default).

The figures are read from the database at scrape time, so they are the same ones
`relay status` shows, plus counters the running service keeps (flood-wait seconds).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from relay.logs import event
from relay.store.db import Database

log = logging.getLogger("relay.metrics")

STATES = ("queued", "drafted", "approved", "published", "skipped", "rejected", "stale")


def _figures(conn: sqlite3.Connection, now: float) -> dict[str, Any]:
    by_state = dict(conn.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall())
    oldest = conn.execute("SELECT MIN(created_at) FROM jobs WHERE status = 'queued'").fetchone()
    return {
        "ingested": conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM messages").fetchone()[0],
        "jobs": {s: by_state.get(s, 0) for s in STATES},
        "published": conn.execute("SELECT COUNT(*) FROM publications WHERE part = 0"
                                  ).fetchone()[0],
        "backlog": conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'pending'"
                                ).fetchone()[0],
        "flood_waiting": conn.execute(
            "SELECT COALESCE(SUM(not_before - ?), 0) FROM outbox WHERE status = 'pending'"
            " AND not_before > ?", (int(now), int(now))).fetchone()[0],
        "queue_age": (now - oldest[0]) if oldest and oldest[0] else 0,
    }


def render(figures: dict[str, Any], flood_wait_total: float) -> str:
    """Prometheus text exposition format."""
    lines = [
        "# HELP relay_ingested_total Channel posts stored.",
        "# TYPE relay_ingested_total counter",
        f"relay_ingested_total {figures['ingested']}",
        "# HELP relay_jobs Translation jobs by state.",
        "# TYPE relay_jobs gauge",
        *(f'relay_jobs{{state="{s}"}} {n}' for s, n in figures["jobs"].items()),
        "# HELP relay_queued Jobs waiting for a translator.",
        "# TYPE relay_queued gauge",
        f"relay_queued {figures['jobs']['queued']}",
        "# HELP relay_published_total Posts published to outgoing channels.",
        "# TYPE relay_published_total counter",
        f"relay_published_total {figures['published']}",
        "# HELP relay_outbox_backlog Posts waiting to be published.",
        "# TYPE relay_outbox_backlog gauge",
        f"relay_outbox_backlog {figures['backlog']}",
        "# HELP relay_flood_wait_seconds_total Seconds of flood wait Telegram imposed.",
        "# TYPE relay_flood_wait_seconds_total counter",
        f"relay_flood_wait_seconds_total {flood_wait_total:g}",
        "# HELP relay_flood_wait_remaining_seconds Flood wait still in force, summed.",
        "# TYPE relay_flood_wait_remaining_seconds gauge",
        f"relay_flood_wait_remaining_seconds {figures['flood_waiting']}",
        "# HELP relay_queue_age_seconds Age of the oldest queued job.",
        "# TYPE relay_queue_age_seconds gauge",
        f"relay_queue_age_seconds {figures['queue_age']:.0f}",
    ]
    return "\n".join(lines) + "\n"


class MetricsServer:
    """Serves ``GET /metrics`` on ``host:port``; anything else gets 404."""

    def __init__(self, db: Database, host: str, port: int, *,
                 flood_wait_total: Callable[[], float] = lambda: 0.0,
                 clock: Callable[[], float] = time.time):
        self.db, self.host, self.port = db, host, port
        self.flood_wait_total = flood_wait_total
        self.clock = clock
        self._server: asyncio.base_events.Server | None = None

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info(event("metrics.listening", host=self.host, port=self.port))

    async def stop(self) -> None:
        if self._server:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), 5)
            while (await asyncio.wait_for(reader.readline(), 5)) not in (b"\r\n", b"\n", b""):
                pass
            parts = request.decode("latin-1").split()
            if len(parts) >= 2 and parts[0] == "GET" and parts[1].split("?")[0] == "/metrics":
                figures = await self.db.read(_figures, self.clock())
                body = render(figures, self.flood_wait_total()).encode()
                head = "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
            else:
                body, head = b"not found\n", "HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n"
            writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()
