"""``relay import``: reading a Telegram Desktop export into the store (the package
docstring, :mod:`relay.importer`, says what is read and how)."""

from __future__ import annotations

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
    not_importable,
    safe_name,
)
from relay.importer.report import ChatReport, ExportFormatError, ImportReport
from relay.importer.scan import ChatEntry, check_export, index_export, iter_messages, read_export
from relay.importer.scan import resolve_path as _resolve_path
from relay.review.statement_index import BulkMatcher
from relay.store.api import Store
from relay.store.imports import needs_write  # the rule the store's import batch applies
from relay.telegram.sources import policy_for

BATCH_SIZE = 500


@dataclass(slots=True)
class _Chat:
    entry: ChatEntry
    report: ChatReport
    policy: QueuePolicy | None = None
    username: str | None = None
    display_name: str | None = None
    matcher: BulkMatcher | None = None  # issue 11: a copy joins its statement


def _plan(entry: ChatEntry, settings: Settings, queue: bool, known: dict[str, int]) -> _Chat:
    name = safe_name(entry.name) if isinstance(entry.name, str) else None
    chat_type = safe_name(entry.type) if isinstance(entry.type, str) else None
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
    store: Store,
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
    known = await store.resolved_sources([(str(s.ref), s.ref.username)
                                          for s in settings.sources])
    chats = [_plan(entry, settings, queue, known) for entry in index.chats]
    matcher = BulkMatcher.for_settings(store, settings)  # one for the whole export
    for chat in chats:
        chat.matcher = matcher
    total = sum(c.entry.count for c in chats if not c.report.not_imported)
    done = 0
    if progress is not None:
        progress(0, total)
    for chat in chats:
        report.chats.append(chat.report)
        if chat.report.not_imported:
            continue
        channel_id = chat.report.channel_id
        if channel_id is None:  # _plan marks a chat without a channel id not_imported
            raise RuntimeError(f"chat {chat.report.name!r} has no channel id")
        await store.record_imported_channel(channel_id, chat.username,
                                            chat.report.name, chat.display_name,
                                            chat.report.source is not None, int(clock()))
        batch: list[Any] = []
        for message in iter_messages(export.text, chat.entry):
            batch.append(message)
            if len(batch) >= batch_size:
                await _import_batch(store, chat, batch, clock)
                done += len(batch)
                batch = []
                if progress is not None:
                    progress(done, total)
        if batch:
            await _import_batch(store, chat, batch, clock)
            done += len(batch)
            if progress is not None:
                progress(done, total)
    if damage is not None:
        raise ExportFormatError.damaged(export.file, export.where(damage.pos), damage.problem,
                                        report)
    return report


async def _import_batch(store: Store, chat: _Chat, messages: Sequence[Any],
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
    stored = await store.stored_versions(channel_id, [r.message_id for r in rows])
    todo: list[tuple[MessageRow, str, float]] = []
    for row in rows:
        if needs_write(stored.get(row.message_id), row):
            detection = detect(row.text)
            todo.append((row, detection.lang, detection.confidence))
        else:
            report.present += 1
    if not todo:
        return
    same_as = await chat.matcher.same_as(todo, chat.policy) if chat.matcher else None
    new, updated, present, jobs = await store.write_import_batch(todo, chat.policy,
                                                                 int(clock()), same_as)
    report.stored += new
    report.updated += updated
    report.present += present
    report.jobs_created += jobs
