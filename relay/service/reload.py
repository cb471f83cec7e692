"""Reloading the configuration in a running relay (SIGHUP, or ``relay reload``; issue 12).

The service re-reads its config file (and .env). A file that does not load keeps the running
configuration, logged in one line naming the file and the key. Otherwise what changed is
logged in one line, and:

* ``[[people]]``: the review desk, the publisher and the site know the new team at once, so the
  next command or button is checked against the current roles; the command menus are
  installed again;
* ``[[sources]]``: a new source is resolved and caught up as at start, and its live updates are
  taken from then on; a removed one is no longer read; a changed one (name, languages, media)
  applies to the next post;
* ``[[targets]]``: the next post queued gets a job per current target, and the publisher posts
  the next publication with the current channel, template and credit.

Everything else needs a restart: one line names those keys; their running values are kept.

SIGUSR1 (``relay import`` sends it when it stored posts while relay runs) reads the statement
index again from the store, so that a live copy of an imported statement joins it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from relay.config import ConfigError, Settings, load_settings
from relay.logs import event
from relay.service.config_diff import ConfigChange, compare
from relay.telegram.menu import install_command_menus

if TYPE_CHECKING:
    from relay.review.statement_index import StatementMatcher
    from relay.service.ingest_process import ProcessIngest
    from relay.service.site_updater import SiteUpdater
    from relay.store.api import Store
    from relay.telegram.bot import ReviewBot
    from relay.telegram.publisher import Publisher
    from relay.telegram.watcher import Watcher

log = logging.getLogger("relay.service")


class Running(Protocol):
    """What of :class:`relay.service.runner.Service` a reload changes."""

    settings: Settings
    bot: ReviewBot | None
    publisher: Publisher | None
    watcher: Watcher
    site: SiteUpdater | None
    ingest: ProcessIngest | None
    statements: StatementMatcher | None
    clock: Callable[[], float]

    @property
    def store(self) -> Store: ...


class Reloader:
    """Re-reads the configuration into a running service, one reload at a time."""

    def __init__(self, service: Running, load: Callable[[], Settings] | None = None) -> None:
        self.service = service
        self.load = load or (lambda: load_settings(service.settings.path))
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task] = set()
        self.reloads = 0  # done, changed or not (tests wait on it)

    def request(self) -> None:
        """From a signal handler: reload soon, in the service's loop."""
        task = asyncio.get_running_loop().create_task(self.reload(), name="config-reload")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def reload(self) -> ConfigChange | None:
        """Reload now; None when the new configuration did not load (the old one is kept)."""
        async with self._lock:
            try:
                return await self._reload()
            finally:
                self.reloads += 1

    async def _reload(self) -> ConfigChange | None:
        service = self.service
        old = service.settings
        try:
            new = self.load()
        except ConfigError as exc:
            log.error(event("config.reload_failed", error=str(exc),
                            note="the running configuration is kept"))
            return None
        change, running = compare(old, new, has_bot=service.bot is not None,
                                  has_publisher=service.publisher is not None)
        if change.restart_needed:
            log.warning(event("config.restart_needed", keys=",".join(change.restart_needed),
                              note="running values kept until relay restarts"))
        if not change.reloaded:
            log.info(event("config.reloaded", file=str(old.path), changes="none"))
            return change
        service.settings = running
        await apply(service, running, change)
        log.info(event("config.reloaded", file=str(old.path), people=change.people.summary(),
                       sources=change.sources.summary(), targets=change.targets.summary(),
                       added_sources=",".join(change.sources.added) or None,
                       removed_sources=",".join(change.sources.removed) or None))
        if change.sources.added:
            await _watch_new_sources(service.watcher)
        return change

    def reindex_soon(self) -> None:
        """From SIGUSR1: read the statement index again, in the service's loop."""
        task = asyncio.get_running_loop().create_task(self.reindex(), name="statements-reindex")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def reindex(self) -> int | None:
        """The statement index read again from the store (where posts are decided: the ingest
        process, or this process); how many posts it holds, None when it failed (logged)."""
        service = self.service
        try:
            if service.ingest is not None:
                indexed = await service.ingest.reindex()
            elif service.statements is not None:
                indexed = await service.statements.rebuild(service.store, int(service.clock()))
            else:
                return None
        except Exception as exc:  # noqa: BLE001 - the index in use stays; a restart reads it
            log.error(event("statements.reindex_failed", error=f"{type(exc).__name__}: {exc}"))
            return None
        log.info(event("statements.reindexed", posts=indexed))
        return indexed

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def _watch_new_sources(watcher: Watcher) -> None:
    """As at start: resolve (live updates are taken from then on), then catch up. A watcher
    that is down (being restarted) does both when it starts again."""
    try:
        await watcher.resolve_sources()
        await watcher.catch_up()  # returns at once if the watcher is stopping
    except Exception as exc:  # noqa: BLE001 - the watcher's next start or catch-up retries
        log.warning(event("config.sources_pending", error=f"{type(exc).__name__}: {exc}",
                          note="the next catch-up resolves them"))


async def apply(service: Running, settings: Settings, change: ConfigChange) -> None:
    """Hand the new settings to each running part (each swap is one assignment, between two
    awaits, so no handler sees half of it)."""
    bot, publisher = service.bot, service.publisher
    if bot is not None:
        bot.desk.reconfigure(settings)
    if publisher is not None:
        publisher.reconfigure(settings, (*change.targets.changed, *change.targets.removed))
    if service.site is not None:
        service.site.reconfigure(settings)
    await service.watcher.reconfigure(settings)
    if bot is not None and change.people and bot.me is not None:
        try:
            await install_command_menus(bot.client, settings)
        except Exception as exc:  # noqa: BLE001 - menus are a convenience; roles are checked
            log.warning(event("bot.menu_failed", error=type(exc).__name__))
