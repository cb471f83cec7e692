"""What the heartbeat says: each part's state, the waits in force, failing publication.

``watcher=ok bot=waiting publisher=failing; bot waits in -1001234 until 2027-01-15T08:00:00Z
(flood wait); publishing failing: 2 posts since 2027-01-15T07:40:00Z``. A part is ``down``
(not connected or not running: the service is degraded), ``waiting`` (Telegram told it to wait
somewhere: it works on elsewhere), ``failing`` (posts failed and wait for people) or ``ok``.
Pure: ``relay health`` and ``relay status`` read it back without the service.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from relay.telegram.waits import Wait, describe

_FAILING = re.compile(r"publishing failing: (\d+) posts? since (\S+Z)")


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def compose(health: dict[str, bool], waits: list[Wait], failed: int,
            failing_since: int | None) -> tuple[str, str]:
    """(state, detail) for the heartbeat row."""
    waiting = {w.part for w in waits}
    words = []
    for part, up in health.items():
        if not up:
            word = "down"
        elif part == "publisher" and failed:
            word = "failing"
        elif part in waiting:
            word = "waiting"
        else:
            word = "ok"
        words.append(f"{part}={word}")
    detail = " ".join(words)
    if waits:
        detail += "; " + describe(waits)
    if failed and failing_since is not None:
        detail += (f"; publishing failing: {failed} post{'s' if failed != 1 else ''}"
                   f" since {_iso(failing_since)}")
    return ("running" if all(health.values()) else "degraded"), detail


def failing_of(detail: str | None) -> tuple[int, int] | None:
    """(failed posts, since when) from a heartbeat detail, or None."""
    m = _FAILING.search(detail or "")
    if m is None:
        return None
    since = datetime.strptime(m[2], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return int(m[1]), int(since.timestamp())
