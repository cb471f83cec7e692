"""Plain records passed between the adapters (Telegram, import) and the store."""

from __future__ import annotations

from dataclasses import dataclass, field

from relay.text.formatting import Entity, by_position


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

    __reduce__ = by_position


@dataclass(frozen=True, slots=True)
class QueuePolicy:
    """What a source's posts turn into: jobs for these targets when in these languages."""

    languages: frozenset[str]
    targets: tuple[tuple[str, str], ...]  # (target key, target language)
    download_media: bool = True

    __reduce__ = by_position


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

    __reduce__ = by_position
