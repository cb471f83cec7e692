"""Telegram's posting limits as a sliding window: per target channel a minute, in all a second.

Pure: the caller passes the time. ``wait(target, now)`` says how long until a post to
``target`` is allowed; ``record(target, now)`` notes one that was made.
"""

from __future__ import annotations

from collections import defaultdict, deque


class RateLimiter:
    def __init__(self, per_target_per_minute: int = 20, global_per_second: int = 30):
        self.per_target = per_target_per_minute
        self.per_second = global_per_second
        self._target: dict[str, deque[float]] = defaultdict(deque)
        self._all: deque[float] = deque()

    @staticmethod
    def _expire(window: deque[float], now: float, span: float) -> None:
        while window and window[0] <= now - span:
            window.popleft()

    def wait(self, target: str, now: float) -> float:
        """Seconds to wait before the next post to ``target`` (0 when it may go now)."""
        sent = self._target[target]
        self._expire(sent, now, 60.0)
        self._expire(self._all, now, 1.0)
        waits = [0.0]
        if len(sent) >= self.per_target:
            waits.append(sent[len(sent) - self.per_target] + 60.0 - now)
        if len(self._all) >= self.per_second:
            waits.append(self._all[len(self._all) - self.per_second] + 1.0 - now)
        return max(waits)

    def record(self, target: str, now: float) -> None:
        self._target[target].append(now)
        self._all.append(now)
