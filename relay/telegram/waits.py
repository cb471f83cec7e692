"""Who is waiting, where, and until when: the waits Telegram imposed, one per (part, place).

Telethon remembers a FLOOD_WAIT per request type, not per chat; relay keeps its own book, per
part of the service (``bot``, ``publisher``, ``watcher``) and per place (a channel, a chat), so a
wait holds only what Telegram limited and the heartbeat can say exactly what waits.

One :class:`WaitBook` per Telegram client (the review bot and the publisher share the bot's
client, so they share a book); :func:`book_for` finds it. Pure Python: ``relay status`` and
``relay health`` read the heartbeat text this module writes without importing Telethon.

For the review bot (relay/telegram/bot.py): when a request gets ``FloodWaitError`` in chat
``chat``, call ``note_wait(self.client, "bot", str(chat), exc.seconds, self.clock())`` and do not
sleep in the handler; before sending to that chat again, ``waiting_until(self.client, "bot",
str(chat), self.clock())`` says until when (0 when free), and ``clear_wait(self.client, "bot",
str(chat))`` once a send there succeeded.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: The parts of the service that talk to Telegram, in heartbeat order.
PARTS = ("watcher", "bot", "publisher")


@dataclass(frozen=True, slots=True)
class Wait:
    part: str    # "bot", "publisher", "watcher"
    where: str   # a channel (@relay_en) or chat id
    until: int   # unix seconds
    reason: str = "flood wait"


class WaitBook:
    """The waits in force for one client."""

    def __init__(self) -> None:
        self._waits: dict[tuple[str, str], Wait] = {}

    def hold(self, part: str, where: str, until: float, reason: str = "flood wait") -> Wait:
        wait = Wait(part, where, int(until), reason)
        self._waits[(part, where)] = wait
        return wait

    def release(self, part: str, where: str) -> None:
        self._waits.pop((part, where), None)

    def until(self, part: str, where: str, now: float) -> int:
        """Until when ``part`` must not send to ``where`` (0: it may now)."""
        wait = self._waits.get((part, where))
        return wait.until if wait is not None and wait.until > now else 0

    def active(self, now: float) -> list[Wait]:
        """The waits still in force, soonest over first; those over are forgotten."""
        for key in [k for k, w in self._waits.items() if w.until <= now]:
            del self._waits[key]
        return sorted(self._waits.values(), key=lambda w: (w.until, w.part, w.where))


_BOOKS: weakref.WeakKeyDictionary[Any, WaitBook] = weakref.WeakKeyDictionary()


def book_for(client: Any) -> WaitBook:
    """The wait book of ``client`` (made on first use)."""
    book = _BOOKS.get(client)
    if book is None:
        book = _BOOKS[client] = WaitBook()
    return book


def active_waits(clients: list[Any], now: float) -> list[Wait]:
    """The waits in force in the books of ``clients`` (one book per client, so the bot and
    the publisher, which share the bot's client, share its book), soonest first."""
    found = [w for client in clients if client is not None for w in book_for(client).active(now)]
    return sorted(found, key=lambda w: (w.until, w.part, w.where))


def note_wait(client: Any, part: str, where: str, seconds: float, now: float,
              reason: str = "flood wait") -> Wait:
    """Telegram told ``part`` to wait ``seconds`` before sending to ``where`` again."""
    return book_for(client).hold(part, where, now + seconds, reason)


def clear_wait(client: Any, part: str, where: str) -> None:
    book_for(client).release(part, where)


def waiting_until(client: Any, part: str, where: str, now: float) -> int:
    return book_for(client).until(part, where, now)


# ------------------------------------------------------------------ heartbeat text
def _iso(ts: float) -> str:
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def describe(waits: list[Wait]) -> str:
    """``bot waits in -100123 until 2027-01-15T08:00:00Z (flood wait); ...``: for the heartbeat."""
    return "; ".join(f"{w.part} waits in {w.where} until {_iso(w.until)} ({w.reason})"
                     for w in waits)


_WAIT = re.compile(r"(?P<part>\w+) waits in (?P<where>\S+) until (?P<until>\S+Z) \((?P<reason>[^)]*)\)")


def parse(detail: str | None) -> list[dict[str, Any]]:
    """The waits a heartbeat's detail names, as plain dicts (for ``relay status --json``)."""
    out = []
    for m in _WAIT.finditer(detail or ""):
        until = datetime.strptime(m["until"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        out.append({"part": m["part"], "where": m["where"], "until": m["until"],
                    "until_ts": int(until.timestamp()), "reason": m["reason"]})
    return out
