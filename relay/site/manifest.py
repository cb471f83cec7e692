"""The site's memory of what it has built: one small JSON file in the output folder.

For every publication on the site it keeps only what placing it needs (target, publication
and update times, source, month); titles and texts are read again from the source when a page
is rendered. An incremental rebuild reads it to know which index and archive pages a changed
publication appears on.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import os
from collections import Counter
from collections.abc import Iterable
from dataclasses import astuple, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from relay.site.paths import MANIFEST
from relay.site.records import SitePublication, SiteSettings
from relay.text.bidi import clean

VERSION = 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: A listing: (target, kind, key), kind ``all`` (key ""), ``source`` or ``month``.
ListingKey = tuple[str, str, str]
#: A publication's place in a listing: oldest first, ties by id.
SortKey = tuple[int, int]


def micros(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Entry:
    target: str
    published: int
    updated: int
    source: str
    month: str

    @classmethod
    def of(cls, pub: SitePublication) -> Entry:
        return cls(
            pub.target, micros(pub.published_at), micros(pub.updated_at), pub.source_key,
            pub.published_at.astimezone(UTC).strftime("%Y-%m"),
        )

    def listings(self) -> tuple[ListingKey, ...]:
        return (
            (self.target, "all", ""),
            (self.target, "source", self.source),
            (self.target, "month", self.month),
        )


def fingerprint(settings: SiteSettings) -> str:
    """Settings that shape every page: when they change, an update becomes a full build."""
    parts = [
        VERSION, settings.base_url, settings.title, sorted(settings.targets),
        settings.show_originals, settings.posts_per_page, str(settings.template_dir or ""),
        settings.feed_size, settings.tag_year,
    ]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]


@dataclass
class Manifest:
    fingerprint: str
    pubs: dict[int, Entry] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    languages: dict[str, str] = field(default_factory=dict)

    def put(self, pub: SitePublication) -> Entry:
        entry = Entry.of(pub)
        self.pubs[pub.id] = entry
        self.sources[entry.source] = clean(pub.source_name)
        self.languages[pub.target] = pub.language
        return entry

    def members(self, keys: Iterable[ListingKey] | None = None) -> dict[ListingKey, list[SortKey]]:
        """The sorted members of the listings ``keys`` (all listings when ``None``)."""
        wanted = None if keys is None else set(keys)
        out: dict[ListingKey, list[SortKey]] = {}
        for pub_id, entry in self.pubs.items():
            for key in entry.listings():
                if wanted is None or key in wanted:
                    out.setdefault(key, []).append((entry.published, pub_id))
        for members in out.values():
            members.sort()
        return out

    def counts(self, target: str) -> Counter[ListingKey]:
        return Counter(
            key for e in self.pubs.values() if e.target == target for key in e.listings()[1:]
        )

    def latest_updated(self, size: int) -> dict[str | None, list[int]]:
        """Per target (and ``None`` for all), the ids of the ``size`` most recently updated
        publications, newest first."""
        heaps: dict[str | None, list[tuple[int, int]]] = {}
        for pub_id, entry in self.pubs.items():
            item = (entry.updated, pub_id)
            for bucket in (entry.target, None):
                heap = heaps.setdefault(bucket, [])
                if len(heap) < size:
                    heapq.heappush(heap, item)
                elif item > heap[0]:
                    heapq.heapreplace(heap, item)
        return {k: [i for _, i in sorted(v, reverse=True)] for k, v in heaps.items()}

    # --- file -------------------------------------------------------------------------------

    def save(self, out: Path) -> None:
        data = {
            "version": VERSION,
            "fingerprint": self.fingerprint,
            "sources": dict(sorted(self.sources.items())),
            "languages": dict(sorted(self.languages.items())),
            "pubs": {str(k): list(astuple(v)) for k, v in sorted(self.pubs.items())},
        }
        path = out / MANIFEST
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
        os.replace(tmp, path)

    @classmethod
    def load(cls, out: Path) -> Manifest | None:
        try:
            data = json.loads((out / MANIFEST).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        if data.get("version") != VERSION:
            return None
        return cls(
            data["fingerprint"],
            {int(k): Entry(*v) for k, v in data["pubs"].items()},
            data["sources"],
            data["languages"],
        )
