"""Telegram Desktop export (JSON) -> relay's records. Pure: no files, no SQLite.

The export writes a message's text either as a string or as a list of parts, each a plain
string or an object ``{"type": "bold", "text": "..."}`` (newer exports repeat it, with plain
parts as objects too, in ``text_entities``). Telegram Desktop writes those parts in order and
without overlaps (a nested entity is dropped by the export), so concatenating them rebuilds
the text exactly, and each formatted part becomes one :class:`~relay.text.formatting.Entity` whose
offset and length count UTF-16 code units, as Telegram does.

Dates: ``date_unixtime``/``edited_unixtime`` (exports since 2021) are used when present.
Older exports only have ``date``/``edited`` as ISO text *without a zone*, written in the local
time of the computer that exported; that zone is unknown here, so it is taken as UTC (the
stored time may then be off by the exporter's UTC offset).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from relay.config import Source
from relay.core.records import MessageRow
from relay.text.formatting import Entity, FormattedText, utf16_len

#: Export part type -> relay entity kind. Types not listed (plain, custom_emoji, bank_card,
#: unknown, ...) keep their text and lose the formatting.
ENTITY_KINDS: Mapping[str, str] = {
    "bold": "bold",
    "italic": "italic",
    "underline": "underline",
    "strikethrough": "strike",
    "strike": "strike",
    "spoiler": "spoiler",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "expandable_blockquote": "blockquote",
    "text_link": "text_url",
    "text_url": "text_url",
    "link": "url",
    "url": "url",
    "email": "email",
    "phone": "phone",
    "mention": "mention",
    "mention_name": "mention_name",
    "hashtag": "hashtag",
    "cashtag": "cashtag",
    "bot_command": "bot_command",
}
#: Kinds whose adjacent spans are one span (the export splits them where another entity began);
#: the others (hashtags, mentions, links ...) are tokens: two adjacent ones stay two.
_MERGEABLE = frozenset({"bold", "italic", "underline", "strike", "spoiler", "code", "pre",
                        "blockquote", "text_url"})

#: ``media_type`` of a file message -> relay media kind (as in ``relay.telegram.tl_records``).
MEDIA_KINDS: Mapping[str, str] = {
    "sticker": "sticker",
    "animation": "animation",
    "video_file": "video",
    "video_message": "round",
    "voice_message": "voice",
    "audio_file": "audio",
}

#: Chat types that are channels or supergroups: bare channel ids, what relay stores.
CHANNEL_TYPES = frozenset({"public_channel", "private_channel", "public_supergroup",
                           "private_supergroup"})
_NOT_CHANNELS: Mapping[str, str] = {
    "personal_chat": "a personal chat, not a channel",
    "bot_chat": "a chat with a bot, not a channel",
    "saved_messages": "saved messages, not a channel",
    "replies": "the replies chat, not a channel",
    "private_group": "a basic group, not a channel",
}
_CHANNEL_MARK = 10**12


# --------------------------------------------------------------------------------------------
# Small readers, tolerant of what older or hand-edited exports hold


#: Telegram's bounds: message ids and dates are 32-bit, other ids and sizes 64-bit. A value
#: past them is hostile or damaged (and SQLite could not store it): the message is unusable.
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


def _int(value: Any, limit: int = INT64_MAX) -> int | None:
    """An integer within ``-limit..limit`` (a number, or its digits as text), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        digits = value.strip()
        # 20 characters hold any 64-bit number; longer digit strings are never converted
        # (Python refuses to convert more than 4,300 digits, and they are past any bound).
        if len(digits) > 20 or not digits.lstrip("-").isdigit() or not digits.isascii():
            return None
        value = int(digits)
    if isinstance(value, int) and -limit <= value <= limit:
        return value
    return None


def _check_text(row: MessageRow) -> None:
    """``ValueError`` for a text SQLite cannot store (a lone surrogate such as ``\\ud800``)."""
    for text in (row.text, row.media_name, row.fwd_from, row.post_author,
                 *(e.url or "" for e in row.entities), *(e.language or "" for e in row.entities)):
        if text:
            text.encode("utf-8")  # UnicodeEncodeError is a ValueError


