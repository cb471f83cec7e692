"""Links to Telegram posts."""

from __future__ import annotations


def bare_channel_id(channel_id: int) -> int:
    """The positive channel id: ``-1001234567890`` (Bot API form) -> ``1234567890``."""
    if channel_id < 0:
        digits = str(-channel_id)
        if digits.startswith("100") and len(digits) > 3:
            return int(digits[3:])
        return -channel_id
    return channel_id


def post_link(username: str | None, channel_id: int, message_id: int) -> str:
    """``https://t.me/<username>/<id>`` for a public channel, ``https://t.me/c/<id>/<msg>``
    for a private one (``channel_id`` bare or in ``-100...`` form)."""
    if username:
        return f"https://t.me/{username.lstrip('@')}/{message_id}"
    return f"https://t.me/c/{bare_channel_id(channel_id)}/{message_id}"
