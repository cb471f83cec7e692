"""The watcher: live updates and catch-up from the configured sources into the store.

Live updates arrive through Telethon's own update loop (``events.Raw``). Catch-up runs at
start, after every reconnect and on a timer: it reads each source's history above the point
up to which history is known to be complete (``channels.caught_up_to``), oldest first, and
re-reads the newest stored posts to notice edits and deletions made while relay was away;
a stored post missing from the history it read is checked and marked deleted.

When Telethon fills a gap in a channel's updates it fetches the channel's difference but drops
the edits and deletions in it; the client shows the watcher every difference and the watcher
applies those itself. When Telegram answers that the gap is too long to describe, the watcher
catches that source up at once and re-reads its newest :data:`RECHECK_AFTER_GAP` posts.
Storing is idempotent, so a post, edit or deletion seen twice is stored once.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from telethon import TelegramClient, events
from telethon.tl import types

from relay.config import Settings
from relay.core.records import IngestResult
from relay.logs import event
from relay.review.statement_index import StatementMatcher
from relay.store.api import Store
from relay.telegram.client import each_message
from relay.telegram.ingest_step import IngestStep, InlineIngest
from relay.telegram.media import AlbumMediaFetcher
from relay.telegram.sources import SourceResolver, WatchedSource, carry_over, policy_for
from relay.telegram.tl_records import message_row

log = logging.getLogger("relay.watcher")

# Newest stored posts re-read at each catch-up (one request of up to 100 ids) for edits and
# deletions made while relay was away. Telethon's channel difference cannot be relied on for
# these: it sets the channel's pts before applying the difference's other updates, so edits
# and deletions it fetches are skipped as already seen (Telethon 1.45, messagebox.py).
RECHECK_RECENT = 100
# After Telegram said a channel's gap was too long to list (``ChannelDifferenceTooLong``), its
# edits and deletions are unknown: this many newest stored posts are re-read (100 per request).
RECHECK_AFTER_GAP = 1000
_MISSED_UPDATES = (types.UpdateEditChannelMessage, types.UpdateDeleteChannelMessages)
_LIVE_UPDATES = [
    types.UpdateNewChannelMessage,
    types.UpdateEditChannelMessage,
    types.UpdateDeleteChannelMessages,
]


class Watcher:
    """Reads the sources with a read-only user client and stores what it finds."""

    def __init__(self, client: TelegramClient, store: Store, settings: Settings, *,
                 clock: Callable[[], float] = time.time,
                 on_jobs_changed: Callable[[list[int]], Any] | None = None,
                 statements: StatementMatcher | None = None,
                 on_statement_joined: Callable[[list[int]], Any] | None = None,
                 ingest: IngestStep | None = None):
        self.client = client
        self.store = store  # posts arriving together are committed together (group commit)
        #: decides and writes each post; in the service, often a process of its own
        self.step: IngestStep = ingest or InlineIngest(store, statements)
        self.settings = settings
        self.clock = clock
        self.on_jobs_changed = on_jobs_changed  # told the jobs a post created or changed
        self.on_statement_joined = on_statement_joined  # told the jobs a copy or forward joined
        self.on_statement_left: Callable[[list[int], list[int]], Any] | None = None
        self.watched = [WatchedSource(s, policy_for(s, settings)) for s in settings.sources]
        self.by_channel: dict[int, WatchedSource] = {}
        self._resolver = SourceResolver(client)
        self._handler = events.Raw(types=_LIVE_UPDATES)
        self._timer: asyncio.Task | None = None
        self._catch_up_lock = asyncio.Lock()
        self._inflight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._stopping = False
        self._silent_warned: set[int] = set()
        self._reported: dict[str, str] = {}  # source -> the unresolved reason last logged
        self.media = AlbumMediaFetcher(client, Path(settings.storage.media_dir),
                                       settings.storage.max_media_bytes, self._save_media_path)
        self._tasks: set[asyncio.Task] = set()  # work started from a channel difference

    # ------------------------------------------------------------------ lifecycle
    @property
    def running(self) -> bool:
        return not self._stopping and self._timer is not None and not self._timer.done()

    async def start(self) -> None:
        """Resolve sources, listen live, catch up once, then keep catching up on a timer."""
        self._stopping = False
        await self.resolve_sources()
        self.client.add_event_handler(self._on_update, self._handler)
        reconnect = getattr(self.client, "on_reconnect", None)
        if reconnect is not None and self.catch_up not in reconnect:
            reconnect.append(self.catch_up)
        differences = getattr(self.client, "on_channel_difference", None)
        if differences is not None and self._on_channel_difference not in differences:
            differences.append(self._on_channel_difference)
        await self.catch_up()
        self._timer = asyncio.create_task(self._catch_up_loop(), name="watcher-catch-up")

    async def stop(self, timeout: float = 5.0) -> None:
        """Stop taking updates and wait for the ones being stored to finish."""
        self._stopping = True
        self.client.remove_event_handler(self._on_update, self._handler)
        differences = getattr(self.client, "on_channel_difference", None)
        if differences is not None and self._on_channel_difference in differences:
            differences.remove(self._on_channel_difference)
        if self._timer:
            self._timer.cancel()
            await asyncio.gather(self._timer, return_exceptions=True)
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning(event("watcher.stop_timeout", inflight=self._inflight))
            for task in list(self._tasks):  # a long re-read after a gap: the next start redoes it
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def reconfigure(self, settings: Settings) -> None:
        """Reloaded settings (issue 12): removed sources are no longer read, renamed ones are
        recorded; new ones are resolved by the next :meth:`resolve_sources`."""
        self.watched, renamed = carry_over(self.watched, settings)
        self.settings, kept = settings, {id(w) for w in self.watched}
        self.by_channel = {c: w for c, w in self.by_channel.items() if id(w) in kept}
        for w in renamed:
            if w.channel is not None:
                await self.store.record_resolved_source(
                    str(w.source.ref), w.channel.id, username=w.channel.username,
                    title=w.channel.title, display_name=w.source.name, now=int(self.clock()))

    async def idle(self) -> None:
        """Wait until no update, difference or catch-up work is being stored."""
        await self._idle.wait()

    async def resolve_sources(self) -> None:
        """Resolve every unresolved source; report each one that can't be, by name."""
        now = int(self.clock())
        for watched in self.watched:
            if watched.channel is not None:
                continue
            await self._resolver.resolve(watched)
            ref = str(watched.source.ref)
            if watched.error:
                if self._reported.get(ref) != watched.error:
                    self._reported[ref] = watched.error
                    log.warning(event("source.unresolved", source=ref, name=watched.source.name,
                                      reason=watched.error))
                await self.store.set_source_status(ref, channel_id=None, error=watched.error,
                                                   now=now)
                continue
            channel = watched.channel
            if channel is None:
                continue  # resolve() sets either the channel or the error
            self.by_channel[channel.id] = watched
            await self.store.record_resolved_source(
                ref, channel.id, username=channel.username, title=channel.title,
                display_name=watched.source.name, now=now)
            if channel.left:
                log.warning(event("source.not_member", source=ref, name=watched.source.name,
                                  note="no live updates until the watcher account joins;"
                                       " catch-up still reads it"))
            log.info(event("source.resolved", source=ref, channel=channel.id,
                           title=channel.title))

    # ------------------------------------------------------------------ live updates
    def _begin(self) -> None:
        self._inflight += 1
        self._idle.clear()

    def _end(self) -> None:
        self._inflight -= 1
        if self._inflight == 0:
            self._idle.set()

    async def _on_update(self, update: Any) -> None:
        if self._stopping:
            return
        self._begin()
        try:
            await self._apply(update)
        finally:
            self._end()

    async def _apply(self, update: Any) -> None:
        try:
            if isinstance(update, types.UpdateDeleteChannelMessages):
                if update.channel_id in self.by_channel:
                    await self.delete(update.channel_id, list(update.messages))
            else:
                await self.ingest(update.message, getattr(update, "_entities", None))
        except Exception:  # noqa: BLE001 - one bad update must not stop the watcher
            log.exception(event("watcher.update_failed", update=type(update).__name__))

    def _on_channel_difference(self, request: Any, diff: Any) -> None:
        """Apply what Telethon drops from a channel difference (see the module docstring).

        Called inside Telethon's update loop, so the work runs in a task of its own. The new
        posts of the difference still reach :meth:`_on_update` through Telethon."""
        if self._stopping:
            return
        watched = self.by_channel.get(getattr(request.channel, "channel_id", 0))
        if watched is None:
            return
        if isinstance(diff, types.updates.ChannelDifference):
            missed = [u for u in diff.other_updates if isinstance(u, _MISSED_UPDATES)]
            if missed:
                self._spawn(self._apply_all(missed), "watcher-difference")
        elif isinstance(diff, types.updates.ChannelDifferenceTooLong):
            log.warning(event("source.gap_too_long", source=str(watched.source.ref),
                              note=f"catching up now and re-reading the newest"
                                   f" {RECHECK_AFTER_GAP} posts for edits and deletions"))
            self._spawn(self._after_long_gap(watched), "watcher-long-gap")

    def _spawn(self, work: Any, name: str) -> None:
        self._begin()
        task = asyncio.create_task(work, name=name)
        self._tasks.add(task)

        def done(finished: asyncio.Task) -> None:
            self._tasks.discard(finished)
            self._end()
        task.add_done_callback(done)

    async def _apply_all(self, updates: list[Any]) -> None:
        for update in updates:
            await self._apply(update)

    async def _after_long_gap(self, watched: WatchedSource) -> None:
        async with self._catch_up_lock:
            if not self._stopping:
                await self._catch_up_logged(watched, RECHECK_AFTER_GAP)

    async def ingest(self, message: Any,
                     entities: dict[int, Any] | None = None) -> IngestResult | None:
        """Store one channel message (new or edited) from a configured source. ``entities``:
        the chats Telegram sent along with a live update (a forward's origin among them)."""
        if not isinstance(message, types.Message) or not isinstance(message.peer_id,
                                                                    types.PeerChannel):
            return None
        watched = self.by_channel.get(message.peer_id.channel_id)
        if watched is None:
            return None
        row = message_row(message, entities)
        detection, result = await self.step.store_post(row, watched.policy, int(self.clock()))
        if result.joined and self.on_statement_joined:
            self.on_statement_joined(result.joined)
        if result.left and self.on_statement_left:  # an edited copy left its statement
            self.on_statement_left(result.left, result.jobs_created)
        if (result.stored or result.edited) and log.isEnabledFor(logging.DEBUG):
            log.debug(event("message.stored" if result.stored else "message.edited",
                            channel=row.channel_id, message=row.message_id, lang=detection.lang))
        if result.jobs_created and log.isEnabledFor(logging.INFO):
            log.info(event("jobs.queued", channel=row.channel_id, message=row.message_id,
                           lang=detection.lang, jobs=",".join(map(str, result.jobs_created))))
        if result.media_wanted:
            await self.media.fetch(watched.peer, watched.channel_id, message,
                                   result.media_wanted)
        changed = result.jobs_created + result.jobs_touched
        if self.on_jobs_changed and changed:
            self.on_jobs_changed(changed)
        return result

    async def _save_media_path(self, pk: int, path: str) -> None:
        await self.store.set_media_path(pk, path)

    async def delete(self, channel_id: int, message_ids: list[int]) -> list[int]:
        jobs = await self.step.mark_deleted(channel_id, message_ids, int(self.clock()))
        shown = message_ids[:50]  # a channel emptied at once must not make a megabyte line
        log.info(event("message.deleted", channel=channel_id, count=len(message_ids),
                       messages=",".join(map(str, shown)) + (",…" if shown != message_ids else ""),
                       jobs=",".join(map(str, jobs[:50])) or None))
        if self.on_jobs_changed and jobs:
            self.on_jobs_changed(jobs)
        return jobs

    # ------------------------------------------------------------------ catch-up
    async def catch_up(self) -> None:
        """Store whatever each source posted that the live updates did not bring."""
        if self._stopping:
            return
        async with self._catch_up_lock:
            await self.resolve_sources()
            for watched in list(self.by_channel.values()):
                if self._stopping:
                    return
                await self._catch_up_logged(watched, RECHECK_RECENT)

    async def _catch_up_logged(self, watched: WatchedSource, recheck: int) -> None:
        """:meth:`catch_up_source`, a failure logged (the next catch-up tries again)."""
        try:
            await self.catch_up_source(watched, recheck=recheck)
        except Exception as exc:  # noqa: BLE001 - the other sources go on
            log.debug("catch-up failure", exc_info=True)
            log.warning(event("catch_up.failed", source=str(watched.source.ref),
                              error=f"{type(exc).__name__}: {exc}"))

    async def catch_up_source(self, watched: WatchedSource, *,
                              recheck: int = RECHECK_RECENT) -> int:
        """Catch up one source; return how many posts were newly stored. ``recheck`` newest
        stored posts are re-read for edits and deletions."""
        channel_id = watched.channel_id
        info = await self.store.get_channel(channel_id)
        since = info.caught_up_to if info else 0
        top, stored = since, 0
        seen: set[int] = set()
        first_read = info is None or info.caught_up_at is None
        if first_read:
            # Never read before: the newest posts only, not years of history.
            limit = self.settings.watcher.first_catch_up_posts
            newest = await self.client.get_messages(watched.peer, limit=max(limit, 1))
            messages = list(reversed(newest))[-limit:] if limit else []
            top = max((m.id for m in newest), default=0)
        else:
            # Posts stored one after another above the watermark (the live updates brought
            # them) need no reading again: history is read from the first id not stored.
            since = top = await self.store.stored_run_top(channel_id, since)
            messages = self.client.iter_messages(watched.peer, min_id=since, reverse=True,
                                                 wait_time=0)
        async for message in each_message(messages):
            result = await self.ingest(message)
            top = max(top, message.id)
            seen.add(message.id)
            stored += bool(result and result.stored)
        if not first_read and top > since:
            await self._mark_missing_from_history(watched, since, top, seen)
        await self.store.set_caught_up(channel_id, top, int(self.clock()))
        if info is not None and info.last_message_id:
            await self._recheck_recent(watched, info.last_message_id, recheck)
        self._warn_if_silent(watched, await self.store.get_channel(channel_id))
        if stored:
            log.info(event("catch_up.stored", source=str(watched.source.ref), posts=stored,
                           since=since, up_to=top))
        return stored

    async def _mark_missing_from_history(self, watched: WatchedSource, since: int, top: int,
                                         seen: set[int]) -> None:
        """Posts stored live with ids in ``(since, top]`` that the history just read did not
        contain were deleted while relay was not listening; re-read them to be sure."""
        stored = await self.store.live_ids(watched.channel_id, top, since)
        missing = [mid for mid in stored if mid not in seen]
        if missing:
            await self._reread(watched, missing)

    async def _recheck_recent(self, watched: WatchedSource, up_to: int, count: int) -> None:
        """Re-read the newest stored posts up to ``up_to``: edits and deletions while away."""
        ids = await self.store.live_ids(watched.channel_id, up_to, 0, count)
        if ids:
            await self._reread(watched, ids)

    async def _reread(self, watched: WatchedSource, ids: list[int]) -> None:
        """Fetch stored posts by id (100 per request): apply edits, mark the ones gone."""
        for start in range(0, len(ids), 100):
            chunk = ids[start:start + 100]
            current = await self.client.get_messages(watched.peer, ids=chunk)
            gone = [mid for mid, msg in zip(chunk, current, strict=True)
                    if msg is None or isinstance(msg, types.MessageEmpty)]
            for msg in current:
                if isinstance(msg, types.Message):
                    await self.ingest(msg)
            if gone:
                await self.delete(watched.channel_id, gone)

    def _warn_if_silent(self, watched: WatchedSource, info: Any) -> None:
        if info is None or info.last_post_at is None:
            return
        hours = (self.clock() - info.last_post_at) / 3600
        if hours > self.settings.watcher.silent_warning_hours:
            if info.id not in self._silent_warned:
                self._silent_warned.add(info.id)
                log.warning(event("source.silent", source=str(watched.source.ref),
                                  name=watched.source.name, hours=round(hours, 1)))
        else:
            self._silent_warned.discard(info.id)

    async def _catch_up_loop(self) -> None:
        interval = self.settings.watcher.catch_up_seconds
        while not self._stopping:
            await asyncio.sleep(interval)
            try:
                await self.catch_up()
            except Exception:  # noqa: BLE001 - keep the timer alive
                log.exception(event("catch_up.loop_failed"))

