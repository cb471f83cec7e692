"""``relay status``: what the service is doing, read straight from the database.

Per configured source: the date of the newest stored post, when the watcher last stored anything,
the highest stored message id, and warnings (unresolvable, silent too long, never read). Jobs by
state with the age of the oldest queued job; the outbox backlog, failures and waits (flood waits
and retry back-offs) in force; publications; the service's last heartbeat.

Status only reads. It opens its own read-only connection (``mode=ro``), so it works while the
service runs: in WAL mode readers never wait for the writer. Every query is answered from an
index or from a small table (``channels``, ``source_status``, the outbox's pending and failed
rows); none touches ``messages`` beyond one primary-key lookup, so the answer time does not
grow with the archive (see ``bench/status.py``).

:func:`collect_status` returns a plain, JSON-serialisable dict with stable keys (``--json``
prints it with ``json.dumps(status, ensure_ascii=False, indent=2)``); :func:`render_status`
makes the human table from it.

Channels in the database that match no configured source (a source removed from the config,
or an archive-only import) are listed under ``other_channels``, without warnings: nobody
expects them to post.
"""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from relay.config import Settings, Source
from relay.store.service_state import HEARTBEAT_STALE_SECONDS

__all__ = [
    "HEARTBEAT_STALE_SECONDS",
    "JOB_STATES",
    "StatusError",
    "collect_status",
    "connect_readonly",
    "format_age",
    "iso",
    "read_status",
    "render_status",
    "status_json",
]

#: Every job state, in the order of the workflow (all are reported, zeros included).
JOB_STATES = ("queued", "drafted", "approved", "published", "skipped", "rejected", "stale")
#: How many of the latest publishing failures are listed.
FAILURES_SHOWN = 5


class StatusError(Exception):
    """The database cannot be read as a relay database; ``str`` is one line."""


# ------------------------------------------------------------------------------ connection
def connect_readonly(path: Path | str) -> sqlite3.Connection:
    """Open the relay database read-only (``mode=ro``); safe while the service writes to it."""
    path = Path(path)
    if not path.is_file():
        raise StatusError(f"no database at {path} (has relay run yet? see [storage] in the config)")
    uri = path.resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=5.0)
    except sqlite3.Error as exc:
        raise StatusError(f"cannot open {path}: {exc}") from None
    conn.execute("PRAGMA query_only=ON")
    return conn


def read_status(settings: Settings, now: float | None = None) -> dict[str, Any]:
    """Open ``settings.storage.database`` read-only and collect the status."""
    conn = connect_readonly(settings.storage.database)
    try:
        status = collect_status(conn, settings, time.time() if now is None else now)
    except sqlite3.DatabaseError as exc:
        raise StatusError(f"cannot read {settings.storage.database}: {exc}") from None
    finally:
        conn.close()
    status["database"]["path"] = str(settings.storage.database)
    return status


