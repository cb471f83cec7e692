"""Errors the store raises, so that callers never need to know which database is behind it."""

from __future__ import annotations


class StoreError(Exception):
    """Something went wrong in the store; ``str`` is one line fit for an operator."""


class DatabaseUnreadable(StoreError):
    """The database is missing, cannot be opened, or is not a relay database."""
