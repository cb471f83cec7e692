"""Build the public archive site: a full build, and incremental rebuilds.

A full build streams every publication once (each page is written as it comes, only a small
:class:`~relay.site.manifest.Entry` is kept), then writes the listings (per target: the index,
per-source and per-month archives), the archive and search pages, the feeds and the manifest.

Listings are paginated from the oldest post: ``page/1.html`` holds the oldest
``posts_per_page`` posts, and a page's content never changes when newer posts arrive. Each
listing's ``index.html`` shows the newest ``posts_per_page`` posts and links to the page with
the next older post. So a new publication rewrites its own page, the newest page and front
page of each listing it is in (all, its source, its month), the archive page and the feeds;
an :meth:`SiteBuilder.update` does just that, and its output is the same as a full build's.
A publication that sorts before existing ones (a backfill) rewrites the pages from its
position on. Nothing is ever deleted from the output folder.
"""

from __future__ import annotations

import logging
import os
import time
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import relay.site.i18n as i18n
from relay.site.feeds import build_feed
from relay.site.manifest import Entry, ListingKey, Manifest, SortKey, fingerprint
from relay.site.media import copy_media
from relay.site.pages import Renderer, card_view
from relay.site.paths import feed_path, listing_front, listing_page, post_path
from relay.site.records import PublicationSource, SitePublication, SiteSettings
from relay.site.search import SearchIndexError, index_search

log = logging.getLogger(__name__)


@dataclass
class BuildReport:
    full: bool
    publications: int = 0
    files_written: int = 0
    seconds: float = 0.0
    search_seconds: float | None = None
    written: list[str] = field(default_factory=list)


@dataclass
class _Dirty:
    """What changed in one listing during an update."""

    from_position: int | None = None  # pages from this position on are rewritten
    changed: set[SortKey] = field(default_factory=set)  # cards that changed in place
    joined: int = 0
    left: int = 0


