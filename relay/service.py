"""Wires the parts into one asyncio service and stops it cleanly on SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path

from telethon.sessions import StringSession

from relay.config import Settings
from relay.ingest.client import ReadOnlyClient
from relay.ingest.watcher import Watcher
from relay.logs import event
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


class Service:
    """The long-lived process: for now the watcher; the bot and publisher join it later."""

    def __init__(self, settings: Settings, db: Database, watcher_client: ReadOnlyClient, *,
                 clock: Callable[[], float] = time.time):
        self.settings = settings
        self.db = db
        self.watcher_client = watcher_client
        self.watcher = Watcher(watcher_client, db, settings, clock=clock)
        self.stopping = asyncio.Event()

    async def start(self) -> None:
        if not self.watcher_client.is_connected():
            await self.watcher_client.connect()
        if not await self.watcher_client.is_user_authorized():
            raise ServiceError("the watcher account is not signed in: run `relay login` first")
        await self.watcher.start()
        log.info(event("service.started", sources=len(self.watcher.watched),
                       resolved=len(self.watcher.by_channel)))

    async def stop(self) -> None:
        """Stop taking work, let the writes in progress finish, disconnect."""
        log.info(event("service.stopping"))
        await self.watcher.stop()
        await self.watcher_client.disconnect()
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
    """``relay run``: open the store, connect the watcher, run until a signal."""
    settings.require_secrets("api_id", "api_hash", purpose="relay run")
    db = await Database.open(settings.storage.database)
    try:
        client = make_watcher_client(settings)
        service = Service(settings, db, client)
        service.install_signal_handlers()
        await service.run_until_stopped()
    finally:
        await db.close()
