"""The store's interface: every operation the rest of relay asks of storage.

Callers (the watcher, the review bot and its commands, the publisher, backfill, the importer,
the command line, the service) depend on :class:`Store`, never on SQL. It is composed of one
protocol per area. Every method is async and takes and returns plain values or the frozen
records defined beside the SQLite queries (``JobView``, ``Transition``, ``OutboxItem``, ...);
nothing here exposes a connection, a cursor or a row.

Each method is atomic: what it writes is written together or not at all. The SQLite
implementation is :class:`relay.store.sqlite_store.SqliteStore`; ``docs/store.md`` says what a
second one (PostgreSQL) would have to provide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

from relay.core.jobview import JobView
from relay.core.records import IngestResult, MessageRow, QueuePolicy
from relay.core.sanitize import Cleaned
from relay.core.workflow import Action, Actor, Rules
from relay.site.records import SitePublication
from relay.store.channels import ChannelInfo
from relay.store.drafts_api import DraftStore
from relay.store.glossary_store import GlossaryStore
from relay.store.imports import Detected, Version
from relay.store.outbox import OutboxItem, Publication
from relay.store.overview import JobSummary, PostSummary
from relay.store.reports import JobCounts, MetricsFigures, Stats, StatusFigures
from relay.store.review_extras import ReplyOffer, StoredPost
from relay.store.review_queries import Found, LastChange, Transition
from relay.store.service_state import Heartbeat
from relay.store.site_archive import SiteStyle
from relay.store.statements import Joined, SameAs, Split, Unit
from relay.text.formatting import Entity, FormattedText

T = TypeVar("T")


class IngestStore(Protocol):
    """Posts in: the watcher's live updates and catch-up."""

    async def store_message(self, row: MessageRow, lang: str, confidence: float,
                            policy: QueuePolicy | None, now: int,
                            same_as: Unit | None = None, *,
                            reason: str = "text") -> IngestResult:
        """Store a post once (an edit if stored with other text); create or touch its jobs.
        A post that would be queued joins the statement it forwards, or ``same_as`` (a unit
        found to be the same statement), instead of getting jobs of its own (issue 11).
        ``reason``: why it has ``lang`` (``text`` or ``channel``)."""

    async def recent_languages(self, channel_id: int, limit: int) -> list[str | None]:
        """The languages of a channel's newest ``limit`` posts, newest first."""

    async def mark_deleted(self, channel_id: int, message_ids: Sequence[int],
                           now: int) -> list[int]:
        """Mark posts deleted (they stay); return the ids of the jobs made from them."""

    async def set_media_path(self, pk: int, path: str) -> None:
        """Remember where a post's downloaded media file is."""

    async def upsert_channel(self, channel_id: int, *, username: str | None, title: str | None,
                             display_name: str | None, is_source: bool, now: int) -> None:
        """Create or update a channel's row."""

    async def set_source_status(self, ref: str, *, channel_id: int | None, error: str | None,
                                now: int) -> None:
        """Record whether a configured source resolved (to which channel) or why not."""

    async def record_resolved_source(self, ref: str, channel_id: int, *, username: str | None,
                                     title: str | None, display_name: str | None,
                                     now: int) -> None:
        """A source resolved: its channel row and its status, in one transaction."""

    async def get_channel(self, channel_id: int) -> ChannelInfo | None:
        """A channel's row: names, catch-up mark, newest stored post."""

    async def set_caught_up(self, channel_id: int, up_to: int, now: int) -> None:
        """Every post up to ``up_to`` has been read (the mark never goes back)."""

    async def live_ids(self, channel_id: int, up_to: int, above: int = 0,
                       newest: int | None = None) -> list[int]:
        """Ids of stored, undeleted posts in ``(above, up_to]`` (or the ``newest`` ones)."""

    async def stored_run_top(self, channel_id: int, since: int) -> int:
        """The end of the unbroken run of stored ids right above ``since``."""


