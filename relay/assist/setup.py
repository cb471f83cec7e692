"""The engines ``[translation]`` configures, built once: for ``relay run`` (the draft worker's
lanes) and ``relay check`` (one line per problem, never a traceback)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from relay.assist.argos import load_argos
from relay.assist.drafter import Drafter, Lane
from relay.assist.libretranslate import LibreTranslate
from relay.assist.policy import Policy
from relay.config import Settings, Translation
from relay.logs import event
from relay.store.api import Store

log = logging.getLogger("relay.assist")


def policy_of(t: Translation) -> Policy:
    return Policy.of(timeout=t.timeout_seconds, retries=t.retries, per_minute=t.per_minute,
                     breaker_failures=t.breaker_failures,
                     breaker_cooldown=t.breaker_cooldown_seconds)


def source_languages(settings: Settings) -> tuple[str, ...]:
    """The languages posts are queued in (what an Argos model must translate from)."""
    found: list[str] = []
    for source in settings.sources:
        found += [code for code in source.languages if code not in found]
    return tuple(found)


def build_lanes(settings: Settings) -> tuple[list[Lane], list[str]]:
    """One lane per configured engine, and one line per problem (such languages get no
    drafts; relay runs all the same)."""
    t = settings.translation
    lanes: list[Lane] = []
    problems: list[str] = []
    if t.libretranslate:
        engine = LibreTranslate(t.url, api_key=t.api_key, timeout=t.timeout_seconds)
        lanes.append(Lane(engine, policy_of(t), t.libretranslate))
    if t.argos:
        argos, problems = load_argos(source_languages(settings), t.argos, t.pivot)
        if argos is not None:
            covered = tuple(lang for lang in t.argos
                            if any(target == lang for _, target in argos.routes))
            lanes.append(Lane(argos, policy_of(t), covered))
    return lanes, problems


def describe(settings: Settings) -> list[str]:
    """``relay check``'s lines about machine drafts (problems start with ``warning:``)."""
    t = settings.translation
    if not t.enabled:
        return ["machine drafts: none (no [translation] engine)"]
    lines = []
    if t.libretranslate:
        key = f"key from {t.api_key_env}" if t.api_key else "no key"
        lines.append(f"machine drafts: LibreTranslate at {t.url} ({key}) for "
                     + ", ".join(t.libretranslate))
    if t.argos:
        lanes, problems = build_lanes(settings)
        for lane in lanes:
            lane.engine.close()
        drafted = [lang for lane in lanes if lane.engine.name != "LibreTranslate"
                   for lang in lane.languages]
        lines.append("machine drafts: Argos Translate for "
                     + (", ".join(drafted) if drafted else "nothing"))
        lines += [f"warning: {problem}" for problem in problems]
    return lines


def drafter_for(settings: Settings, store: Store, *, clock: Callable[[], float],
                on_drafted: Callable[[list[int]], object] | None) -> Drafter | None:
    """The draft worker ``relay run`` starts, or None without an engine. A problem (Argos or
    a model missing) is one warning line each; those languages get no drafts."""
    if not settings.translation.enabled:
        return None
    lanes, problems = build_lanes(settings)
    for problem in problems:
        log.warning(event("assist.unavailable", problem=problem))
    lanes = [lane for lane in lanes if lane.languages]
    if not lanes:
        return None
    return Drafter(store, lanes, max_chars=settings.translation.max_chars, clock=clock,
                   on_drafted=on_drafted)
