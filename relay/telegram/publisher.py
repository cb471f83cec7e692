"""The publisher: sends the outbox to the outgoing channels, once, in approval order.

For each target the oldest pending item goes first; an item delayed by a flood wait holds the
items behind it for that target, so subscribers always see posts in approval order. Each part
of a post is bracketed by ``mark_sending`` and ``record_part`` (see :mod:`relay.store.outbox`);
after a crash between the two, the channel is searched for the part before anything is sent
again. Flood waits of any length are kept in the database and honoured to the second; other
temporary failures back off; a post that cannot be made (bot removed, media gone) is shown to
editors with the reason and stays in the outbox until someone retries it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telethon import TelegramClient, errors, utils
from telethon.tl import types

from relay.config import Settings, Target
from relay.core.jobview import JobView
from relay.core.retry import backoff
from relay.logs import event
from relay.review.publish_errors import locate
from relay.store.api import Store
from relay.store.outbox import OutboxItem
from relay.telegram.entities import to_telethon
from relay.telegram.flood import forget_flood_waits
from relay.telegram.limiter import RateLimiter
from relay.telegram.recovery import recover_part
from relay.telegram.send_errors import PERMANENT, failure_reason
from relay.telegram.waits import book_for
from relay.text.compose import compose, has_media
from relay.text.formatting import FormattedText, utf16_len
from relay.text.wording import correction_header, deleted_note

log = logging.getLogger("relay.publisher")

class _Later(Exception):
    """This target's posting limit is reached: its next part goes out in a later round, while
    the other targets go on."""


class MediaMissing(Exception):
    """The post's media file is not on disk (never downloaded, too large, or removed)."""