class BulkStore(Protocol):
    """Posts in by the thousand: ``relay backfill`` and ``relay import``."""

    async def write_backfill_batch(self, channel_id: int, rows: Sequence[Detected],
                                   policy: QueuePolicy | None, now: int,
                                   same_as: SameAs | None = None) -> tuple[int, int]:
        """Store a page of history and how far back it reached: (stored, jobs created).
        ``same_as``: (channel, message id) -> the unit a post is a copy of (issue 11)."""

    async def backfill_progress(self, channel_id: int) -> tuple[int, bool] | None:
        """(oldest id read, whether the channel's start was reached), if begun."""

    async def finish_backfill(self, channel_id: int, now: int) -> None:
        """The channel's history has been read to its start."""

    async def resolved_sources(self, sources: Sequence[tuple[str, str | None]]
                               ) -> dict[str, int]:
        """Source ``(ref, username)`` -> the channel id it is known to be."""

    async def record_imported_channel(self, channel_id: int, username: str | None,
                                      title: str | None, display_name: str | None,
                                      is_source: bool, now: int) -> None:
        """Create or update a channel from an export, keeping what the watcher knows better."""

    async def stored_versions(self, channel_id: int,
                              message_ids: Sequence[int]) -> dict[int, Version]:
        """(text, entities JSON, edit date) of each of these posts that is stored."""

    async def write_import_batch(self, todo: Sequence[Detected], policy: QueuePolicy | None,
                                 now: int, same_as: SameAs | None = None
                                 ) -> tuple[int, int, int, int]:
        """Store a batch of exported posts: (new, updated, already present, jobs created)."""


class ReviewStore(Protocol):
    """Jobs as the review bot sees and changes them, and the bot's own messages."""

    async def load_job(self, job_id: int) -> JobView | None:
        """One job with its source post and channel, as a card shows it."""

    async def apply(self, job_id: int, action: Action, actor: Actor, rules: Rules, now: int, *,
                    expected_version: int | None = None, confirm: bool = False,
                    keep: bool = True, reason: str | None = None, draft: Cleaned | None = None,
                    lang: str | None = None) -> Transition:
        """Decide and, if allowed, apply one action with its audit row (and outbox item)."""

    async def last_change(self, job_id: int) -> LastChange | None:
        """Who last changed the job's state, how, and when."""

    async def unit_jobs(self, job_id: int) -> list[int]:
        """Every job made from the same post as ``job_id`` (one per target)."""

    async def expired_claims(self, now: int, claim_seconds: int) -> list[int]:
        """Queued jobs whose claim is older than ``claim_seconds``."""

    async def jobs_without_cards(self, limit: int, after: int = 0) -> list[int]:
        """Queued jobs above ``after`` that have no card yet."""

    async def queue_page(self, page: int, size: int) -> tuple[int, list[JobView]]:
        """(queued total, the queued jobs of ``page``), oldest first."""

    async def stats(self) -> Stats:
        """/stats: jobs per state, the oldest queued, counts per translator."""

    async def search(self, words: str, limit: int = 10) -> list[Found]:
        """Newest posts matching every word (the index is brought up to date first)."""

    async def index_pending(self) -> int:
        """Add posts stored or edited since the last call to the search index; how many."""

    async def add_bot_message(self, chat_id: int, message_id: int, job_id: int, kind: str,
                              now: int, for_user: int | None = None) -> None:
        """Remember a message the bot sent about a job (a card, a preview, a question)."""

    async def find_bot_message(self, chat_id: int,
                               message_id: int) -> tuple[int, str, int | None] | None:
        """(job id, kind, for_user) of one of the bot's messages, or None."""

    async def drop_bot_message(self, chat_id: int, message_id: int) -> None:
        """Forget one of the bot's messages."""

    async def bot_messages_of(self, job_id: int, kind: str) -> list[tuple[int, int]]:
        """(chat id, message id) of the bot's messages of ``kind`` about a job."""

    async def add_draft_part(self, job_id: int, user_id: int, chat_id: int,
                             text: FormattedText, now: int) -> int:
        """Keep one part of a translation sent in several messages; its number (from 1)."""

    async def draft_parts(self, job_id: int, user_id: int) -> list[FormattedText]:
        """The parts a translator has sent for a job so far, in order."""

    async def drop_draft_parts(self, job_id: int, user_id: int) -> None:
        """Forget the parts (the translation was completed, or started over)."""

    async def retry_failed(self, job_id: int, now: int) -> int:
        """Put the job's failed outbox items back in line; how many."""

    async def failure_of(self, job_id: int) -> str | None:
        """Why the job's latest failed outbox item failed."""

    async def retry_all_failed(self, target: str | None, now: int) -> list[int]:
        """Put every failed item of ``target`` (None: of every target) back in line; the ids
        of their jobs."""

    async def publish_failing(self) -> tuple[int, int | None]:
        """(failed outbox items, when the oldest failed) for the heartbeat and health."""

    async def posted_parts(self, job_id: int) -> list[Publication]:
        """The parts of the job's original post, in order (what a correction edits)."""


