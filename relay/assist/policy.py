"""How relay treats a translation engine: retries with backoff, a rate limit and a circuit
breaker. Pure: the clock is passed in, nothing sleeps here (the caller sleeps for the delays
these objects name), so every rule is tested with a fake clock.

An engine that is down must cost relay nothing but the drafts: after ``threshold`` failed
drafts in a row the breaker opens and no request is made for ``cooldown`` seconds; then one
draft is let through (half-open). It succeeds: the breaker closes. It fails: open again.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"


@dataclass
class RateLimit:
    """At most ``per_minute`` requests in any minute: a token bucket of one minute's worth
    that refills evenly."""

    per_minute: int
    tokens: float = field(init=False)
    updated: float | None = field(default=None, init=False)

    def __post_init__(self) -> None:
        if self.per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.tokens = float(self.per_minute)

    def _refill(self, now: float) -> None:
        if self.updated is not None:
            self.tokens = min(float(self.per_minute),
                              self.tokens + (now - self.updated) * self.per_minute / 60.0)
        self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until a request may be made (0: now)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) * 60.0 / self.per_minute

    def take(self, now: float) -> None:
        """A request is made now."""
        self._refill(now)
        self.tokens -= 1


@dataclass
class Breaker:
    """The circuit breaker: closed (requests go), open (none go), half-open (one goes)."""

    threshold: int
    cooldown: float
    failures: int = 0
    opened_at: float | None = None
    trial: bool = False  # the one draft of a half-open breaker is under way

    def state(self, now: float) -> str:
        if self.opened_at is None:
            return CLOSED
        return HALF_OPEN if now - self.opened_at >= self.cooldown else OPEN

    def allow(self, now: float) -> bool:
        """May a draft be tried now? In half-open state only one at a time."""
        state = self.state(now)
        if state == CLOSED:
            return True
        if state == HALF_OPEN and not self.trial:
            self.trial = True
            return True
        return False

    def reopens_in(self, now: float) -> float:
        """Seconds until the breaker lets a draft through again (0 when it does now)."""
        if self.opened_at is None:
            return 0.0
        return max(0.0, self.opened_at + self.cooldown - now)

    def release(self) -> None:
        """The draft let through made no request (an empty or too long text): the trial of
        a half-open breaker is still to come."""
        self.trial = False

    def success(self) -> bool:
        """A draft succeeded; True when this closed an open breaker."""
        was_open = self.opened_at is not None
        self.failures, self.opened_at, self.trial = 0, None, False
        return was_open

    def failure(self, now: float) -> bool:
        """A draft failed (after its retries); True when this opened the breaker."""
        self.failures += 1
        reopened = self.trial
        self.trial = False
        if reopened or (self.opened_at is None and self.failures >= self.threshold):
            first = self.opened_at is None
            self.opened_at = now
            return first
        return False


@dataclass
class Policy:
    """The rules for one engine, and what it has seen (for ``relay status`` and the log)."""

    timeout: float
    retries: int
    rate: RateLimit
    breaker: Breaker
    drafts: int = 0
    failures: int = 0
    garbage: int = 0
    outages: int = 0

    @classmethod
    def of(cls, *, timeout: float, retries: int, per_minute: int, breaker_failures: int,
           breaker_cooldown: float) -> Policy:
        return cls(timeout, retries, RateLimit(per_minute), Breaker(breaker_failures,
                                                                    breaker_cooldown))
