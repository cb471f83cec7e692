"""How long to wait before trying again: one doubling rule for every retry in relay (the
translation engine's drafts, the publisher's sends, the supervisor's restarts). Pure."""

from __future__ import annotations


def backoff(attempt: int, base: float = 1.0, cap: float = 30.0) -> float:
    """The pause before try ``attempt + 1`` (attempt 1 failed: ``base``; then doubled, at
    most ``cap``)."""
    return min(cap, base * 2 ** min(max(0, attempt - 1), 64))
