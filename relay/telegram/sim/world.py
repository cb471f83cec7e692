"""The scripted, in-memory Telegram: accounts, channels, messages, files and update delivery.

Tests and ``relay demo`` use it to drive the project's real Telethon clients:

    tg = SimTelegram()
    watcher = tg.add_user("Watcher")
    vahed = tg.add_channel("Vahed Syndicate", username="vahed", members=[watcher])
    client = tg.client(watcher)              # a real TelegramClient; only the network is simulated
    tg.post(vahed, "اعتصاب رانندگان")         # pushes UpdateNewChannelMessage through the client
    await tg.settle()                        # until every client has handled what it was sent

What the clients asked for is in ``tg.requests``; what ended up in a chat is ``tg.history(chat)``.
Failures are scripted with :meth:`SimTelegram.fail_next` (e.g. ``"FLOOD_WAIT_5"``) and
:meth:`SimTelegram.on_request` hooks; network drops with :meth:`SimTelegram.go_offline`.

What the world holds and how it changes is :class:`~relay.telegram.sim.state.TelegramState`;
how each request is answered is :mod:`relay.telegram.sim.handlers`; the pieces it is made of
are in :mod:`relay.telegram.sim.model`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections.abc import Callable
from typing import Any

from telethon import TelegramClient
from telethon.crypto import AuthKey
from telethon.sessions import MemorySession
from telethon.tl.tlobject import TLRequest

from relay.telegram.sim.handlers import HANDLERS
from relay.telegram.sim.model import (
    KEEP,
    Account,
    Callback,
    Chan,
    Recorded,
    callback_data,
    rpc_error,
)
from relay.telegram.sim.sender import SimSender
from relay.telegram.sim.state import TelegramState, utc_now

__all__ = ["KEEP", "Account", "Callback", "Chan", "Recorded", "SimTelegram", "callback_data",
           "rpc_error"]


class SimTelegram(TelegramState):
    """The whole simulated Telegram shared by every client attached to it."""

    def __init__(self, clock: Callable[[], dt.datetime] = utc_now):
        super().__init__(clock)
        self.requests: list[Recorded] = []
        self._clients: list[TelegramClient] = []
        self._failures: list[tuple[int | None, type, str, int]] = []
        self._hooks: list[Callable[[SimSender, TLRequest], Any]] = []
        self._response_hooks: list[Callable[[SimSender, TLRequest, Any], Any]] = []
        self._pending = 0
        self._handlers = HANDLERS

    # ------------------------------------------------------------------ clients
    def client(self, account: Account | None, *, cls: type[TelegramClient] = TelegramClient,
               session: Any = None, api_id: int = 1, api_hash: str = "sim-api-hash",
               **kwargs: Any) -> TelegramClient:
        """A real ``TelegramClient`` (or subclass) whose network is this world.

        ``account`` None gives a client that still has to log in (``relay login`` or a bot token).
        """
        client = cls(session if session is not None else MemorySession(), api_id, api_hash,
                     **kwargs)
        # A session saved by an earlier client keeps its auth key, and with it its account:
        # a client that comes back with its session is signed in, as on Telegram.
        key = client.session.auth_key or AuthKey(os.urandom(256))
        if account is not None:
            self.authorizations[key.key] = account.id
        user_id = account.id if account else self.authorizations.get(key.key)
        client._sender = SimSender(self, client._updates_queue, user_id, key)
        self._clients.append(client)
        return client

    def go_offline(self, client: TelegramClient) -> None:
        """The client's network drops: it receives nothing until :meth:`go_online`."""
        client._sender.online = False

    async def go_online(self, client: TelegramClient) -> None:
        """The network is back: Telethon's own reconnect callback runs, as after a real drop."""
        client._sender.online = True
        await client._handle_auto_reconnect()

    def _attach(self, sender: SimSender) -> None:
        self._senders.append(sender)

    def _detach(self, sender: SimSender) -> None:
        if sender in self._senders:
            self._senders.remove(sender)

    async def settle(self, rounds: int = 3, timeout: float = 10.0) -> None:
        """Wait until every client has taken and handled every update and answer it was sent."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet = 0
        while quiet < rounds:
            busy = self._pending > 0 or any(
                not c._updates_queue.empty() or c._event_handler_tasks
                for c in self._clients
                if c.is_connected()
            )
            quiet = 0 if busy else quiet + 1
            if loop.time() > deadline:
                raise TimeoutError("simulated Telegram did not settle")
            await asyncio.sleep(0.001 if busy else 0)

    # ------------------------------------------------------------------ scripting failures
    def fail_next(self, error: str, *, request: type | None = None, account: Account | None = None,
                  times: int = 1) -> None:
        """The next ``times`` matching requests fail with the RPC error ``error``."""
        self._failures.append((account.id if account else None, request or TLRequest, error, times))

    def on_request(self, hook: Callable[[SimSender, TLRequest], Any]) -> None:
        """Call ``hook(sender, request)`` before each request is handled; it may raise."""
        self._hooks.append(hook)

    def on_response(self, hook: Callable[[SimSender, TLRequest, Any], Any]) -> None:
        """Call ``hook(sender, request, answer)`` after Telegram has acted on a request and
        before the client gets the answer; raising here loses the answer, not the action."""
        self._response_hooks.append(hook)

    def clear_hooks(self) -> None:
        self._hooks.clear()
        self._response_hooks.clear()

    # ------------------------------------------------------------------ what the clients asked
    def requests_by(self, account: Account) -> list[Recorded]:
        return [r for r in self.requests if r.user_id == account.id]

    async def _handle(self, sender: SimSender, request: TLRequest) -> Any:
        self._pending += 1
        try:
            self.requests.append(Recorded(sender.user_id, request))
            for hook in list(self._hooks):
                result = hook(sender, request)
                if asyncio.iscoroutine(result):
                    await result
            self._raise_scripted_failure(sender, request)
            handler = self._handlers.get(type(request))
            if handler is None:
                raise NotImplementedError(f"simulated Telegram does not answer {type(request).__name__}")
            result = handler(self, sender, request)
            for response_hook in list(self._response_hooks):
                response_hook(sender, request, result)
            return result
        finally:
            self._pending -= 1

    def _raise_scripted_failure(self, sender: SimSender, request: TLRequest) -> None:
        for index, (user_id, kind, error, times) in enumerate(self._failures):
            if (user_id is None or user_id == sender.user_id) and isinstance(request, kind):
                if times <= 1:
                    self._failures.pop(index)
                else:
                    self._failures[index] = (user_id, kind, error, times - 1)
                raise rpc_error(error, request)
