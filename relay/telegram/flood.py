"""Flood waits relay has waited out itself."""

from __future__ import annotations

from typing import Any


def forget_flood_waits(client: Any) -> None:
    """Clear Telethon's own note of the flood waits it was told about.

    Telethon remembers a FLOOD_WAIT per request type and refuses that request, without sending
    it, until the wait is over by its own clock. Once relay has waited (a sleep, or a wait kept
    in the database across a restart) the retry must go out. This reaches into Telethon 1.x's
    private ``_flood_waited_requests``; it is the one place that does."""
    getattr(client, "_flood_waited_requests", {}).clear()
