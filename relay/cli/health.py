"""``relay health``: is the service alive and connected? For Docker's HEALTHCHECK and monitors."""

from __future__ import annotations

import time
from pathlib import Path

from relay.cli.status import format_age
from relay.store.service_state import HEARTBEAT_STALE_SECONDS
from relay.store.sqlite_store import read_only


def check_health(database: Path, now: float | None = None,
                 failing_after: float | None = None) -> tuple[bool, str]:
    """(healthy, one line saying why) from the heartbeat the running service writes.

    With ``failing_after`` (seconds; ``[publish] failing_alert_minutes``), posts that have been
    failing longer than that make the service unhealthy too: people must fix the cause."""
    if not Path(database).is_file():
        return False, f"no database at {database}: the service has never run"
    now = time.time() if now is None else now
    beat = read_only(database, lambda store: store.last_beat())
    failing = read_only(database, lambda store: store.publish_failing())
    if beat is None:
        return False, "no heartbeat yet: the service has not started"
    age = int(now - beat.at)
    if beat.state == "stopped":
        return False, f"the service stopped {age}s ago"
    if age > HEARTBEAT_STALE_SECONDS:
        return False, f"last heartbeat {age}s ago (pid {beat.pid}): the service is not running"
    if beat.state != "running":
        return False, f"degraded ({beat.detail}), heartbeat {age}s ago"
    failed, since = failing
    if failed and since is not None and failing_after is not None \
            and now - since >= failing_after:
        return False, (f"publishing failing for {format_age(now - since)}: {failed} post"
                       f"{'s' if failed != 1 else ''} failed; see the reason on their cards "
                       f"or in `relay status`, fix it, then /retry all in the review chat")
    return True, f"healthy: {beat.detail}, heartbeat {age}s ago (pid {beat.pid})"
