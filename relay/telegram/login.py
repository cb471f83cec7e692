"""``relay login``: sign the watcher user account in, interactively, once."""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import os
import sys
from pathlib import Path

from telethon import errors
from telethon.sessions import StringSession

from relay.cli.errors import CommandError
from relay.config import Settings
from relay.config.env import check_session
from relay.logs import setup_logging
from relay.telegram.client import ReadOnlyClient, connection_options

#: How long to wait for Telegram to answer the connection (Telethon would wait forever for a
#: peer that never answers).
CONNECT_TIMEOUT_SECONDS = 60.0


async def _connect(client: ReadOnlyClient) -> None:
    if client.is_connected():
        return
    try:
        await asyncio.wait_for(client.connect(), CONNECT_TIMEOUT_SECONDS)
    except TimeoutError:
        raise TimeoutError(f"no answer within {CONNECT_TIMEOUT_SECONDS:g} s") from None


def _ask(prompt: str) -> str:
    print(prompt, end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip()


async def login(settings: Settings, *, as_string: bool = False,
                client: ReadOnlyClient | None = None) -> str | None:
    """Sign in; write the session file (0600) or return and print a string session."""
    settings.require_secrets("api_id", "api_hash", purpose="relay login")
    check_session(settings.secrets)  # relay would not use the session login writes
    session_path = Path(settings.storage.session)
    if client is None:
        # Telethon's warnings (a refused connection, a garbled answer) as relay's one-line
        # records, secrets redacted, not Python's bare last-resort output.
        setup_logging("WARNING", settings.logging.format, settings.secret_values())
        if as_string:
            session: StringSession | str = StringSession()
        else:
            session_path.parent.mkdir(parents=True, exist_ok=True)
            session_path.touch(mode=0o600, exist_ok=True)
            os.chmod(session_path, 0o600)
            session = str(session_path)
        client = ReadOnlyClient(session, settings.secrets.api_id, settings.secrets.api_hash,
                                **connection_options(settings.proxy.watcher))
    try:
        # Telethon greets on stdout; stdout is kept for the string session alone.
        with contextlib.redirect_stdout(sys.stderr):
            await _connect(client)
            await client.start(
                phone=lambda: _ask("Phone number of the watcher account (e.g. +4479...): "),
                code_callback=lambda: _ask("Login code Telegram sent: "),
                password=lambda: getpass.getpass("Two-step verification password: "),
                max_attempts=3,
            )
        me = await client.get_me()
        print(f"signed in as {me.first_name or ''} (id {me.id})", file=sys.stderr)
        if as_string:
            value = client.session.save()
            print("Put this in RELAY_SESSION (it is a password: keep it secret):",
                  file=sys.stderr)
            print(value)
            return value
        os.chmod(session_path, 0o600)
        print(f"session written to {session_path} (mode 0600)", file=sys.stderr)
        return None
    except (errors.PhoneNumberInvalidError, errors.PhoneCodeInvalidError,
            errors.PasswordHashInvalidError, errors.PhoneCodeExpiredError) as exc:
        raise CommandError(f"sign-in failed: {type(exc).__name__.removesuffix('Error')}") from None
    finally:
        await client.disconnect()
