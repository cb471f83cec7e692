"""The watcher's Telegram client: a user account that can only ever read.

Every request passes through :meth:`ReadOnlyClient._call`; anything not on the read-only
list is refused before it leaves the process, so no code path (ours or a library's) can make
the watcher post, forward, react, join, mark as read or change anything on Telegram.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telethon import TelegramClient
from telethon.network.connection import ConnectionTcpMTProxyRandomizedIntermediate
from telethon.tl import functions as fn

from relay.config.proxy import Proxy
from relay.logs import event

log = logging.getLogger("relay.watcher")

#: Requests the watcher may make: reading, downloading, keeping updates flowing, and logging in.
READ_ONLY_REQUESTS: frozenset[type] = frozenset({
    fn.help.GetConfigRequest,
    fn.help.GetNearestDcRequest,
    fn.updates.GetStateRequest,
    fn.updates.GetDifferenceRequest,
    fn.updates.GetChannelDifferenceRequest,
    fn.users.GetUsersRequest,
    fn.users.GetFullUserRequest,
    fn.contacts.ResolveUsernameRequest,
    fn.channels.GetChannelsRequest,
    fn.channels.GetFullChannelRequest,
    fn.channels.GetMessagesRequest,
    fn.channels.GetParticipantRequest,
    fn.messages.GetHistoryRequest,
    fn.messages.GetMessagesRequest,
    fn.messages.GetDialogsRequest,
    fn.messages.GetPeerDialogsRequest,
    fn.messages.GetChatsRequest,
    fn.upload.GetFileRequest,
    fn.upload.GetFileHashesRequest,
    # `relay login` only:
    fn.auth.SendCodeRequest,
    fn.auth.ResendCodeRequest,
    fn.auth.SignInRequest,
    fn.account.GetPasswordRequest,
    fn.auth.CheckPasswordRequest,
})


def connection_options(proxy: Proxy | None) -> dict[str, Any]:
    """The ``TelegramClient`` arguments that make it connect through ``proxy`` (None: none).

    SOCKS5 and HTTP CONNECT go through python-socks (Telethon's ``proxy=`` dict; ``rdns``: the
    proxy resolves host names). MTProxy is a connection class of its own, given
    ``(host, port, secret)``; the randomized-intermediate one speaks both plain and dd secrets.
    """
    if proxy is None:
        return {}
    if proxy.kind == "mtproxy":
        return {"connection": ConnectionTcpMTProxyRandomizedIntermediate,
                "proxy": (proxy.host, proxy.port, proxy.secret)}
    return {"proxy": {"proxy_type": proxy.kind, "addr": proxy.host, "port": proxy.port,
                      "username": proxy.username, "password": proxy.password, "rdns": True}}


class WatcherWriteRefused(PermissionError):
    """The watcher tried to make a request that is not a read."""


class ReadOnlyClient(TelegramClient):
    """A ``TelegramClient`` that refuses every request not in :data:`READ_ONLY_REQUESTS`,
    tells its owner when the connection came back after a drop, and shows it every channel
    difference Telethon fetches (see :attr:`on_channel_difference`)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.on_reconnect: list[Callable[[], Awaitable[None]]] = []
        #: Called with ``(request, answer)`` for every ``updates.getChannelDifference`` answer.
        #: Telethon 1.x fetches these to fill a gap in a channel's updates but drops the edits
        #: and deletions in them (it moves the channel's pts before applying the difference's
        #: ``other_updates``, so each looks already seen); the watcher applies them itself.
        self.on_channel_difference: list[Callable[[Any, Any], None]] = []

    async def _call(self, sender: Any, request: Any, ordered: bool = False,
                    flood_sleep_threshold: int | None = None) -> Any:
        for item in request if isinstance(request, list) else [request]:
            if type(item) not in READ_ONLY_REQUESTS:
                name = type(item).__name__
                log.error(event("watcher.write_refused", request=name))
                raise WatcherWriteRefused(f"the watcher account only reads; refused {name}")
        answer = await super()._call(sender, request, ordered=ordered,
                                     flood_sleep_threshold=flood_sleep_threshold)
        if self.on_channel_difference and isinstance(request,
                                                     fn.updates.GetChannelDifferenceRequest):
            for callback in list(self.on_channel_difference):
                try:
                    callback(request, answer)
                except Exception:  # noqa: BLE001 - Telethon's own update loop must go on
                    log.exception(event("watcher.difference_callback_failed"))
        return answer

    async def _handle_auto_reconnect(self) -> None:
        await super()._handle_auto_reconnect()
        for callback in list(self.on_reconnect):
            try:
                await callback()
            except Exception:  # noqa: BLE001 - one failing callback must not stop the others
                log.exception(event("watcher.reconnect_callback_failed"))


async def each_message(items: Any) -> Any:
    """Iterate what ``get_messages`` (a list) or ``iter_messages`` (async) returned."""
    if hasattr(items, "__aiter__"):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item