class ReviewDeskStore(Protocol):
    """Issue 10: replies awaiting their sender's Yes/No, drafts shown, posts on demand."""

    async def add_reply_offer(self, job_id: int, chat_id: int, user_id: int, message_id: int,
                              job_version: int, text: str, entities: tuple[Entity, ...],
                              now: int) -> int:
        """Keep a reply the bot asks its sender about; its id (carried by the Yes/No buttons)."""

    async def reply_offer(self, offer_id: int) -> ReplyOffer | None:
        """One kept reply, or None once answered."""

    async def drop_reply_offer(self, offer_id: int) -> None:
        """Forget a kept reply (answered No, or used)."""

    async def mark_draft_shown(self, chat_id: int, job_id: int, version: int, now: int) -> None:
        """The job's draft at ``version`` was shown in ``chat_id`` (a preview, /show)."""

    async def draft_shown_version(self, job_id: int, chats: Sequence[int]) -> int | None:
        """The newest version of the job's draft shown in any of ``chats``."""

    async def relang_unit(self, job_id: int, actor: Actor, rules: Rules, now: int, *, code: str,
                          keep: bool, reason: str | None,
                          expected_version: int | None) -> list[tuple[int, Transition]]:
        """Correct the language of every job of a post at once, or of none when the pressed
        job is not at ``expected_version``."""

    async def find_post(self, channel: int | str, message_id: int) -> StoredPost | None:
        """A stored post by channel (bare id or username) and message id."""

    async def queue_post(self, channel: int | str, message_id: int,
                         targets: Sequence[tuple[str, str]],
                         now: int) -> tuple[StoredPost | None, list[int]]:
        """Create jobs for a stored post for the targets it lacks, whatever its language."""

    async def set_post_language(self, post: StoredPost, code: str) -> None:
        """Record the language of a post (and its album) as an editor gave it."""


class PublishingStore(Protocol):
    """The outbox and what was posted where, for the publisher."""

    async def outbox_heads(self) -> list[OutboxItem]:
        """The oldest pending item of each target."""

    async def deleted_sources_to_handle(self, kind: str, after: int | None = None,
                                        ) -> tuple[list[tuple[int, str]], int]:
        """Published jobs whose source was deleted and that lack a ``kind`` item; audit mark."""

    async def enqueue(self, job_id: int, target: str, kind: str, now: int) -> int:
        """Add an outbox item (post, correction, annotate, delete); its id."""

    async def delay(self, outbox_id: int, until: int, error: str, now: int, *,
                    count_attempt: bool) -> None:
        """Hold an item until ``until`` (a flood wait or a retry back-off)."""

    async def fail(self, item: OutboxItem, error: str, now: int) -> None:
        """Give up on an item; editors are told why."""

    async def finish(self, item: OutboxItem, now: int) -> bool:
        """Mark an item sent (and its job published); whether the job changed state."""

    async def parts_of(self, outbox_id: int) -> dict[int, Publication]:
        """The parts of an item already posted, by part number."""

    async def mark_sending(self, outbox_id: int, part: int, now: int, text: str) -> None:
        """A part saying ``text`` is about to be sent (committed before the request leaves;
        ``text`` is kept as a digest, for recovery after a crash)."""

    async def record_part(self, item: OutboxItem, channel_id: int, part: int, message_id: int,
                          text: str, now: int) -> None:
        """A part was posted as ``message_id`` (``text`` is kept as a hash)."""

    async def newest_published_id(self, channel_id: int) -> int:
        """The highest message id relay posted in a channel (0 if none)."""

    async def unit_media(self, channel_id: int, message_id: int,
                         unit_key: str) -> list[tuple[int, str, str | None, int | None]]:
        """(message id, kind, path, size) of the re-postable media of a job's post or album."""

    async def source_deleted_at(self, channel_id: int, message_id: int) -> int | None:
        """When a source post was marked deleted."""


