"""Storing posts: idempotent insert, edits kept as revisions, deletions as marks.

Each function here runs inside one transaction (see :meth:`relay.store.db.Database.run`), so a
post, its revision and the jobs it creates or touches are written together or not at all.
"""

from __future__ import annotations

import sqlite3

from relay.core.records import IngestResult, MessageRow, QueuePolicy
from relay.store import audit, channels, jobs, statements
from relay.store.statements import Unit
from relay.text.formatting import entities_to_json

_NO_ENTITIES = entities_to_json(())
_INSERT = (
    "INSERT INTO messages (channel_id, message_id, date, edit_date, text, entities, lang,"
    " lang_confidence, grouped_id, media_kind, media_size, media_name, fwd_from, reply_to,"
    " post_author, stored_at, lang_reason) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT(channel_id, message_id) DO NOTHING"
)


def store_message(conn: sqlite3.Connection, row: MessageRow, lang: str, confidence: float,
                  policy: QueuePolicy | None, now: int, same_as: Unit | None = None, *,
                  reason: str = "text") -> IngestResult:
    """Insert a post once; a post already stored with other text is treated as an edit.
    ``reason``: why it has language ``lang`` (``text``, or ``channel`` for a short post its
    channel's recent language decided).

    ``same_as``: a stored unit the caller's ``StatementIndex`` found to be the same statement;
    a post that would be queued joins that statement (or the one it forwards) instead."""
    channels.ensure_channel(conn, row.channel_id, now)
    entities = entities_to_json(row.entities) if row.entities else _NO_ENTITIES
    cur = conn.execute(_INSERT, (
        row.channel_id, row.message_id, row.date, row.edit_date, row.text, entities, lang,
        confidence, row.grouped_id, row.media_kind, row.media_size, row.media_name, row.fwd_from,
        row.reply_to, row.post_author, now, reason,
    ))
    if cur.rowcount == 0:
        return store_edit(conn, row, lang, confidence, policy, now, same_as, reason=reason)
    result = IngestResult(stored=True)
    channels.note_stored(conn, row.channel_id, row.message_id, row.date, now)
    if row.grouped_id:
        _sync_unit(conn, row, policy, now, result, same_as)
    else:  # a new single post is its whole unit: no need to read it back
        assert cur.lastrowid is not None  # the INSERT above inserted this row
        _sync_new_single(conn, row, lang, cur.lastrowid, policy, now, result, same_as)
    return result


def store_edit(conn: sqlite3.Connection, row: MessageRow, lang: str, confidence: float,
               policy: QueuePolicy | None, now: int, same_as: Unit | None = None, *,
               reason: str = "text") -> IngestResult:
    """Apply an edit; the previous text and entities are kept in ``message_revisions``."""
    existing = conn.execute(
        "SELECT pk, text, entities, edit_date, deleted_at FROM messages"
        " WHERE channel_id=? AND message_id=?",
        (row.channel_id, row.message_id),
    ).fetchone()
    if existing is None:
        return store_message(conn, row, lang, confidence, policy, now, same_as, reason=reason)
    pk, old_text, old_entities, old_edit_date, deleted_at = existing
    # An edit made before the post was marked deleted but delivered after the mark (a channel
    # difference, a re-read in flight) is kept as text; only one made later revives the post.
    still_deleted = deleted_at if deleted_at and (row.edit_date or 0) <= deleted_at else None
    entities = entities_to_json(row.entities) if row.entities else _NO_ENTITIES
    result = IngestResult()
    if old_edit_date and (row.edit_date or 0) < old_edit_date:
        return result  # an older version delivered late: never roll the text back
    if old_text == row.text and old_entities == entities:
        if row.edit_date and row.edit_date != old_edit_date:
            conn.execute("UPDATE messages SET edit_date=? WHERE pk=?", (row.edit_date, pk))
        return result
    conn.execute(
        "INSERT INTO message_revisions (message_pk, text, entities, edit_date, replaced_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (pk, old_text, old_entities, old_edit_date, now),
    )
    conn.execute(
        "UPDATE messages SET text=?, entities=?, edit_date=?, lang=?, lang_confidence=?,"
        " lang_reason=?, deleted_at=? WHERE pk=?",
        (row.text, entities, row.edit_date or now, lang, confidence, reason, still_deleted, pk),
    )
    result.edited = True
    _sync_unit(conn, row, policy, now, result, same_as)
    return result


