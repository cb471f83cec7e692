"""The job state machine: who may do what to a job, and what it becomes. Pure logic.

    queued -> drafted -> approved -> published -> stale -> drafted (a correction)
       |         |                                   +-> published (acknowledged as is)
       |         +-> queued (rejected, with a reason)
       +---------+-> skipped (-> queued again with /reopen)
       +---------+-> skipped, "joined into N": /join made its statement another's (issue 11)

A claim is not a state: it marks a queued job as being translated by someone, and expires.
Every decision is made on the job as it is inside the transaction that applies it, so of two
people pressing at once exactly one wins; the other gets a refusal naming the new state.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from relay.config.settings import Review


class Status(StrEnum):
    QUEUED = "queued"
    DRAFTED = "drafted"
    APPROVED = "approved"
    PUBLISHED = "published"
    SKIPPED = "skipped"
    REJECTED = "rejected"
    STALE = "stale"


class Action(StrEnum):
    CLAIM = "claim"
    RELEASE = "release"
    SUBMIT = "submit"
    APPROVE = "approve"
    REJECT = "reject"
    SKIP = "skip"
    REOPEN = "reopen"
    RELANG = "relang"  # a corrected language; ``keep`` says whether it is still queued
    PUBLISH = "publish"
    MARK_STALE = "stale"
    ACKNOWLEDGE = "acknowledge"  # a stale job's publication stands as it is
    EXPIRE_CLAIM = "expire_claim"
    JOIN_INTO = "statement_joined_into"  # /join: the statement is another's; nothing to publish


class Refusal(StrEnum):
    NOT_TRANSLATOR = "not_translator"
    NOT_EDITOR = "not_editor"
    WRONG_STATE = "wrong_state"
    CLAIMED_BY_OTHER = "claimed_by_other"
    ALREADY_YOURS = "already_yours"
    NOT_YOUR_CLAIM = "not_your_claim"
    OWN_TRANSLATION = "own_translation"
    NEEDS_CONFIRMATION = "needs_confirmation"
    OUTDATED_BUTTON = "outdated_button"
    NO_REASON = "no_reason"


@dataclass(frozen=True, slots=True)
class JobState:
    """What the rules need to know about a job."""

    id: int
    status: str
    version: int
    claimed_by: int | None = None
    claimed_at: int | None = None
    translator_id: int | None = None
    source_hash: str = ""
    draft_source_hash: str | None = None

    @property
    def draft_outdated(self) -> bool:
        return self.draft_source_hash is not None and self.draft_source_hash != self.source_hash


@dataclass(frozen=True, slots=True)
class Actor:
    """A configured person (or relay itself, with ``user_id`` None)."""

    user_id: int | None
    is_translator: bool = False
    is_editor: bool = False

    @property
    def is_system(self) -> bool:
        return self.user_id is None


SYSTEM = Actor(None, True, True)


@dataclass(frozen=True, slots=True)
class Rules:
    """The review rules; the defaults are those of the ``[review]`` settings."""

    claim_seconds: int = Review().claim_seconds
    four_eyes: bool = Review().four_eyes


@dataclass(frozen=True, slots=True)
class Outcome:
    """A decision. When ``ok``: the new status and what happens to the claim."""

    ok: bool
    to_status: str | None = None
    claim: str = "keep"  # keep | set | clear
    refusal: Refusal | None = None

    @classmethod
    def go(cls, to_status: str, claim: str = "keep") -> Outcome:
        return cls(True, to_status, claim)

    @classmethod
    def no(cls, refusal: Refusal) -> Outcome:
        return cls(False, refusal=refusal)


def claim_expiry(job: JobState, rules: Rules, now: int) -> int | None:
    """When the job's claim runs out, or None when it is not claimed (or no longer is)."""
    if job.claimed_by is None or job.claimed_at is None:
        return None
    expires = job.claimed_at + rules.claim_seconds
    return expires if now < expires else None


