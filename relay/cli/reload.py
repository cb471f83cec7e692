"""`relay reload`: ask the running `relay run` to re-read its configuration (it gets SIGHUP).

The running service is found through the data directory's lock (:mod:`relay.service.lock`):
held means running, and the lock file names the holder's pid and command. The new
configuration is checked here first, so a broken one is reported to the operator at once
(exit 2) and the service is not disturbed.
"""

from __future__ import annotations

import fcntl
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from relay.cli.errors import CommandError
from relay.config import Settings
from relay.service.lock import LOCK_NAME


@dataclass(frozen=True)
class Holder:
    pid: int
    command: str


def running_holder(data_dir: Path) -> Holder | None:
    """The process holding ``data_dir``'s lock, or None when none does."""
    path = data_dir / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.read(fd, 512).decode("utf-8", "replace").split()
            if len(text) >= 3 and text[0].isdigit():
                return Holder(int(text[0]), text[2])
            raise CommandError(f"{path}: held, but it does not say by which process") from None
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def run_reload(settings: Settings, say: Callable[[str], None]) -> None:
    data_dir = settings.storage.data_dir
    holder = running_holder(data_dir)
    if holder is None:
        raise CommandError(f"no relay is running on {data_dir} (nothing to reload; "
                           "`relay run` reads the configuration when it starts)")
    if holder.command != "run":
        raise CommandError(f"{data_dir} is held by `relay {holder.command}` (pid {holder.pid}), "
                           "not by `relay run`: nothing to reload")
    try:
        os.kill(holder.pid, signal.SIGHUP)
    except ProcessLookupError:
        raise CommandError(f"`relay run` (pid {holder.pid}) is gone") from None
    except PermissionError:
        raise CommandError(f"not allowed to signal `relay run` (pid {holder.pid}): run "
                           "`relay reload` as the same user") from None
    say(f"asked `relay run` (pid {holder.pid}) to reload {settings.path}; its log says what "
        "changed (config.reloaded) or why nothing did (config.reload_failed)")


def tell_statements_changed(settings: Settings) -> str | None:
    """After ``relay import`` stored posts: a running ``relay run`` reads its statement index
    again (SIGUSR1), so that a live copy of an imported statement joins it. What to tell the
    operator, or None when no relay runs."""
    try:
        holder = running_holder(settings.storage.data_dir)
    except CommandError:
        return None
    if holder is None or holder.command != "run":
        return None
    try:
        os.kill(holder.pid, signal.SIGUSR1)
    except OSError as exc:
        return (f"could not tell the running relay (pid {holder.pid}) to read the imported "
                f"statements ({exc.strerror}): restart it so that live copies join them")
    return (f"told the running relay (pid {holder.pid}) to read the statements again: live "
            "copies of the imported posts join them (statements.reindexed in its log)")

