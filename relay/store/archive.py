"""The archive reader behind ``relay export``: every record type as plain dicts, streamed.

Record types: ``channel``, ``message`` (with its earlier revisions), ``job`` (source text and
translation), ``publication`` (what was posted where, with a link) and ``audit``. ``since``
(unix seconds) keeps messages dated on or after it, jobs updated, publications posted and audit
rows written on or after it; channels are always all read. Rows come straight from cursors:
nothing is held in memory beyond one row. Times are ISO-8601 UTC strings, made by SQLite.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from relay.store import machine_drafts
from relay.store.readonly import iso_utc as _iso
from relay.store.readonly import schema_version
from relay.text.formatting import entities_from_json
from relay.text.links import post_link

#: The fields of each record type, in output order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "channel": ("channel_id", "username", "title", "display_name", "is_source", "watched",
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
    "machine_draft": machine_drafts.EXPORT_COLUMNS,  # issue 14
    "draft_figure": machine_drafts.FIGURE_COLUMNS,
}


class SqliteArchive:
    """Reads the archive over one connection (the caller holds the snapshot)."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn

    def schema_version(self) -> int | None:
        return schema_version(self._conn)

    def records(self, kind: str, since: int | None = None,
                target_usernames: Mapping[str, str | None] | None = None,
                ) -> Iterator[dict[str, Any]]:
        """The records of ``kind`` (a key of :data:`COLUMNS`), in a stable order.
        ``target_usernames``: target key -> public username of its outgoing channel, for
        publication links (else the channel's row, else a ``t.me/c/`` link)."""
        return _READERS[kind](self._conn, since, dict(target_usernames or {}))


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


def _since(column: str, since: int | None) -> tuple[str, tuple]:
    return (f" WHERE {column} >= ?", (since,)) if since is not None else ("", ())


def _channels(conn: sqlite3.Connection, since: int | None,
              usernames: Mapping[str, str | None]) -> Iterator[dict[str, Any]]:
    for cid, username, title, display, is_source, last_id, last_post in conn.execute(
            "SELECT id, username, title, display_name, is_source, last_message_id,"
            f" {_iso('last_post_at')} FROM channels ORDER BY id"):
        yield {"channel_id": cid, "username": username, "title": title,
               "display_name": display, "is_source": bool(is_source),
               "watched": None,  # the configuration's to say (relay export fills it in)
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
               "link": post_link(username, cid, mid), "date": date, "edit_date": edit_date,
               "text": text, "entities": _entities(entities),
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


_READERS: dict[str, Callable[..., Iterator[dict[str, Any]]]] = {
    "channel": _channels, "message": _messages, "job": _jobs, "publication": _publications,
    "audit": _audit, "machine_draft": machine_drafts.export_records,
    "draft_figure": machine_drafts.figure_records,
}