def claim_active(job: JobState, rules: Rules, now: int) -> bool:
    return claim_expiry(job, rules, now) is not None


def decide(action: Action, job: JobState, actor: Actor, rules: Rules, now: int, *,
           expected_version: int | None = None, confirm: bool = False,
           keep: bool = True, reason: str | None = None) -> Outcome:
    """Decide ``action`` by ``actor`` on ``job``. ``expected_version`` comes from a button:
    a button made for an older version of the job is refused rather than acted on."""
    if expected_version is not None and expected_version != job.version:
        return Outcome.no(Refusal.OUTDATED_BUTTON)
    decide_one = _DECIDERS[action]
    return decide_one(job, actor, rules, now, confirm=confirm, keep=keep, reason=reason)


def _claim(job: JobState, actor: Actor, rules: Rules, now: int, **_: object) -> Outcome:
    if not actor.is_translator:
        return Outcome.no(Refusal.NOT_TRANSLATOR)
    if job.status != Status.QUEUED:
        return Outcome.no(Refusal.WRONG_STATE)
    if claim_active(job, rules, now):
        if job.claimed_by == actor.user_id:
            return Outcome.no(Refusal.ALREADY_YOURS)
        return Outcome.no(Refusal.CLAIMED_BY_OTHER)
    return Outcome.go(Status.QUEUED, "set")


def _release(job: JobState, actor: Actor, rules: Rules, now: int, **_: object) -> Outcome:
    if job.status != Status.QUEUED or job.claimed_by is None:
        return Outcome.no(Refusal.WRONG_STATE)
    if job.claimed_by != actor.user_id and not actor.is_editor:
        return Outcome.no(Refusal.NOT_YOUR_CLAIM)
    return Outcome.go(Status.QUEUED, "clear")


def _submit(job: JobState, actor: Actor, rules: Rules, now: int, **_: object) -> Outcome:
    if not actor.is_translator:
        return Outcome.no(Refusal.NOT_TRANSLATOR)
    if job.status not in (Status.QUEUED, Status.DRAFTED, Status.STALE):
        return Outcome.no(Refusal.WRONG_STATE)
    if (job.status == Status.QUEUED and claim_active(job, rules, now)
            and job.claimed_by != actor.user_id and not actor.is_editor):
        return Outcome.no(Refusal.CLAIMED_BY_OTHER)
    return Outcome.go(Status.DRAFTED, "clear")


def _approve(job: JobState, actor: Actor, rules: Rules, now: int, *, confirm: bool,
             **_: object) -> Outcome:
    if not actor.is_editor:
        return Outcome.no(Refusal.NOT_EDITOR)
    if job.status != Status.DRAFTED:
        return Outcome.no(Refusal.WRONG_STATE)
    if rules.four_eyes and job.translator_id == actor.user_id:
        return Outcome.no(Refusal.OWN_TRANSLATION)
    if job.draft_outdated and not confirm:
        return Outcome.no(Refusal.NEEDS_CONFIRMATION)
    return Outcome.go(Status.APPROVED)


def _reject(job: JobState, actor: Actor, rules: Rules, now: int, *, reason: str | None,
            **_: object) -> Outcome:
    if not actor.is_editor:
        return Outcome.no(Refusal.NOT_EDITOR)
    if job.status != Status.DRAFTED:
        return Outcome.no(Refusal.WRONG_STATE)
    if not (reason or "").strip():
        return Outcome.no(Refusal.NO_REASON)
    return Outcome.go(Status.QUEUED, "clear")


def _skip(job: JobState, actor: Actor, rules: Rules, now: int, **_: object) -> Outcome:
    if not actor.is_editor:
        return Outcome.no(Refusal.NOT_EDITOR)
    if job.status not in (Status.QUEUED, Status.DRAFTED):
        return Outcome.no(Refusal.WRONG_STATE)
    return Outcome.go(Status.SKIPPED, "clear")


