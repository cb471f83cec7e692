"""`relay backup` and `relay restore`, and the data directory's lock around the commands that
must not run twice at once (run, backfill, login, restore)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from relay.cli.errors import CommandError, UsageError
from relay.cli.faults import check_database
from relay.config import Settings
from relay.service.lock import DataDirBusy, hold
from relay.store.backup import BackupError, backup, restore


@contextmanager
def exclusive(settings: Settings, command: str) -> Iterator[None]:
    """Hold the data directory for ``command``; a second holder gets one line naming the first."""
    try:
        with hold(settings.storage.data_dir, command):
            yield
    except DataDirBusy as exc:
        raise CommandError(str(exc)) from None


def run_backup(settings: Settings, destination: str, say: Callable[[str], None]) -> None:
    """Copy the database while the service may be running; verified before it is named."""
    target = Path(destination)
    if not target.parent.is_dir():
        raise UsageError(f"{target.parent}: no such folder")
    try:
        info = backup(settings.storage.database, target)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    say(f"backup written: {info.path} ({info.bytes:,} bytes, {info.messages:,} messages, "
        f"schema {info.schema_version}, integrity ok)")


def run_restore(settings: Settings, source: str, say: Callable[[str], None]) -> None:
    """Replace the database with a verified backup; refused while relay runs."""
    check_database(settings.storage.database, write=True)  # read-only: one line, untouched
    with exclusive(settings, "restore"):
        try:
            info, kept = restore(Path(source), settings.storage.database)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
    say(f"restored {info.path} ({info.messages:,} messages, schema {info.schema_version}) "
        f"into {settings.storage.database}")
    if kept is not None:
        say(f"the database it replaced is kept as {kept}")
