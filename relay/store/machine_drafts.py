"""Machine drafts (issue 14): the jobs an engine should draft, the drafts, who was sent one,
how each first submission started, and the figures (distance to the approved text, time from
card to submission) for ``relay status`` and ``relay export``."""

from __future__ import annotations

import sqlite3
import statistics
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from relay.store import audit
from relay.store.readonly import iso_utc, table_exists


@dataclass(frozen=True, slots=True)
class DraftWork:
    """A queued job an engine should draft."""

    job_id: int
    target: str  # the target language
    source_lang: str | None
    text: str
    source_hash: str
    failed: bool = False  # the engine failed on this very text before (a retry)


#: The failures worth another try (``relay.assist.engine.EngineError`` kinds): the engine was
#: slow, down or answered nonsense. A refusal, a text too long or empty is tried again only
#: once the source text changes.
RETRIED_ERRORS = ("timeout", "unreachable", "http", "garbage")


@dataclass(frozen=True, slots=True)
class MachineDraft:
    job_id: int
    target: str
    engine: str
    model: str | None
    via: str | None
    source_hash: str | None
    text: str | None  # None: the engine made none (``error`` says why)
    error: str | None
    made_at: int
    sent_to: int | None


@dataclass(frozen=True, slots=True)
class EngineFigures:
    """One engine and target language: drafts made and missed, distance to the approved text
    (chrF: higher is closer, 0-100; TER: edits per reference word, lower is closer)."""

    engine: str
    target: str
    drafts: int
    failed: int
    scored: int
    chrf: float | None
    ter: float | None


@dataclass(frozen=True, slots=True)
class AssistFigures:
    engines: list[EngineFigures]
    submissions_with_draft: int
    submissions_without_draft: int
    from_draft: int  # submissions that started from the machine draft
    median_seconds_with_draft: float | None  # card to first submission
    median_seconds_without_draft: float | None


def jobs_to_draft(conn: sqlite3.Connection, languages: Sequence[str], after: int,
                  limit: int) -> list[DraftWork]:
    """Queued jobs above ``after`` into one of ``languages`` that need a machine draft: none
    yet, one of an earlier text of the source (the post was edited), or a failure worth
    another try (``failed``: the caller bounds how often)."""
    if not languages:
        return []
    marks = ", ".join("?" for _ in languages)
    retried = ", ".join("?" for _ in RETRIED_ERRORS)
    rows = conn.execute(
        "SELECT j.id, j.language, m.lang, j.source_text, j.source_hash,"
        " d.job_id IS NOT NULL AND d.source_hash IS j.source_hash FROM jobs j"
        " JOIN messages m ON m.channel_id = j.channel_id AND m.message_id = j.message_id"
        " LEFT JOIN machine_drafts d ON d.job_id = j.id"
        f" WHERE j.status = 'queued' AND j.id > ? AND j.language IN ({marks})"
        " AND (d.job_id IS NULL OR d.source_hash IS NOT j.source_hash"
        f" OR (d.text IS NULL AND d.error IN ({retried})))"
        " ORDER BY j.id LIMIT ?", (after, *languages, *RETRIED_ERRORS, limit)).fetchall()
    return [DraftWork(job_id, target, source_lang, text, source_hash, bool(failed))
            for job_id, target, source_lang, text, source_hash, failed in rows]


def save_draft(conn: sqlite3.Connection, work: DraftWork, *, engine: str, model: str | None,
               via: str | None, text: str | None, error: str | None, now: int,
               elapsed_ms: int | None) -> None:
    conn.execute(
        "INSERT INTO machine_drafts (job_id, target, engine, model, via, source_hash, text,"
        " error, made_at, elapsed_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (job_id) DO UPDATE SET engine = excluded.engine, model = excluded.model,"
        " via = excluded.via, source_hash = excluded.source_hash, text = excluded.text,"
        " error = excluded.error, made_at = excluded.made_at, elapsed_ms = excluded.elapsed_ms",
        (work.job_id, work.target, engine, model, via, work.source_hash, text, error, now,
         elapsed_ms))


_DRAFT_COLUMNS = ("job_id, target, engine, model, via, source_hash, text, error, made_at,"
                  " sent_to")


def machine_draft(conn: sqlite3.Connection, job_id: int) -> MachineDraft | None:
    row = conn.execute(f"SELECT {_DRAFT_COLUMNS} FROM machine_drafts WHERE job_id = ?",
                       (job_id,)).fetchone()
    return MachineDraft(*row) if row else None


def mark_sent(conn: sqlite3.Connection, job_id: int, user_id: int, now: int) -> None:
    conn.execute("UPDATE machine_drafts SET sent_to = ?, sent_at = ? WHERE job_id = ?",
                 (user_id, now, job_id))
    audit.record(conn, job_id=job_id, actor_id=user_id, action="machine_draft_sent",
                 from_status=None, to_status=None, at=now)


def note_submission(conn: sqlite3.Connection, job_id: int, user_id: int, now: int, *,
                    had_draft: bool, from_draft: bool, similarity: float | None,
                    detail: str | None) -> None:
    """The first submission of a job is kept for the figures; every submission of a job with
    a machine draft gets an audit row saying whether it started from the draft."""
    carded = conn.execute("SELECT MIN(created_at) FROM bot_messages WHERE job_id = ?"
                          " AND kind = 'card'", (job_id,)).fetchone()[0]
    conn.execute(
        "INSERT INTO draft_submissions (job_id, user_id, carded_at, submitted_at, had_draft,"
        " from_draft, similarity) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (job_id) DO NOTHING",
        (job_id, user_id, carded, now, int(had_draft), int(from_draft), similarity))
    if had_draft:
        audit.record(conn, job_id=job_id, actor_id=user_id,
                     action="from_machine_draft" if from_draft else "not_from_machine_draft",
                     from_status=None, to_status=None, at=now, detail=detail)


