"""``relay export``: the archive as JSON Lines or CSV, for researchers and for backup.

Record types: ``channel``, ``message`` (with its earlier revisions), ``job`` (source text and
translation), ``publication`` (what was posted where, with a link) and ``audit`` (who did what
to which job, when).

JSONL (the default) writes every type, one object per line, each with a ``type`` field: first
one ``export`` line describing the file (format version, time, filter, schema version), then the
channels, messages, jobs, publications and audit rows, in that order. ``what`` narrows it to one
type.

CSV holds one record type per file, with a header row, so ``fmt="csv"`` writes messages unless
``what`` names another type (``channels``, ``messages``, ``jobs``, ``publications``,
``audit``); ``what="all"`` means messages there. Lists and objects (entities, revisions,
forward origin) are JSON strings inside their cells; empty cells are NULL.

``since`` (unix seconds) keeps messages dated on or after it, jobs updated on or after it,
publications posted and audit rows written on or after it; channels are always all written
(they are few and give the rest their names).

Rows are streamed from SQLite cursors straight to ``out``; nothing is held in memory beyond one
row. Everything is read in one read transaction, so a backup taken while the service runs is one
consistent snapshot. Farsi stays readable (``ensure_ascii=False``). Times are ISO-8601 UTC
(``2024-05-01T12:00:00Z``); entity offsets and lengths are in UTF-16 code units, as Telegram
counts them. No secret is ever written: none lives in the database, and no exported column is
named like one (checked at import and by the tests). People appear by Telegram user id only.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from relay.cli.status import connect_readonly, iso
from relay.config import Settings
from relay.text.formatting import entities_from_json
from relay.text.links import post_link

__all__ = ["COLUMNS", "FORMATS", "WHAT", "export", "parse_since", "run_export"]

EXPORT_FORMAT_VERSION = 1
FORMATS = ("jsonl", "csv")

#: The fields of each record type, in output order (the CSV header; JSONL adds ``type``).
COLUMNS: dict[str, tuple[str, ...]] = {
    "channel": ("channel_id", "username", "title", "display_name", "is_source",
                "last_message_id", "last_post_at", "link"),
    "message": ("channel_id", "channel_username", "message_id", "link", "date", "edit_date",
                "text", "entities", "lang", "lang_confidence", "grouped_id", "media_kind",
                "media_name", "media_size", "media_path", "forwarded_from", "reply_to",
                "post_author", "deleted_at", "stored_at", "revisions"),
    "job": ("job_id", "status", "target", "language", "channel_id", "channel_username",
            "message_id", "grouped_id", "unit_key", "source_link", "source_text", "translation",
            "translation_entities", "translation_outdated", "translator_id", "editor_id",
            "reason", "version", "created_at", "drafted_at", "updated_at"),
    "publication": ("publication_id", "job_id", "outbox_id", "kind", "target", "channel_id",
                    "part", "message_id", "link", "posted_at"),
    "audit": ("audit_id", "job_id", "actor_id", "action", "from_status", "to_status", "detail",
              "at"),
}
#: ``what`` -> the record types written, in order.
WHAT: dict[str, tuple[str, ...]] = {
    "all": ("channel", "message", "job", "publication", "audit"),
    "channels": ("channel",),
    "messages": ("message",),
    "jobs": ("job",),
    "publications": ("publication",),
    "audit": ("audit",),
}

_SECRET_LIKE = re.compile(r"token|hash|session|secret|password|api_id", re.IGNORECASE)
assert not [c for cols in COLUMNS.values() for c in cols if _SECRET_LIKE.search(c)], \
    "an exported column is named like a secret"

# Lines must survive readers that split on every Unicode line break (str.splitlines); JSON
# escapes the others already.
_LINE_BREAKS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))


# ------------------------------------------------------------------------------ --since
def parse_since(text: str) -> int:
    """``YYYY-MM-DD`` (midnight UTC) or ISO-8601 date-time -> unix seconds. Naive = UTC.

    Raises ``ValueError`` with a one-line message on anything else.
    """
    raw = (text or "").strip()
    problem = (f"{text!r} is not a date; expected YYYY-MM-DD or ISO-8601"
               " such as 2024-05-01T12:00:00Z")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][0-9:.,]+)?(Z|[+-]\d{2}(:?\d{2})?)?", raw,
                        re.IGNORECASE):
        raise ValueError(problem)
    try:
        moment = datetime.fromisoformat(raw[:-1] + "+00:00" if raw[-1] in "zZ" else raw)
    except ValueError:
        raise ValueError(problem) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


# ------------------------------------------------------------------------------ records
def _entities(raw: str | None) -> list[dict[str, Any]]:
    return [{k: v for k, v in (("kind", e.kind), ("offset", e.offset), ("length", e.length),
                               ("url", e.url), ("language", e.language),
                               ("user_id", e.user_id)) if v is not None}
            for e in entities_from_json(raw)]


def _json_or_text(raw: str | None) -> Any:
    if raw is None:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _iso(column: str) -> str:
    """ISO-8601 UTC in SQL (NULL stays NULL): C speed, where Python's strftime is the single
    largest cost of an export."""
    return f"strftime('%Y-%m-%dT%H:%M:%SZ', {column}, 'unixepoch')"


def _since(column: str, since: int | None) -> tuple[str, tuple]:
    return (f" WHERE {column} >= ?", (since,)) if since is not None else ("", ())


def _channels(conn: sqlite3.Connection, since: int | None,
              usernames: Mapping[str, str | None]) -> Iterator[dict[str, Any]]:
    for cid, username, title, display, is_source, last_id, last_post in conn.execute(
            "SELECT id, username, title, display_name, is_source, last_message_id,"
            f" {_iso('last_post_at')} FROM channels ORDER BY id"):
        yield {"channel_id": cid, "username": username, "title": title,
               "display_name": display, "is_source": bool(is_source),
               "last_message_id": last_id or None, "last_post_at": last_post,
               "link": f"https://t.me/{username}" if username else None}


def _messages(conn: sqlite3.Connection, since: int | None,
              usernames: Mapping[str, str | None]) -> Iterator[dict[str, Any]]:
    where, params = _since("m.date", since)
    for (cid, username, mid, date, edit_date, text, entities, lang, confidence, grouped,
         media_kind, media_name, media_size, media_path, fwd, reply_to, author, deleted_at,
         stored_at, revisions) in conn.execute(
            f"SELECT m.channel_id, c.username, m.message_id, {_iso('m.date')},"
            f" {_iso('m.edit_date')}, m.text, m.entities, m.lang, m.lang_confidence,"
            " m.grouped_id, m.media_kind, m.media_name, m.media_size, m.media_path, m.fwd_from,"
            f" m.reply_to, m.post_author, {_iso('m.deleted_at')}, {_iso('m.stored_at')},"
            " (SELECT json_group_array(json_array(r.text, r.entities, r.edit_date,"
            "   r.replaced_at)) FROM (SELECT text, entities,"
            f"   {_iso('edit_date')} AS edit_date, {_iso('replaced_at')} AS replaced_at"
            "   FROM message_revisions WHERE message_pk = m.pk ORDER BY id) r)"
            " FROM messages m LEFT JOIN channels c ON c.id = m.channel_id" + where
            + " ORDER BY m.channel_id, m.message_id", params):
        yield {"channel_id": cid, "channel_username": username, "message_id": mid,
               "link": post_link(username, cid, mid), "date": date, "edit_date": edit_date, "text": text, "entities": _entities(entities),
               "lang": lang, "lang_confidence": confidence, "grouped_id": grouped,
               "media_kind": media_kind, "media_name": media_name, "media_size": media_size,
               "media_path": media_path, "forwarded_from": _json_or_text(fwd),
               "reply_to": reply_to, "post_author": author, "deleted_at": deleted_at,
               "stored_at": stored_at,
               "revisions": [{"text": t, "entities": _entities(e), "edit_date": ed,
                              "replaced_at": ra}
                             for t, e, ed, ra in json.loads(revisions or "[]")]}


def _jobs(conn: sqlite3.Connection, since: int | None,
          usernames: Mapping[str, str | None]) -> Iterator[dict[str, Any]]:
    where, params = _since("j.updated_at", since)
    for (job_id, status, target, language, cid, username, mid, grouped, unit_key, source_text,
         draft, draft_entities, outdated, translator, editor, reason, version, created,
         drafted, updated) in conn.execute(
            "SELECT j.id, j.status, j.target, j.language, j.channel_id, c.username,"
            " j.message_id, j.grouped_id, j.unit_key, j.source_text, j.draft_text,"
            " j.draft_entities,"
            " j.draft_source_hash IS NOT NULL AND j.draft_source_hash IS NOT j.source_hash,"
            " j.translator_id, j.editor_id, j.reason, j.version,"
            f" {_iso('j.created_at')}, {_iso('j.drafted_at')}, {_iso('j.updated_at')}"
            " FROM jobs j LEFT JOIN channels c ON c.id = j.channel_id" + where
            + " ORDER BY j.id", params):
        yield {"job_id": job_id, "status": status, "target": target, "language": language,
               "channel_id": cid, "channel_username": username, "message_id": mid,
               "grouped_id": grouped, "unit_key": unit_key,
               "source_link": post_link(username, cid, mid), "source_text": source_text,
               "translation": draft,
               "translation_entities": _entities(draft_entities) if draft is not None else None,
               "translation_outdated": bool(outdated), "translator_id": translator,
               "editor_id": editor, "reason": reason, "version": version,
               "created_at": created, "drafted_at": drafted, "updated_at": updated}


def _publications(conn: sqlite3.Connection, since: int | None,
                  usernames: Mapping[str, str | None]) -> Iterator[dict[str, Any]]:
    where, params = _since("p.posted_at", since)
    for pub_id, job_id, outbox_id, kind, target, cid, part, mid, posted, username in conn.execute(
            "SELECT p.id, p.job_id, p.outbox_id, o.kind, p.target, p.channel_id, p.part,"
            f" p.message_id, {_iso('p.posted_at')}, c.username FROM publications p"
            " LEFT JOIN outbox o ON o.id = p.outbox_id"
            " LEFT JOIN channels c ON c.id = p.channel_id" + where + " ORDER BY p.id", params):
        name = usernames.get(target) or username
        yield {"publication_id": pub_id, "job_id": job_id, "outbox_id": outbox_id,
               "kind": kind, "target": target, "channel_id": cid, "part": part,
               "message_id": mid, "link": post_link(name, cid, mid), "posted_at": posted}


def _audit(conn: sqlite3.Connection, since: int | None,
           usernames: Mapping[str, str | None]) -> Iterator[dict[str, Any]]:
    where, params = _since("at", since)
    for audit_id, job_id, actor, action, from_status, to_status, detail, at in conn.execute(
            "SELECT id, job_id, actor_id, action, from_status, to_status, detail,"
            f" {_iso('at')} FROM audit" + where + " ORDER BY id", params):
        yield {"audit_id": audit_id, "job_id": job_id, "actor_id": actor, "action": action,
               "from_status": from_status, "to_status": to_status, "detail": detail,
               "at": at}


_RECORDS: dict[str, Callable[..., Iterator[dict[str, Any]]]] = {
    "channel": _channels, "message": _messages, "job": _jobs, "publication": _publications,
    "audit": _audit,
}


# ------------------------------------------------------------------------------ writing
def _line(record: dict[str, Any]) -> str:
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _LINE_BREAKS:
        if char in line:  # rare: test first, str.replace/translate cost more than `in`
            line = line.replace(char, escaped)
    return line


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def export(conn: sqlite3.Connection, out: TextIO, *, fmt: str = "jsonl",
           since: int | None = None, what: str = "all",
           target_usernames: Mapping[str, str | None] | None = None) -> dict[str, int]:
    """Write the archive to ``out``; return how many records of each type were written.

    ``fmt``: ``jsonl`` or ``csv``; ``what``: a key of :data:`WHAT` (CSV: ``all`` = messages);
    ``since``: unix seconds (see the module docstring); ``target_usernames``: target key ->
    public username of its outgoing channel, for publication links (else the channel's row in
    ``channels``, else a ``t.me/c/`` link, which works for members).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if what not in WHAT:
        raise ValueError(f"unknown record type {what!r}; expected one of {', '.join(WHAT)}")
    kinds = WHAT["messages" if fmt == "csv" and what == "all" else what]
    usernames = dict(target_usernames or {})
    counts = dict.fromkeys(kinds, 0)
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")  # one snapshot for the whole export
    try:
        if fmt == "jsonl":
            schema = conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
            out.write(_line({
                "type": "export", "format_version": EXPORT_FORMAT_VERSION,
                "exported_at": iso(time.time()), "since": iso(since), "records": list(kinds),
                "schema_version": schema,
                "notes": "times are UTC; entity offsets and lengths are UTF-16 code units",
            }) + "\n")
            for kind in kinds:
                for record in _RECORDS[kind](conn, since, usernames):
                    out.write(_line({"type": kind, **record}) + "\n")
                    counts[kind] += 1
        else:
            (kind,) = kinds
            columns = COLUMNS[kind]
            writer = csv.writer(out)
            writer.writerow(columns)
            for record in _RECORDS[kind](conn, since, usernames):
                writer.writerow([_cell(record[c]) for c in columns])
                counts[kind] += 1
    finally:
        if began:
            conn.execute("COMMIT")
    return counts


def run_export(settings: Settings, out: TextIO, *, fmt: str = "jsonl", since: int | None = None,
               what: str = "all") -> dict[str, int]:
    """Export ``settings.storage.database`` (opened read-only) to ``out``."""
    conn = connect_readonly(settings.storage.database)
    try:
        return export(conn, out, fmt=fmt, since=since, what=what,
                      target_usernames={t.key: t.ref.username for t in settings.targets})
    finally:
        conn.close()
