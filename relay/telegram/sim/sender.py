"""The one piece of Telethon that the simulation replaces: the network sender.

A real ``TelegramClient`` talks to Telegram through ``client._sender`` (an ``MTProtoSender``):
``send(request)`` returns a future answered by the server, and updates the server pushes are put
on ``client._updates_queue``, which the client's own update loop reads. ``SimSender`` keeps that
contract but answers from the in-memory :class:`~relay.telegram.sim.world.SimTelegram` instead of a socket.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from telethon import errors, utils
from telethon.crypto import AuthKey
from telethon.tl import types
from telethon.tl.tlobject import TLRequest

from relay.telegram.sim.wire import decode_result, roundtrip_request

_OWN_UPDATES = (
    types.Updates,
    types.UpdatesCombined,
    types.UpdateShort,
    types.UpdateShortMessage,
    types.UpdateShortChatMessage,
    types.UpdateShortSentMessage,
)


class Server(Protocol):
    """What a sender needs of the simulated Telegram it is attached to (``SimTelegram``)."""

    def _attach(self, sender: SimSender) -> None: ...

    def _detach(self, sender: SimSender) -> None: ...

    async def _handle(self, sender: SimSender, request: TLRequest) -> Any: ...


class SimSender:
    """Stands in for ``MTProtoSender``; one per client, bound to one account once authorised."""

    def __init__(self, world: Server, updates_queue: asyncio.Queue, user_id: int | None,
                 auth_key: AuthKey | None = None):
        self.world = world
        self.updates_queue = updates_queue
        self.user_id = user_id
        #: The key the client's session keeps; Telegram knows which account signed in with it.
        self.auth_key = auth_key or AuthKey(b"\x00" * 256)
        self._user_connected = False
        self._disconnected_future: asyncio.Future | None = None
        self.online = True  # False while the simulated network is down

    # --- the MTProtoSender surface Telethon uses -------------------------------------------
    async def connect(self, connection: Any) -> bool:
        if self._user_connected:
            return False
        self._user_connected = True
        self._disconnected_future = asyncio.get_running_loop().create_future()
        self.world._attach(self)
        return True

    def is_connected(self) -> bool:
        return self._user_connected

    def _transport_connected(self) -> bool:
        return self._user_connected and self.online

    async def disconnect(self) -> None:
        if not self._user_connected:
            return
        self._user_connected = False
        self.world._detach(self)
        if self._disconnected_future and not self._disconnected_future.done():
            self._disconnected_future.set_result(None)

    @property
    def disconnected(self) -> asyncio.Future:
        if self._disconnected_future is None:
            fut = asyncio.get_running_loop().create_future()
            fut.set_result(None)
            return fut
        return asyncio.shield(self._disconnected_future)

    def _keepalive_ping(self, rnd_id: int) -> None:
        """Pings need no answer here."""

    def send(self, request: TLRequest | list[TLRequest],
             ordered: bool = False) -> asyncio.Future | list[asyncio.Future]:
        if not self._user_connected:
            raise ConnectionError("Cannot send requests while disconnected")
        if isinstance(request, list):
            return [self._send_one(r) for r in request]
        return self._send_one(request)

    # --- internals ---------------------------------------------------------------------------
    def _send_one(self, request: TLRequest) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        loop.create_task(self._answer(request, future))
        return future

    async def _answer(self, request: TLRequest, future: asyncio.Future) -> None:
        # Yield once, as a real round trip would, so callers never get answers synchronously.
        await asyncio.sleep(0)
        try:
            if not self.online:
                raise ConnectionError("simulated network is down")
            wire_request = roundtrip_request(request)
            result = await self.world._handle(self, wire_request)
            answer = decode_result(request, result)
        except errors.RPCError as exc:
            exc.request = request
            if not future.done():
                future.set_exception(exc)
            return
        except BaseException as exc:  # noqa: BLE001 - forwarded to the caller
            if not future.done():
                future.set_exception(exc)
            return
        if isinstance(answer, _OWN_UPDATES):
            answer._self_outgoing = True
            self.updates_queue.put_nowait(answer)
        if not future.done():
            future.set_result(answer)

    def push(self, updates: types.TypeUpdates) -> None:
        """Deliver an update from the server, as the receive loop would."""
        if self._user_connected and self.online:
            self.updates_queue.put_nowait(updates)


def peer_id_of(peer: Any) -> int:
    """Telethon's marked id of a peer, input peer or entity."""
    return utils.get_peer_id(peer)