def unscored(conn: sqlite3.Connection, limit: int) -> list[tuple[int, str, str]]:
    """(job, machine draft, approved text) of approved jobs whose draft is not scored yet."""
    rows = conn.execute(
        "SELECT d.job_id, d.text, j.draft_text FROM machine_drafts d"
        " INDEXED BY machine_drafts_unscored JOIN jobs j ON j.id = d.job_id"
        " WHERE d.text IS NOT NULL AND d.scored_at IS NULL"
        " AND j.status IN ('approved', 'published', 'stale') AND j.draft_text IS NOT NULL"
        " LIMIT ?", (limit,)).fetchall()
    return [tuple(row) for row in rows]


def save_scores(conn: sqlite3.Connection, scores: Sequence[tuple[int, float, float]],
                now: int) -> None:
    conn.executemany("UPDATE machine_drafts SET chrf = ?, ter = ?, scored_at = ?"
                     " WHERE job_id = ?", [(c, t, now, j) for j, c, t in scores])


def figures(conn: sqlite3.Connection, since: int | None = None) -> AssistFigures:
    """The figures over every draft and first submission (or those made on or after
    ``since``)."""
    if not table_exists(conn, "machine_drafts"):  # a database older than migration 13
        return AssistFigures([], 0, 0, 0, None, None)
    engines = [EngineFigures(*row) for row in conn.execute(
        "SELECT engine, target, SUM(text IS NOT NULL), SUM(text IS NULL),"
        " SUM(scored_at IS NOT NULL), AVG(chrf), AVG(ter) FROM machine_drafts"
        " WHERE made_at >= ? GROUP BY engine, target ORDER BY engine, target", (since or 0,))]
    waits: dict[int, list[float]] = {0: [], 1: []}
    from_draft = 0
    counts = {0: 0, 1: 0}
    for had, used, carded, submitted in conn.execute(
            "SELECT had_draft, from_draft, carded_at, submitted_at FROM draft_submissions"
            " WHERE submitted_at >= ?", (since or 0,)):
        from_draft += used
        counts[had] += 1
        if carded is not None:
            waits[had].append(max(0, submitted - carded))
    return AssistFigures(
        engines, counts[1], counts[0], from_draft,
        statistics.median(waits[1]) if waits[1] else None,
        statistics.median(waits[0]) if waits[0] else None)


#: The fields of the ``machine_draft`` record of ``relay export``.
EXPORT_COLUMNS = ("job_id", "target", "engine", "model", "via", "machine_draft", "error",
                  "made_at", "elapsed_ms", "sent_to", "chrf", "ter", "submitted_at",
                  "seconds_card_to_submission", "from_draft", "similarity")


def export_records(conn: sqlite3.Connection, since: int | None,
                   _usernames: Mapping[str, str | None]) -> Iterator[dict[str, Any]]:
    """Every machine draft with its scores and its job's first submission (drafts made on or
    after ``since``); none from a database older than migration 13."""
    if not table_exists(conn, "machine_drafts"):
        return
    cursor = conn.execute(
        "SELECT d.job_id, d.target, d.engine, d.model, d.via, d.text, d.error,"
        f" {iso_utc('d.made_at')}, d.elapsed_ms, d.sent_to,"
        f" d.chrf, d.ter, {iso_utc('s.submitted_at')},"
        " s.submitted_at - s.carded_at, s.from_draft, s.similarity FROM machine_drafts d"
        " LEFT JOIN draft_submissions s ON s.job_id = d.job_id"
        " WHERE d.made_at >= ? ORDER BY d.job_id", (since or 0,))
    for row in cursor:
        record = dict(zip(EXPORT_COLUMNS, row, strict=True))
        if record["from_draft"] is not None:
            record["from_draft"] = bool(record["from_draft"])
        yield record


#: The fields of the ``draft_figure`` record of ``relay export``: one record per engine and
#: target language (``figure`` "distance": drafts made and missed, mean chrF and TER of the
#: scored ones against the approved text), and two (``figure`` "card_to_submission") for the
#: first submissions with and without a machine draft on the card (how many, how many started
#: from the draft, the median seconds from card to submission).
FIGURE_COLUMNS = ("figure", "engine", "target", "drafts", "failed", "scored", "chrf", "ter",
                  "with_draft", "submissions", "from_draft", "median_seconds_card_to_submission")


def figure_records(conn: sqlite3.Connection, since: int | None,
                   _usernames: Mapping[str, str | None]) -> Iterator[dict[str, Any]]:
    """The figures of ``relay status``'s machine-draft section, as export records."""
    if not table_exists(conn, "machine_drafts"):
        return
    found = figures(conn, since)
    empty = dict.fromkeys(FIGURE_COLUMNS)
    for e in found.engines:
        yield {**empty, "figure": "distance", "engine": e.engine, "target": e.target,
               "drafts": e.drafts, "failed": e.failed, "scored": e.scored,
               "chrf": None if e.chrf is None else round(e.chrf, 1),
               "ter": None if e.ter is None else round(e.ter, 1)}
    for had, count, used, median in (
            (True, found.submissions_with_draft, found.from_draft,
             found.median_seconds_with_draft),
            (False, found.submissions_without_draft, 0, found.median_seconds_without_draft)):
        yield {**empty, "figure": "card_to_submission", "with_draft": had,
               "submissions": count, "from_draft": used,
               "median_seconds_card_to_submission": median}
