"""Argos Translate in process (the optional ``argostranslate`` extra) as a translation engine.

Nothing is downloaded: relay uses the models the operator installed (``argospm install
translate-fa_en``). Where no direct model exists (Farsi to Spanish, Portuguese, Dutch) the
draft goes through the pivot language (fa -> en -> es) and says so (``via``). A missing
package or model is one line for ``relay check`` and the service's log, never a traceback,
and those languages get no drafts.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from relay.assist.engine import EngineError, MachineText

NAME = "Argos Translate"
INSTALL_HINT = "pip install 'relay[argos]'"


@dataclass(frozen=True)
class Route:
    """How one language pair is translated: one model, or two through ``via``."""

    legs: tuple[tuple[str, str], ...]
    model: str
    via: str | None = None


def plan_routes(installed: dict[tuple[str, str], str], sources: Iterable[str],
                targets: Iterable[str], pivot: str) -> tuple[dict[tuple[str, str], Route],
                                                             list[str]]:
    """For each (source, target): the direct model, else source -> pivot -> target. Returns
    the routes and one line per pair with neither. Pure: ``installed`` maps (from, to) to the
    model's name and version."""
    routes: dict[tuple[str, str], Route] = {}
    missing: list[str] = []
    for source in sources:
        for target in targets:
            pair = (source, target)
            if pair in installed:
                routes[pair] = Route((pair,), installed[pair])
            elif (source, pivot) in installed and (pivot, target) in installed:
                routes[pair] = Route(((source, pivot), (pivot, target)),
                                     f"{installed[(source, pivot)]} + {installed[(pivot, target)]}",
                                     via=pivot)
            else:
                missing.append(f"{source}→{target}")
    return routes, missing


class Argos:
    """The loaded engine: translations run one at a time in a thread of their own."""

    name = NAME

    def __init__(self, module: Any, routes: dict[tuple[str, str], Route]):
        self._translate = module.translate
        self.routes = routes
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="argos")

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def translate(self, text: str, source: str, target: str) -> MachineText:
        route = self.routes.get((source, target))
        if route is None:
            raise EngineError("refused", f"no model for {source}→{target}")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._run, route, text)

    def _run(self, route: Route, text: str) -> MachineText:
        out = text
        for from_code, to_code in route.legs:
            try:
                out = self._translate.translate(out, from_code, to_code)
            except Exception as exc:  # noqa: BLE001 - a model's failure is a missing draft
                raise EngineError("refused", f"{type(exc).__name__} in {from_code}→{to_code}"
                                  ) from None
            if not isinstance(out, str) or not out.strip():
                raise EngineError("garbage", f"empty translation from {from_code}→{to_code}")
        return MachineText(out.strip(), NAME, route.model, route.via)


def load_argos(sources: Iterable[str], targets: Iterable[str], pivot: str,
               ) -> tuple[Argos | None, list[str]]:
    """The engine for these pairs, and one line per problem (package missing: no engine;
    a pair without a model: that pair gets no drafts)."""
    try:
        package = importlib.import_module("argostranslate.package")
        translate = importlib.import_module("argostranslate.translate")
    except ImportError:
        return None, [f"Argos Translate is not installed ({INSTALL_HINT}): "
                      "no machine drafts for " + ", ".join(sorted(set(targets)))]
    try:
        installed = {(p.from_code, p.to_code): f"{p.from_code}→{p.to_code} "
                     f"{getattr(p, 'package_version', '') or ''}".strip()
                     for p in package.get_installed_packages()}
    except Exception as exc:  # noqa: BLE001 - a broken model folder is one line
        return None, [f"Argos Translate could not list its models ({type(exc).__name__})"]
    routes, missing = plan_routes(installed, sources, targets, pivot)
    problems = [f"Argos Translate has no model for {pair} (direct or via {pivot}): install one "
                f"with `argospm install translate-{pair.replace('→', '_')}`"
                for pair in missing]
    if not routes:
        return None, problems

    class _Module:
        pass

    module = _Module()
    module.translate = translate  # type: ignore[attr-defined]
    return Argos(module, routes), problems
