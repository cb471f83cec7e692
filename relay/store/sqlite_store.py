"""``SqliteStore``: the :class:`relay.store.api.Store` interface over SQLite.

Each method hands one function of the store modules (``messages``, ``review_queries``,
``outbox``, ``reports``, ...) to :class:`relay.store.db.Database`: ``run`` for writes (one
``BEGIN IMMEDIATE`` transaction in aiosqlite's thread), ``read`` for reads. Ingest writes go
through a :class:`~relay.store.db.BatchWriter`, so posts arriving together share a commit.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from relay.core.jobview import JobView
from relay.core.records import IngestResult, MessageRow, QueuePolicy
from relay.core.sanitize import Cleaned
from relay.core.workflow import Action, Actor, Rules
from relay.site.records import SitePublication
from relay.store import (
    channels,
    draft_parts,
    imports,
    messages,
    outbox,
    overview,
    reports,
    service_state,
    site_archive,
    transitions,
)
from relay.store import review_queries as review
from relay.store.api import ArchiveReader, Store
from relay.store.archive import SqliteArchive
from relay.store.channels import ChannelInfo
from relay.store.db import BatchWriter, Database
from relay.store.drafts_store import DraftsSqlite
from relay.store.errors import DatabaseUnreadable
from relay.store.glossary_store import GlossarySqlite
from relay.store.imports import Detected, Version
from relay.store.migrations import MIGRATIONS, SchemaTooNew
from relay.store.outbox import OutboxItem, Publication
from relay.store.overview import JobSummary, PostSummary
from relay.store.readonly import readonly_uri, snapshot
from relay.store.reports import JobCounts, MetricsFigures, Stats, StatusFigures
from relay.store.review_desk_store import ReviewDeskSqlite
from relay.store.review_queries import Found, LastChange, Transition
from relay.store.service_state import Heartbeat
from relay.store.site_archive import SiteStyle
from relay.store.statements import SameAs, Unit
from relay.store.statements_store import StatementsSqlite
from relay.text.formatting import FormattedText

T = TypeVar("T")


class SqliteStore(StatementsSqlite, ReviewDeskSqlite, GlossarySqlite, DraftsSqlite):
    """relay's storage in one SQLite file (see ``docs/store.md``)."""

    def __init__(self, db: Database, writer: BatchWriter | None = None):
        self.db = db
        self.writer = writer or BatchWriter(db)

    async def close(self) -> None:
        await self.db.close()

    async def _report(self, fn: Callable[..., T], *args: Any) -> T:
        """A read for an operator's report: a damaged database is one line, not a trace."""
        try:
            return await self.db.read(fn, *args)
        except sqlite3.DatabaseError as exc:
            raise DatabaseUnreadable(f"cannot read {self.db.path}: {exc}") from None

    # ------------------------------------------------------------------ ingest
    async def store_message(self, row: MessageRow, lang: str, confidence: float,
                            policy: QueuePolicy | None, now: int,
                            same_as: Unit | None = None, *,
                            reason: str = "text") -> IngestResult:
        return await self.writer.run(messages.store_message, row, lang, confidence, policy, now,
                                     same_as, reason=reason)

    async def recent_languages(self, channel_id: int, limit: int) -> list[str | None]:
        return await self.db.read(messages.recent_languages, channel_id, limit)

    async def mark_deleted(self, channel_id: int, message_ids: Sequence[int],
                           now: int) -> list[int]:
        return await self.writer.run(messages.mark_deleted, channel_id, list(message_ids), now)

    async def set_media_path(self, pk: int, path: str) -> None:
        await self.writer.run(messages.set_media_path, pk, path)

    async def upsert_channel(self, channel_id: int, *, username: str | None, title: str | None,
                             display_name: str | None, is_source: bool, now: int) -> None:
        await self.db.run(channels.upsert_channel, channel_id, username=username, title=title,
                          display_name=display_name, is_source=is_source, now=now)

    async def set_source_status(self, ref: str, *, channel_id: int | None, error: str | None,
                                now: int) -> None:
        await self.db.run(channels.set_source_status, ref, channel_id=channel_id, error=error,
                          now=now)

    async def record_resolved_source(self, ref: str, channel_id: int, *, username: str | None,
                                     title: str | None, display_name: str | None,
                                     now: int) -> None:
        await self.db.run(_record_resolved_source, ref, channel_id, username, title,
                          display_name, now)

    async def get_channel(self, channel_id: int) -> ChannelInfo | None:
        return await self.db.read(channels.get_channel, channel_id)

    async def set_caught_up(self, channel_id: int, up_to: int, now: int) -> None:
        await self.db.run(channels.set_caught_up, channel_id, up_to, now)

    async def live_ids(self, channel_id: int, up_to: int, above: int = 0,
                       newest: int | None = None) -> list[int]:
        return await self.db.read(messages.live_ids, channel_id, up_to, above, newest)

    async def stored_run_top(self, channel_id: int, since: int) -> int:
        return await self.db.read(messages.stored_run_top, channel_id, since)

    # ------------------------------------------------------------------ backfill, import
    async def write_backfill_batch(self, channel_id: int, rows: Sequence[Detected],
                                   policy: QueuePolicy | None, now: int,
                                   same_as: SameAs | None = None) -> tuple[int, int]:
        return await self.db.run(imports.write_backfill_batch, channel_id, rows, policy, now,
                                 same_as)

    async def backfill_progress(self, channel_id: int) -> tuple[int, bool] | None:
        return await self.db.read(imports.backfill_progress, channel_id)

    async def finish_backfill(self, channel_id: int, now: int) -> None:
        await self.db.run(imports.finish_backfill, channel_id, now)

    async def resolved_sources(self, sources: Sequence[tuple[str, str | None]]
                               ) -> dict[str, int]:
        return await self.db.read(imports.resolved_sources, sources)

    async def record_imported_channel(self, channel_id: int, username: str | None,
                                      title: str | None, display_name: str | None,
                                      is_source: bool, now: int) -> None:
        await self.db.run(imports.record_channel, channel_id, username, title, display_name,
                          is_source, now)

    async def stored_versions(self, channel_id: int,
                              message_ids: Sequence[int]) -> dict[int, Version]:
        return await self.db.read(imports.stored_versions, channel_id, message_ids)

    async def write_import_batch(self, todo: Sequence[Detected], policy: QueuePolicy | None,
                                 now: int, same_as: SameAs | None = None
                                 ) -> tuple[int, int, int, int]:
        return await self.db.run(imports.write_import_batch, todo, policy, now, same_as)

    # ------------------------------------------------------------------ review
    async def load_job(self, job_id: int) -> JobView | None:
        return await self.db.read(review.load_job, job_id)

    async def apply(self, job_id: int, action: Action, actor: Actor, rules: Rules, now: int, *,
                    expected_version: int | None = None, confirm: bool = False,
                    keep: bool = True, reason: str | None = None, draft: Cleaned | None = None,
                    lang: str | None = None) -> Transition:
        return await self.db.run(review.apply, job_id, action, actor, rules, now,
                                 expected_version=expected_version, confirm=confirm, keep=keep,
                                 reason=reason, draft=draft, lang=lang)

    async def last_change(self, job_id: int) -> LastChange | None:
        return await self.db.read(review.last_change, job_id)

    async def unit_jobs(self, job_id: int) -> list[int]:
        return await self.db.read(review.unit_jobs, job_id)

    async def expired_claims(self, now: int, claim_seconds: int) -> list[int]:
        return await self.db.read(review.expired_claims, now, claim_seconds)

    async def jobs_without_cards(self, limit: int, after: int = 0) -> list[int]:
        return await self.db.read(review.jobs_without_cards, limit, after)

    async def queue_page(self, page: int, size: int) -> tuple[int, list[JobView]]:
        return await self.db.read(review.queue_page, page, size)

    async def stats(self) -> Stats:
        return await self.db.read(reports.stats)

    async def search(self, words: str, limit: int = 10) -> list[Found]:
        return await self.db.run(review.search, words, limit)  # indexes first: a write

    async def index_pending(self) -> int:
        return await self.db.run(review.index_pending)

    async def add_bot_message(self, chat_id: int, message_id: int, job_id: int, kind: str,
                              now: int, for_user: int | None = None) -> None:
        await self.db.run(review.add_bot_message, chat_id, message_id, job_id, kind, now,
                          for_user)

    async def find_bot_message(self, chat_id: int,
                               message_id: int) -> tuple[int, str, int | None] | None:
        return await self.db.read(review.find_bot_message, chat_id, message_id)

    async def drop_bot_message(self, chat_id: int, message_id: int) -> None:
        await self.db.run(review.drop_bot_message, chat_id, message_id)

    async def bot_messages_of(self, job_id: int, kind: str) -> list[tuple[int, int]]:
        return await self.db.read(review.bot_messages_of, job_id, kind)

    async def add_draft_part(self, job_id: int, user_id: int, chat_id: int,
                             text: FormattedText, now: int) -> int:
        return await self.db.run(draft_parts.add_draft_part, job_id, user_id, chat_id, text, now)

    async def draft_parts(self, job_id: int, user_id: int) -> list[FormattedText]:
        return await self.db.read(draft_parts.draft_parts, job_id, user_id)

    async def drop_draft_parts(self, job_id: int, user_id: int) -> None:
        await self.db.run(draft_parts.drop_draft_parts, job_id, user_id)

    async def retry_failed(self, job_id: int, now: int) -> int:
        return await self.db.run(outbox.retry_failed, job_id, now)

    async def failure_of(self, job_id: int) -> str | None:
        return await self.db.read(outbox.failure_of, job_id)

    async def retry_all_failed(self, target: str | None, now: int) -> list[int]:
        return await self.db.run(outbox.retry_all_failed, target, now)

    async def publish_failing(self) -> tuple[int, int | None]:
        return await self.db.read(outbox.failing)

    async def posted_parts(self, job_id: int) -> list[Publication]:
        return await self.db.read(outbox.posted_parts, job_id)

    # ------------------------------------------------------------------ publishing
    async def outbox_heads(self) -> list[OutboxItem]:
        return await self.db.read(outbox.heads)

    async def deleted_sources_to_handle(self, kind: str, after: int | None = None,
                                        ) -> tuple[list[tuple[int, str]], int]:
        return await self.db.read(outbox.deleted_sources_to_handle, kind, after)

    async def enqueue(self, job_id: int, target: str, kind: str, now: int) -> int:
        return await self.db.run(outbox.enqueue, job_id, target, kind, now)

    async def delay(self, outbox_id: int, until: int, error: str, now: int, *,
                    count_attempt: bool) -> None:
        await self.db.run(outbox.delay, outbox_id, until, error, now,
                          count_attempt=count_attempt)

    async def fail(self, item: OutboxItem, error: str, now: int) -> None:
        await self.db.run(outbox.fail, item, error, now)

    async def finish(self, item: OutboxItem, now: int) -> bool:
        return await self.db.run(transitions.finish, item, now)

    async def parts_of(self, outbox_id: int) -> dict[int, Publication]:
        return await self.db.read(outbox.parts_of, outbox_id)

    async def mark_sending(self, outbox_id: int, part: int, now: int, text: str) -> None:
        await self.db.run(outbox.mark_sending, outbox_id, part, now, outbox.text_hash(text))

    async def record_part(self, item: OutboxItem, channel_id: int, part: int, message_id: int,
                          text: str, now: int) -> None:
        await self.db.run(outbox.record_part, item, channel_id, part, message_id,
                          outbox.text_hash(text), now)

    async def newest_published_id(self, channel_id: int) -> int:
        return await self.db.read(outbox.newest_message_id, channel_id)

    async def unit_media(self, channel_id: int, message_id: int,
                         unit_key: str) -> list[tuple[int, str, str | None, int | None]]:
        return await self.db.read(outbox.unit_media, channel_id, message_id, unit_key)

    async def source_deleted_at(self, channel_id: int, message_id: int) -> int | None:
        return await self.db.read(outbox.source_deleted_at, channel_id, message_id)

    # ------------------------------------------------------------------ reports, archive
    async def job_counts(self) -> JobCounts:
        return await self.db.read(reports.job_counts)

    async def status_figures(self, now: int) -> StatusFigures:
        return await self._report(reports.status_figures, now)

    async def metrics_figures(self, now: int) -> MetricsFigures:
        return await self.db.read(reports.metrics_figures, now)

    async def posts_overview(self) -> list[PostSummary]:
        return await self.db.read(overview.posts)

    async def jobs_overview(self) -> list[JobSummary]:
        return await self.db.read(overview.jobs)

    async def source_errors(self) -> list[tuple[str, str]]:
        return await self.db.read(overview.source_errors)

    async def first_job_of(self, username: str, target: str) -> int | None:
        return await self.db.read(overview.first_job_of, username, target)

    async def read_archive(self, use: Callable[[ArchiveReader], T]) -> T:
        return await self._report(_read_archive, use)

    # ------------------------------------------------------------------ public site (issue 13)
    async def site_page(self, after: int, limit: int,
                        style: SiteStyle) -> list[SitePublication]:
        return await self.db.read(site_archive.page, after, limit, style)

    async def site_publications(self, ids: Sequence[int],
                                style: SiteStyle) -> list[SitePublication]:
        return await self.db.read(site_archive.by_ids, list(ids), style)

    # ------------------------------------------------------------------ service state
    async def beat(self, at: int, pid: int, state: str, detail: str) -> None:
        await self.db.run(service_state.beat, at, pid, state, detail)

    async def last_beat(self) -> Heartbeat | None:
        return await self._report(service_state.last_beat)