class Publisher:
    def __init__(self, client: TelegramClient, store: Store, settings: Settings, *,
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
                 on_published: Callable[[int], Any] | None = None,
                 on_failed: Callable[[int, str], Any] | None = None):
        self.client = client
        self.store = store
        self.settings = settings
        self.clock = clock
        self.sleep = sleep
        self.on_published = on_published
        self.on_failed = on_failed
        self.targets = {t.key: t for t in settings.targets}
        self.names = {p.id: p.name for p in settings.people}
        self.limiter = RateLimiter(settings.publish.per_target_per_minute,
                                   settings.publish.global_per_second)
        self._peers: dict[str, types.InputPeerChannel] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._lock = asyncio.Lock()
        # Audit id up to which deleted sources were looked for; None: the first turn looks at
        # every publication (the configured action may have changed while relay was stopped).
        self._audit_seen: int | None = None
        self.flood_wait_seconds = 0.0  # imposed since start, for metrics
        self.waits = book_for(client)  # shared with the review bot (same client)

    # ------------------------------------------------------------------ lifecycle
    @property
    def running(self) -> bool:
        return not self._stopping and self._task is not None and not self._task.done()

    async def start(self) -> None:
        self._stopping = False
        # Flood waits must reach us (to be stored and honoured), not be slept through inside
        # Telethon where a restart would forget them.
        self.client.flood_sleep_threshold = 0
        self._task = asyncio.create_task(self._loop(), name="publisher")

    async def stop(self, timeout: float = 5.0) -> None:
        self._stopping = True
        self._wake.set()
        if self._task:
            # Let a send in progress be recorded; a long flood sleep is simply cut short.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._lock.acquire(), timeout)
                self._lock.release()
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def reconfigure(self, settings: Settings, moved: tuple[str, ...] = ()) -> None:
        """Reloaded settings (issue 12): the next publication uses the current targets,
        template and credit. ``moved``: keys of targets changed or removed, whose channel
        may be another one now (looked up again when next used)."""
        self.settings = settings
        self.targets = {t.key: t for t in settings.targets}
        self.names = {p.id: p.name for p in settings.people}
        for key in moved:
            self._peers.pop(key, None)

    def wake(self) -> None:
        self._wake.set()

    async def _loop(self) -> None:
        while not self._stopping:
            try:
                delay = await self.run_once()
            except Exception:  # noqa: BLE001 - the loop must survive anything
                log.exception(event("publisher.loop_failed"))
                delay = 5.0
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=max(0.05, min(delay, 5.0)))

    # ------------------------------------------------------------------ one round
    async def run_once(self) -> float:
        """Send what may be sent now; return seconds until something else may be due."""
        async with self._lock:
            await self.enqueue_deleted_source_actions()
            while not self._stopping:
                next_due, sent, limited = 5.0, 0, False
                for item in await self.store.outbox_heads():
                    now = self.clock()
                    if item.not_before > now:  # a wait of this target only
                        self.waits.hold("publisher", self.where(item.target), item.not_before,
                                        "flood wait" if (item.last_error or "").startswith(
                                            "flood wait") else "retry back-off")
                        next_due = min(next_due, item.not_before - now)
                        continue
                    if (limit := self.limiter.wait(item.target, now)) > 1.0:
                        next_due, limited = min(next_due, limit), True
                        continue
                    self.waits.release("publisher", self.where(item.target))
                    # Telethon's note of a flood wait is per request type, not per channel:
                    # relay keeps its own per target (in the outbox), so another channel's wait
                    # never refuses this send.
                    forget_flood_waits(self.client)
                    await self.process(item)
                    sent += 1
                if not sent:
                    if not limited:
                        return next_due
                    await self._nap(next_due)  # only posting limits left: wake for new work
            return 5.0

    async def _nap(self, seconds: float) -> None:
        """Sleep ``seconds``, or less when new work is approved meanwhile."""
        self._wake.clear()
        sleeper = asyncio.ensure_future(self.sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        _done, pending = await asyncio.wait({sleeper, waker},
                                            return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)

    def where(self, target_key: str) -> str:
        """The target channel as people know it: ``@relay_en`` (or its key)."""
        target = self.targets.get(target_key)
        if target is not None and target.ref.username:
            return "@" + target.ref.username
        return target_key

    async def enqueue_deleted_source_actions(self) -> None:
        policy = self.settings.publish.on_source_deleted
        if policy == "keep":
            return
        due, seen = await self.store.deleted_sources_to_handle(policy, self._audit_seen)
        for job_id, target in due:
            await self.store.enqueue(job_id, target, policy, int(self.clock()))
            log.info(event("publish.source_deleted", job=job_id, action=policy))
        self._audit_seen = seen  # only once all were queued: a failure looks again next turn

    async def process(self, item: OutboxItem) -> None:
        job = await self.store.load_job(item.job_id)
        target = self.targets.get(item.target)
        try:
            if job is None or target is None:
                raise LookupError(f"job {item.job_id} or target {item.target!r} is unknown")
            if item.kind == "post":
                await self._post(item, job, target)
            elif item.kind == "correction":
                await self._correct(item, job, target)
            elif item.kind == "annotate":
                await self._annotate(item, job, target)
            else:
                await self._delete(item, job, target)
        except _Later:
            return  # the parts sent so far are recorded; the rest follow in a later round
        except errors.FloodWaitError as exc:
            self.flood_wait_seconds += exc.seconds
            until = int(self.clock()) + exc.seconds
            self.waits.hold("publisher", self.where(item.target), until)
            await self.store.delay(item.id, until, f"flood wait {exc.seconds}s",
                              int(self.clock()), count_attempt=False)
            log.warning(event("publish.flood_wait", item=item.id, target=item.target,
                              seconds=exc.seconds))
            return
        except (*PERMANENT, MediaMissing, LookupError) as exc:
            reason = failure_reason(exc)
            await self.store.fail(item, reason, int(self.clock()))
            log.error(event("publish.failed", item=item.id, job=item.job_id, reason=reason))
            if self.on_failed:  # editors read it explained, with the channel
                self.on_failed(item.job_id, locate(reason, self.where(item.target)) or reason)
            return
        except (errors.RPCError, OSError, ConnectionError, ValueError) as exc:
            pause = int(backoff(item.attempts + 1, base=5, cap=3600))
            await self.store.delay(item.id, int(self.clock()) + pause, failure_reason(exc),
                              int(self.clock()), count_attempt=True)
            log.warning(event("publish.retry", item=item.id, seconds=pause,
                              error=failure_reason(exc)))
            return
        published = await self.store.finish(item, int(self.clock()))
        log.info(event("publish.done", item=item.id, job=item.job_id, kind=item.kind,
                       target=item.target))
        if self.on_published and (published or item.kind != "post"):
            self.on_published(item.job_id)

    # ------------------------------------------------------------------ posting
    def _translator_name(self, job: JobView) -> str:
        uid = job.translator_id
        return self.names.get(uid, "") if uid is not None else ""

    async def _peer(self, target: Target) -> types.InputPeerChannel:
        if target.key not in self._peers:
            ref = target.ref
            entity = ref.username if ref.username else types.PeerChannel(ref.id)
            self._peers[target.key] = await self.client.get_input_entity(entity)
        return self._peers[target.key]

    async def _post(self, item: OutboxItem, job: JobView, target: Target) -> None:
        files = await self._media_files(job) if has_media(job) else []
        parts = compose(job, target, self._translator_name(job),
                        with_media=bool(files))
        peer = await self._peer(target)
        await self._send_parts(item, parts, peer, target, files)

    async def _send_parts(self, item: OutboxItem, parts: list[FormattedText],
                          peer: types.InputPeerChannel, target: Target, files: list[str], *,
                          first_reply_to: int | None = None) -> None:
        channel_id = utils.get_peer_id(peer, add_mark=False)
        # issue 10 (r10a): a part that is empty or only whitespace is never posted (a caption
        # may be, under its media); when nothing else is left, Telegram's refusal reaches editors
        parts = [p for i, p in enumerate(parts) if p.text.strip() or (i == 0 and files)] \
            or parts[:1]
        done = await self.store.parts_of(item.id)
        if item.sending_part is not None and item.sending_part not in done:
            await self._recover(item, item.sending_part, parts, peer, channel_id)
            done = await self.store.parts_of(item.id)
        for index, part in enumerate(parts):
            if index in done:
                continue
            reply_to = first_reply_to if index == 0 else (
                done[index - 1].message_id if target.split_mode == "reply" else None)
            await self._respect_limits(target.key)
            await self.store.mark_sending(item.id, index, int(self.clock()), part.text)
            message_id = await self._send(peer, part, files if index == 0 else [], reply_to)
            self.limiter.record(target.key, self.clock())
            await self.store.record_part(item, channel_id, index, message_id, part.text,
                                         int(self.clock()))
            done = await self.store.parts_of(item.id)

    async def _respect_limits(self, target_key: str) -> None:
        """Sleep out the global per-second limit; a target's per-minute limit is left to a
        later round (:class:`_Later`), so it never holds another target."""
        while (wait := self.limiter.wait(target_key, self.clock())) > 0:
            if wait > 1.0:
                raise _Later(target_key)
            await self.sleep(wait)

    async def _send(self, peer: Any, part: FormattedText, files: list[str],
                    reply_to: int | None) -> int:
        entities = to_telethon(part.entities)
        if not files:
            sent = await self.client.send_message(peer, part.text, formatting_entities=entities,
                                                  reply_to=reply_to, link_preview=False,
                                                  parse_mode=None)
            return sent.id
        if len(files) == 1:
            sent = await self.client.send_file(peer, files[0], caption=part.text,
                                               formatting_entities=entities, reply_to=reply_to,
                                               parse_mode=None)
            return sent.id
        captions = [part.text] + [""] * (len(files) - 1)
        formatting = [entities] + [[] for _ in files[1:]]
        sent = await self.client.send_file(peer, files, caption=captions,
                                           formatting_entities=formatting, reply_to=reply_to,
                                           parse_mode=None)
        return sent[0].id

    async def _media_files(self, job: JobView) -> list[str]:
        """The files to re-post. Media relay was told not to keep (``download_media = false``,
        or over ``max_media_mb``) is left out: the translation goes out as text. A file relay
        did download but that is gone now is an error editors must see."""
        rows = await self.store.unit_media(job.channel_id, job.message_id, job.unit_key)
        wanted = self._keeps_media(job)
        files = []
        for message_id, kind, path, size in rows:
            too_big = size is not None and size > self.settings.storage.max_media_bytes
            if not path and (not wanted or too_big):
                continue
            if not path or not Path(path).is_file():
                raise MediaMissing(f"the {kind} of source message {message_id} is not on disk")
            files.append(path)
        return files[:10]  # an album holds at most 10 items

    def _keeps_media(self, job: JobView) -> bool:
        source = self.settings.source_of(job.channel_id, job.channel_username)
        return source.download_media if source else True

    async def _recover(self, item: OutboxItem, part_no: int, parts: list[FormattedText],
                       peer: Any, channel_id: int) -> None:
        await recover_part(self.client, self.store, item, part_no, parts, peer, channel_id,
                           self.clock)

    # ------------------------------------------------------------------ after publication
    async def _correct(self, item: OutboxItem, job: JobView, target: Target) -> None:
        """Edit the published post in place; if that is impossible, post the correction as a
        reply to it."""
        parts = compose(job, target, self._translator_name(job))
        originals = await self.store.posted_parts(job.id)
        peer = await self._peer(target)
        channel_id = utils.get_peer_id(peer, add_mark=False)
        if originals and len(originals) == len(parts):
            try:
                for original, part in zip(originals, parts, strict=True):
                    await self._edit(peer, original.message_id, part)
                    await self.store.record_part(item, channel_id, original.part,
                                                 original.message_id, part.text,
                                                 int(self.clock()))
                return
            except (errors.MessageEditTimeExpiredError, errors.MessageIdInvalidError,
                    errors.MessageAuthorRequiredError) as exc:
                log.warning(event("publish.correction_as_reply", job=job.id,
                                  reason=failure_reason(exc)))
        header = FormattedText(correction_header(target.language, target.correction))
        first = parts[0]
        shifted = tuple(e.shifted(utf16_len(header.text)) for e in first.entities)
        parts = [FormattedText(header.text + first.text, shifted), *parts[1:]]
        await self._send_parts(item, parts, peer, target, [],
                               first_reply_to=originals[0].message_id if originals else None)

    async def _edit(self, peer: Any, message_id: int, part: FormattedText) -> None:
        with contextlib.suppress(errors.MessageNotModifiedError):
            await self.client.edit_message(peer, message_id, part.text,
                                           formatting_entities=to_telethon(part.entities),
                                           link_preview=False, parse_mode=None)

    async def _annotate(self, item: OutboxItem, job: JobView, target: Target) -> None:
        originals = await self.store.posted_parts(job.id)
        if not originals:
            return
        peer = await self._peer(target)
        deleted_at = await self.store.source_deleted_at(job.channel_id, job.message_id)
        note = deleted_note(target.language, time.strftime("%Y-%m-%d", time.gmtime(deleted_at or 0)),
                            target.deleted_note)
        await self._send_parts(item, [FormattedText(note)], peer, target, [],
                               first_reply_to=originals[0].message_id)

    async def _delete(self, item: OutboxItem, job: JobView, target: Target) -> None:
        originals = await self.store.posted_parts(job.id)
        if originals:
            await self.client.delete_messages(await self._peer(target),
                                              [p.message_id for p in originals])
