"""The machine-draft part of ``relay status`` (issue 14): per engine and language the drafts
made and missed and how far they were from the approved text (chrF, TER), and the time from
card to first submission with and without a draft."""

from __future__ import annotations

from typing import Any

from relay.config import Settings
from relay.store.machine_drafts import AssistFigures


def assist_status(figures: AssistFigures, settings: Settings) -> dict[str, Any]:
    """The ``machine_drafts`` section of ``relay status --json``."""
    t = settings.translation
    return {
        "configured": {lang: t.engine_for(lang) for lang in (*t.libretranslate, *t.argos)},
        "engines": [{"engine": e.engine, "target": e.target, "drafts": e.drafts,
                     "failed": e.failed, "scored": e.scored,
                     "chrf": None if e.chrf is None else round(e.chrf, 1),
                     "ter": None if e.ter is None else round(e.ter, 1)}
                    for e in figures.engines],
        "submissions": {
            "with_draft": figures.submissions_with_draft,
            "without_draft": figures.submissions_without_draft,
            "from_draft": figures.from_draft,
            "median_seconds_card_to_submission_with_draft": figures.median_seconds_with_draft,
            "median_seconds_card_to_submission_without_draft":
                figures.median_seconds_without_draft,
        },
    }


def _num(value: float | None, unit: str = "") -> str:
    return "-" if value is None else f"{value:g}{unit}"


def render_assist(section: dict[str, Any] | None) -> list[str]:
    """The human view's "Machine drafts" lines (none when nothing is configured or made)."""
    if not section or not (section["configured"] or section["engines"]):
        return []
    lines = ["Machine drafts (chrF: 0-100, higher is closer to the approved text; TER: edits "
             "per 100 words, lower is closer)"]
    if section["configured"]:
        lines.append("  engines: " + ", ".join(f"{lang} {engine}" for lang, engine
                                               in section["configured"].items()))
    for e in section["engines"]:
        lines.append(f"  {e['engine']} -> {e['target']}: {e['drafts']:,} drafts, "
                     f"{e['failed']:,} missed, {e['scored']:,} approved since: "
                     f"chrF {_num(e['chrf'])}, TER {_num(e['ter'])}")
    s = section["submissions"]
    lines.append(f"  card to first submission: with a draft "
                 f"{_num(s['median_seconds_card_to_submission_with_draft'], ' s')} (median of "
                 f"{s['with_draft']:,}, {s['from_draft']:,} started from it), without "
                 f"{_num(s['median_seconds_card_to_submission_without_draft'], ' s')} "
                 f"(median of {s['without_draft']:,})")
    return [*lines, ""]
