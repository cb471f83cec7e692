"""What Telegram refuses in a message, checked the same way for the project's requests and for
what the scripted people type: length (UTF-16 units), emptiness, entity bounds, buttons,
albums, callback answers and command menus. Each check raises Telegram's own RPC error."""

from __future__ import annotations

import json
import re
from typing import Any

from telethon.tl import types

from relay.telegram.sim.model import (
    CALLBACK_DATA_LIMIT,
    CAPTION_LIMIT,
    TEXT_LIMIT,
    callback_data,
    rpc_error,
)

ALBUM_LIMIT = 10  # items in one album (messages.sendMultiMedia)
INLINE_BUTTONS_LIMIT = 100  # buttons under one message
INLINE_ROW_LIMIT = 8  # buttons in one row of an inline keyboard
#: Bytes of an inline keyboard, counted as the Bot API's JSON of it (UTF-8): Telegram answers
#: "reply markup is too long" past ~10 kB even under 100 buttons (long labels or data).
INLINE_MARKUP_BYTES = 10_240
CALLBACK_ANSWER_LIMIT = 200  # characters in a button press's answer (toast or alert)

COMMAND_NAME = re.compile(r"[a-z0-9_]{1,32}")
COMMAND_DESCRIPTION_LIMIT = 256


def units(text: str) -> int:
    """UTF-16 length, counted here on purpose rather than with relay.text.formatting.utf16_len:
    the simulator judges relay's output, so it must not share relay's arithmetic."""
    return len(text.encode("utf-16-le")) // 2


def blank(text: str) -> bool:
    """Telegram trims whitespace before deciding that a message is empty."""
    return not text.strip()


def check_text(text: str, limit: int, request: Any = None, *, allow_empty: bool = False) -> None:
    if blank(text) and not allow_empty:
        raise rpc_error("MESSAGE_EMPTY", request)
    if units(text) > limit:
        raise rpc_error("MEDIA_CAPTION_TOO_LONG" if limit == CAPTION_LIMIT else "MESSAGE_TOO_LONG",
                        request)


def check_message(text: str, entities: Any, request: Any = None, *, media: bool = False) -> None:
    """A message (or a media's caption) as Telegram takes it."""
    check_text(text, CAPTION_LIMIT if media else TEXT_LIMIT, request, allow_empty=media)
    check_entities(text, entities, request)


def check_entities(text: str, entities: Any, request: Any = None) -> None:
    """Every entity inside the text (UTF-16 units) and not empty: ENTITY_BOUNDS_INVALID."""
    size = units(text)
    for e in entities or ():
        if e.offset < 0 or e.length <= 0 or e.offset + e.length > size:
            raise rpc_error("ENTITY_BOUNDS_INVALID", request)


def check_markup(markup: Any, request: Any = None) -> None:
    """Inline buttons: a label, and callback data of at most 64 bytes; at most 8 in a row,
    100 in all and ~10 kB in all (Telegram's REPLY_MARKUP_TOO_LONG)."""
    if not isinstance(markup, types.ReplyInlineMarkup):
        return
    if (sum(len(row.buttons) for row in markup.rows) > INLINE_BUTTONS_LIMIT
            or any(len(row.buttons) > INLINE_ROW_LIMIT for row in markup.rows)
            or markup_bytes(markup) > INLINE_MARKUP_BYTES):
        raise rpc_error("REPLY_MARKUP_TOO_LONG", request)
    for row in markup.rows:
        for button in row.buttons:
            if not (button.text or "").strip():
                raise rpc_error("BUTTON_TEXT_INVALID", request)
            data = callback_data(button)
            if data is not None and len(data) > CALLBACK_DATA_LIMIT:
                raise rpc_error("BUTTON_DATA_INVALID", request)


def markup_bytes(markup: types.ReplyInlineMarkup) -> int:
    """The keyboard's size as the Bot API's JSON of it, in UTF-8 bytes."""
    rows = [[{"text": button.text or "",
              **({"callback_data": data.decode("utf-8", "replace")}
                 if (data := callback_data(button)) is not None else
                 {"url": getattr(button, "url", "") or ""})}
             for button in row.buttons] for row in markup.rows]
    return len(json.dumps({"inline_keyboard": rows}, ensure_ascii=False,
                          separators=(",", ":")).encode())


def check_album(count: int, request: Any = None) -> None:
    """An album holds 2 to 10 items."""
    if count > ALBUM_LIMIT:
        raise rpc_error("MULTI_MEDIA_TOO_LONG", request)
    if count < 2:
        raise rpc_error("MEDIA_EMPTY" if count == 0 else "MEDIA_INVALID", request)


def check_callback_answer(message: str | None, request: Any = None) -> None:
    if message and len(message) > CALLBACK_ANSWER_LIMIT:
        raise rpc_error("MESSAGE_TOO_LONG", request)


def check_commands(commands: Any, request: Any = None) -> None:
    """A command menu: names of 1-32 lowercase letters, digits or _, descriptions 1-256."""
    for command in commands:
        if not COMMAND_NAME.fullmatch(command.command):
            raise rpc_error("BOT_COMMAND_INVALID", request)
        if not 0 < len(command.description) <= COMMAND_DESCRIPTION_LIMIT:
            raise rpc_error("BOT_COMMAND_DESCRIPTION_INVALID", request)
