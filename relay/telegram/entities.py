"""Conversion between Telethon's ``MessageEntity*`` types and relay's own :class:`Entity`."""

from __future__ import annotations

from typing import Any

from telethon.tl import types

from relay.text.formatting import Entity

_TO_KIND: dict[type, str] = {
    types.MessageEntityBold: "bold",
    types.MessageEntityItalic: "italic",
    types.MessageEntityUnderline: "underline",
    types.MessageEntityStrike: "strike",
    types.MessageEntitySpoiler: "spoiler",
    types.MessageEntityCode: "code",
    types.MessageEntityPre: "pre",
    types.MessageEntityBlockquote: "blockquote",
    types.MessageEntityTextUrl: "text_url",
    types.MessageEntityUrl: "url",
    types.MessageEntityEmail: "email",
    types.MessageEntityPhone: "phone",
    types.MessageEntityMention: "mention",
    types.MessageEntityMentionName: "mention_name",
    types.MessageEntityHashtag: "hashtag",
    types.MessageEntityCashtag: "cashtag",
    types.MessageEntityBotCommand: "bot_command",
}
_FROM_KIND: dict[str, type] = {kind: cls for cls, kind in _TO_KIND.items()}


def from_telethon(entities: list[Any] | None) -> tuple[Entity, ...]:
    """relay entities for the kinds relay keeps; others (custom emoji, ...) are dropped."""
    out = []
    for e in entities or ():
        kind = _TO_KIND.get(type(e))
        if kind is None:
            continue
        out.append(Entity(
            kind, e.offset, e.length,
            url=getattr(e, "url", None) if kind == "text_url" else None,
            language=(getattr(e, "language", None) or None) if kind == "pre" else None,
            user_id=getattr(e, "user_id", None) if kind == "mention_name" else None,
        ))
    return tuple(out)


def to_telethon(entities: tuple[Entity, ...] | list[Entity]) -> list[Any]:
    """Telethon entities for sending. Entities Telegram detects by itself (links, mentions,
    hashtags) are sent too, so the text shows exactly as it was stored."""
    out: list[Any] = []
    for e in entities:
        if e.kind == "text_url":
            out.append(types.MessageEntityTextUrl(e.offset, e.length, e.url or ""))
        elif e.kind == "pre":
            out.append(types.MessageEntityPre(e.offset, e.length, e.language or ""))
        elif e.kind == "mention_name":
            continue  # needs an input user; the name stays as plain text
        elif e.kind in _FROM_KIND:
            out.append(_FROM_KIND[e.kind](e.offset, e.length))
    return out
