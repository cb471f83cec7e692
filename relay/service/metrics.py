"""Optional Prometheus metrics: a plain-text endpoint on a local port (off by default).

The figures are read from the database at scrape time, so they are the same ones
`relay status` shows, plus counters the running service keeps (flood-wait seconds).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence

from relay.logs import event
from relay.store.api import ReportsStore
from relay.store.reports import JOB_STATES, MetricsFigures
from relay.telegram.waits import Wait

log = logging.getLogger("relay.metrics")

STATES = JOB_STATES  # the workflow's, every one reported


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


def render(figures: MetricsFigures, flood_wait_total: float, now: float,
           waits: Sequence[Wait] = ()) -> str:
    """Prometheus text exposition format."""
    jobs = figures.jobs.by_state
    oldest = figures.jobs.oldest_queued
    queue_age = (now - oldest.created_at) if oldest and oldest.created_at else 0
    lines = [
        "# HELP relay_ingested_total Channel posts stored.",
        "# TYPE relay_ingested_total counter",
        f"relay_ingested_total {figures.ingested}",
        "# HELP relay_jobs Translation jobs by state.",
        "# TYPE relay_jobs gauge",
        *(f'relay_jobs{{state="{s}"}} {jobs[s]}' for s in STATES),
        "# HELP relay_queued Jobs waiting for a translator.",
        "# TYPE relay_queued gauge",
        f"relay_queued {jobs['queued']}",
        "# HELP relay_published_total Posts published to outgoing channels.",
        "# TYPE relay_published_total counter",
        f"relay_published_total {figures.published}",
        "# HELP relay_outbox_backlog Posts waiting to be published.",
        "# TYPE relay_outbox_backlog gauge",
        f"relay_outbox_backlog {figures.backlog}",
        "# HELP relay_flood_wait_seconds_total Seconds of flood wait Telegram imposed.",
        "# TYPE relay_flood_wait_seconds_total counter",
        f"relay_flood_wait_seconds_total {flood_wait_total:g}",
        "# HELP relay_flood_wait_remaining_seconds Flood wait still in force, summed.",
        "# TYPE relay_flood_wait_remaining_seconds gauge",
        f"relay_flood_wait_remaining_seconds {figures.flood_waiting}",
        "# HELP relay_queue_age_seconds Age of the oldest queued job.",
        "# TYPE relay_queue_age_seconds gauge",
        f"relay_queue_age_seconds {queue_age:.0f}",
        "# HELP relay_outbox_failed Posts that failed and wait for people (fix, then /retry).",
        "# TYPE relay_outbox_failed gauge",
        f"relay_outbox_failed {figures.failed}",
        "# HELP relay_publish_failing_seconds How long the oldest failed post has waited.",
        "# TYPE relay_publish_failing_seconds gauge",
        f"relay_publish_failing_seconds "
        f"{max(0, now - figures.failing_since) if figures.failing_since else 0:.0f}",
        "# HELP relay_wait_remaining_seconds A wait Telegram imposed: which part, where.",
        "# TYPE relay_wait_remaining_seconds gauge",
        *(f'relay_wait_remaining_seconds{{part="{w.part}",where="{_label(w.where)}",'
          f'reason="{_label(w.reason)}"}} {max(0, w.until - now):.0f}' for w in waits),
    ]
    return "\n".join(lines) + "\n"


class MetricsServer:
    """Serves ``GET /metrics`` on ``host:port``; anything else gets 404."""

    def __init__(self, store: ReportsStore, host: str, port: int, *,
                 flood_wait_total: Callable[[], float] = lambda: 0.0,
                 waits: Callable[[], Sequence[Wait]] = lambda: (),
                 clock: Callable[[], float] = time.time):
        self.store, self.host, self.port = store, host, port
        self.flood_wait_total = flood_wait_total
        self.waits = waits
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
                now = self.clock()
                figures = await self.store.metrics_figures(int(now))
                body = render(figures, self.flood_wait_total(), now, self.waits()).encode()
                head = "HTTP/1.0 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n"
            else:
                body, head = b"not found\n", "HTTP/1.0 404 Not Found\r\nContent-Type: text/plain\r\n"
            writer.write(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        finally:
            writer.close()
