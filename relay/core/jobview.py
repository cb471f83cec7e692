"""One job as the review screens show it: a plain record, filled by the store."""

from __future__ import annotations

from dataclasses import dataclass

from relay.core.workflow import JobState
from relay.text.formatting import Entity


@dataclass(frozen=True, slots=True)
class Member:
    """Another post carrying the same statement as a job's own post (issue 11)."""

    id: int  # statement_members row id: what the Split button names
    channel_id: int
    channel_username: str | None
    channel_name: str | None
    message_id: int
    how: str  # copy, forward, joined
    date: int = 0  # when the post was published (unix seconds): the earliest source is credited
    deleted: bool = False  # its channel deleted it: never credited again, marked on the card
    unit_key: str = ""  # its unit in its channel ("m:<id>", "g:<album>"): how a link finds it


@dataclass(frozen=True, slots=True)
class JobView:
    """Everything a card, a preview or a command answer shows about one job."""

    id: int
    status: str
    version: int
    target: str
    language: str
    channel_id: int
    message_id: int
    unit_key: str
    source_text: str
    source_hash: str
    draft_text: str | None
    draft_entities: tuple[Entity, ...]
    draft_source_hash: str | None
    draft_source_text: str | None
    translator_id: int | None
    editor_id: int | None
    claimed_by: int | None
    claimed_at: int | None
    reason: str | None
    created_at: int
    updated_at: int
    channel_username: str | None
    channel_name: str | None
    message_date: int
    lang: str | None
    lang_confidence: float | None
    media_kind: str | None
    source_deleted: bool
    fwd_from: str | None = None  # the post's forward origin as stored (JSON), None: no forward
    also_in: tuple[Member, ...] = ()  # the statement's other posts, oldest first

    @property
    def state(self) -> JobState:
        return JobState(self.id, self.status, self.version, self.claimed_by, self.claimed_at,
                        self.translator_id, self.source_hash, self.draft_source_hash)

    @property
    def draft_outdated(self) -> bool:
        return self.state.draft_outdated

    @property
    def statement_deleted(self) -> bool:
        """Every post carrying the statement was deleted: its own and every copy's (issue 11).
        While a copy remains, the statement is still published by a source."""
        return self.source_deleted and all(m.deleted for m in self.also_in)
