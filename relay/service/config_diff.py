"""What changed between the running configuration and a newly read one, and which of it a
running relay can take without a restart (issue 12: reload on SIGHUP / ``relay reload``).

``[[people]]``, ``[[sources]]`` and ``[[targets]]`` are taken at once; everything else (secrets,
the database and other paths, the proxy, the metrics server, the translation engines, rules,
limits ...) is reported as needing a restart and keeps its running value.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from relay.config import SECRET_ENV, Settings
from relay.config.proxy import PROXY_ENV

#: The sections a running relay takes without a restart.
RELOADABLE = ("people", "sources", "targets")
#: The other sections, compared key by key (the names are the config file's); secrets and the
#: proxy are compared by their variables below.
RESTART_SECTIONS = ("review", "storage", "watcher", "publish", "logging", "metrics", "site",
                    "translation")
_STORAGE_KEYS = {"max_media_bytes": "max_media_mb"}
_PROXY_KEYS = {"watcher": "url", "bot": "bot_url"}

T = TypeVar("T")


@dataclass(frozen=True)
class Delta:
    """Entries of one array section added, removed and changed (by their identity)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def summary(self) -> str:
        return f"+{len(self.added)} -{len(self.removed)} ~{len(self.changed)}"


@dataclass(frozen=True)
class ConfigChange:
    people: Delta = Delta()
    sources: Delta = Delta()
    targets: Delta = Delta()
    #: Keys that differ but take effect only after a restart (their old values are kept).
    restart_needed: tuple[str, ...] = ()
    #: Why a reloadable section was kept as it was anyway (e.g. the first [[people]]).
    kept: tuple[str, ...] = field(default=())

    @property
    def reloaded(self) -> bool:
        return bool(self.people or self.sources or self.targets)


def _delta(old: Sequence[T], new: Sequence[T], ident: Callable[[T], Hashable],
           label: Callable[[T], str]) -> Delta:
    before = {ident(x): x for x in old}
    after = {ident(x): x for x in new}
    return Delta(
        added=tuple(label(x) for k, x in after.items() if k not in before),
        removed=tuple(label(x) for k, x in before.items() if k not in after),
        changed=tuple(label(x) for k, x in after.items() if k in before and before[k] != x))


def _channel_key(ref: Any) -> Hashable:
    return ("id", ref.id) if ref.id else ("username", ref.username)


def _restart_keys(old: Settings, new: Settings) -> list[str]:
    keys: list[str] = []
    for section in RESTART_SECTIONS:
        before, after = getattr(old, section), getattr(new, section)
        if before == after:
            continue
        if before is None or after is None:
            keys.append(f"[{section}]")
            continue
        for f in dataclasses.fields(before):
            if getattr(before, f.name) != getattr(after, f.name):
                if section == "translation" and f.name == "api_key":  # a secret: its variable
                    keys.append(after.api_key_env)
                    continue
                name = _STORAGE_KEYS.get(f.name, f.name) if section == "storage" else f.name
                keys.append(f"{section}.{name}")
    for name, env_name in SECRET_ENV.items():
        if getattr(old.secrets, name) != getattr(new.secrets, name):
            keys.append(env_name)
    for identity, name in _PROXY_KEYS.items():
        if getattr(old.proxy, identity) != getattr(new.proxy, identity):
            keys.append(f"proxy.{name} ({PROXY_ENV[name]})")
    return keys


def compare(old: Settings, new: Settings, *, has_bot: bool, has_publisher: bool
            ) -> tuple[ConfigChange, Settings]:
    """What changed, and the settings to run with: ``old`` with the reloadable sections of
    ``new``. ``has_bot``/``has_publisher``: whether the running service started them (the
    first person needs the bot, the first target the publisher: a restart)."""
    people = _delta(old.people, new.people, lambda p: p.id, lambda p: f"{p.name} ({p.id})")
    sources = _delta(old.sources, new.sources, lambda s: _channel_key(s.ref), lambda s: str(s.ref))
    targets = _delta(old.targets, new.targets, lambda t: t.key, lambda t: t.key)
    restart = _restart_keys(old, new)
    kept: list[str] = []
    take_people, take_targets = new.people, new.targets
    if people and new.people and not has_bot:
        kept.append("people (the review bot starts only with relay)")
        restart.append("[[people]]")
        take_people, people = old.people, Delta()
    if targets and new.targets and not has_publisher:
        kept.append("targets (the publisher starts only with relay)")
        restart.append("[[targets]]")
        take_targets, targets = old.targets, Delta()
    running = dataclasses.replace(old, people=take_people, sources=new.sources,
                                  targets=take_targets)
    return ConfigChange(people=people, sources=sources, targets=targets,
                        restart_needed=tuple(restart), kept=tuple(kept)), running
