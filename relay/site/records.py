"""Plain records the site builder reads: one :class:`SitePublication` per published translation.

The builder never touches the database: the store (or a test, or the benchmark) hands it these
records through a :class:`PublicationSource`. Text is kept as :class:`FormattedText` (plain text
plus Telegram entities); the builder turns it into escaped HTML itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Protocol

from relay.text.formatting import FormattedText


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction of a published translation: when, and an optional note for readers."""

    at: datetime
    note: str = ""


@dataclass(frozen=True, slots=True)
class MediaFile:
    """A media file of the original post, on local disk. ``kind`` is ``photo``, ``video``,
    ``poster`` (a video's still image) or ``document``; ``mime`` is guessed when empty."""

    path: Path
    kind: str = "photo"
    mime: str = ""


@dataclass(frozen=True, slots=True)
class Version:
    """Another language version of the same statement (its page is ``<target>/p/<id>.html``)."""

    id: int
    target: str
    language: str


@dataclass(frozen=True, slots=True)
class SitePublication:
    """Everything the site shows of one publication (one statement in one target language).

    ``id`` is the publication's stable id (it names the page and the feed entry id).
    ``target`` is the target key (it names the folder of the target's pages), ``language``
its language code. ``credit`` is the attribution already rendered by :mod:`relay.text.render` (plain text,
    links as ``text_url`` entities). ``versions`` are the ids of the other language versions
    of the same statement, with their target and language so that a page can link to them
without looking them up (the builder streams publications). Datetimes are timezone-aware (UTC).
    """

    id: int
    target: str
    language: str
    translation: FormattedText
    source_name: str
    source_channel_id: int
    original_message_id: int
    original_link: str
    original_date: datetime
    published_at: datetime
    credit: FormattedText = FormattedText("")
    headline: str | None = None
    place: str | None = None
    source_username: str | None = None
    source_link: str | None = None
    telegram_link: str | None = None
    original: FormattedText | None = None
    corrected_at: datetime | None = None
    corrections: tuple[Correction, ...] = ()
    source_deleted_at: datetime | None = None
    media: tuple[MediaFile, ...] = ()
    versions: tuple[Version, ...] = ()

    @property
    def updated_at(self) -> datetime:
        """The last time readers saw this publication change (feeds' ``updated``)."""
        stamps = [self.published_at, self.corrected_at, self.source_deleted_at]
        stamps += [c.at for c in self.corrections]
        return max(s for s in stamps if s is not None)

    @property
    def source_key(self) -> str:
        """The source's archive folder name: its username, else its bare channel id."""
        if self.source_username:
            return _slug(self.source_username.lstrip("@")) or str(abs(self.source_channel_id))
        return str(abs(self.source_channel_id))


def _slug(value: str) -> str:
    return "".join(c for c in value.lower() if c.isascii() and (c.isalnum() or c in "_-"))


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """The ``[site]`` section: where to write, the public address, and what to show.

    ``base_url`` is the public address of the output folder (feeds need absolute links; pages
    link relatively, so the folder also works from any other address). ``targets`` empty means
    every target language found. ``template_dir`` holds operator templates (same names as the
    package's) and an optional ``static/`` folder copied over the package's CSS.
    """

    output_dir: Path
    base_url: str = "http://localhost:8000/"
    title: str = "relay"
    targets: tuple[str, ...] = ()
    show_originals: bool = True
    posts_per_page: int = 20
    template_dir: Path | None = None
    feed_size: int = 50
    tag_year: int = 2025
    search: bool = True

    def wants(self, target: str) -> bool:
        return not self.targets or target in self.targets


class PublicationSource(Protocol):
    """Where the builder gets publications from (the store, in the service)."""

    def iter_all(self) -> Iterable[SitePublication]:
        """Every publication, in any order, streamed (the builder holds only a small summary
        of each)."""
        ...

    def get_many(self, ids: Sequence[int]) -> list[SitePublication]:
        """The publications with these ids (unknown ids are left out), in any order."""
        ...


@dataclass
class ListSource:
    """A :class:`PublicationSource` over a list in memory (tests, the demo)."""

    publications: list[SitePublication] = field(default_factory=list)

    def iter_all(self) -> Iterable[SitePublication]:
        return iter(self.publications)

    def get_many(self, ids: Sequence[int]) -> list[SitePublication]:
        wanted = set(ids)
        return [p for p in self.publications if p.id in wanted]
