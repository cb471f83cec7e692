"""The machine-draft part of the store's interface (issue 14), composed into
:class:`relay.store.api.Store`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from relay.store.machine_drafts import AssistFigures, DraftWork, MachineDraft


class DraftStore(Protocol):
    """Machine drafts: made by the draft worker, shown on cards, measured."""

    async def jobs_to_draft(self, languages: Sequence[str], after: int,
                            limit: int) -> list[DraftWork]:
        """Queued jobs above ``after`` into ``languages`` that need a machine draft (none,
        one of an edited post's earlier text, or a failure worth retrying), oldest first."""

    async def save_machine_draft(self, work: DraftWork, *, engine: str, model: str | None,
                                 via: str | None, text: str | None, error: str | None,
                                 now: int, elapsed_ms: int | None) -> None:
        """Keep a draft (or, ``text`` None, why there is none)."""

    async def machine_draft(self, job_id: int) -> MachineDraft | None:
        """The job's machine draft, if one was attempted."""

    async def mark_machine_draft_sent(self, job_id: int, user_id: int, now: int) -> None:
        """The card's button sent the draft to ``user_id`` (and the audit says so)."""

    async def note_submission(self, job_id: int, user_id: int, now: int, *, had_draft: bool,
                              from_draft: bool, similarity: float | None,
                              detail: str | None) -> None:
        """A translation was submitted: whether it started from the machine draft (audit),
        and, for the job's first, the time since its card."""

    async def unscored_drafts(self, limit: int) -> list[tuple[int, str, str]]:
        """(job, machine draft, approved text) of approved jobs whose draft has no scores."""

    async def save_draft_scores(self, scores: Sequence[tuple[int, float, float]],
                                now: int) -> None:
        """(job, chrF, TER) for each scored draft."""

    async def assist_figures(self) -> AssistFigures:
        """Per engine and language: drafts, distance to the approved text; time from card to
        submission with and without a draft."""
