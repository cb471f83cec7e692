"""Wires the parts into one asyncio service and stops it cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from telethon import TelegramClient, errors
from telethon.sessions import StringSession

from relay.config import Settings
from relay.ingest.client import ReadOnlyClient
from relay.ingest.watcher import Watcher
from relay.logs import event
from relay.publish.publisher import Publisher
from relay.review.bot import ReviewBot
from relay.review.callbacks import CallbackSigner
from relay.store.db import Database

log = logging.getLogger("relay.service")


class ServiceError(Exception):
    """A problem that stops the service from starting; ``str`` is one line for the operator."""


def watcher_session(settings: Settings) -> StringSession | str:
    """The string session from the environment, else the session file (created mode 0600)."""
    if settings.secrets.session_string:
        return StringSession(settings.secrets.session_string)
    path = Path(settings.storage.session)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600)
    os.chmod(path, 0o600)
    return str(path)


def make_watcher_client(settings: Settings) -> ReadOnlyClient:
    secrets = settings.secrets
    return ReadOnlyClient(watcher_session(settings), secrets.api_id, secrets.api_hash,
                          catch_up=False, receive_updates=True)


def make_bot_client(settings: Settings) -> TelegramClient:
    """The bot's client; its session (no secret in it but the bot's auth key) sits beside
    the watcher's, mode 0600."""
    path = Path(settings.storage.session).with_name("bot.session")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600)
    os.chmod(path, 0o600)
    secrets = settings.secrets
    return TelegramClient(str(path), secrets.api_id, secrets.api_hash, catch_up=False)


class Service:
    """The long-lived process: the watcher and, when people are configured, the review bot
    and the publisher (both on the bot's client)."""

    def __init__(self, settings: Settings, db: Database, watcher_client: ReadOnlyClient,
                 bot_client: TelegramClient | None = None, *,
                 clock: Callable[[], float] = time.time):
        self.settings = settings
        self.db = db
        self.watcher_client = watcher_client
        self.bot_client = bot_client
        self.bot: ReviewBot | None = None
        if bot_client is not None:
            token = settings.secrets.bot_token or "relay-simulated-bot"
            self.bot = ReviewBot(bot_client, db, settings,
                                 signer=CallbackSigner.from_secret(token), clock=clock)
        self.publisher: Publisher | None = None
        if bot_client is not None and settings.targets:
            self.publisher = Publisher(bot_client, db, settings, clock=clock,
                                       on_published=self.bot.published,
                                       on_failed=self.bot.publish_failed)
            self.bot.on_approved = self.publisher.wake
        self.watcher = Watcher(watcher_client, db, settings, clock=clock,
                               on_jobs_changed=self.bot.notify if self.bot else None)
        self.stopping = asyncio.Event()

    async def start(self) -> None:
        if not self.watcher_client.is_connected():
            await self.watcher_client.connect()
        if not await self.watcher_client.is_user_authorized():
            raise ServiceError("the watcher account is not signed in: run `relay login` first")
        if self.bot is not None:
            await self._start_bot_client()
            await self.bot.start()
        if self.publisher is not None:
            await self.publisher.start()
        await self.watcher.start()
        log.info(event("service.started", sources=len(self.watcher.watched),
                       resolved=len(self.watcher.by_channel), bot=self.bot is not None))

    async def _start_bot_client(self) -> None:
        client = self.bot_client
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

    async def stop(self) -> None:
        """Stop taking work, let the writes in progress finish, disconnect."""
        log.info(event("service.stopping"))
        await self.watcher.stop()
        if self.bot is not None:
            await self.bot.stop()
        if self.publisher is not None:
            await self.publisher.stop()
        await self.watcher_client.disconnect()
        if self.bot_client is not None:
            await self.bot_client.disconnect()
        log.info(event("service.stopped"))

    async def run_until_stopped(self) -> None:
        await self.start()
        try:
            await self.stopping.wait()
        finally:
            await self.stop()

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stopping.set)


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
        await service.run_until_stopped()
    finally:
        await db.close()
