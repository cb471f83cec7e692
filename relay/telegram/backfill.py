"""``relay backfill``: fetch a source's older history into the store, resumably.

History is read newest to oldest in batches; each batch and the point reached are committed
together, so an interrupted back-fill (Ctrl-C, a crash, a long flood wait) resumes where it
stopped. What is queued for translation follows the source's rules, or nothing at all with
``queue=False`` (an archive-only back-fill).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telethon import TelegramClient, errors
from telethon.tl import types

from relay.config import Settings, Source, parse_channel_ref
from relay.core.language import detect
from relay.core.records import MessageRow, QueuePolicy
from relay.logs import event
from relay.review.statement_index import BulkMatcher
from relay.store.api import Store
from relay.telegram.flood import forget_flood_waits
from relay.telegram.sources import SourceResolver, WatchedSource, policy_for
from relay.telegram.tl_records import message_row

log = logging.getLogger("relay.backfill")
BATCH = 100


class BackfillError(Exception):
    """One line for the operator."""


@dataclass
class BackfillReport:
    source: str
    fetched: int = 0
    stored: int = 0
    jobs: int = 0
    oldest_date: int | None = None
    finished: bool = False
    flood_waits: int = 0

    def summary(self) -> str:
        oldest = time.strftime("%Y-%m-%d", time.gmtime(self.oldest_date)) \
            if self.oldest_date else "-"
        state = "complete" if self.finished else "stopped early (run again to resume)"
        return (f"{self.source}: {self.fetched} posts read, {self.stored} new, {self.jobs} "
                f"jobs queued, back to {oldest}; {state}")


def find_source(settings: Settings, wanted: str) -> Source:
    """The configured source named by ``wanted``: @username, id, t.me link or display name."""
    try:
        ref = parse_channel_ref(wanted)
    except ValueError:
        ref = None
    for source in settings.sources:
        if (ref is not None and source.ref.same_channel(ref)) \
                or source.name.casefold() == wanted.casefold():
            return source
    known = ", ".join(str(s.ref) for s in settings.sources)
    raise BackfillError(f"{wanted!r} is not a configured source (configured: {known})")


async def backfill(client: TelegramClient, store: Store, settings: Settings, wanted: str, *,
                   since: int | None = None, limit: int | None = None, queue: bool = True,
                   progress: Callable[[BackfillReport], Any] | None = None,
                   sleep: Callable[[float], Any] = asyncio.sleep,
                   clock: Callable[[], float] = time.time) -> BackfillReport:
    source = find_source(settings, wanted)
    watched = WatchedSource(source, policy_for(source, settings))
    await SourceResolver(client).resolve(watched)
    if watched.error:
        raise BackfillError(f"{source.ref} ({source.name}) cannot be read: {watched.error}")
    channel = watched.channel
    if channel is None:  # resolve() sets either the channel or an error
        raise BackfillError(f"{source.ref} ({source.name}) was not resolved")
    await store.upsert_channel(channel.id, username=channel.username, title=channel.title,
                               display_name=source.name, is_source=True, now=int(clock()))
    policy = watched.policy if queue else None
    report = BackfillReport(str(source.ref))
    matcher = BulkMatcher.for_settings(store, settings) if policy else None  # issue 11: copies
    state = await store.backfill_progress(channel.id)
    offset = state[0] if state else 0
    while True:
        try:
            done = await _fetch(client, store, watched.peer, channel.id, offset, policy, report,
                                since=since, limit=limit, progress=progress, clock=clock,
                                matcher=matcher)
        except errors.FloodWaitError as exc:
            report.flood_waits += 1
            log.warning(event("backfill.flood_wait", source=report.source, seconds=exc.seconds))
            await sleep(exc.seconds)
            forget_flood_waits(client)
            state = await store.backfill_progress(channel.id)
            offset = state[0] if state else 0
            continue
        break
    if done:
        await store.finish_backfill(channel.id, int(clock()))
        report.finished = True
    return report


async def _fetch(client: TelegramClient, store: Store, peer: Any, channel_id: int, offset: int,
                 policy: QueuePolicy | None, report: BackfillReport, *, since: int | None,
                 limit: int | None, progress: Callable[[BackfillReport], Any] | None,
                 clock: Callable[[], float], matcher: BulkMatcher | None = None) -> bool:
    """Read from ``offset`` down; True when the beginning (or ``since``) was reached."""
    batch: list[tuple[MessageRow, str, float]] = []
    left = None if limit is None else max(0, limit - report.fetched)
    if left == 0:
        return False
    reached_end = True
    async for message in client.iter_messages(peer, offset_id=offset, limit=left, wait_time=0):
        if not isinstance(message, types.Message):
            continue
        if since is not None and message.date.timestamp() < since:
            break
        row = message_row(message)
        found = detect(row.text)
        batch.append((row, found.lang, found.confidence))
        report.fetched += 1
        report.oldest_date = row.date
        if len(batch) >= BATCH:
            await _commit(store, channel_id, batch, policy, report, clock, matcher)
            batch = []
            if progress:
                progress(report)
    else:
        reached_end = left is None or report.fetched < (limit or 0)
    if batch:
        await _commit(store, channel_id, batch, policy, report, clock, matcher)
    if progress:
        progress(report)
    return reached_end


async def _commit(store: Store, channel_id: int, batch: list, policy: QueuePolicy | None,
                  report: BackfillReport, clock: Callable[[], float],
                  matcher: BulkMatcher | None = None) -> None:
    same_as = await matcher.same_as(batch, policy) if matcher else None
    stored, jobs = await store.write_backfill_batch(channel_id, batch, policy, int(clock()),
                                                    same_as)
    report.stored += stored
    report.jobs += jobs
