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
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol

from relay.config import ConfigError, Settings, load_settings
from relay.logs import event
from relay.service.config_diff import ConfigChange, compare
from relay.service.site_updater import site_style
from relay.telegram.menu import install_command_menus
from relay.telegram.sources import WatchedSource, policy_for

log = logging.getLogger("relay.service")


class Running(Protocol):
    """What of :class:`relay.service.runner.Service` a reload changes."""

    settings: Settings
    bot: Any
    publisher: Any
    watcher: Any
    site: Any


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

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def _watch_new_sources(watcher: Any) -> None:
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
        desk = bot.desk
        desk.settings = settings
        desk.people = {p.id: p for p in settings.people}
        desk.names = {p.id: p.name for p in settings.people}
        desk.targets = {t.key: t for t in settings.targets}
    if publisher is not None:
        publisher.settings = settings
        publisher.names = {p.id: p.name for p in settings.people}
        publisher.targets = {t.key: t for t in settings.targets}
        for key in (*change.targets.changed, *change.targets.removed):
            publisher._peers.pop(key, None)  # the channel may be another one now
    if service.site is not None:
        service.site.style = site_style(settings)
    await _apply_sources(service.watcher, settings)
    if bot is not None and change.people and bot.me is not None:
        try:
            await install_command_menus(bot.client, settings)
        except Exception as exc:  # noqa: BLE001 - menus are a convenience; roles are checked
            log.warning(event("bot.menu_failed", error=type(exc).__name__))


async def _apply_sources(watcher: Any, settings: Settings) -> None:
    """The watcher reads the current sources: kept ones keep their resolved channel, new ones
    are resolved and caught up after this (as at start), removed ones are forgotten."""
    old: list[WatchedSource] = watcher.watched
    watched: list[WatchedSource] = []
    renamed: list[WatchedSource] = []
    for source in settings.sources:
        same = next((w for w in old if w.source.ref.same_channel(source.ref)), None)
        if same is None:
            watched.append(WatchedSource(source, policy_for(source, settings)))
            continue
        if same.source.name != source.name:
            renamed.append(same)
        same.source = source
        same.policy = policy_for(source, settings)
        watched.append(same)
    kept = {id(w) for w in watched}
    watcher.settings = settings
    watcher.watched = watched
    watcher.by_channel = {cid: w for cid, w in watcher.by_channel.items() if id(w) in kept}
    for w in renamed:
        if w.channel is not None:
            await watcher.store.record_resolved_source(
                str(w.source.ref), w.channel.id, username=w.channel.username,
                title=w.channel.title, display_name=w.source.name, now=int(watcher.clock()))
