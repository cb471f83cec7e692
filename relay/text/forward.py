"""Who a forwarded post is credited to, from the forward origin relay stored. Pure.

The watcher stores a message's forward header as JSON (``messages.fwd_from``, written by
:func:`relay.telegram.tl_records.forward_info`): ``from_id`` (the origin's peer id, channels in
``-100...`` form), ``from_name`` (a hidden user's or an unresolved sender's name, as Telegram
shows it), ``channel_post`` (the origin post's id) and ``post_author``; and, when Telegram sent the
origin channel along in the update's ``chats``, its ``title`` and ``username``.

A forward is credited only with what Telegram showed: the origin's title (or ``from_name``), and a
link to the original post only when the origin is public. An origin whose name relay never saw is
not named at all (the post is then credited like any other post of its source).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from relay.text.links import post_link

__all__ = ["ForwardOrigin", "forward_origin"]


@dataclass(frozen=True, slots=True)
class ForwardOrigin:
    """The organisation a forwarded post comes from: its name and, for a public channel, a link
    to the original post (``""`` otherwise)."""

    name: str
    link: str = ""
    channel_id: int | None = None  # the origin channel's bare id, when it is a channel


def forward_origin(fwd_from: str | None) -> ForwardOrigin | None:
    """The origin to credit for a post with this stored forward header; None when the post is
    not a forward or Telegram did not show who its origin is."""
    if not fwd_from:
        return None
    try:
        data: Any = json.loads(fwd_from)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    channel_id = _bare_channel_id(data.get("from_id"))
    title = _text(data.get("title"))
    if title:
        username = _text(data.get("username"))
        post = data.get("channel_post")
        link = ""
        if username and isinstance(post, int) and channel_id is not None:
            link = post_link(username, channel_id, post)
        return ForwardOrigin(title, link, channel_id)
    name = _text(data.get("from_name"))
    if name:
        return ForwardOrigin(name, "", channel_id)
    return None


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _bare_channel_id(peer_id: object) -> int | None:
    """``-1001234567890`` -> ``1234567890``; None for a user, a group or no id."""
    if not isinstance(peer_id, int) or isinstance(peer_id, bool):
        return None
    digits = str(-peer_id) if peer_id < 0 else ""
    if digits.startswith("100") and len(digits) > 3:
        return int(digits[3:])
    return None
