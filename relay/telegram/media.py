"""Downloading the media of posts that will be translated, so the bot can post it later."""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable
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


class AlbumMediaFetcher:
    """Fetches the files of the posts the store asked for (``IngestResult.media_wanted``).

    Album members other than the message at hand are fetched by id; a file another album
    member's handler is already downloading is left to it. ``save_path(pk, path)`` records a
    downloaded file; a failed download is logged and left for later (the post is stored).
    """

    def __init__(self, client: TelegramClient, media_dir: Path, max_bytes: int,
                 save_path: Callable[[int, str], Awaitable[Any]]):
        self.client = client
        self.media_dir = media_dir
        self.max_bytes = max_bytes
        self.save_path = save_path
        self._downloading: set[int] = set()  # message pks whose media is being fetched

    async def fetch(self, peer: Any, channel_id: int, message: Any,
                    wanted: list[tuple[int, int]]) -> None:
        by_id = {message.id: message}
        missing = [mid for _, mid in wanted if mid not in by_id]
        if missing:
            fetched = await self.client.get_messages(peer, ids=missing)
            by_id.update({m.id: m for m in fetched if m is not None})
        for pk, mid in wanted:
            msg = by_id.get(mid)
            if msg is None or pk in self._downloading:
                continue  # another album member's handler is already fetching this one
            self._downloading.add(pk)
            try:
                await self._download_one(channel_id, msg, pk)
            finally:
                self._downloading.discard(pk)

    async def _download_one(self, channel_id: int, msg: Any, pk: int) -> None:
        try:
            path = await download_media(self.client, msg, self.media_dir, channel_id,
                                        self.max_bytes)
        except Exception as exc:  # noqa: BLE001 - the post is stored; the file can wait
            log.warning(event("media.failed", channel=channel_id, message=msg.id,
                              error=type(exc).__name__))
            return
        if path:
            await self.save_path(pk, path)
