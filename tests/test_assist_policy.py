"""The engine's resilience rules, with a fake clock: retries' backoff, the rate limit and the
circuit breaker (closed -> open -> half-open -> closed or open again)."""

from __future__ import annotations

import pytest

from relay.assist.policy import CLOSED, HALF_OPEN, OPEN, Breaker, RateLimit
from relay.core.retry import backoff


def test_backoff_doubles_up_to_a_cap() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 8.0]
    assert backoff(20) == 30.0


def test_rate_limit_lets_a_minute_through_then_spaces_requests_evenly() -> None:
    rate = RateLimit(per_minute=60)
    now = 1000.0
    for _ in range(60):
        assert rate.wait(now) == 0
        rate.take(now)
    assert rate.wait(now) == pytest.approx(1.0)
    assert rate.wait(now + 0.5) == pytest.approx(0.5)
    assert rate.wait(now + 1.0) == 0
    rate.take(now + 1.0)
    assert rate.wait(now + 1.0) == pytest.approx(1.0)


def test_rate_limit_refuses_nonsense() -> None:
    with pytest.raises(ValueError):
        RateLimit(per_minute=0)


def test_breaker_opens_after_threshold_failures_in_a_row() -> None:
    breaker = Breaker(threshold=3, cooldown=60)
    assert breaker.state(0) == CLOSED and breaker.allow(0)
    assert not breaker.failure(1) and not breaker.failure(2)
    assert breaker.success() is False  # a success resets the count
    assert not breaker.failure(3) and not breaker.failure(4)
    assert breaker.failure(5) is True  # the third in a row opens it: the one warning line
    assert breaker.state(10) == OPEN and not breaker.allow(10)
    assert breaker.reopens_in(10) == 55


def test_half_open_breaker_lets_one_draft_through_and_closes_on_success() -> None:
    breaker = Breaker(threshold=1, cooldown=60)
    assert breaker.failure(0)
    assert breaker.state(60) == HALF_OPEN
    assert breaker.allow(60) is True
    assert breaker.allow(60) is False  # only one trial at a time
    assert breaker.success() is True  # closed again: the "engine is back" line
    assert breaker.state(61) == CLOSED and breaker.allow(61)


def test_half_open_breaker_that_fails_opens_again_without_a_second_warning() -> None:
    breaker = Breaker(threshold=2, cooldown=60)
    breaker.failure(0)
    assert breaker.failure(1) is True
    assert breaker.allow(61)
    assert breaker.failure(61) is False  # still the same outage
    assert breaker.state(100) == OPEN and breaker.reopens_in(100) == 21
    assert breaker.allow(121) and breaker.success()
