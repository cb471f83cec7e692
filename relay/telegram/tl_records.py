"""A Telethon channel message -> the :class:`MessageRow` relay stores."""

from __future__ import annotations

import json
from typing import Any

from telethon import utils
from telethon.tl import types

from relay.core.records import MessageRow
from relay.telegram.entities import from_telethon


def _unix(value: Any) -> int | None:
    return int(value.timestamp()) if value is not None else None


def media_info(media: Any) -> tuple[str | None, int | None, str | None]:
    """(kind, size in bytes, file name) of a message's media."""
    if media is None:
        return None, None, None
    if isinstance(media, types.MessageMediaPhoto):
        photo = media.photo
        size = None
        if isinstance(photo, types.Photo):
            sizes = [getattr(s, "size", None) or max(getattr(s, "sizes", None) or [0])
                     for s in photo.sizes]
            size = max(sizes, default=None)
        return "photo", size, None
    if isinstance(media, types.MessageMediaDocument):
        doc = media.document
        if not isinstance(doc, types.Document):
            return "document", None, None
        name = next((a.file_name for a in doc.attributes
                     if isinstance(a, types.DocumentAttributeFilename)), None)
        return _document_kind(doc, media), doc.size, name
    if isinstance(media, types.MessageMediaWebPage):
        return "webpage", None, None
    if isinstance(media, types.MessageMediaPoll):
        return "poll", None, None
    if isinstance(media, types.MessageMediaGeo | types.MessageMediaGeoLive | types.MessageMediaVenue):
        return "location", None, None
    if isinstance(media, types.MessageMediaContact):
        return "contact", None, None
    return type(media).__name__.removeprefix("MessageMedia").lower() or "other", None, None


def _document_kind(doc: types.Document, media: types.MessageMediaDocument) -> str:
    for attr in doc.attributes:
        if isinstance(attr, types.DocumentAttributeSticker):
            return "sticker"
        if isinstance(attr, types.DocumentAttributeAnimated):
            return "animation"
        if isinstance(attr, types.DocumentAttributeAudio):
            return "voice" if attr.voice else "audio"
        if isinstance(attr, types.DocumentAttributeVideo):
            return "round" if attr.round_message else "video"
    return "document"


#: Media relay can re-post later; links (web page previews), polls and the like are not files.
DOWNLOADABLE = frozenset({"photo", "video", "document", "audio", "voice", "animation", "round"})


def forward_info(fwd: Any, origin_chat: Any = None) -> str | None:
    """JSON of the forward origin, or None when the post is not forwarded. ``origin_chat`` is
    the origin channel when Telegram sent it along (the update's or history answer's
    ``chats``): its title and username are kept, so the credit can name and link it; a hidden
    or private origin is kept as Telegram shows it, never invented."""
    if fwd is None:
        return None
    origin: dict[str, Any] = {"date": _unix(fwd.date)}
    title = getattr(origin_chat, "title", None)
    if isinstance(title, str) and title:
        origin["title"] = title
        username = getattr(origin_chat, "username", None)
        if isinstance(username, str) and username:
            origin["username"] = username
    if fwd.from_id is not None:
        origin["from_id"] = utils.get_peer_id(fwd.from_id)
    if fwd.from_name:
        origin["from_name"] = fwd.from_name
    if fwd.channel_post:
        origin["channel_post"] = fwd.channel_post
    if fwd.post_author:
        origin["post_author"] = fwd.post_author
    return json.dumps(origin, ensure_ascii=False, separators=(",", ":"))


def message_row(msg: types.Message, entities: dict[int, Any] | None = None) -> MessageRow:
    """The stored form of a channel message (``msg.peer_id`` must be a channel)."""
    kind, size, name = media_info(msg.media)
    reply = msg.reply_to
    return MessageRow(
        channel_id=msg.peer_id.channel_id,
        message_id=msg.id,
        date=_unix(msg.date) or 0,
        text=msg.message or "",
        entities=from_telethon(msg.entities),
        edit_date=_unix(msg.edit_date),
        grouped_id=msg.grouped_id,
        media_kind=kind,
        media_size=size,
        media_name=name,
        fwd_from=forward_info(msg.fwd_from, _forward_chat(msg, entities)),
        reply_to=getattr(reply, "reply_to_msg_id", None),
        post_author=msg.post_author,
    )


def _forward_chat(msg: types.Message, entities: dict[int, Any] | None) -> Any:
    """The origin channel of a forward, when Telegram sent it along: from a live update's
    ``entities`` (the update's ``chats``), or as Telethon resolved it for a history answer;
    None otherwise."""
    origin = getattr(msg.fwd_from, "from_id", None) if msg.fwd_from else None
    if entities and isinstance(origin, types.PeerChannel):
        chat = entities.get(utils.get_peer_id(origin))
        if chat is not None:
            return chat
    forward = getattr(msg, "forward", None)
    return getattr(forward, "chat", None) if forward is not None else None
