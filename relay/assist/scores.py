"""How far a machine draft is from the text a person submitted and an editor approved:
chrF and TER, as sacrebleu computes them (the reference implementation used in MT research,
so relay's figures can be compared with published ones)."""

from __future__ import annotations

from typing import Any


def _metrics() -> tuple[Any, Any]:
    from sacrebleu.metrics import CHRF, TER  # imported on first use: it takes ~0.2 s

    return CHRF(), TER()


_CACHE: list[tuple[Any, Any]] = []


def score(draft: str, approved: str) -> tuple[float, float]:
    """(chrF, TER) of ``draft`` against ``approved``: chrF 0-100, higher is closer; TER the
    edits per 100 words of the approved text, lower is closer (0: the same)."""
    if not _CACHE:
        _CACHE.append(_metrics())
    chrf, ter = _CACHE[0]
    return (round(float(chrf.sentence_score(draft, [approved]).score), 2),
            round(float(ter.sentence_score(draft, [approved]).score), 2))
