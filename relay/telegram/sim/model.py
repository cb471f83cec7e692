"""What the simulated Telegram is made of: accounts, channels, recorded requests, button
presses, and the RPC errors it answers with."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from telethon import errors
from telethon.tl import types
from telethon.tl.tlobject import TLRequest

KEEP = object()  # "leave as it is"

# Telegram's limits, in UTF-16 code units for text and bytes for button data.
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64


def rpc_error(message: str, request: TLRequest | None = None, code: int = 400) -> errors.RPCError:
    """The exact exception Telethon raises for an RPC error with this message."""
    if message.startswith("FLOOD_WAIT_"):
        code = 420
    elif message in {"AUTH_KEY_UNREGISTERED", "SESSION_REVOKED", "USER_DEACTIVATED"}:
        code = 401
    elif message in {"CHAT_WRITE_FORBIDDEN", "CHAT_ADMIN_REQUIRED", "USER_IS_BLOCKED"}:
        code = 403
    return errors.rpc_message_to_error(types.RpcError(code, message), request)


@dataclass
class Account:
    """A user or bot account and its own box of private messages."""

    user: types.User
    token: str | None = None
    login_code: str = "12345"
    pts: int = 1
    log: list[tuple[int, Any]] = field(default_factory=list)
    next_message_id: int = 1
    box: dict[int, types.Message] = field(default_factory=dict)
    #: What happened while no client of this account was connected, kept for its next
    #: ``updates.getDifference``: channels with news (answered as ``updateChannelTooLong``)
    #: and updates without a pts (button presses), as Telegram keeps them for a bot.
    missed_channels: set[int] = field(default_factory=set)
    missed: list[tuple[Any, list[Any], list[Any]]] = field(default_factory=list)

    @property
    def id(self) -> int:
        return self.user.id


@dataclass
class Chan:
    """A broadcast channel or a supergroup."""

    channel: types.Channel
    members: set[int] = field(default_factory=set)
    admins: dict[int, types.ChatAdminRights] = field(default_factory=dict)
    messages: dict[int, types.Message] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    pts: int = 1
    log: list[tuple[int, Any]] = field(default_factory=list)
    next_message_id: int = 1
    banned: set[int] = field(default_factory=set)

    @property
    def id(self) -> int:
        return self.channel.id

    @property
    def marked_id(self) -> int:
        return -(10**12 + self.channel.id)


@dataclass
class Recorded:
    """One request as the server received it."""

    user_id: int | None
    request: TLRequest

    @property
    def name(self) -> str:
        return type(self.request).__name__


@dataclass
class Callback:
    """A button press and, once the bot answered, its answer."""

    query_id: int
    user_id: int
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    message: str | None = None
    alert: bool = False


def callback_data(button: Any) -> bytes | None:
    """The callback data an inline button carries, or None for other buttons."""
    kind = getattr(button, "type", None)
    if isinstance(kind, types.InlineButtonTypeCallback):
        return kind.data or b""
    return None


def button_data(markup: Any) -> set[bytes]:
    """The callback data of every inline button under a message."""
    if not isinstance(markup, types.ReplyInlineMarkup):
        return set()
    return {d for row in markup.rows for b in row.buttons if (d := callback_data(b)) is not None}
