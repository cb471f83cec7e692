"""``relay import``: a Telegram Desktop export (``result.json``) into the store.

Both shapes of export are read: one chat (``{"name", "type", "id", "messages"}``) and a full
account export (``{"chats": {"list": [...]}, "left_chats": {"list": [...]}}``). Each channel
or supergroup in it is matched to a configured source by id, or by name (source name or
username); a match is stored under the source's display name and, with ``queue=True``, its
Farsi posts are queued for translation like live ones. Anything else is stored as an
archive-only channel (no jobs). Personal chats, bots and basic groups are left out: they are
not channels, and their ids are not channel ids.

Messages go through the same :func:`relay.store.messages.store_message` as live posts, in
batches of ``batch_size``, one transaction per batch: importing twice adds nothing, and a
file damaged part-way keeps every batch before the damage (see :mod:`relay.importer.scan`).

An export is a snapshot, possibly older than what the watcher already stored, and it flattens
nested formatting. So a post already stored is only changed when the export's version is
newer (a later edit date); otherwise it counts as already present and the stored version
stays, rather than recording a spurious edit.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from relay.config import Settings
from relay.core.language import detect
from relay.core.records import MessageRow, QueuePolicy
from relay.importer.desktop_messages import (
    chat_id,
    is_service,
    match_source,
    message_row,
    message_text,
    not_importable,
    text_from_parts,
)
from relay.importer.report import ChatReport, ExportFormatError, ImportReport
from relay.importer.scan import ChatEntry, check_export, index_export, iter_messages, read_export
from relay.importer.scan import resolve_path as _resolve_path
from relay.store import channels as channel_store
from relay.store import messages as message_store
from relay.store.db import Database
from relay.telegram.sources import policy_for
from relay.text.formatting import entities_to_json

__all__ = [
    "ChatReport",
    "ExportFormatError",
    "ImportReport",
    "import_export",
    "message_row",
    "message_text",
    "needs_write",
    "text_from_parts",
]

BATCH_SIZE = 500
_SELECT_CHUNK = 500  # SQL variables per "IN (...)"

#: (text, entities JSON, edit date) of a stored post.
Version = tuple[str, str, int | None]


def needs_write(stored: Version | None, row: MessageRow) -> bool:
    """Should the exported ``row`` be written over what is stored? (Pure.)

    New posts: yes. Same text and entities: no. Different: only when the export's edit is
    newer than the stored one; an older snapshot never rolls a post back.
    """
    if stored is None:
        return True
    text, entities, edit_date = stored
    if text == row.text and entities == entities_to_json(row.entities):
        return False
    return (row.edit_date or 0) > (edit_date or 0)


@dataclass(slots=True)
class _Chat:
    entry: ChatEntry
    report: ChatReport
    policy: QueuePolicy | None = None
    username: str | None = None
    display_name: str | None = None


def _plan(entry: ChatEntry, settings: Settings, queue: bool, known: dict[str, int]) -> _Chat:
    name = entry.name if isinstance(entry.name, str) else None
    chat_type = entry.type if isinstance(entry.type, str) else None
    channel_id = chat_id(entry.id)
    report = ChatReport(name=name, channel_id=channel_id, chat_type=chat_type)
    chat = _Chat(entry, report)
    report.not_imported = not_importable(entry.type)
    if report.not_imported is None and channel_id is None:
        report.not_imported = ("no channel id in the export" if entry.id is None
                               else f"{entry.id!r} is not a channel id")
    if report.not_imported:
        return chat
    source = match_source(settings.sources, channel_id, name, known)
    if source is None:
        chat.display_name = name
        return chat
    report.source = str(source.ref)
    chat.username = source.ref.username
    chat.display_name = source.name
    if queue:
        chat.policy = policy_for(source, settings)
        report.queued = True
    return chat


async def import_export(
    db: Database,
    settings: Settings,
    path: Path,
    *,
    queue: bool = True,
    progress: Callable[[int, int], None] | None = None,
    clock: Callable[[], float] = time.time,
    batch_size: int = BATCH_SIZE,
) -> ImportReport:
    """Import a Telegram Desktop JSON export; return what it did, per chat.

    ``path`` is ``result.json`` or the export folder holding it. ``progress(done, total)`` is
    called with ``(0, total)`` first and after every batch; ``total`` counts the message
    elements (service messages included) of every chat that is imported, over the whole
    file, and the last call has ``done == total``. ``queue=False`` stores without creating
    jobs, even for configured sources.

    Raises :class:`ExportFormatError` (one-line ``str``) when the file is not an export, or,
    after importing everything before it, when it is damaged or cut short.
    """
    export = read_export(_resolve_path(Path(path)))
    index = index_export(export.text)
    damage = check_export(export, index)
    report = ImportReport(file=export.file)
    known = await db.read(_resolved_sources, settings)
    chats = [_plan(entry, settings, queue, known) for entry in index.chats]
    total = sum(c.entry.count for c in chats if not c.report.not_imported)
    done = 0
    if progress is not None:
        progress(0, total)
    for chat in chats:
        report.chats.append(chat.report)
        if chat.report.not_imported:
            continue
        await db.run(_record_channel, chat.report.channel_id, chat.username, chat.report.name,
                     chat.display_name, chat.report.source is not None, int(clock()))
        batch: list[Any] = []
        for message in iter_messages(export.text, chat.entry):
            batch.append(message)
            if len(batch) >= batch_size:
                await _import_batch(db, chat, batch, clock)
                done += len(batch)
                batch = []
                if progress is not None:
                    progress(done, total)
        if batch:
            await _import_batch(db, chat, batch, clock)
            done += len(batch)
            if progress is not None:
                progress(done, total)
    if damage is not None:
        raise ExportFormatError.damaged(export.file, export.where(damage.pos), damage.problem,
                                        report)
    return report


async def _import_batch(db: Database, chat: _Chat, messages: Sequence[Any],
                        clock: Callable[[], float]) -> None:
    report = chat.report
    channel_id = report.channel_id
    assert channel_id is not None
    rows: list[MessageRow] = []
    for message in messages:
        report.seen += 1
        if not isinstance(message, dict):
            report.invalid += 1
        elif is_service(message):
            report.skipped += 1
        else:
            try:
                rows.append(message_row(message, channel_id))
            except ValueError:
                report.invalid += 1
    if not rows:
        return
    # Read first, outside any write transaction: language detection (the costly part) runs
    # only for posts that will be written, and a re-import writes nothing at all.
    stored = await db.read(_versions, channel_id, [r.message_id for r in rows])
    todo: list[tuple[MessageRow, str, float]] = []
    for row in rows:
        if needs_write(stored.get(row.message_id), row):
            detection = detect(row.text)
            todo.append((row, detection.lang, detection.confidence))
        else:
            report.present += 1
    if not todo:
        return
    new, updated, present, jobs = await db.run(_write_batch, todo, chat.policy, int(clock()))
    report.stored += new
    report.updated += updated
    report.present += present
    report.jobs_created += jobs


# --------------------------------------------------------------------------------------------
# In the database thread


def _record_channel(conn: sqlite3.Connection, channel_id: int, username: str | None,
                    title: str | None, display_name: str | None, is_source: bool,
                    now: int) -> None:
    """Create or update the channel row without erasing what the watcher knows better."""
    known = channel_store.get_channel(conn, channel_id)
    if known is not None:
        username = username or known.username
        title = known.title or title  # the watcher's title is current; the export's may be old
        if not is_source:
            display_name = known.display_name or display_name
    channel_store.upsert_channel(conn, channel_id, username=username, title=title,
                                 display_name=display_name, is_source=is_source, now=now)


def _resolved_sources(conn: sqlite3.Connection, settings: Settings) -> dict[str, int]:
    """Source (``str(ref)``) -> the channel id the watcher resolved it to, where known."""
    known = {row[0]: row[1] for row in conn.execute(
        "SELECT ref, channel_id FROM source_status WHERE channel_id IS NOT NULL")}
    by_username = {row[0]: row[1] for row in conn.execute(
        "SELECT lower(username), id FROM channels WHERE username IS NOT NULL AND is_source=1")}
    for source in settings.sources:
        ref = str(source.ref)
        if ref not in known and source.ref.username in by_username:
            known[ref] = by_username[source.ref.username]
    return known


def _versions(conn: sqlite3.Connection, channel_id: int,
              message_ids: list[int]) -> dict[int, Version]:
    found: dict[int, Version] = {}
    for i in range(0, len(message_ids), _SELECT_CHUNK):
        chunk = message_ids[i:i + _SELECT_CHUNK]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(
            "SELECT message_id, text, entities, edit_date FROM messages"
            f" WHERE channel_id=? AND message_id IN ({marks})",
            (channel_id, *chunk),
        ):
            found[row[0]] = (row[1], row[2], row[3])
    return found


def _write_batch(conn: sqlite3.Connection, todo: list[tuple[MessageRow, str, float]],
                 policy: QueuePolicy | None, now: int) -> tuple[int, int, int, int]:
    """Store a batch in one transaction; return (new, updated, present, jobs created)."""
    new = updated = present = jobs = 0
    for row, lang, confidence in todo:
        # Again, inside the transaction: the watcher may have stored it meanwhile, or the
        # export may hold the same message twice.
        current = _versions(conn, row.channel_id, [row.message_id]).get(row.message_id)
        if not needs_write(current, row):
            present += 1
            continue
        result = message_store.store_message(conn, row, lang, confidence, policy, now)
        if result.stored:
            new += 1
        elif result.edited:
            updated += 1
        else:
            present += 1
        jobs += len(result.jobs_created)
    return new, updated, present, jobs
