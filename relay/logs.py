"""Logging: one line per event, key=value or JSON, with every secret redacted.

Use ``log.info(event("ingest.stored", channel=..., message=...))``: the first word names the
event, the rest are fields. The redaction filter runs on every record of every logger
(Telethon's too), so a secret can't leak through a library's message or a traceback.
"""

from __future__ import annotations

import errno
import json
import logging
import sys
import time
from collections.abc import Iterable
from typing import Any

REDACTED = "<redacted>"


def _quote(value: Any) -> str:
    text = str(value)
    if text == "" or any(c.isspace() or c in '="' for c in text):
        return json.dumps(text, ensure_ascii=False)
    return text


class Event(str):
    """A log message made of an event name and fields; renders as ``name k=v k=v``."""

    fields: dict[str, Any]

    def __new__(cls, name: str, fields: dict[str, Any], /) -> Event:
        text = " ".join([name, *(f"{k}={_quote(v)}" for k, v in fields.items() if v is not None)])
        obj = super().__new__(cls, text)
        obj.fields = {"event": name, **{k: v for k, v in fields.items() if v is not None}}
        return obj


def event(name: str, /, **fields: Any) -> Event:
    return Event(name, fields)


def disk_full(exc: BaseException | None) -> bool:
    """SQLite's SQLITE_FULL or the system's ENOSPC: the operator's to fix (free space), not a
    bug, so it is logged as one line without a traceback (issue 12)."""
    # SQLITE_FULL (13); SQLITE_IOERR_SHMSIZE (4874): a WAL database's shared-memory file
    # could not be grown, which is how a full disk shows when the database is opened
    if getattr(exc, "sqlite_errorcode", None) in (13, 4874) or (
            "database or disk is full" in str(exc)):
        return True
    return isinstance(exc, OSError) and exc.errno == errno.ENOSPC


def exception_text(formatter: logging.Formatter, exc_info: Any) -> str:
    """The traceback, except for a full disk: its one line."""
    exc = exc_info[1] if isinstance(exc_info, tuple) else None
    if disk_full(exc):
        return f"{type(exc).__name__}: {exc}"
    return formatter.formatException(exc_info)


class RedactingFilter(logging.Filter):
    """Replaces every secret by ``<redacted>`` in the final message and the traceback."""

    def __init__(self, secrets: Iterable[str]):
        super().__init__()
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    def scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        record.msg, record.args = self.scrub(message), None
        fields = getattr(message, "fields", None)
        if fields:
            record.fields = {k: self.scrub(v) if isinstance(v, str) else v
                             for k, v in fields.items()}
        if record.exc_info:
            record.exc_text = self.scrub(exception_text(logging.Formatter(), record.exc_info))
            record.exc_info = None
        return True


class KeyValueFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))
        line = f"ts={stamp} level={record.levelname.lower()} logger={record.name} {record.getMessage()}"
        if record.exc_info and not record.exc_text:
            record.exc_text = exception_text(self, record.exc_info)
        if record.exc_text:
            line += " exc=" + json.dumps(record.exc_text, ensure_ascii=False)
        return line


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = getattr(record, "fields", None) or getattr(record.msg, "fields", None)
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        if fields:
            out.update({k: v if isinstance(v, int | float | bool) else str(v)
                        for k, v in fields.items()})
        else:
            out["message"] = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = exception_text(self, record.exc_info)
        if record.exc_text:
            out["exc"] = record.exc_text
        return json.dumps(out, ensure_ascii=False)


def setup_logging(level: str = "INFO", fmt: str = "kv", secrets: Iterable[str] = (),
                  stream: Any = None) -> logging.Handler:
    """Install relay's single handler on the root logger; returns it (tests remove it)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else KeyValueFormatter())
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_relay", False)]:
        root.removeHandler(old)
    handler._relay = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # Telethon is chatty at INFO about connections; its warnings still show.
    logging.getLogger("telethon").setLevel(max(logging.WARNING, logging.getLevelName(level)))
    return handler