def _reopen(job: JobState, actor: Actor, rules: Rules, now: int, **_: object) -> Outcome:
    if not actor.is_editor:
        return Outcome.no(Refusal.NOT_EDITOR)
    if job.status != Status.SKIPPED:
        return Outcome.no(Refusal.WRONG_STATE)
    return Outcome.go(Status.QUEUED, "clear")


def _relang(job: JobState, actor: Actor, rules: Rules, now: int, *, keep: bool,
            **_: object) -> Outcome:
    if not actor.is_translator:
        return Outcome.no(Refusal.NOT_TRANSLATOR)
    if job.status not in (Status.QUEUED, Status.DRAFTED, Status.SKIPPED):
        return Outcome.no(Refusal.WRONG_STATE)
    if keep:
        return Outcome.go(Status.QUEUED if job.status == Status.SKIPPED else job.status)
    if job.status == Status.SKIPPED:
        return Outcome.no(Refusal.WRONG_STATE)
    return Outcome.go(Status.SKIPPED, "clear")


def _publish(job: JobState, actor: Actor, rules: Rules, now: int, **_: object) -> Outcome:
    if not actor.is_system:
        return Outcome.no(Refusal.NOT_EDITOR)
    if job.status != Status.APPROVED:
        return Outcome.no(Refusal.WRONG_STATE)
    return Outcome.go(Status.PUBLISHED)


def _acknowledge(job: JobState, actor: Actor, rules: Rules, now: int, **_: object) -> Outcome:
    if not actor.is_editor:
        return Outcome.no(Refusal.NOT_EDITOR)
    if job.status != Status.STALE:
        return Outcome.no(Refusal.WRONG_STATE)
    return Outcome.go(Status.PUBLISHED)


def _mark_stale(job: JobState, actor: Actor, rules: Rules, now: int, **_: object) -> Outcome:
    if not actor.is_system:
        return Outcome.no(Refusal.NOT_EDITOR)
    if job.status != Status.PUBLISHED:
        return Outcome.no(Refusal.WRONG_STATE)
    return Outcome.go(Status.STALE)


def _expire_claim(job: JobState, actor: Actor, rules: Rules, now: int, **_: object) -> Outcome:
    if job.status != Status.QUEUED or job.claimed_by is None or claim_active(job, rules, now):
        return Outcome.no(Refusal.WRONG_STATE)
    return Outcome.go(Status.QUEUED, "clear")


def _join_into(job: JobState, actor: Actor, rules: Rules, now: int, **_: object) -> Outcome:
    """An editor's /join closes the second statement's open jobs. An approved job is in the
    outbox (its publication may be under way) and a published one is out: neither is closed,
    so /join refuses rather than cancel an editor's approval or hide a publication."""
    if not actor.is_editor:
        return Outcome.no(Refusal.NOT_EDITOR)
    if job.status not in (Status.QUEUED, Status.DRAFTED):
        return Outcome.no(Refusal.WRONG_STATE)
    return Outcome.go(Status.SKIPPED, "clear")


class _Decider(Protocol):
    """One action's rule; each takes the keyword arguments it needs and ignores the rest."""

    def __call__(self, job: JobState, actor: Actor, rules: Rules, now: int, *, confirm: bool,
                 keep: bool, reason: str | None) -> Outcome: ...


_DECIDERS: dict[Action, _Decider] = {
    Action.CLAIM: _claim,
    Action.RELEASE: _release,
    Action.SUBMIT: _submit,
    Action.APPROVE: _approve,
    Action.REJECT: _reject,
    Action.SKIP: _skip,
    Action.REOPEN: _reopen,
    Action.RELANG: _relang,
    Action.PUBLISH: _publish,
    Action.MARK_STALE: _mark_stale,
    Action.EXPIRE_CLAIM: _expire_claim,
    Action.ACKNOWLEDGE: _acknowledge,
    Action.JOIN_INTO: _join_into,
}