class SiteBuilder:
    def __init__(self, settings: SiteSettings, source: PublicationSource) -> None:
        self.settings = settings
        self.source = source
        self.out = Path(settings.output_dir)
        self.renderer = Renderer(settings)
        self.per_page = max(1, settings.posts_per_page)
        self._report = BuildReport(full=True)

    # --- entry points -----------------------------------------------------------------------

    def build(self, *, search: bool | None = None) -> BuildReport:
        """Build the whole site from every publication of the source."""
        started = time.perf_counter()
        self._report = report = BuildReport(full=True)
        self.out.mkdir(parents=True, exist_ok=True)
        self._copy_static()
        manifest = Manifest(fingerprint(self.settings))
        for pub in self.source.iter_all():
            if self.settings.wants(pub.target):
                self._write_post(pub)
                manifest.put(pub)
                report.publications += 1
        for key, members in manifest.members().items():
            self._write_listing(key, members, manifest, None, front=True)
        self._write_common(manifest, set(manifest.languages), None)
        manifest.save(self.out)
        report.seconds = time.perf_counter() - started
        if self.settings.search if search is None else search:
            report.search_seconds = self._search()
        return report

    def update(self, ids: Iterable[int], *, search: bool = False) -> BuildReport:
        """Rebuild what the publications ``ids`` (new, corrected, source deleted) touch.
        Falls back to :meth:`build` when there is no manifest or the settings changed."""
        started = time.perf_counter()
        manifest = Manifest.load(self.out)
        if manifest is None or manifest.fingerprint != fingerprint(self.settings):
            return self.build(search=search)
        self._report = report = BuildReport(full=False)
        ids = set(ids)
        pubs = [p for p in self.source.get_many(sorted(ids)) if self.settings.wants(p.target)]
        sibling_ids = {v.id for p in pubs for v in p.versions if self.settings.wants(v.target)}
        siblings = self.source.get_many(sorted(sibling_ids - ids)) if sibling_ids - ids else []
        dirty: dict[ListingKey, _Dirty] = {}
        moved: dict[ListingKey, list[SortKey]] = {}
        for pub in pubs:
            old = manifest.pubs.get(pub.id)
            new = manifest.put(pub)
            self._mark(dirty, moved, pub.id, old, new)
        for pub in pubs + [s for s in siblings if s.id in manifest.pubs]:
            self._write_post(pub)
        report.publications = len(pubs)
        members = manifest.members(dirty)
        for key, flags in dirty.items():
            listing = members.get(key, [])
            for old_key in moved.get(key, []):
                position = _bisect(listing, old_key)
                if flags.from_position is None or position < flags.from_position:
                    flags.from_position = position
            self._write_listing(key, listing, manifest, flags, front=True)
        targets = {key[0] for key in dirty} | {p.target for p in pubs}
        self._write_common(manifest, targets, ids)
        manifest.save(self.out)
        report.seconds = time.perf_counter() - started
        if search:
            report.search_seconds = self._search()
        return report

    def index_search(self) -> float | None:
        return self._search()

    # --- update bookkeeping -----------------------------------------------------------------

    @staticmethod
    def _mark(
        dirty: dict[ListingKey, _Dirty],
        moved: dict[ListingKey, list[SortKey]],
        pub_id: int,
        old: Entry | None,
        new: Entry,
    ) -> None:
        new_key = (new.published, pub_id)
        old_keys = set(old.listings()) if old else set()
        for key in old_keys - set(new.listings()):
            flags = dirty.setdefault(key, _Dirty())
            flags.left += 1
            moved.setdefault(key, []).append((old.published, pub_id))  # type: ignore[union-attr]
        for key in new.listings():
            flags = dirty.setdefault(key, _Dirty())
            if key not in old_keys:
                flags.joined += 1
                moved.setdefault(key, []).append(new_key)
            elif old is not None and old.published != new.published:
                moved.setdefault(key, []).extend([(old.published, pub_id), new_key])
            else:
                flags.changed.add(new_key)

    # --- writing ----------------------------------------------------------------------------

    def _write(self, rel: str, content: str | bytes) -> None:
        path = self.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        if isinstance(content, str):
            content = content.encode("utf-8")
        tmp.write_bytes(content)
        os.replace(tmp, path)
        self._report.files_written += 1
        if not self._report.full:
            self._report.written.append(rel)

    def _copy_static(self) -> None:
        static = resources.files("relay.site") / "static"
        for item in static.iterdir():
            if item.name.endswith((".css", ".js", ".svg")):
                self._write(f"static/{item.name}", item.read_bytes())
        override = self.settings.template_dir and Path(self.settings.template_dir) / "static"
        if override and override.is_dir():
            for path in sorted(override.rglob("*")):
                if path.is_file():
                    self._write(f"static/{path.relative_to(override).as_posix()}", path.read_bytes())

    def _write_post(self, pub: SitePublication) -> None:
        media = copy_media(self.out, pub)
        self._write(post_path(pub.target, pub.id), self.renderer.post(pub, media))

    def _fetch(self, ids: Sequence[int]) -> list[SitePublication]:
        """``ids`` in this order, from the source."""
        by_id = {p.id: p for p in self.source.get_many(list(ids))}
        return [by_id[i] for i in ids if i in by_id]

    def _write_listing(
        self,
        key: ListingKey,
        members: list[SortKey],
        manifest: Manifest,
        dirty: _Dirty | None,
        *,
        front: bool,
    ) -> None:
        """Write a listing's pages: all of them (``dirty`` is ``None``) or those ``dirty``
        touches, and its front page."""
        target, kind, name = key
        if not members:
            return
        per, count = self.per_page, len(members)
        pages = -(-count // per)
        if dirty is None:
            numbers: set[int] = set(range(1, pages + 1))
        else:
            numbers = set()
            if dirty.from_position is not None:
                numbers.update(range(dirty.from_position // per + 1, pages + 1))
            numbers.update(_bisect(members, k) // per + 1 for k in dirty.changed)
            old_pages = -(-(count - dirty.joined + dirty.left) // per)
            if old_pages != pages and old_pages >= 1:
                numbers.update({old_pages, pages})
        for number in sorted(numbers):
            if not 1 <= number <= pages:
                continue
            chunk = [pid for _, pid in reversed(members[(number - 1) * per : number * per])]
            newer = listing_page(target, kind, name, number + 1) if number < pages else (
                listing_front(target, kind, name))
            older = listing_page(target, kind, name, number - 1) if number > 1 else None
            self._render_listing(key, manifest, chunk, listing_page(target, kind, name, number),
                                 newer, older, number)
        newest = members[-per:]
        if front and (dirty is None or dirty.joined or dirty.left or dirty.from_position is not None
                      or any(k >= newest[0] for k in dirty.changed)):
            older = None
            if count > per:
                older = listing_page(target, kind, name, (count - per - 1) // per + 1)
            chunk = [pid for _, pid in reversed(newest)]
            self._render_listing(key, manifest, chunk, listing_front(target, kind, name),
                                 None, older, None)

    def _heading(self, key: ListingKey, manifest: Manifest, language: str) -> str:
        _, kind, name = key
        if kind == "source":
            return manifest.sources.get(name, name)
        if kind == "month":
            return i18n.format_month(name, language)
        return self.settings.title

    def _render_listing(
        self,
        key: ListingKey,
        manifest: Manifest,
        ids: list[int],
        path: str,
        newer: str | None,
        older: str | None,
        number: int | None,
    ) -> None:
        target = key[0]
        language = manifest.languages.get(target, target)
        heading = self._heading(key, manifest, language)
        if number is not None:
            heading = f"{heading} · {i18n.strings(language)['page'].format(n=number)}"
        cards = [card_view(p) for p in self._fetch(ids)]
        html = self.renderer.render(
            "listing.html", path, language=language, target=target, heading=heading,
            cards=cards, newer_path=newer, older_path=older,
        )
        self._write(path, html)

    def _write_common(
        self, manifest: Manifest, targets: set[str], changed: set[int] | None
    ) -> None:
        """Archive and search pages of ``targets``, the root page and every feed."""
        for target in sorted(targets):
            if target not in manifest.languages:
                continue
            language = manifest.languages[target]
            counts = manifest.counts(target)
            months = sorted(((k[2], n) for k, n in counts.items() if k[1] == "month"), reverse=True)
            sources = sorted(
                ((manifest.sources.get(k[2], k[2]), k[2], n) for k, n in counts.items()
                 if k[1] == "source"),
                key=lambda s: (s[0].casefold(), s[1]),
            )
            self._write(f"{target}/archive.html", self.renderer.render(
                "archive.html", f"{target}/archive.html", language=language, target=target,
                months=[{"path": listing_front(target, "month", m), "count": n,
                         "title": i18n.format_month(m, language)} for m, n in months],
                sources=[{"path": listing_front(target, "source", key), "count": n,
                          "title": title} for title, key, n in sources],
            ))
            self._write(f"{target}/search.html", self.renderer.render(
                "search.html", f"{target}/search.html", language=language, target=target,
                search=True,
            ))
        languages = [
            {"path": listing_front(t, "all", ""), "feed": feed_path(t), "language": lang,
             "name": i18n.language_name(lang)}
            for t, lang in sorted(manifest.languages.items())
        ]
        self._write("index.html", self.renderer.render(
            "root.html", "index.html", language="en", target=None, languages=languages,
        ))
        self._write_feeds(manifest, changed)

    def _write_feeds(self, manifest: Manifest, changed: set[int] | None) -> None:
        latest = manifest.latest_updated(self.settings.feed_size, changed)
        wanted = sorted({i for ids in latest.values() for i in ids})
        pubs = {p.id: p for p in self.source.get_many(wanted)}
        media = {i: copy_media(self.out, p) for i, p in pubs.items()}
        contents: dict[int, str] = {}
        for target in [*sorted(manifest.languages), None]:
            ids = [i for i in latest.get(target or "", []) if i in pubs]
            language = manifest.languages[target] if target else "en"
            entries = [(pubs[i], media[i]) for i in ids]
            feed = build_feed(self.renderer, target, language, entries, contents)
            self._write(feed_path(target), feed)

    def _search(self) -> float | None:
        try:
            return index_search(self.out)
        except SearchIndexError as exc:
            log.error("site: search index not built: %s", exc)
            return None


def _bisect(members: list[SortKey], key: SortKey) -> int:
    return bisect_left(members, key)


def build_site(settings: SiteSettings, source: PublicationSource, **kw: bool) -> BuildReport:
    return SiteBuilder(settings, source).build(**kw)


def update_site(
    settings: SiteSettings, source: PublicationSource, ids: Iterable[int], **kw: bool
) -> BuildReport:
    return SiteBuilder(settings, source).update(ids, **kw)
