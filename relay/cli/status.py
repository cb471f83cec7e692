"""``relay status``: what the service is doing, read straight from the database.

Per configured source: the date of the newest stored post, when the watcher last stored anything,
the highest stored message id, and warnings (unresolvable, silent too long, never read). Jobs by
state with the age of the oldest queued job; the outbox backlog, failures and waits (flood waits
and retry back-offs) in force; publications; the service's last heartbeat.

Status only reads. It opens the store read-only (``mode=ro``), so it works while the service
runs: in WAL mode readers never wait for the writer. The figures come from one store call,
``Store.status_figures`` (queries in :mod:`relay.store.reports`, each answered from an index or
a small table, so the answer time does not grow with the archive: see ``bench/status.py``).

:func:`collect_status` returns a plain, JSON-serialisable dict with stable keys (``--json``
prints it with ``json.dumps(status, ensure_ascii=False, indent=2)``); :func:`render_status`
makes the human table from it.

Channels in the database that match no configured source (a source removed from the config,
or an archive-only import) are listed under ``other_channels``, without warnings: nobody
expects them to post.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

from relay.cli.status_assist import assist_status, render_assist
from relay.config import Settings, Source
from relay.store.errors import DatabaseUnreadable as StatusError
from relay.store.reports import JOB_STATES, ChannelState, SourceState, StatusFigures
from relay.store.service_state import HEARTBEAT_STALE_SECONDS
from relay.store.sqlite_store import read_only
from relay.telegram import waits

__all__ = [
    "HEARTBEAT_STALE_SECONDS",
    "JOB_STATES",
    "StatusError",
    "collect_status",
    "format_age",
    "iso",
    "read_status",
    "render_status",
    "status_json",
]


def read_status(settings: Settings, now: float | None = None) -> dict[str, Any]:
    """Open ``settings.storage.database`` read-only and collect the status.

    Raises :class:`StatusError` (one line) when the database is missing or not relay's."""
    now = time.time() if now is None else now
    figures = read_only(settings.storage.database,
                        lambda store: store.status_figures(int(now)))
    status = collect_status(figures, settings, now)
    status["database"]["path"] = str(settings.storage.database)
    drafts = assist_status(read_only(  # issue 14: only where drafts are configured or made
        settings.storage.database, lambda store: store.assist_figures()), settings)
    if drafts["configured"] or drafts["engines"]:
        status["machine_drafts"] = drafts
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
def collect_status(figures: StatusFigures, settings: Settings, now: float, *,
                   heartbeat_stale_after: float = HEARTBEAT_STALE_SECONDS) -> dict[str, Any]:
    """Everything ``relay status`` shows, as a JSON-serialisable dict with stable keys, from
    the store's figures (read in one snapshot by ``Store.status_figures``)."""
    sources, others = _sources(figures, settings, now)
    status: dict[str, Any] = {
        "now": int(now),
        "now_iso": iso(now),
        "database": {"path": None, "schema_version": figures.schema_version,
                     "messages_stored": figures.messages_stored},
        "service": _service(figures, now),
        "sources": sources,
        "other_channels": others,
        "jobs": _jobs(figures, now),
        "outbox": _outbox(figures, now),
        "publications": {"count": figures.publications,
                         "last": _moment(figures.last_published_at, now),
                         "failing": _failing(figures, now)},
    }
    status["warnings"] = _warnings(status, heartbeat_stale_after)
    status["ok"] = not status["warnings"]
    return status


def _source_match(source: Source, by_status: dict[str, SourceState],
                  channels: dict[int, ChannelState], by_username: dict[str, int],
                  ) -> tuple[SourceState | None, ChannelState | None]:
    ref = source.ref
    ss = by_status.get(str(ref))
    channel_id = ss.channel_id if ss and ss.channel_id is not None else ref.id
    if channel_id is None and ref.username:
        channel_id = by_username.get(ref.username)
    return ss, channels.get(channel_id) if channel_id is not None else None