def safe_name(value: Any) -> Any:
    """A chat name with any lone surrogate replaced (so it can be stored and printed)."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8")
    return value


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def chat_id(value: Any) -> int | None:
    """The bare channel id of an export's ``id`` (also accepts the ``-100...`` marked form)."""
    number = _int(value)
    if number is None or number == 0:
        return None
    if number < 0:
        bare = -number - _CHANNEL_MARK
        return bare if bare > 0 else None
    return number if number < _CHANNEL_MARK else None


def peer_id(value: Any) -> int | None:
    """``"channel123"``/``"user123"``/``"chat123"`` -> the marked peer id Telethon uses."""
    if not isinstance(value, str):
        return None
    for prefix, mark in (("channel", lambda n: -(_CHANNEL_MARK + n)), ("user", lambda n: n),
                         ("chat", lambda n: -n)):
        if value.startswith(prefix) and value[len(prefix):].isdigit():
            return mark(int(value[len(prefix):]))
    return None


def _channel_of(value: Any) -> int | None:
    """The bare channel id of ``"channel123"`` or of a plain/marked id."""
    marked = peer_id(value)
    if marked is not None:
        return -marked - _CHANNEL_MARK if marked < -_CHANNEL_MARK else None
    return chat_id(value)


def not_importable(chat_type: Any) -> str | None:
    """Why a chat of this type is not imported, or None when it is a channel or supergroup.

    A chat without a type (a hand-made or old file) is taken as a channel.
    """
    if chat_type is None or chat_type in CHANNEL_TYPES:
        return None
    if not isinstance(chat_type, str):
        return f"unknown chat type {chat_type!r}"
    if chat_type in _NOT_CHANNELS:
        return _NOT_CHANNELS[chat_type]
    if "channel" in chat_type or "supergroup" in chat_type:
        return None
    return f"a {chat_type} chat, not a channel"


def unix_time(unixtime: Any, iso: Any) -> int | None:
    """Seconds since the epoch from ``*_unixtime``, else from the ISO text (naive = UTC)."""
    number = _int(unixtime, INT32_MAX)
    if number is not None and number > 0:
        return number
    if isinstance(iso, str) and iso:
        try:
            moment = datetime.fromisoformat(iso)
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = int(moment.timestamp())
        return seconds if 0 < seconds <= INT32_MAX else None
    return None


# --------------------------------------------------------------------------------------------
# Text and entities


def text_from_parts(parts: Any) -> FormattedText:
    """The text and entities of an export ``text`` (a string, or a list of parts)."""
    if isinstance(parts, str):
        return FormattedText(parts)
    if not isinstance(parts, list):
        return FormattedText("")
    pieces: list[str] = []
    entities: list[Entity] = []
    offset = 0
    for part in parts:
        if isinstance(part, str):
            text, entity = part, None
            length = utf16_len(text)
        elif isinstance(part, Mapping):
            raw_text = part.get("text")
            text = raw_text if isinstance(raw_text, str) else ""
            length = utf16_len(text)
            entity = _entity(part, offset, length)
        else:
            continue
        if entity is not None:
            last = entities[-1] if entities else None
            if (last is not None and last.kind in _MERGEABLE and last.end == entity.offset
                    and (last.kind, last.url, last.language, last.user_id)
                    == (entity.kind, entity.url, entity.language, entity.user_id)):
                entities[-1] = Entity(last.kind, last.offset, last.length + entity.length,
                                      last.url, last.language, last.user_id)
            else:
                entities.append(entity)
        pieces.append(text)
        offset += length
    return FormattedText("".join(pieces), tuple(entities))


def _entity(part: Mapping[str, Any], offset: int, length: int) -> Entity | None:
    kind = ENTITY_KINDS.get(part.get("type"))  # type: ignore[arg-type]
    if kind is None or length <= 0:
        return None
    if kind == "text_url":
        url = _str(part.get("href"))
        return Entity(kind, offset, length, url=url) if url else None
    if kind == "mention_name":
        user_id = _int(part.get("user_id"))
        return Entity(kind, offset, length, user_id=user_id) if user_id else None
    if kind == "pre":
        return Entity(kind, offset, length, language=_str(part.get("language")))
    return Entity(kind, offset, length)


def message_text(message: Mapping[str, Any]) -> FormattedText:
    """A message's text: ``text_entities`` when the export has it, else ``text``."""
    parts = message.get("text_entities")
    if not isinstance(parts, list):
        parts = message.get("text", "")
    return text_from_parts(parts)


# --------------------------------------------------------------------------------------------
# Media, forwards, the whole message


