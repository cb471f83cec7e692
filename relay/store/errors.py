"""Errors the store raises, so that callers never need to know which database is behind it."""

from __future__ import annotations

from relay.logs import disk_full


class StoreError(Exception):
    """Something went wrong in the store; ``str`` is one line fit for an operator."""


class DatabaseUnreadable(StoreError):
    """The database is missing, cannot be opened, or is not a relay database."""


def database_fault(exc: BaseException) -> str | None:
    """One line for a database error that escaped a command (None: not the database's)."""
    import sqlite3  # here, so that callers never import the database driver

    if not isinstance(exc, sqlite3.Error):
        return None
    text = str(exc)
    if disk_full(exc):
        return (f"the disk is full ({text}): free space and run it again; nothing already "
                "stored was lost")
    if "readonly" in text or "read-only" in text:
        return f"the database is read-only ({text})"
    return f"the database cannot be used ({text}): `relay restore` a backup"