def _sources(figures: StatusFigures, settings: Settings,
             now: float) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    by_status = {s.ref: s for s in figures.sources}
    channels = {c.id: c for c in figures.channels}
    by_username = {c.username.lower(): c.id for c in channels.values() if c.username}
    limit_hours = settings.watcher.silent_warning_hours
    matched: set[int] = set()
    out = []
    for source in settings.sources:
        ss, ch = _source_match(source, by_status, channels, by_username)
        if ch is not None:
            matched.add(ch.id)
        entry = _channel_entry(ch, now)
        entry = {"ref": str(source.ref), "name": source.name, **entry,
                 "checked_at": ss.checked_at if ss else None, "error": ss.error if ss else None}
        warnings = []
        if ss and ss.error:
            warnings.append(f"unresolvable: {ss.error}")
        if ch is None or (ch.caught_up_at is None and ch.last_seen_at is None):
            warnings.append("never read")
        elif ch.last_post_at is None:
            warnings.append("no posts stored")
        elif now - ch.last_post_at > limit_hours * 3600:
            hours = int((now - ch.last_post_at) // 3600)
            warnings.append(f"silent for {hours}h (limit {limit_hours:g}h)")
        entry["warnings"] = warnings
        out.append(entry)
    others = [_channel_entry(ch, now) for cid, ch in sorted(channels.items())
              if cid not in matched and (ch.is_source or ch.last_message_id)]
    return out, others


def _channel_entry(ch: ChannelState | None, now: float) -> dict[str, Any]:
    if ch is None:
        return {"channel_id": None, "username": None, "title": None, "last_message_id": None,
                "last_post": _moment(None, now), "last_stored": _moment(None, now),
                "last_catch_up": _moment(None, now)}
    return {"channel_id": ch.id, "username": ch.username, "title": ch.display_name or ch.title,
            "last_message_id": ch.last_message_id or None,
            "last_post": _moment(ch.last_post_at, now),     # date of the newest stored post
            "last_stored": _moment(ch.last_seen_at, now),   # when the watcher last stored
            "last_catch_up": _moment(ch.caught_up_at, now)}


def _jobs(figures: StatusFigures, now: float) -> dict[str, Any]:
    counts, row = figures.jobs, figures.jobs.oldest_queued
    oldest = None
    if row:
        oldest = {"job_id": row.job_id, **_moment(row.created_at, now),
                  "updated_at": row.updated_at}
    return {"by_state": dict(counts.by_state), "total": counts.total, "oldest_queued": oldest}


def _outbox(figures: StatusFigures, now: float) -> dict[str, Any]:
    box = figures.outbox
    failures = [{"outbox_id": f.outbox_id, "job_id": f.job_id, "target": f.target,
                 "kind": f.kind, "reason": f.reason, "attempts": f.attempts,
                 **_moment(f.updated_at, now)} for f in box.failures]
    waits = [{"target": w.target, "items": w.items, "flood_waits": w.flood_waits,
              "until": w.until, "until_iso": iso(w.until),
              "seconds_left": w.until - int(now), "left": format_age(w.until - int(now)),
              "reason": w.reason, "outbox_id": w.outbox_id, "job_id": w.job_id}
             for w in box.waits]
    return {"pending": sum(box.pending_by_target.values()),
            "pending_by_target": dict(box.pending_by_target), "failed": box.failed,
            "failures": failures, "flood_waits_in_force": sum(w.flood_waits for w in box.waits),
            "waits": waits}


def _failing(figures: StatusFigures, now: float) -> dict[str, Any] | None:
    """Failed posts waiting for people: how many, since when."""
    since = figures.outbox.failing_since
    if not figures.outbox.failed or since is None:
        return None
    return {"posts": figures.outbox.failed, "since": since, "since_iso": iso(since),
            "for": format_age(now - since), "seconds": int(now - since)}


def _service(figures: StatusFigures, now: float) -> dict[str, Any]:
    if not figures.heartbeat_table:
        return {"heartbeat": None, "note": "no heartbeat table (database schema before 4)"}
    beat = figures.heartbeat
    if beat is None:
        return {"heartbeat": None, "note": "no heartbeat recorded (the service has not run yet)"}
    fresh = now - beat.at <= HEARTBEAT_STALE_SECONDS and beat.state != "stopped"
    return {"heartbeat": {**_moment(beat.at, now), "pid": beat.pid, "state": beat.state,
                          "detail": beat.detail, "parts": _parts(beat.detail),
                          # which part waits, where, until when (while the service runs)
                          "waits": [w for w in waits.parse(beat.detail)
                                    if fresh and w["until_ts"] > now]},
            "note": None}


def _parts(detail: str | None) -> dict[str, str]:
    """``watcher=ok bot=waiting ...`` -> {"watcher": "ok", "bot": "waiting", ...}."""
    head = (detail or "").split(";", 1)[0]
    return dict(word.split("=", 1) for word in head.split() if "=" in word)


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
    for wait in heartbeat["waits"] if heartbeat else ():
        out.append(f"service: {wait['part']} waits in {wait['where']} until "
                   f"{wait['until'].replace('T', ' ')} ({wait['reason']})")
    box = status["outbox"]
    if box["failed"]:
        out.append(f"outbox: {box['failed']} item(s) failed to publish")
        failing = status["publications"]["failing"]
        if failing:
            out.append(f"publishing: failing for {failing['for']}: fix the reason shown, then "
                       "/retry all (or /retry <target>) in the review chat")
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
            lines.append(f"  {_short(heartbeat['detail'].split(';')[0], 100)}")
        lines += [f"  {w['part']} waits in {w['where']} until {w['until'].replace('T', ' ')}"
                  f" ({w['reason']})" for w in heartbeat["waits"]]
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
    failing = status["publications"]["failing"]
    lines.append(f"  failed {box['failed']:,}"
                 + (f" (failing for {failing['for']}: fix, then /retry all)" if failing else ""))
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

    lines += render_assist(status.get("machine_drafts"))  # issue 14
    if status["warnings"]:
        lines.append(f"Warnings ({len(status['warnings'])})")
        lines += [f"  - {w}" for w in status["warnings"]]
    else:
        lines.append("No warnings.")
    return "\n".join(lines) + "\n"
