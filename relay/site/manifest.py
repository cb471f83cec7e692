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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from relay.site.paths import MANIFEST
from relay.site.records import SitePublication, SiteSettings
from relay.text.bidi import clean

VERSION = 2
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

#: A listing: (target, kind, key), kind ``all`` (key ""), ``source`` or ``month``.
ListingKey = tuple[str, str, str]
#: A publication's place in a listing: oldest first, ties by id.
SortKey = tuple[int, int]


def micros(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return (value - _EPOCH) // timedelta(microseconds=1)


class Entry(NamedTuple):
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
    #: The entries of each feed (target, "" for all), newest update first.
    feeds: dict[str, list[int]] = field(default_factory=dict)

    def put(self, pub: SitePublication) -> Entry:
        entry = Entry.of(pub)
        self.pubs[pub.id] = entry
        self.sources[entry.source] = clean(pub.source_name)
        self.languages[pub.target] = pub.language
        return entry

    def members(self, keys: Iterable[ListingKey] | None = None) -> dict[ListingKey, list[SortKey]]:
        """The sorted members of the listings ``keys`` (all listings when ``None``)."""
        out: dict[ListingKey, list[SortKey]] = {}
        if keys is None:
            for pub_id, e in self.pubs.items():
                for key in e.listings():
                    out.setdefault(key, []).append((e.published, pub_id))
        else:
            keys = set(keys)
            everything = {k[0] for k in keys if k[1] == "all"}
            by_source = {(k[0], k[2]) for k in keys if k[1] == "source"}
            by_month = {(k[0], k[2]) for k in keys if k[1] == "month"}
            out = {k: [] for k in keys}
            for pub_id, (target, published, _, source, month) in self.pubs.items():
                if target in everything:
                    out[(target, "all", "")].append((published, pub_id))
                if (target, source) in by_source:
                    out[(target, "source", source)].append((published, pub_id))
                if (target, month) in by_month:
                    out[(target, "month", month)].append((published, pub_id))
        for members in out.values():
            members.sort()
        return out

    def counts(self, target: str) -> Counter[ListingKey]:
        sources: Counter[str] = Counter()
        months: Counter[str] = Counter()
        for e in self.pubs.values():
            if e.target == target:
                sources[e.source] += 1
                months[e.month] += 1
        out: Counter[ListingKey] = Counter()
        out.update({(target, "source", k): n for k, n in sources.items()})
        out.update({(target, "month", k): n for k, n in months.items()})
        return out

    def latest_updated(self, size: int, changed: Iterable[int] | None = None) -> dict[str, list[int]]:
        """Per target (and ``""`` for all), the ids of the ``size`` most recently updated
        publications, newest first; kept in :attr:`feeds`.

        With ``changed``, only the previous feeds and the changed publications are looked at:
        update times never go back, so nothing else can enter a feed."""
        if changed is None:
            candidates: Iterable[int] = self.pubs
        else:
            candidates = {i for ids in self.feeds.values() for i in ids} | set(changed)
        rows = [(self.pubs[i].updated, i) for i in candidates if i in self.pubs]
        out = {"": [i for _, i in heapq.nlargest(size, rows)]}
        for target in self.languages:
            latest = heapq.nlargest(size, (r for r in rows if self.pubs[r[1]].target == target))
            out[target] = [i for _, i in latest]
        self.feeds = out
        return out

    # --- file -------------------------------------------------------------------------------

    def save(self, out: Path) -> None:
        """Columns of plain values: small, and fast to read and write for 100,000 entries."""
        ids = sorted(self.pubs)
        rows = [self.pubs[i] for i in ids]
        targets = sorted({r.target for r in rows})
        sources = sorted({r.source for r in rows})
        months = sorted({r.month for r in rows})
        index = {name: n for values in (targets, sources, months) for n, name in enumerate(values)}
        data = {
            "version": VERSION,
            "fingerprint": self.fingerprint,
            "source_names": dict(sorted(self.sources.items())),
            "languages": dict(sorted(self.languages.items())),
            "targets": targets,
            "sources": sources,
            "months": months,
            "id": ids,
            "target": [index[r.target] for r in rows],
            "published": [r.published for r in rows],
            "updated": [r.updated for r in rows],
            "source": [index[r.source] for r in rows],
            "month": [index[r.month] for r in rows],
            "feeds": dict(sorted(self.feeds.items())),
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
        columns = map(
            Entry,
            map(data["targets"].__getitem__, data["target"]),
            data["published"],
            data["updated"],
            map(data["sources"].__getitem__, data["source"]),
            map(data["months"].__getitem__, data["month"]),
        )
        pubs = dict(zip(data["id"], columns, strict=True))
        return cls(
            data["fingerprint"], pubs, data["source_names"], data["languages"], data["feeds"]
        )
