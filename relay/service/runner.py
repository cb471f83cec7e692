"""Wires the parts into one asyncio service and stops it cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telethon import TelegramClient, errors

from relay.assist.setup import drafter_for
from relay.config import Settings
from relay.core.retry import backoff
from relay.logs import event
from relay.review.statement_index import StatementMatcher
from relay.service import heartbeat
from relay.service.clients import (  # noqa: F401 - re-exported: where callers found them
    make_bot_client,
    make_watcher_client,
    watcher_session,
)
from relay.service.ingest_process import IngestProcessGone, ProcessIngest
from relay.service.metrics import MetricsServer
from relay.service.reload import Reloader
from relay.service.site_updater import SiteUpdater
from relay.store.db import Database
from relay.store.service_state import HEARTBEAT_SECONDS, HEARTBEAT_STALE_SECONDS  # noqa: F401 - re-exported
from relay.store.sqlite_store import SqliteStore
from relay.telegram.bot import ReviewBot
from relay.telegram.callbacks import CallbackSigner
from relay.telegram.client import ReadOnlyClient
from relay.telegram.publisher import Publisher
from relay.telegram.waits import Wait, active_waits
from relay.telegram.watcher import Watcher

log = logging.getLogger("relay.service")

#: How long `relay run` waits for Telegram to answer at start (issue 12: a peer that never
#: answers, or answers garbage, ends in one line instead of a hang).
START_TIMEOUT_SECONDS = 60.0


class ServiceError(Exception):
    """A problem that stops the service from starting; ``str`` is one line for the operator."""


@dataclass
class Component:
    """A part of the service the supervisor keeps alive."""

    name: str
    start: Callable[[], Awaitable[Any]]
    stop: Callable[[], Awaitable[Any]]
    healthy: Callable[[], bool]
    failures: int = 0
    retry_at: float = 0.0


class Service:
    """The long-lived process: the watcher and, when people are configured, the review bot
    and the publisher (both on the bot's client), each supervised: one that fails is logged
    and restarted with backoff while the others keep running."""

    def __init__(self, settings: Settings, db: Database, watcher_client: ReadOnlyClient,
                 bot_client: TelegramClient | None = None, *,
                 clock: Callable[[], float] = time.time, check_seconds: float = 1.0):
        self.settings = settings
        self.db = db  # beneath the store; everything in the service goes through self.store
        self.store = SqliteStore(db)
        self.clock = clock
        self.check_seconds = check_seconds
        self.watcher_client = watcher_client
        self.bot_client = bot_client
        self.bot: ReviewBot | None = None
        self.publisher: Publisher | None = None
        self.site = SiteUpdater(settings, self.store) if settings.site else None  # issue 13
        if bot_client is not None:
            token = settings.secrets.bot_token or "relay-simulated-bot"
            bot = ReviewBot(bot_client, self.store, settings,
                            signer=CallbackSigner.from_secret(token), clock=clock)
            self.bot = bot
            if settings.targets:
                publisher = Publisher(bot_client, self.store, settings, clock=clock,
                                      on_published=self._published_by(bot),
                                      on_failed=bot.publish_failed)
                bot.on_approved = publisher.wake
                self.publisher = publisher
        self.ingest = (ProcessIngest(db.path, settings.watcher.statement_window_days,
                                     on_error=db.noticed)
                       if settings.watcher.ingest_process else None)  # issue 9: another core
        # issue 11: the index of statements that finds copies, here unless the child holds it
        self.statements = None if self.ingest else StatementMatcher.for_settings(settings)
        if self.bot is not None:  # the index lives where posts are decided
            self.bot.desk.statements = self.ingest or self.statements
        # issue 14: machine drafts in the background (None without an engine)
        self.drafter = drafter_for(settings, self.store, clock=clock,
                                   on_drafted=self.bot.notify if self.bot else None)
        self.watcher = Watcher(watcher_client, self.store, settings, clock=clock,
                               on_jobs_changed=self._jobs_changed(),
                               statements=self.statements, ingest=self.ingest,
                               on_statement_joined=self.bot.statement_joined if self.bot else None)
        self.watcher.on_statement_left = self.bot.statement_left if self.bot else None
        if self.ingest is not None:  # posts lost with a dead ingest process are read again
            self.ingest.on_restarted = self._catch_up_soon
        self.metrics: MetricsServer | None = None
        if settings.metrics.enabled:
            self.metrics = MetricsServer(
                self.store, settings.metrics.host, settings.metrics.port, clock=clock,
                flood_wait_total=lambda: self.publisher.flood_wait_seconds
                if self.publisher else 0.0, waits=self.waits)
        self.components = self._components()
        self.reloader = Reloader(self)  # issue 12: SIGHUP / `relay reload`
        self.stopping = asyncio.Event()
        self.signal_name: str | None = None  # the signal that stopped relay, once one came
        self.failure: ServiceError | None = None  # why relay stopped by itself (a full disk)
        db.on_full = self._disk_full
        self._tasks: list[asyncio.Task] = []

    def _catch_up_soon(self) -> None:
        self._tasks.append(asyncio.create_task(self.watcher.catch_up(), name="catch-up"))

    def _jobs_changed(self) -> Callable[[list[int]], None] | None:
        """The watcher's report of queued or changed jobs: cards, and the draft worker."""
        bot, drafter = self.bot, self.drafter
        if drafter is None:
            return bot.notify if bot else None

        def changed(jobs: list[int]) -> None:
            if bot is not None:
                bot.notify(jobs)
            drafter.wake(jobs)
        return changed

    def _published_by(self, bot: ReviewBot) -> Callable[[int], None]:
        """The publisher's report: the bot refreshes the cards, the site rebuilds."""
        site = self.site
        if site is None:
            return bot.published

        def published(job_id: int) -> None:
            bot.published(job_id)
            site.published(job_id)
        return published

    def _components(self) -> list[Component]:
        watcher = self.watcher
        parts = [Component(
            "watcher", self._restart_watcher, watcher.stop,
            lambda: self.watcher_client.is_connected() and watcher.running)]
        if self.bot is not None:
            bot, bot_client = self.bot, self._bot_client()
            parts.append(Component(
                "bot", self._restart_bot, bot.stop,
                lambda: bot_client.is_connected() and bot.running))
        if self.publisher is not None:
            publisher = self.publisher
            parts.append(Component("publisher", publisher.start, publisher.stop,
                                   lambda: publisher.running))
        if (ingest := self.ingest) is not None:  # stopped last, below: posts in flight answered
            parts.append(Component("ingest", ingest.revive, ingest.reap, lambda: ingest.running))
        return parts

    # ------------------------------------------------------------------ start and stop
    async def start(self) -> None:
        try:  # Telethon waits for an answer forever: a silent or garbling peer ends here
            await asyncio.wait_for(self._reach_telegram(), START_TIMEOUT_SECONDS)
        except TimeoutError:
            raise TimeoutError(f"no answer within {START_TIMEOUT_SECONDS:g} s") from None
        if self.bot is not None:
            await self.bot.start()
        if self.publisher is not None:
            await self.publisher.start()
        if self.ingest is not None:  # the ingest process indexes the statements itself
            try:
                await self.ingest.start()
            except IngestProcessGone as exc:
                raise ServiceError(str(exc)) from None
        elif self.statements is not None:
            await self.statements.rebuild(self.store, int(self.clock()))
        await self.watcher.start()
        if self.metrics is not None:
            await self.metrics.start()
        if self.site is not None:
            self.site.start()
        if self.drafter is not None:
            await self.drafter.start()
        self._tasks = [asyncio.create_task(self._supervise(), name="supervisor"),
                       asyncio.create_task(self._heartbeat(), name="heartbeat")]
        log.info(event("service.started", sources=len(self.watcher.watched),
                       resolved=len(self.watcher.by_channel), bot=self.bot is not None,
                       publisher=self.publisher is not None))

    async def _reach_telegram(self) -> None:
        if not self.watcher_client.is_connected():
            await self.watcher_client.connect()
        if not await self.watcher_client.is_user_authorized():
            raise ServiceError("the watcher account is not signed in: run `relay login` first")
        if self.bot is not None:
            await self._start_bot_client()

    def _bot_client(self) -> TelegramClient:
        """The bot's client: there is one whenever there is a review bot."""
        if self.bot_client is None:
            raise ServiceError("the review bot has no Telegram client")
        return self.bot_client

    async def _start_bot_client(self) -> None:
        client = self._bot_client()
        if not client.is_connected():
            await client.connect()
        if not await client.is_user_authorized():
            token = self.settings.secrets.bot_token
            if not token:
                raise ServiceError("the bot is not signed in and RELAY_BOT_TOKEN is not set")
            try:
                await client.start(bot_token=token)
            except errors.RPCError as exc:
                raise ServiceError(f"the bot token was refused by Telegram ({exc.message})"
                                   ) from None
        me = await client.get_me()
        if not me.bot:
            raise ServiceError("the bot session belongs to a user account, not a bot")

    async def stop(self, timeout: float = 9.0) -> None:
        """Stop taking work, let the writes in progress finish, disconnect: within ``timeout``
        seconds whatever happens (a write already handed to the database still completes)."""
        log.info(event("service.stopping"))
        self.stopping.set()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.reloader.stop()
        try:
            await asyncio.wait_for(self._stop_parts(), timeout)
        except TimeoutError:
            log.warning(event("service.stop_timeout", seconds=timeout))
        log.info(event("service.stopped"))

    async def _stop_parts(self) -> None:
        if self.metrics is not None:
            await self.metrics.stop()
        if self.site is not None:
            await self.site.stop()
        if self.drafter is not None:
            await self.drafter.stop()
        for component in self.components:  # watcher first: no new work comes in
            try:
                await component.stop()
            except Exception:  # noqa: BLE001 - stop the others all the same
                log.exception(event("component.stop_failed", component=component.name))
        if self.ingest is not None:  # after the watcher: the posts in flight are answered
            await self.ingest.stop()
        for client in (self.watcher_client, self.bot_client):
            if client is not None:
                await client.disconnect()
        with contextlib.suppress(Exception):  # also when a signal came while starting
            await self.store.beat(int(self.clock()), os.getpid(), "stopped", "clean stop")

    async def run_until_stopped(self) -> None:
        if not await self._start_unless_stopped():
            return
        try:
            await self.stopping.wait()
        finally:
            await self.stop()

    async def _start_unless_stopped(self) -> bool:
        """Start, unless a signal comes first (issue 12: while Telegram is being reached, up
        to START_TIMEOUT_SECONDS): then what started is stopped, in one line. False: stopped."""
        starting = asyncio.create_task(self.start(), name="service-start")
        signalled = asyncio.create_task(self.stopping.wait(), name="stop-signal")
        await asyncio.wait({starting, signalled}, return_when=asyncio.FIRST_COMPLETED)
        signalled.cancel()
        if not starting.done():
            starting.cancel()
            await asyncio.gather(starting, return_exceptions=True)
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._stop_parts(), 5.0)
            if self.failure is None:
                log.info(event("service.stopped", signal=self.signal_name,
                               note="stopped while starting (reaching Telegram)"))
            return False
        if starting.exception() is not None:  # a failure to start: stop what had started
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._stop_parts(), 5.0)
        await starting  # ... and raise it here
        return True

    def _disk_full(self, exc: BaseException) -> None:
        """A write met a full disk: stop, and exit 1 in one line. The supervisor starts relay
        again; once there is space, its catch-up reads what was posted meanwhile (issue 12)."""
        if self.failure is None:
            folder = self.db.path.parent
            self.failure = ServiceError(
                f"the disk holding {folder} is full ({exc}): relay stopped, nothing stored was "
                "lost; free space and start it again: it reads what was posted meanwhile")
            log.error(event("service.disk_full", folder=str(folder), error=str(exc),
                            note="stopping; free space and start relay again"))
        self.stopping.set()

    def _on_signal(self, sig: signal.Signals) -> None:
        self.signal_name = self.signal_name or sig.name
        self.stopping.set()

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._on_signal, sig)
        loop.add_signal_handler(signal.SIGHUP, self.reloader.request)  # reload the config
        loop.add_signal_handler(signal.SIGUSR1, self.reloader.reindex_soon)  # `relay import`

    # ------------------------------------------------------------------ supervision
    def health(self) -> dict[str, bool]:
        return {c.name: bool(c.healthy()) for c in self.components}

    async def _supervise(self) -> None:
        loop = asyncio.get_running_loop()
        while not self.stopping.is_set():
            await asyncio.sleep(self.check_seconds)
            for component in self.components:
                if self.stopping.is_set():
                    return
                if component.healthy():
                    component.failures = 0
                    continue
                if loop.time() < component.retry_at:
                    continue
                await self._restart(component, loop.time())

    async def _restart(self, component: Component, now: float) -> None:
        component.failures += 1
        pause = backoff(component.failures + 1, cap=300.0)  # 2 s after the first failure
        component.retry_at = now + pause
        log.warning(event("component.restart", component=component.name,
                          attempt=component.failures, next_in=pause))
        try:
            await component.stop()
            await component.start()
        except Exception as exc:  # noqa: BLE001 - try again after the backoff
            log.error(event("component.restart_failed", component=component.name,
                            error=f"{type(exc).__name__}: {exc}"))
        else:
            log.info(event("component.restarted", component=component.name))

    async def _restart_watcher(self) -> None:
        if not self.watcher_client.is_connected():
            await self.watcher_client.connect()
        await self.watcher.start()

    async def _restart_bot(self) -> None:
        if self.bot is None:  # only the bot's component restarts it
            raise ServiceError("there is no review bot to restart")
        await self._start_bot_client()
        await self.bot.start()

    def waits(self) -> list[Wait]:
        """The waits Telegram imposed that are in force: the watcher's, the bot's, the publisher's."""
        return active_waits([self.watcher_client, self.bot_client], self.clock())

    async def beat_now(self) -> None:
        """Write one heartbeat: each part's state, the waits in force, failing publication."""
        failed, since = await self.store.publish_failing() if self.publisher else (0, None)
        state, detail = heartbeat.compose(self.health(), self.waits(), failed, since)
        await self.store.beat(int(self.clock()), os.getpid(), state, detail)

    async def _heartbeat(self) -> None:
        while not self.stopping.is_set():
            try:
                await self.beat_now()
            except Exception:  # noqa: BLE001 - a missed beat shows as a stale heartbeat
                log.exception(event("service.heartbeat_failed"))
            await asyncio.sleep(HEARTBEAT_SECONDS)


async def run_service(settings: Settings) -> None:
    """``relay run``: open the store, connect the watcher and the bot, run until a signal."""
    needs_bot = bool(settings.people)
    settings.require_secrets("api_id", "api_hash", *(("bot_token",) if needs_bot else ()),
                             purpose="relay run")
    db = await Database.open(settings.storage.database)
    try:
        service = Service(settings, db, make_watcher_client(settings),
                          make_bot_client(settings) if needs_bot else None)
        service.install_signal_handlers()
        try:
            await service.run_until_stopped()
        except Exception:
            if service.failure is None:
                raise
        if service.failure is not None:
            raise service.failure
    finally:
        await db.close()