def mark_deleted(conn: sqlite3.Connection, channel_id: int, message_ids: list[int],
                 now: int) -> list[int]:
    """Mark posts deleted (rows stay); return the ids of jobs made from them."""
    touched: list[int] = []
    for message_id in message_ids:
        row = conn.execute(
            "SELECT grouped_id FROM messages WHERE channel_id=? AND message_id=?"
            " AND deleted_at IS NULL",
            (channel_id, message_id),
        ).fetchone()
        if row is None:
            continue
        conn.execute(
            "UPDATE messages SET deleted_at=? WHERE channel_id=? AND message_id=?",
            (now, channel_id, message_id),
        )
        unit = (channel_id, _unit_key(message_id, row[0]))
        for job_id, status in jobs.jobs_of_unit(conn, *unit):
            audit.record(conn, job_id=job_id, actor_id=None, action="source_deleted",
                         from_status=status, to_status=status, at=now,
                         detail=f"message {message_id}")
            touched.append(job_id)
        lead = statements.lead_of(conn, unit)
        if lead is not None and lead != unit:  # a copy of a statement: its cards show it
            for job_id, status in jobs.jobs_of_unit(conn, *lead):
                audit.record(conn, job_id=job_id, actor_id=None,
                             action="statement_member_deleted", from_status=status,
                             to_status=status, at=now,
                             detail=f"channel {channel_id} message {message_id}")
                touched.append(job_id)
    return touched


def live_ids(conn: sqlite3.Connection, channel_id: int, up_to: int, above: int = 0,
             newest: int | None = None) -> list[int]:
    """Ids of the channel's stored posts not marked deleted in ``(above, up_to]``, oldest
    first; with ``newest``, only that many of the newest, newest first."""
    sql = ("SELECT message_id FROM messages WHERE channel_id=? AND message_id>? AND message_id<=?"
           " AND deleted_at IS NULL ORDER BY message_id")
    params: tuple = (channel_id, above, up_to)
    if newest is not None:
        sql += " DESC LIMIT ?"
        params += (newest,)
    return [r[0] for r in conn.execute(sql, params)]


def stored_run_top(conn: sqlite3.Connection, channel_id: int, since: int) -> int:
    """The end of the unbroken run of stored ids that starts right above ``since``
    (``since`` itself when ``since + 1`` is not stored). Costs a step per post in the run."""
    if conn.execute("SELECT 1 FROM messages WHERE channel_id=? AND message_id=?",
                    (channel_id, since + 1)).fetchone() is None:
        return since
    return conn.execute(
        "SELECT MIN(m.message_id) FROM messages m WHERE m.channel_id=? AND m.message_id>?"
        " AND NOT EXISTS (SELECT 1 FROM messages n WHERE n.channel_id=m.channel_id"
        " AND n.message_id=m.message_id+1)",
        (channel_id, since),
    ).fetchone()[0]


def set_media_path(conn: sqlite3.Connection, pk: int, path: str) -> None:
    conn.execute("UPDATE messages SET media_path=? WHERE pk=?", (path, pk))


def _unit_key(message_id: int, grouped_id: int | None) -> str:
    return f"g:{grouped_id}" if grouped_id else f"m:{message_id}"


