"""Downloading the media of posts that will be translated, so the bot can post it later."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from telethon import TelegramClient, utils

from relay.logs import event
from relay.telegram.tl_records import DOWNLOADABLE, media_info

log = logging.getLogger("relay.watcher")


def media_path(media_dir: Path, channel_id: int, message: Any, file_name: str | None) -> Path:
    """``<media_dir>/<channel>/<message id><ext>``: stable, so a download is never repeated."""
    ext = Path(file_name).suffix if file_name else ""
    if not ext:
        ext = utils.get_extension(message.media) or ".bin"
    return media_dir / str(channel_id) / f"{message.id}{ext.lower()}"


async def download_media(client: TelegramClient, message: Any, media_dir: Path, channel_id: int,
                         max_bytes: int) -> str | None:
    """Download the message's file, or None when it has none or is over ``max_bytes``."""
    kind, size, name = media_info(message.media)
    if kind not in DOWNLOADABLE:
        return None
    if size is not None and size > max_bytes:
        log.warning(event("media.too_large", channel=channel_id, message=message.id, kind=kind,
                          bytes=size, limit=max_bytes))
        return None
    target = media_path(media_dir, channel_id, message, name)
    if target.exists():
        return str(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.{id(message):x}.part")
    await client.download_media(message, file=str(partial))
    os.replace(partial, target)  # a crash mid-download leaves only a .part, never a torn file
    log.info(event("media.downloaded", channel=channel_id, message=message.id, kind=kind,
                   bytes=target.stat().st_size))
    return str(target)
