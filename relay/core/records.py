"""Plain records passed between the adapters (Telegram, import) and the store."""

from __future__ import annotations

from dataclasses import dataclass, field

from relay.text.formatting import Entity


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One channel post as relay keeps it, independent of where it came from."""

    channel_id: int
    message_id: int
    date: int  # unix seconds
    text: str = ""
    entities: tuple[Entity, ...] = ()
    edit_date: int | None = None
    grouped_id: int | None = None
    media_kind: str | None = None  # photo, video, document, audio, voice, sticker, poll, ...
    media_size: int | None = None
    media_name: str | None = None
    fwd_from: str | None = None  # JSON describing the forward origin
    reply_to: int | None = None
    post_author: str | None = None

    def __reduce__(self) -> tuple[type, tuple]:
        # pickled to and from the ingest process: positional, not dataclasses' field by field
        return (MessageRow, (self.channel_id, self.message_id, self.date, self.text, self.entities, self.edit_date, self.grouped_id, self.media_kind, self.media_size, self.media_name, self.fwd_from, self.reply_to, self.post_author,))


@dataclass(frozen=True, slots=True)
class QueuePolicy:
    """What a source's posts turn into: jobs for these targets when in these languages."""

    languages: frozenset[str]
    targets: tuple[tuple[str, str], ...]  # (target key, target language)
    download_media: bool = True

    def __reduce__(self) -> tuple[type, tuple]:
        # pickled to and from the ingest process: positional, not dataclasses' field by field
        return (QueuePolicy, (self.languages, self.targets, self.download_media,))


@dataclass(slots=True)
class IngestResult:
    """What storing one post did."""

    stored: bool = False  # a new row (False: already had it, or nothing changed)
    edited: bool = False  # an existing row changed, its previous text kept as a revision
    jobs_created: list[int] = field(default_factory=list)
    jobs_touched: list[int] = field(default_factory=list)  # source snapshot updated or marked stale
    media_wanted: list[tuple[int, int]] = field(default_factory=list)  # (pk, message id) to fetch
    joined: list[int] = field(default_factory=list)  # jobs of the statement this post joined
    left: list[int] = field(default_factory=list)  # jobs of the statement an edited copy left

    def __reduce__(self) -> tuple[type, tuple]:
        # pickled to and from the ingest process: positional, not dataclasses' field by field
        return (IngestResult, (self.stored, self.edited, self.jobs_created, self.jobs_touched, self.media_wanted, self.joined, self.left,))
