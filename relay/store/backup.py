"""Backup and restore of the relay database with SQLite's online backup API.

A backup is consistent while the service writes (SQLite copies a snapshot page by page,
restarting the copy when a writer changes a page it already copied) and is checked with
``PRAGMA integrity_check`` before it takes the destination's name, so a half-written or
damaged file never looks like a backup. A restore checks the backup the same way, keeps the
database it replaces beside it, and never runs while relay does (the caller holds the data
directory's lock).
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from relay.store.migrations import MIGRATIONS
from relay.store.readonly import readonly_uri


class BackupError(Exception):
    """One line for the operator: what file, what was wrong."""


@dataclass(frozen=True, slots=True)
class BackupInfo:
    path: Path
    bytes: int
    messages: int
    schema_version: int


def backup(database: Path, destination: Path) -> BackupInfo:
    """Copy ``database`` into ``destination`` (replaced only once the copy is verified)."""
    if not database.is_file():
        raise BackupError(f"{database}: no database to back up")
    if destination.is_dir():
        raise BackupError(f"{destination}: is a directory; give a file name")
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        source = sqlite3.connect(readonly_uri(database), uri=True)  # (a read-only folder too)
    except sqlite3.Error as exc:
        raise BackupError(f"{database}: cannot open: {exc}") from None
    try:
        target = sqlite3.connect(partial)
        try:
            source.backup(target, pages=1024)
            target.execute("PRAGMA journal_mode=DELETE")
        finally:
            target.close()
    except (sqlite3.Error, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"{destination}: backup failed: {exc}") from None
    finally:
        source.close()
    try:
        info = verify(partial)
    except BackupError:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, destination)
    return BackupInfo(destination, info.bytes, info.messages, info.schema_version)


def verify(path: Path) -> BackupInfo:
    """Check that ``path`` is an intact relay database this relay can read."""
    if not path.is_file():
        raise BackupError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise BackupError(f"{path}: cannot open: {exc}") from None
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(f"{path}: integrity check failed: {result}")
        version = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
        messages = conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path}: not a relay database: {exc}") from None
    finally:
        conn.close()
    newest = max(v for v, _ in MIGRATIONS)
    if version is None or version > newest:
        raise BackupError(f"{path}: schema version {version} is not one this relay knows "
                          f"(1..{newest}); use the relay that wrote it")
    return BackupInfo(path, path.stat().st_size, messages, version)


def restore(backup_file: Path, database: Path) -> tuple[BackupInfo, Path | None]:
    """Put a verified backup in place of ``database``; the replaced database is kept beside it
    (its name is returned). The caller must hold the data directory's lock."""
    info = verify(backup_file)
    kept: Path | None = None
    database.parent.mkdir(parents=True, exist_ok=True)
    incoming = database.with_name(database.name + ".restoring")
    incoming.unlink(missing_ok=True)
    try:
        source = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
        target = sqlite3.connect(incoming)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
    except (sqlite3.Error, OSError) as exc:
        incoming.unlink(missing_ok=True)
        raise BackupError(f"{database}: restore failed, nothing changed: {exc}") from None
    if database.exists():
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        kept = database.with_name(f"{database.name}.before-restore-{stamp}")
        # The replaced database, with its write-ahead log folded in, stays beside the new one.
        conn = sqlite3.connect(database)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        os.replace(database, kept)
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    os.replace(incoming, database)
    return info, kept
