"""The public archive site kept up to date while relay runs, off the publishing path.

The publisher reports each job it posted, corrected or annotated (``on_published``); the
:class:`SiteUpdater` collects the ids, waits until ``debounce`` seconds pass without a new one,
then rebuilds what they touch (:meth:`relay.site.SiteBuilder.update`) in a worker thread, one
rebuild at a time. The search index (slower) is rebuilt once publishing has been quiet for
``search_debounce`` seconds. A failed rebuild is one log line; the ids are kept for the next
try, and publishing never waits for the site.

Also here: the bridge from the asynchronous :class:`~relay.store.api.Store` to the builder's
synchronous :class:`~relay.site.records.PublicationSource` (:class:`StoreSource`), and the
``[site]`` settings as the builder takes them (:func:`site_settings`), shared with
``relay site build``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterator, Sequence
from typing import Any, TypeVar

from relay.config import Settings, Site
from relay.logs import event
from relay.site import SiteBuilder, SitePublication, SiteSettings
from relay.store.api import Store
from relay.store.site_archive import SiteStyle, TargetStyle

log = logging.getLogger("relay.site")

T = TypeVar("T")

#: Publications read from the store per query when streaming them all.
PAGE = 500


def site_settings(site: Site) -> SiteSettings:
    """The ``[site]`` section as :class:`relay.site.SiteSettings`."""
    return SiteSettings(
        output_dir=site.output_dir, base_url=site.base_url, title=site.title,
        targets=site.targets, show_originals=site.show_originals,
        posts_per_page=site.posts_per_page, template_dir=site.template_dir,
        feed_size=site.feed_size, tag_year=site.tag_year, search=site.search)


def site_style(settings: Settings) -> SiteStyle:
    """How each target credits its posts (the same template the channel got), and the
    translators' names."""
    return SiteStyle(
        targets={t.key: TargetStyle(t.template, t.credit, t.language, t.ref.username)
                 for t in settings.targets},
        translators={p.id: p.name for p in settings.people})


class StoreSource:
    """A :class:`~relay.site.records.PublicationSource` over the store, for a builder that
    runs in a worker thread while ``loop`` (where the store lives) keeps running: each read is
    handed to the loop and awaited there. Never call it from the loop's own thread."""

    def __init__(self, store: Store, style: SiteStyle, loop: asyncio.AbstractEventLoop,
                 stopped: threading.Event | None = None) -> None:
        self.store = store
        self.style = style
        self.loop = loop
        self.stopped = stopped or threading.Event()  # set: the next read gives up

    def _wait(self, coro: Coroutine[Any, Any, T]) -> T:
        if self.stopped.is_set():
            coro.close()
            raise SiteStopped("relay is stopping")
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def iter_all(self) -> Iterator[SitePublication]:
        after = 0
        while True:
            chunk = self._wait(self.store.site_page(after, PAGE, self.style))
            yield from chunk
            if len(chunk) < PAGE:
                return
            after = chunk[-1].id

    def get_many(self, ids: Sequence[int]) -> list[SitePublication]:
        return self._wait(self.store.site_publications(list(ids), self.style))


class SiteStopped(Exception):
    """A rebuild gave up because relay is stopping."""


class SiteUpdater:
    """Rebuilds the site after publications, debounced, in a thread, one rebuild at a time."""

    def __init__(self, settings: Settings, store: Store, *, debounce: float = 3.0,
                 search_debounce: float = 30.0) -> None:
        if settings.site is None:
            raise ValueError("no [site] section")
        self.site = site_settings(settings.site)
        self.style = site_style(settings)
        self.store = store
        self.debounce = debounce
        self.search_debounce = search_debounce
        self.pending: set[int] = set()
        self.search_due = False
        self.rebuilds = 0  # rebuilds done (tests and logs)
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._busy: asyncio.Future | None = None  # the rebuild running in a thread
        self._stopped = threading.Event()
        self._site_builder: SiteBuilder | None = None
        self._builder_loop: asyncio.AbstractEventLoop | None = None

    def reconfigure(self, settings: Settings) -> None:
        """Reloaded settings (issue 12): the next rebuild names the current team."""
        self.style = site_style(settings)

    def published(self, job_id: int) -> None:
        """The publisher posted, corrected or annotated ``job_id`` (never blocks)."""
        self.pending.add(job_id)
        self._wake.set()

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._stopped.clear()
            self._task = asyncio.create_task(self._run(), name="site-updater")

    async def stop(self) -> None:
        """Stop; a rebuild in its thread gives up at its next read, and is waited for (its
        reads need the event loop)."""
        self._stopped.set()
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._busy is not None:
            await asyncio.wait([self._busy])

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        while True:
            timeout = self.search_debounce if self.search_due else None
            woke = await self._quiet_for(timeout, self._wake)
            if not woke:  # quiet long enough after the last rebuild: the search index
                self.search_due = False
                await self._guard("site.search_failed", self._search)
                continue
            while await self._quiet_for(self.debounce, self._wake):
                pass  # a burst: wait until it is over
            ids, self.pending = self.pending, set()
            if ids and not await self._guard("site.update_failed", self._update, ids):
                self.pending |= ids  # tried again with the next publication
            self.search_due = self.site.search

    @staticmethod
    async def _quiet_for(timeout: float | None, wake: asyncio.Event) -> bool:
        """Wait for ``wake`` (cleared after); whether it came within ``timeout`` seconds."""
        try:
            await asyncio.wait_for(wake.wait(), timeout)
        except TimeoutError:
            return False
        wake.clear()
        return True

    async def _guard(self, what: str, fn: Callable[..., Awaitable[Any]], *args: Any) -> bool:
        try:
            await fn(*args)
        except Exception as exc:  # noqa: BLE001 - the site never stops publishing
            log.error(event(what, error=f"{type(exc).__name__}: {exc}"))
            return False
        return True

    async def _in_thread(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` in a worker thread; cancelling the caller leaves it running (``stop``
        waits for it)."""
        self._busy = asyncio.get_running_loop().run_in_executor(None, fn)
        # retrieved here too: a caller cancelled by ``stop`` never sees how the thread ended
        self._busy.add_done_callback(lambda done: done.cancelled() or done.exception())
        try:
            return await asyncio.shield(self._busy)
        finally:
            if self._busy.done():
                self._busy = None

    def _builder(self) -> SiteBuilder:
        """One builder for the updater's life (its templates are compiled once)."""
        loop = asyncio.get_running_loop()
        if self._site_builder is None or self._builder_loop is not loop:
            source = StoreSource(self.store, self.style, loop, self._stopped)
            self._site_builder, self._builder_loop = SiteBuilder(self.site, source), loop
        return self._site_builder

    async def _update(self, ids: set[int]) -> None:
        builder = self._builder()
        report = await self._in_thread(lambda: builder.update(sorted(ids), search=False))
        self.rebuilds += 1
        log.info(event("site.updated", publications=report.publications,
                       files=report.files_written, seconds=round(report.seconds, 2),
                       full=report.full))

    async def _search(self) -> None:
        seconds = await self._in_thread(self._builder().index_search)
        if seconds is not None:
            log.info(event("site.search_indexed", seconds=round(seconds, 2)))