def _record_resolved_source(conn: sqlite3.Connection, ref: str, channel_id: int,
                            username: str | None, title: str | None, display_name: str | None,
                            now: int) -> None:
    channels.upsert_channel(conn, channel_id, username=username, title=title,
                            display_name=display_name, is_source=True, now=now)
    channels.set_source_status(conn, ref, channel_id=channel_id, error=None, now=now)


def _read_archive(conn: sqlite3.Connection, use: Callable[[ArchiveReader], T]) -> T:
    with snapshot(conn):  # one snapshot for the whole export
        return use(SqliteArchive(conn))


# ---------------------------------------------------------------------------- opening
async def open_store(path: Path | str, *, readonly: bool = False) -> SqliteStore:
    """Open the relay database at ``path``: created and migrated, or, with ``readonly``,
    opened ``mode=ro`` as it is (a missing file raises :class:`DatabaseUnreadable`), for
    commands that only look while the service may be writing."""
    if not readonly:
        return SqliteStore(await Database.open(path))
    uri = readonly_uri(path)
    try:
        conn = await aiosqlite.connect(uri, uri=True, timeout=5.0, isolation_level=None)
    except sqlite3.Error as exc:
        raise DatabaseUnreadable(f"cannot open {path}: {exc}") from None
    try:
        await conn.execute("PRAGMA query_only=ON")
        await _refuse_newer_schema(conn)
    except BaseException:
        await conn.close()
        raise
    return SqliteStore(Database(conn, Path(path)))


async def _refuse_newer_schema(conn: aiosqlite.Connection) -> None:
    """A database written by a newer relay is refused by readers too (its meaning may have
    changed): the same one line as for writers, nothing read."""
    try:
        async with conn.execute("SELECT MAX(version) FROM schema_migrations") as cur:
            row = await cur.fetchone()
    except sqlite3.Error:
        return  # not relay's, or damaged: the reader's own checks say so
    newest = max(v for v, _ in MIGRATIONS)
    if row and row[0] is not None and row[0] > newest:
        raise SchemaTooNew(f"database schema version {row[0]} is newer than this relay knows"
                           f" ({newest}); upgrade relay")


def read_only(path: Path | str, use: Callable[[Store], Awaitable[T]]) -> T:
    """For one-shot synchronous commands (``relay status``, ``export``, ``health``): open the
    store read-only, return ``await use(store)``, close it. Called from inside a running
    event loop (a test, a bench), it runs on a thread of its own."""
    async def go() -> T:
        store = await open_store(path, readonly=True)
        try:
            return await use(store)
        finally:
            await store.close()

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(go())
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


_IMPLEMENTS: type[Store] = SqliteStore  # mypy checks SqliteStore against the protocol