# ------------------------------------------------------------------------------ formatting
def iso(ts: float | None) -> str | None:
    """Unix seconds -> ``2024-05-01T12:00:00Z`` (None stays None)."""
    if ts is None:
        return None
    return datetime.fromtimestamp(int(ts), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_age(seconds: float | None) -> str | None:
    """A duration for people: ``45s``, ``12m``, ``5h 3m``, ``3d 4h``; negative: ``in 5m``."""
    if seconds is None:
        return None
    if seconds < 0:
        return "in " + format_age(-seconds)  # type: ignore[operator]
    s = int(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        h, m = divmod(s // 60, 60)
        return f"{h}h {m}m" if m else f"{h}h"
    d, h = divmod(s // 3600, 24)
    return f"{d}d {h}h" if h else f"{d}d"


def _moment(ts: int | None, now: float) -> dict[str, Any]:
    """``{"at": unix, "iso": ..., "age_seconds": ..., "age": ...}`` (all None if ``ts`` is)."""
    age = None if ts is None else int(now) - int(ts)
    return {"at": ts, "iso": iso(ts), "age_seconds": age, "age": format_age(age)}


# ------------------------------------------------------------------------------ collection
def _table_exists(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?",
                        (name,)).fetchone() is not None


def collect_status(conn: sqlite3.Connection, settings: Settings, now: float, *,
                   heartbeat_stale_after: float = HEARTBEAT_STALE_SECONDS) -> dict[str, Any]:
    """Everything ``relay status`` shows, as a JSON-serialisable dict with stable keys.

    Runs in one read transaction, so the figures are one consistent snapshot.
    """
    if not _table_exists(conn, "schema_migrations") or not _table_exists(conn, "jobs"):
        raise StatusError("not a relay database (no relay schema found)")
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")  # one snapshot for every figure
    try:
        schema = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
        sources, others = _sources(conn, settings, now)
        status: dict[str, Any] = {
            "now": int(now),
            "now_iso": iso(now),
            "database": {"path": None, "schema_version": schema,
                         "messages_stored": _messages_stored(conn)},
            "service": _service(conn, now),
            "sources": sources,
            "other_channels": others,
            "jobs": _jobs(conn, now),
            "outbox": _outbox(conn, now),
            "publications": _publications(conn, now),
        }
    finally:
        if began:
            conn.execute("COMMIT")
    status["warnings"] = _warnings(status, heartbeat_stale_after)
    status["ok"] = not status["warnings"]
    return status


def _messages_stored(conn: sqlite3.Connection) -> int:
    # Message rows are never deleted (a deletion is a mark) and ``pk`` is an INTEGER PRIMARY
    # KEY assigned as max + 1, so the highest pk is the row count: one B-tree descent instead
    # of counting a million index entries.
    return conn.execute("SELECT MAX(pk) FROM messages").fetchone()[0] or 0


def _source_match(source: Source, by_status: dict[str, tuple], channels: dict[int, tuple],
                  by_username: dict[str, int]) -> tuple[tuple | None, tuple | None]:
    ref = source.ref
    ss = by_status.get(str(ref))
    channel_id = ss[1] if ss and ss[1] is not None else ref.id
    if channel_id is None and ref.username:
        channel_id = by_username.get(ref.username)
    return ss, channels.get(channel_id) if channel_id is not None else None


def _sources(conn: sqlite3.Connection, settings: Settings,
             now: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    by_status = {r[0]: r for r in conn.execute(
        "SELECT ref, channel_id, error, checked_at FROM source_status")}
    channels = {r[0]: r for r in conn.execute(
        "SELECT id, username, title, display_name, is_source, caught_up_to, caught_up_at,"
        " last_message_id, last_post_at, last_seen_at FROM channels")}
    by_username = {r[1].lower(): r[0] for r in channels.values() if r[1]}
    limit_hours = settings.watcher.silent_warning_hours
    matched: set[int] = set()
    out = []
    for source in settings.sources:
        ss, ch = _source_match(source, by_status, channels, by_username)
        if ch is not None:
            matched.add(ch[0])
        entry = _channel_entry(ch, now)
        entry = {"ref": str(source.ref), "name": source.name, **entry,
                 "checked_at": ss[3] if ss else None, "error": ss[2] if ss else None}
        warnings = []
        if ss and ss[2]:
            warnings.append(f"unresolvable: {ss[2]}")
        if ch is None or (ch[6] is None and ch[9] is None):
            warnings.append("never read")
        elif ch[8] is None:
            warnings.append("no posts stored")
        elif now - ch[8] > limit_hours * 3600:
            hours = int((now - ch[8]) // 3600)
            warnings.append(f"silent for {hours}h (limit {limit_hours:g}h)")
        entry["warnings"] = warnings
        out.append(entry)
    others = [_channel_entry(ch, now) for cid, ch in sorted(channels.items())
              if cid not in matched and (ch[4] or ch[7])]
    return out, others


def _channel_entry(ch: tuple | None, now: float) -> dict[str, Any]:
    if ch is None:
        return {"channel_id": None, "username": None, "title": None, "last_message_id": None,
                "last_post": _moment(None, now), "last_stored": _moment(None, now),
                "last_catch_up": _moment(None, now)}
    return {"channel_id": ch[0], "username": ch[1], "title": ch[3] or ch[2],
            "last_message_id": ch[7] or None,
            "last_post": _moment(ch[8], now),       # date of the newest stored post
            "last_stored": _moment(ch[9], now),     # when the watcher last stored anything
            "last_catch_up": _moment(ch[6], now)}


def _jobs(conn: sqlite3.Connection, now: float) -> dict[str, Any]:
    # COUNT per state over the covering index jobs_status(status, id).
    counts = dict.fromkeys(JOB_STATES, 0)
    for state, count in conn.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status"):
        counts[state] = count
    # Ids grow with creation time, so the first queued id in jobs_status is the oldest queued
    # job: an index seek, where MIN(created_at) would read every queued row.
    row = conn.execute("SELECT id, created_at, updated_at FROM jobs WHERE status = 'queued'"
                       " ORDER BY id LIMIT 1").fetchone()
    oldest = None
    if row:
        oldest = {"job_id": row[0], **_moment(row[1], now), "updated_at": row[2]}
    return {"by_state": counts, "total": sum(counts.values()), "oldest_queued": oldest}


def _outbox(conn: sqlite3.Connection, now: float) -> dict[str, Any]:
    pending_by_target = dict(conn.execute(
        "SELECT target, COUNT(*) FROM outbox WHERE status = 'pending' GROUP BY target"))
    failed = conn.execute("SELECT COUNT(*) FROM outbox WHERE status = 'failed'").fetchone()[0]
    failures = [
        {"outbox_id": r[0], "job_id": r[1], "target": r[2], "kind": r[3], "reason": r[4],
         "attempts": r[5], **_moment(r[6], now)}
        for r in conn.execute(
            "SELECT id, job_id, target, kind, last_error, attempts, updated_at FROM outbox"
            " WHERE status = 'failed' ORDER BY updated_at DESC, id DESC LIMIT ?",
            (FAILURES_SHOWN,))
    ]
    waits = []
    flood = 0
    # Only the head of each target is ever delayed, so these are a handful of rows; the bare
    # columns come from the row holding MAX(not_before) (SQLite's documented min/max rule).
    for target, items, floods, until, reason, outbox_id, job_id in conn.execute(
            "SELECT target, COUNT(*), SUM(last_error LIKE 'flood wait%'), MAX(not_before),"
            " last_error, id, job_id FROM outbox WHERE status = 'pending' AND not_before > ?"
            " GROUP BY target ORDER BY target", (int(now),)):
        flood += floods or 0
        waits.append({"target": target, "items": items, "flood_waits": floods or 0,
                      "until": until, "until_iso": iso(until),
                      "seconds_left": until - int(now), "left": format_age(until - int(now)),
                      "reason": reason, "outbox_id": outbox_id, "job_id": job_id})
    return {"pending": sum(pending_by_target.values()), "pending_by_target": pending_by_target,
            "failed": failed, "failures": failures, "flood_waits_in_force": flood,
            "waits": waits}


def _publications(conn: sqlite3.Connection, now: float) -> dict[str, Any]:
    count = conn.execute("SELECT COUNT(*) FROM publications").fetchone()[0]
    row = conn.execute("SELECT posted_at FROM publications"
                       " WHERE id = (SELECT MAX(id) FROM publications)").fetchone()
    return {"count": count, "last": _moment(row[0] if row else None, now)}


def _service(conn: sqlite3.Connection, now: float) -> dict[str, Any]:
    if not _table_exists(conn, "service_heartbeat"):
        return {"heartbeat": None, "note": "no heartbeat table (database schema before 4)"}
    row = conn.execute(
        "SELECT at, pid, state, detail FROM service_heartbeat WHERE id = 1").fetchone()
    if row is None:
        return {"heartbeat": None, "note": "no heartbeat recorded (the service has not run yet)"}
    return {"heartbeat": {**_moment(row[0], now), "pid": row[1], "state": row[2],
                          "detail": row[3]}, "note": None}


def _warnings(status: dict[str, Any], stale_after: float) -> list[str]:
    out = [f"{s['ref']}: {w}" for s in status["sources"] for w in s["warnings"]]
    heartbeat = status["service"]["heartbeat"]
    if heartbeat is None:
        out.append(f"service: {status['service']['note']}")
    elif heartbeat["state"] == "stopped":  # the same verdicts as `relay health`
        out.append(f"service: stopped {heartbeat['age']} ago")
    elif heartbeat["age_seconds"] > stale_after:
        out.append(f"service: last heartbeat {heartbeat['age']} ago (pid {heartbeat['pid']}):"
                   " not running")
    elif heartbeat["state"] != "running":
        out.append(f"service: {heartbeat['state'] or 'unknown state'}"
                   f" ({heartbeat['detail'] or 'no detail'})")
    box = status["outbox"]
    if box["failed"]:
        out.append(f"outbox: {box['failed']} item(s) failed to publish")
    for wait in box["waits"]:
        what = "flood wait" if wait["flood_waits"] else "retry"
        out.append(f"outbox: {wait['target']} held by a {what} for {wait['left']}")
    return out


# ------------------------------------------------------------------------------ rendering
def status_json(status: dict[str, Any]) -> str:
    return json.dumps(status, ensure_ascii=False, indent=2)


def _table(headers: list[str], rows: list[list[str]], indent: str = "  ") -> list[str]:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows, strict=True)]
    lines = []
    for row in [headers, *rows]:
        cells = [str(c).ljust(w) for c, w in zip(row, widths, strict=True)]
        lines.append((indent + "  ".join(cells)).rstrip())
    return lines


def _short(text: str | None, width: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _when(moment: dict[str, Any]) -> str:
    if moment["at"] is None:
        return "-"
    stamp = moment["iso"][:16].replace("T", " ")
    age = moment["age_seconds"]
    return f"{format_age(age)} ago ({stamp})" if age >= 0 else f"{stamp} (future)"


def render_status(status: dict[str, Any]) -> str:
    """The human view: one aligned section per topic, warnings last."""
    db = status["database"]
    lines = [f"relay status at {status['now_iso'].replace('T', ' ')}",
             f"  database {db['path'] or '-'} (schema {db['schema_version']},"
             f" {db['messages_stored']:,} messages stored)", ""]

    lines.append("Service")
    heartbeat = status["service"]["heartbeat"]
    if heartbeat is None:
        lines.append(f"  {status['service']['note']}")
    else:
        lines.append(f"  last heartbeat {_when(heartbeat)}  state {heartbeat['state'] or '-'}"
                     f"  pid {heartbeat['pid'] or '-'}")
        if heartbeat["detail"]:
            lines.append(f"  {_short(heartbeat['detail'], 100)}")
    lines.append("")

    lines.append(f"Sources ({len(status['sources'])} configured)")
    rows = [[s["ref"], _short(s["name"], 32), str(s["channel_id"] or "-"),
             _when(s["last_post"]), str(s["last_message_id"] or "-"), _when(s["last_stored"]),
             "; ".join(s["warnings"]) or "ok"] for s in status["sources"]]
    if rows:
        lines += _table(["SOURCE", "NAME", "CHANNEL", "LAST POST", "LAST ID", "LAST STORED",
                         "WARNINGS"], rows)
    else:
        lines.append("  none configured")
    if status["other_channels"]:
        lines += ["", f"Other channels in the database ({len(status['other_channels'])},"
                  " not in the configuration)"]
        lines += _table(["CHANNEL", "USERNAME", "TITLE", "LAST POST", "LAST ID"],
                        [[str(c["channel_id"]), f"@{c['username']}" if c["username"] else "-",
                          _short(c["title"], 32) or "-", _when(c["last_post"]),
                          str(c["last_message_id"] or "-")] for c in status["other_channels"]])
    lines.append("")

    jobs = status["jobs"]
    lines.append(f"Jobs ({jobs['total']:,})")
    rows = [[state, f"{count:,}"] for state, count in jobs["by_state"].items()]
    lines += _table(["STATE", "COUNT"], rows)
    oldest = jobs["oldest_queued"]
    lines.append("  oldest queued: " + (f"job {oldest['job_id']}, created {_when(oldest)}"
                                        if oldest else "none"))
    lines.append("")

    box = status["outbox"]
    per_target = ", ".join(f"{t} {n:,}" for t, n in sorted(box["pending_by_target"].items()))
    lines.append("Outbox")
    lines.append(f"  pending {box['pending']:,}" + (f" ({per_target})" if per_target else ""))
    lines.append(f"  failed {box['failed']:,}")
    if box["failures"]:
        lines += _table(["OUTBOX", "JOB", "TARGET", "WHEN", "REASON"],
                        [[str(f["outbox_id"]), str(f["job_id"]), f["target"], _when(f),
                          _short(f["reason"], 70)] for f in box["failures"]], indent="    ")
    lines.append(f"  flood waits in force {box['flood_waits_in_force']}")
    if box["waits"]:
        lines += _table(["TARGET", "ITEMS", "UNTIL", "LEFT", "REASON"],
                        [[w["target"], str(w["items"]), w["until_iso"].replace("T", " "),
                          w["left"], _short(w["reason"], 60)] for w in box["waits"]],
                        indent="    ")
    lines.append("")

    pubs = status["publications"]
    lines.append("Publications")
    lines.append(f"  {pubs['count']:,} posted" + (f", last {_when(pubs['last'])}"
                                                  if pubs["last"]["at"] else ""))
    lines.append("")

    if status["warnings"]:
        lines.append(f"Warnings ({len(status['warnings'])})")
        lines += [f"  - {w}" for w in status["warnings"]]
    else:
        lines.append("No warnings.")
    return "\n".join(lines) + "\n"