class ArchiveReader(Protocol):
    """One consistent, synchronous view of the archive (see :meth:`ArchiveStore.read_archive`)."""

    def schema_version(self) -> int | None:
        """The database schema's version."""

    def records(self, kind: str, since: int | None = None,
                target_usernames: Mapping[str, str | None] | None = None,
                ) -> Iterator[dict[str, Any]]:
        """The records of one type (``relay.store.archive.COLUMNS``), streamed."""


class ReportsStore(Protocol):
    """Figures for people and monitors, read-only."""

    async def job_counts(self) -> JobCounts:
        """Jobs per state (every state) and the oldest queued job."""

    async def status_figures(self, now: int) -> StatusFigures:
        """Everything ``relay status`` shows, in one snapshot."""

    async def metrics_figures(self, now: int) -> MetricsFigures:
        """What the Prometheus endpoint exposes."""

    async def posts_overview(self) -> list[PostSummary]:
        """Every stored post (for the demo's small database)."""

    async def jobs_overview(self) -> list[JobSummary]:
        """Every job (for the demo's small database)."""

    async def source_errors(self) -> list[tuple[str, str]]:
        """(source, why) for each source that could not be resolved."""

    async def first_job_of(self, username: str, target: str) -> int | None:
        """The first job made from channel ``@username`` for ``target``."""


class ArchiveStore(Protocol):
    async def read_archive(self, use: Callable[[ArchiveReader], T]) -> T:
        """Run ``use(reader)`` on one consistent snapshot of the archive and return its
        result. ``use`` runs synchronously where the store reads (it may write a file of any
        size as it goes: nothing is held in memory), and must not call the store."""


class StatementStore(Protocol):
    """Issue 11: one statement, one job per target; copies and forwards are its members."""

    async def statement_posts(self, since: int,
                              until: int | None = None) -> list[tuple[Unit, str, int]]:
        """((channel, unit key), text, date) of statements' posts dated in [since, until]."""

    async def split_member(self, job_id: int, member_id: int, actor_id: int | None,
                           now: int) -> Split | None:
        """Split a wrongly matched post off the job's statement: it gets its own jobs."""

    async def join_statements(self, keep_job: int, merge_job: int, actor: Actor, rules: Rules,
                              now: int) -> Joined | None:
        """Join the second job's statement into the first's; its open jobs are closed through
        the workflow (``Action.JOIN_INTO``), or nothing is done (``Joined.refused``)."""


class SiteStore(Protocol):
    """Issue 13: the published translations as the public archive site shows them."""

    async def site_page(self, after: int, limit: int,
                        style: SiteStyle) -> list[SitePublication]:
        """The publications with id above ``after``, in id order, at most ``limit`` (stream
        them all by passing the last id seen)."""

    async def site_publications(self, ids: Sequence[int],
                                style: SiteStyle) -> list[SitePublication]:
        """The publications among ``ids`` (ids that are not published are left out)."""


class ServiceStateStore(Protocol):
    async def beat(self, at: int, pid: int, state: str, detail: str) -> None:
        """Write the running service's heartbeat."""

    async def last_beat(self) -> Heartbeat | None:
        """The last heartbeat written, if any."""


class Store(IngestStore, BulkStore, ReviewStore, ReviewDeskStore, PublishingStore, ReportsStore, ArchiveStore,
            ServiceStateStore, StatementStore, SiteStore, GlossaryStore, DraftStore, Protocol):
    """All of relay's storage."""

    async def close(self) -> None:
        """Close the store; nothing may be called after."""
