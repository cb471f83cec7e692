"""The two Telegram clients of ``relay run``: the watcher's account and the bot, each with its
session file (mode 0600) or string session, and its proxy."""

from __future__ import annotations

import os
from pathlib import Path

from telethon import TelegramClient
from telethon.sessions import StringSession

from relay.config import Settings
from relay.telegram.client import ReadOnlyClient, connection_options


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
                          catch_up=False, receive_updates=True,
                          **connection_options(settings.proxy.watcher))


def make_bot_client(settings: Settings) -> TelegramClient:
    """The bot's client; its session (no secret in it but the bot's auth key) sits beside
    the watcher's, mode 0600."""
    path = Path(settings.storage.session).with_name("bot.session")
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.touch(mode=0o600)
    os.chmod(path, 0o600)
    secrets = settings.secrets
    # catch_up: what people sent the bot while relay was down is handled when it is back
    return TelegramClient(str(path), secrets.api_id, secrets.api_hash, catch_up=True,
                          **connection_options(settings.proxy.bot))