def _file_name(value: Any) -> str | None:
    """The file name of an exported path; None for "(File not included ...)" notes."""
    if not isinstance(value, str) or not value or value.startswith("("):
        return None
    return value.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1] or None


def media_of(message: Mapping[str, Any]) -> tuple[str | None, int | None, str | None]:
    """(kind, size in bytes, file name) of a message's media, as far as the export says."""
    if "photo" in message:
        size = _int(message.get("photo_file_size"))
        return "photo", size, _file_name(message.get("photo"))
    if "file" in message or "media_type" in message:
        kind = MEDIA_KINDS.get(message.get("media_type"), "document")  # type: ignore[arg-type]
        name = _str(message.get("file_name")) or _file_name(message.get("file"))
        return kind, _int(message.get("file_size")), name
    if "poll" in message:
        return "poll", None, None
    if "location_information" in message or "place_name" in message:
        return "location", None, None
    if "contact_information" in message:
        return "contact", None, None
    if "game_title" in message:
        return "game", None, None
    if "invoice_information" in message:
        return "invoice", None, None
    return None, None, None


def forward_of(message: Mapping[str, Any]) -> str | None:
    """JSON of the forward origin, shaped like ``relay.telegram.tl_records.forward_info``.

    The export gives the origin's name (and, in newer versions, its id) but not the date of the
    original post, so ``date`` is null.
    """
    if "forwarded_from" not in message and "forwarded_from_id" not in message:
        return None
    origin: dict[str, Any] = {"date": None}
    from_id = peer_id(message.get("forwarded_from_id"))
    if from_id is not None:
        origin["from_id"] = from_id
    name = _str(message.get("forwarded_from"))
    if name:
        origin["from_name"] = name
    return json.dumps(origin, ensure_ascii=False, separators=(",", ":"))


def is_service(message: Mapping[str, Any]) -> bool:
    return message.get("type") == "service"


def message_row(message: Mapping[str, Any], channel_id: int) -> MessageRow:
    """The stored form of one exported message; ``ValueError`` when it has no id or date."""
    message_id = _int(message.get("id"), INT32_MAX)
    if message_id is None or message_id <= 0:
        raise ValueError("message without a usable id")
    date = unix_time(message.get("date_unixtime"), message.get("date"))
    if date is None:
        raise ValueError(f"message {message_id} without a usable date")
    text = message_text(message)
    kind, size, name = media_of(message)
    reply_to = _int(message.get("reply_to_message_id"), INT32_MAX)
    reply_peer = message.get("reply_to_peer_id")
    if reply_peer is not None and _channel_of(reply_peer) != channel_id:
        reply_to = None  # a reply to a post of another chat: not a message id of this channel
    row = MessageRow(
        channel_id=channel_id,
        message_id=message_id,
        date=date,
        text=text.text,
        entities=text.entities,
        edit_date=unix_time(message.get("edited_unixtime"), message.get("edited")),
        media_kind=kind,
        media_size=size,
        media_name=name,
        fwd_from=forward_of(message),
        reply_to=reply_to if reply_to and reply_to > 0 else None,
        post_author=_str(message.get("author")),
    )
    _check_text(row)
    return row


# --------------------------------------------------------------------------------------------
# Which configured source a chat is


def _name_key(name: str) -> str:
    return " ".join(name.strip().lstrip("@").split()).casefold()


def match_source(sources: Iterable[Source], channel_id: int | None, name: str | None,
                 known: Mapping[str, int] | None = None) -> Source | None:
    """The configured source this chat is: by id first, then by name or username.

    ``known`` maps a source (``str(source.ref)``, e.g. ``@vahed``) to the channel id the
    watcher resolved it to: an export holds ids and titles but no usernames, so a source
    configured by username is recognised by id only through what the store learnt.
    """
    sources = tuple(sources)
    known = known or {}

    def ids(source: Source) -> set[int]:
        found = {known[str(source.ref)]} if str(source.ref) in known else set()
        return found | ({source.ref.id} if source.ref.id is not None else set())

    if channel_id is not None:
        for source in sources:
            if channel_id in ids(source):
                return source
    if name and name.strip():
        key = _name_key(name)
        for source in sources:
            if channel_id is not None and ids(source):
                continue  # both ids known and different: a namesake, not this source
            if _name_key(source.name) == key or (source.ref.username
                                                 and source.ref.username.casefold() == key):
                return source
    return None
