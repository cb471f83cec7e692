"""The machine-draft operations of :class:`relay.store.sqlite_store.SqliteStore` (issue 14).
See :class:`relay.store.drafts_api.DraftStore`."""

from __future__ import annotations

from collections.abc import Sequence

from relay.store import machine_drafts
from relay.store.db import Database
from relay.store.machine_drafts import AssistFigures, DraftWork, MachineDraft


class DraftsSqlite:
    """Mixed into ``SqliteStore``."""

    db: Database

    async def jobs_to_draft(self, languages: Sequence[str], after: int,
                            limit: int) -> list[DraftWork]:
        return await self.db.read(machine_drafts.jobs_to_draft, list(languages), after, limit)

    async def save_machine_draft(self, work: DraftWork, *, engine: str, model: str | None,
                                 via: str | None, text: str | None, error: str | None,
                                 now: int, elapsed_ms: int | None) -> None:
        await self.db.run(machine_drafts.save_draft, work, engine=engine, model=model, via=via,
                          text=text, error=error, now=now, elapsed_ms=elapsed_ms)

    async def machine_draft(self, job_id: int) -> MachineDraft | None:
        return await self.db.read(machine_drafts.machine_draft, job_id)

    async def mark_machine_draft_sent(self, job_id: int, user_id: int, now: int) -> None:
        await self.db.run(machine_drafts.mark_sent, job_id, user_id, now)

    async def note_submission(self, job_id: int, user_id: int, now: int, *, had_draft: bool,
                              from_draft: bool, similarity: float | None,
                              detail: str | None) -> None:
        await self.db.run(machine_drafts.note_submission, job_id, user_id, now,
                          had_draft=had_draft, from_draft=from_draft, similarity=similarity,
                          detail=detail)

    async def unscored_drafts(self, limit: int) -> list[tuple[int, str, str]]:
        return await self.db.read(machine_drafts.unscored, limit)

    async def save_draft_scores(self, scores: Sequence[tuple[int, float, float]],
                                now: int) -> None:
        await self.db.run(machine_drafts.save_scores, list(scores), now)

    async def assist_figures(self) -> AssistFigures:
        return await self.db.read(machine_drafts.figures)