def _sync_unit(conn: sqlite3.Connection, row: MessageRow, policy: QueuePolicy | None, now: int,
               result: IngestResult, same_as: Unit | None = None) -> None:
    """Bring the jobs of the post's unit (the post, or its whole album) up to date."""
    if policy is None:
        return
    key = _unit_key(row.message_id, row.grouped_id)
    if row.grouped_id:
        members = conn.execute(
            "SELECT pk, message_id, text, lang, media_kind, media_path FROM messages"
            " INDEXED BY messages_album_members"
            " WHERE channel_id=? AND grouped_id=? AND deleted_at IS NULL ORDER BY message_id",
            (row.channel_id, row.grouped_id),
        ).fetchall()
    else:
        members = conn.execute(
            "SELECT pk, message_id, text, lang, media_kind, media_path FROM messages"
            " WHERE channel_id=? AND message_id=?",
            (row.channel_id, row.message_id),
        ).fetchall()
    if not members:
        return
    texts = [m[2] for m in members if m[2].strip()]
    source_text = "\n\n".join(texts)
    # The album's language is that of its longest caption; captionless items decide nothing.
    unit_lang = max(((len(m[2]), m[3]) for m in members if m[2].strip()), default=(0, "und"))[1]
    first_id = members[0][1]
    existing = jobs.jobs_of_unit(conn, row.channel_id, key)
    if not existing and result.edited and statements.is_member(conn, (row.channel_id, key)):
        statements.recheck_edited_copy(  # issue 11: an edited copy may leave its statement
            conn, (row.channel_id, key), first_id, row.grouped_id, source_text,
            list(policy.targets) if unit_lang in policy.languages else [], now, result)
    elif not existing:
        if unit_lang in policy.languages and source_text and not statements.is_member(
                conn, (row.channel_id, key)) and not _join(conn, row, key, first_id, same_as,
                                                           now, result):
            result.jobs_created.extend(jobs.create_jobs(
                conn, channel_id=row.channel_id, unit_key=key, message_id=first_id,
                grouped_id=row.grouped_id, targets=policy.targets, source_text=source_text,
                now=now))
    else:
        result.jobs_touched.extend(
            jobs.update_source(conn, [j for j, _ in existing], source_text, first_id, now)
        )
    if policy.download_media and (result.jobs_created or existing):
        result.media_wanted.extend((m[0], m[1]) for m in members if m[4] and not m[5])


def _sync_new_single(conn: sqlite3.Connection, row: MessageRow, lang: str, pk: int,
                     policy: QueuePolicy | None, now: int, result: IngestResult,
                     same_as: Unit | None = None) -> None:
    """:func:`_sync_unit` for a single post just inserted: its unit is that one row (the
    values just written) and it has no jobs yet (jobs are only made from stored posts, and
    stored posts are never removed; a job already there would be left as it is)."""
    if policy is None:
        return
    if lang in policy.languages and row.text.strip() and not (
            (same_as or row.fwd_from) and _join(conn, row, _unit_key(row.message_id, None),
                                                row.message_id, same_as, now, result)):
        result.jobs_created.extend(jobs.create_jobs(
            conn, channel_id=row.channel_id, unit_key=_unit_key(row.message_id, None),
            message_id=row.message_id, grouped_id=None, targets=policy.targets,
            source_text=row.text, now=now))
    if policy.download_media and result.jobs_created and row.media_kind:
        result.media_wanted.append((pk, row.message_id))


def _join(conn: sqlite3.Connection, row: MessageRow, key: str, first_id: int,
          same_as: Unit | None, now: int, result: IngestResult) -> bool:
    """Join the statement this post forwards (a stored source's post) or copies
    (``same_as``), if it has jobs; whether it did (then the post gets none of its own)."""
    unit = (row.channel_id, key)
    origin = statements.forward_origin(conn, row.fwd_from)
    for candidate, how in ((origin, "forward"), (same_as, "copy")):
        lead = statements.lead_of(conn, candidate) if candidate else None
        if lead is not None and lead != unit:
            result.joined.extend(statements.join(conn, unit, first_id, lead, how, now))
            return True
    return False


def recent_languages(conn: sqlite3.Connection, channel_id: int, limit: int) -> list[str | None]:
    """The languages of a channel's newest ``limit`` posts, newest first."""
    return [r[0] for r in conn.execute(
        "SELECT lang FROM messages WHERE channel_id = ? ORDER BY message_id DESC LIMIT ?",
        (channel_id, limit))]
