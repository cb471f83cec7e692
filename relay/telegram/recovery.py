"""After a crash between "sending part N" and "part N recorded": was it made? (publisher)"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from telethon.tl import types

from relay.logs import event
from relay.store.api import PublishingStore
from relay.store.outbox import OutboxItem
from relay.text.formatting import FormattedText, text_digest

log = logging.getLogger("relay.publisher")

SCAN_WINDOW = 100  # message ids read per request when looking for a post made before a crash


async def recover_part(client: Any, store: PublishingStore, item: OutboxItem, part_no: int,
                   parts: list[FormattedText], peer: Any, channel_id: int,
                   clock: Callable[[], float]) -> None:
    """A send of part ``part_no`` (``item.sending_part``) was started before a crash: was
    it made? Look in the channel for the text recorded when the send started (not the text
    rendered now: the credit or a source's name may have changed in the config since)."""
    if item.sending_hash is not None:
        wanted = item.sending_hash
    elif part_no < len(parts):  # started before digests were recorded
        wanted = text_digest(parts[part_no].text)
    else:
        log.info(event("publish.not_found_after_crash", item=item.id, part=part_no))
        return
    floor = await store.newest_published_id(channel_id)
    known = {p.message_id for p in (await store.parts_of(item.id)).values()}
    empty_windows = 0
    start = floor + 1
    while empty_windows < 2:
        ids = list(range(start, start + SCAN_WINDOW))
        found = [m for m in await client.get_messages(peer, ids=ids)
                 if isinstance(m, types.Message)]
        for message in found:
            if message.out and text_digest(message.message or "") == wanted \
                    and message.id not in known:
                await store.record_part(item, channel_id, part_no, message.id,
                                   message.message or "", int(clock()))
                log.warning(event("publish.recovered", item=item.id, part=part_no,
                                  message=message.id))
                return
        empty_windows = 0 if found else empty_windows + 1
        start += SCAN_WINDOW
    log.info(event("publish.not_found_after_crash", item=item.id, part=part_no))
