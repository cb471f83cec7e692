"""Channel references as the operator writes them: ``@name``, t.me links, post links, ids.

:func:`parse_channel_ref` turns any accepted form into a :class:`ChannelRef` or raises
``ValueError`` with a message meant for the operator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from relay.config.table import describe

_USERNAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
#: Bare channel ids are below 10**12; the Bot API marks them as -(10**12 + id), i.e. "-100<id>".
_CHANNEL_MARK = 10**12


def marked_channel_id(bare: int) -> int:
    """A channel's id as the Bot API and Telethon's peer ids write it ("-100<id>")."""
    return -(_CHANNEL_MARK + bare)


def bare_channel_id(marked: int) -> int | None:
    """The bare id of a marked channel id; None for a user's or a basic group's id."""
    return -marked - _CHANNEL_MARK if marked <= -_CHANNEL_MARK else None
_TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})
_INVITE_PATHS = frozenset({"joinchat", "addlist"})
_NON_CHANNEL_PATHS = frozenset(
    {
        "addstickers",
        "addemoji",
        "addtheme",
        "share",
        "proxy",
        "socks",
        "login",
        "iv",
        "setlanguage",
        "bg",
        "boost",
        "invoice",
        "m",
        "contact",
        "giftcode",
    }
)


@dataclass(frozen=True)
class ChannelRef:
    """A channel as configured: a public username or a bare numeric channel id."""

    username: str | None
    id: int | None

    def __post_init__(self) -> None:
        if self.username is not None:
            object.__setattr__(self, "username", self.username.lstrip("@").lower())
        if not self.username and self.id is None:
            raise ValueError("a channel needs a username or an id")
        if self.id is not None and (
            isinstance(self.id, bool) or not isinstance(self.id, int) or self.id <= 0
        ):
            raise ValueError(f"channel id must be a positive integer, got {self.id!r}")

    def __str__(self) -> str:
        return f"@{self.username}" if self.username else f"id {self.id}"

    def same_channel(self, other: ChannelRef) -> bool:
        """True when both refer to the same channel by username or by id."""
        return bool(
            (self.username and self.username == other.username)
            or (self.id is not None and self.id == other.id)
        )


def _invite_error() -> ValueError:
    return ValueError(
        "invite links (t.me/+..., t.me/joinchat/...) cannot be watched: join the channel with "
        "the watcher account and use its numeric id instead (e.g. -1001234567890)"
    )


def _channel_from_id(number: int, shown: str) -> ChannelRef:
    if number < 0:
        bare = -number - _CHANNEL_MARK
        if bare <= 0:
            raise ValueError(
                f"{shown} is not a channel id (channel ids look like -1001234567890; "
                "basic groups and users cannot be watched)"
            )
        return ChannelRef(username=None, id=bare)
    if number == 0:
        raise ValueError("0 is not a channel id")
    if number >= _CHANNEL_MARK:
        raise ValueError(f"{shown} is too large for a channel id (did you mean -{number}?)")
    return ChannelRef(username=None, id=number)


def _channel_from_username(name: str, shown: str) -> ChannelRef:
    if not _USERNAME_RE.fullmatch(name):
        raise ValueError(
            f"{shown} is not a valid Telegram username "
            "(4-32 letters, digits or underscores, starting with a letter)"
        )
    return ChannelRef(username=name.lower(), id=None)


def _channel_from_tg_url(text: str, shown: str) -> ChannelRef:
    parts = urlsplit(text)
    query = parse_qs(parts.query)
    if parts.netloc.lower() == "join":
        raise _invite_error()
    if parts.netloc.lower() == "resolve" and query.get("domain"):
        return _channel_from_username(query["domain"][0], shown)
    if parts.netloc.lower() == "privatepost" and query.get("channel"):
        return _channel_from_id(_digits(query["channel"][0], shown), shown)
    raise ValueError(f"{shown} is not a channel link (expected tg://resolve?domain=<name>)")


def _digits(text: str, shown: str) -> int:
    if not text.isascii() or not text.isdigit():
        raise ValueError(f"{shown}: expected a numeric channel id, got {text!r}")
    return int(text)


def _channel_from_web_url(text: str, shown: str) -> ChannelRef:
    parts = urlsplit(text if "://" in text else "https://" + text)
    host = (parts.hostname or "").lower().removeprefix("www.")
    if host.endswith(".t.me") and host.count(".") == 2:
        return _channel_from_username(host.removesuffix(".t.me"), shown)
    if host not in _TELEGRAM_HOSTS:
        raise ValueError(f"{shown} is not a Telegram link (expected t.me/<name>)")
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        raise ValueError(f"{shown} names no channel (expected t.me/<name>)")
    first = segments[0]
    if first.startswith("+") or first.lower() in _INVITE_PATHS:
        raise _invite_error()
    if first.lower() in _NON_CHANNEL_PATHS:
        raise ValueError(f"{shown} is not a channel link (expected t.me/<name>)")
    if first == "c":
        if len(segments) < 2:
            raise ValueError(f"{shown} has no channel id (expected t.me/c/<id>/<post>)")
        return _channel_from_id(_digits(segments[1], shown), shown)
    if first == "s" and len(segments) >= 2:
        first, segments = segments[1], segments[1:]
    if any(not s.isdigit() for s in segments[1:3]) or len(segments) > 3:
        raise ValueError(f"{shown} is not a channel or post link (expected t.me/<name>/<post>)")
    return _channel_from_username(first, shown)


def parse_channel_ref(value: str | int) -> ChannelRef:
    """Parse a username, t.me link, post link or numeric id into a :class:`ChannelRef`.

    Raises ``ValueError`` with a message meant for the operator.
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(
            f"expected a channel username, t.me link or numeric id, got {describe(value)}"
        )
    if isinstance(value, int):
        return _channel_from_id(value, str(value))
    text = value.strip()
    shown = repr(text)
    if not text:
        raise ValueError("is empty (expected a channel username, t.me link or numeric id)")
    if re.fullmatch(r"[+-]?\d+", text):
        return _channel_from_id(int(text), text)
    if text.startswith("@"):
        return _channel_from_username(text[1:], shown)
    if text.lower().startswith("tg:"):
        return _channel_from_tg_url(text, shown)
    if "/" in text or "." in text:
        return _channel_from_web_url(text, shown)
    return _channel_from_username(text, shown)
