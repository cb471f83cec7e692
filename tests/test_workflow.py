"""The job state machine (relay.core.workflow): every action against the states and roles
that matter, an exhaustive check of single decisions, and a property over random sequences."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from relay.core.workflow import (
    SYSTEM,
    Action,
    Actor,
    JobState,
    Outcome,
    Refusal,
    Rules,
    Status,
    claim_active,
    claim_expiry,
    decide,
)

NOW = 1_800_000_000
RULES = Rules(claim_seconds=7200, four_eyes=True)

SARA = Actor(5001, is_translator=True)  # translator
ALI = Actor(5006, is_translator=True)  # another translator
REZA = Actor(5002, is_translator=True, is_editor=True)  # editor (config: editors translate too)
OMID = Actor(5004, is_translator=True, is_editor=True)  # another editor
PURE_EDITOR = Actor(5007, is_editor=True)  # an editor without the translator flag
STRANGER = Actor(9999)  # configured with no role at all

ALL_STATUSES = [s.value for s in Status]


def job(status: str = Status.QUEUED, *, version: int = 3, claimed_by: int | None = None,
        claimed_at: int | None = None, translator_id: int | None = None,
        source_hash: str = "h1", draft_source_hash: str | None = None) -> JobState:
    return JobState(1, status, version, claimed_by, claimed_at, translator_id, source_hash,
                    draft_source_hash)


def claimed(by: int, *, ago: int = 60, status: str = Status.QUEUED) -> JobState:
    return job(status, claimed_by=by, claimed_at=NOW - ago)


def drafted(translator: int = SARA.user_id, *, outdated: bool = False) -> JobState:
    return job(Status.DRAFTED, translator_id=translator, source_hash="h2" if outdated else "h1",
               draft_source_hash="h1")


def refused(outcome: Outcome, refusal: Refusal) -> None:
    assert outcome == Outcome(False, None, "keep", refusal)


def went(outcome: Outcome, to_status: str, claim: str = "keep") -> None:
    assert outcome.ok, outcome
    assert outcome.refusal is None
    assert outcome.to_status == to_status
    assert outcome.claim == claim


# ---------------------------------------------------------------- claim_active


def test_claim_active_window():
    j = claimed(SARA.user_id, ago=0)
    assert claim_active(j, RULES, NOW)
    assert claim_active(j, RULES, NOW + RULES.claim_seconds - 1)
    assert not claim_active(j, RULES, NOW + RULES.claim_seconds)
    assert not claim_active(job(claimed_by=SARA.user_id), RULES, NOW)  # no claimed_at
    assert not claim_active(job(claimed_at=NOW), RULES, NOW)  # nobody
    assert not claim_active(j, Rules(claim_seconds=0), NOW)


def test_claim_expiry_is_when_an_active_claim_runs_out():
    j = claimed(SARA.user_id, ago=60)
    assert claim_expiry(j, RULES, NOW) == NOW - 60 + RULES.claim_seconds
    assert claim_expiry(j, RULES, NOW - 60 + RULES.claim_seconds) is None  # ran out
    assert claim_expiry(job(claimed_by=SARA.user_id), RULES, NOW) is None  # no claimed_at
    assert claim_expiry(job(claimed_at=NOW), RULES, NOW) is None  # nobody


# ---------------------------------------------------------------- claim


@pytest.mark.parametrize("actor", [SARA, REZA])
def test_claim_open_queued_job_sets_claim(actor):
    went(decide(Action.CLAIM, job(), actor, RULES, NOW), Status.QUEUED, "set")


@pytest.mark.parametrize("actor", [STRANGER, PURE_EDITOR])
def test_claim_needs_translator(actor):
    refused(decide(Action.CLAIM, job(), actor, RULES, NOW), Refusal.NOT_TRANSLATOR)


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != Status.QUEUED])
def test_claim_only_on_queued(status):
    refused(decide(Action.CLAIM, job(status), SARA, RULES, NOW), Refusal.WRONG_STATE)


@pytest.mark.parametrize("actor", [ALI, REZA])
def test_claim_active_claim_of_other(actor):
    refused(decide(Action.CLAIM, claimed(SARA.user_id), actor, RULES, NOW),
            Refusal.CLAIMED_BY_OTHER)


def test_claim_own_active_claim():
    refused(decide(Action.CLAIM, claimed(SARA.user_id), SARA, RULES, NOW), Refusal.ALREADY_YOURS)


@pytest.mark.parametrize("actor", [SARA, ALI])
def test_expired_claim_can_be_taken(actor):
    j = claimed(SARA.user_id, ago=RULES.claim_seconds)
    went(decide(Action.CLAIM, j, actor, RULES, NOW), Status.QUEUED, "set")
    # one second earlier it was still Sara's
    j = claimed(SARA.user_id, ago=RULES.claim_seconds - 1)
    assert not decide(Action.CLAIM, j, actor, RULES, NOW).ok


def test_claim_duration_follows_rules():
    j = claimed(SARA.user_id, ago=600)
    refused(decide(Action.CLAIM, j, ALI, Rules(claim_seconds=601), NOW), Refusal.CLAIMED_BY_OTHER)
    went(decide(Action.CLAIM, j, ALI, Rules(claim_seconds=600), NOW), Status.QUEUED, "set")


# ---------------------------------------------------------------- release


def test_release_own_claim():
    went(decide(Action.RELEASE, claimed(SARA.user_id), SARA, RULES, NOW), Status.QUEUED, "clear")


@pytest.mark.parametrize("editor", [REZA, PURE_EDITOR])
def test_editor_releases_anyones_claim(editor):
    went(decide(Action.RELEASE, claimed(SARA.user_id), editor, RULES, NOW), Status.QUEUED,
         "clear")


@pytest.mark.parametrize("actor", [ALI, STRANGER])
def test_release_of_someone_elses_claim_refused(actor):
    refused(decide(Action.RELEASE, claimed(SARA.user_id), actor, RULES, NOW),
            Refusal.NOT_YOUR_CLAIM)


@pytest.mark.parametrize("actor", [SARA, REZA])
def test_release_without_claim_is_wrong_state(actor):
    refused(decide(Action.RELEASE, job(), actor, RULES, NOW), Refusal.WRONG_STATE)


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != Status.QUEUED])
def test_release_only_on_queued(status):
    j = claimed(SARA.user_id, status=status)
    refused(decide(Action.RELEASE, j, SARA, RULES, NOW), Refusal.WRONG_STATE)


# ---------------------------------------------------------------- submit


@pytest.mark.parametrize("actor", [SARA, REZA])
@pytest.mark.parametrize("status", [Status.QUEUED, Status.DRAFTED])
def test_submit_makes_a_draft(actor, status):
    went(decide(Action.SUBMIT, job(status), actor, RULES, NOW), Status.DRAFTED, "clear")


def test_submit_own_claim():
    went(decide(Action.SUBMIT, claimed(SARA.user_id), SARA, RULES, NOW), Status.DRAFTED, "clear")


def test_submit_blocked_by_someone_elses_active_claim():
    refused(decide(Action.SUBMIT, claimed(SARA.user_id), ALI, RULES, NOW),
            Refusal.CLAIMED_BY_OTHER)


def test_submit_by_editor_over_someone_elses_claim():
    went(decide(Action.SUBMIT, claimed(SARA.user_id), REZA, RULES, NOW), Status.DRAFTED, "clear")


def test_submit_over_expired_claim():
    j = claimed(SARA.user_id, ago=RULES.claim_seconds + 1)
    went(decide(Action.SUBMIT, j, ALI, RULES, NOW), Status.DRAFTED, "clear")


@pytest.mark.parametrize("actor", [STRANGER, PURE_EDITOR])
def test_submit_needs_translator(actor):
    refused(decide(Action.SUBMIT, job(), actor, RULES, NOW), Refusal.NOT_TRANSLATOR)


def test_submit_correction_of_stale_publication():
    """A stale job (source edited after publication) takes a corrected draft."""
    went(decide(Action.SUBMIT, job(Status.STALE), SARA, RULES, NOW), Status.DRAFTED, "clear")


@pytest.mark.parametrize("status", [Status.APPROVED, Status.PUBLISHED, Status.SKIPPED,
                                    Status.REJECTED])
def test_submit_wrong_state(status):
    refused(decide(Action.SUBMIT, job(status), SARA, RULES, NOW), Refusal.WRONG_STATE)


# ---------------------------------------------------------------- approve


@pytest.mark.parametrize("editor", [REZA, PURE_EDITOR])
def test_editor_approves_draft(editor):
    went(decide(Action.APPROVE, drafted(SARA.user_id), editor, RULES, NOW), Status.APPROVED)


@pytest.mark.parametrize("actor", [SARA, ALI, STRANGER])
def test_approve_needs_editor(actor):
    refused(decide(Action.APPROVE, drafted(ALI.user_id), actor, RULES, NOW), Refusal.NOT_EDITOR)


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != Status.DRAFTED])
def test_approve_only_drafted(status):
    refused(decide(Action.APPROVE, job(status, translator_id=SARA.user_id), REZA, RULES, NOW),
            Refusal.WRONG_STATE)


def test_four_eyes_refuses_own_translation():
    refused(decide(Action.APPROVE, drafted(REZA.user_id), REZA, RULES, NOW),
            Refusal.OWN_TRANSLATION)
    # even when confirming an outdated draft
    refused(decide(Action.APPROVE, drafted(REZA.user_id, outdated=True), REZA, RULES, NOW,
                   confirm=True), Refusal.OWN_TRANSLATION)
    # another editor may
    went(decide(Action.APPROVE, drafted(REZA.user_id), OMID, RULES, NOW), Status.APPROVED)


def test_four_eyes_off_allows_own_translation():
    rules = Rules(four_eyes=False)
    went(decide(Action.APPROVE, drafted(REZA.user_id), REZA, rules, NOW), Status.APPROVED)


def test_outdated_draft_needs_confirmation():
    j = drafted(SARA.user_id, outdated=True)
    assert j.draft_outdated
    refused(decide(Action.APPROVE, j, REZA, RULES, NOW), Refusal.NEEDS_CONFIRMATION)
    went(decide(Action.APPROVE, j, REZA, RULES, NOW, confirm=True), Status.APPROVED)


def test_draft_outdated_property():
    assert not job(source_hash="a").draft_outdated  # no draft yet
    assert not job(source_hash="a", draft_source_hash="a").draft_outdated
    assert job(source_hash="b", draft_source_hash="a").draft_outdated


# ---------------------------------------------------------------- reject


@pytest.mark.parametrize("editor", [REZA, PURE_EDITOR])
def test_reject_sends_back_to_queue(editor):
    went(decide(Action.REJECT, drafted(), editor, RULES, NOW, reason="too literal"),
         Status.QUEUED, "clear")


@pytest.mark.parametrize("reason", [None, "", "   ", "\n\t"])
def test_reject_needs_reason(reason):
    refused(decide(Action.REJECT, drafted(), REZA, RULES, NOW, reason=reason), Refusal.NO_REASON)


@pytest.mark.parametrize("actor", [SARA, STRANGER])
def test_reject_needs_editor(actor):
    refused(decide(Action.REJECT, drafted(), actor, RULES, NOW, reason="x"), Refusal.NOT_EDITOR)


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != Status.DRAFTED])
def test_reject_only_drafted(status):
    refused(decide(Action.REJECT, job(status), REZA, RULES, NOW, reason="x"),
            Refusal.WRONG_STATE)


def test_own_translation_may_be_rejected():
    """Four eyes guards approval only: an editor may send back their own draft."""
    went(decide(Action.REJECT, drafted(REZA.user_id), REZA, RULES, NOW, reason="redo"),
         Status.QUEUED, "clear")


# ---------------------------------------------------------------- skip / reopen


@pytest.mark.parametrize("status", [Status.QUEUED, Status.DRAFTED])
def test_skip(status):
    went(decide(Action.SKIP, job(status), REZA, RULES, NOW), Status.SKIPPED, "clear")


def test_skip_clears_active_claim():
    went(decide(Action.SKIP, claimed(SARA.user_id), REZA, RULES, NOW), Status.SKIPPED, "clear")


@pytest.mark.parametrize("status", [Status.APPROVED, Status.PUBLISHED, Status.SKIPPED,
                                    Status.STALE, Status.REJECTED])
def test_skip_wrong_state(status):
    refused(decide(Action.SKIP, job(status), REZA, RULES, NOW), Refusal.WRONG_STATE)


@pytest.mark.parametrize("action", [Action.SKIP, Action.REOPEN])
@pytest.mark.parametrize("actor", [SARA, STRANGER])
def test_skip_and_reopen_need_editor(action, actor):
    status = Status.QUEUED if action == Action.SKIP else Status.SKIPPED
    refused(decide(action, job(status), actor, RULES, NOW), Refusal.NOT_EDITOR)


def test_reopen():
    went(decide(Action.REOPEN, job(Status.SKIPPED), REZA, RULES, NOW), Status.QUEUED, "clear")


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != Status.SKIPPED])
def test_reopen_only_skipped(status):
    refused(decide(Action.REOPEN, job(status), REZA, RULES, NOW), Refusal.WRONG_STATE)


# ---------------------------------------------------------------- relang


@pytest.mark.parametrize(("status", "to"), [(Status.QUEUED, Status.QUEUED),
                                            (Status.DRAFTED, Status.DRAFTED),
                                            (Status.SKIPPED, Status.QUEUED)])
def test_relang_keep(status, to):
    went(decide(Action.RELANG, job(status), SARA, RULES, NOW, keep=True), to, "keep")


def test_relang_keep_keeps_claim():
    went(decide(Action.RELANG, claimed(ALI.user_id), SARA, RULES, NOW, keep=True),
         Status.QUEUED, "keep")


@pytest.mark.parametrize("status", [Status.QUEUED, Status.DRAFTED])
def test_relang_drop(status):
    went(decide(Action.RELANG, job(status), SARA, RULES, NOW, keep=False), Status.SKIPPED,
         "clear")


def test_relang_drop_of_skipped_is_wrong_state():
    refused(decide(Action.RELANG, job(Status.SKIPPED), SARA, RULES, NOW, keep=False),
            Refusal.WRONG_STATE)


@pytest.mark.parametrize("keep", [True, False])
@pytest.mark.parametrize("status", [Status.APPROVED, Status.PUBLISHED, Status.STALE,
                                    Status.REJECTED])
def test_relang_wrong_state(status, keep):
    refused(decide(Action.RELANG, job(status), SARA, RULES, NOW, keep=keep), Refusal.WRONG_STATE)


@pytest.mark.parametrize("actor", [STRANGER, PURE_EDITOR])
def test_relang_needs_translator(actor):
    refused(decide(Action.RELANG, job(), actor, RULES, NOW), Refusal.NOT_TRANSLATOR)


# ---------------------------------------------------------------- publish / stale


def test_system_publishes_approved():
    went(decide(Action.PUBLISH, job(Status.APPROVED), SYSTEM, RULES, NOW), Status.PUBLISHED)


@pytest.mark.parametrize("actor", [SARA, REZA, PURE_EDITOR, STRANGER])
def test_only_system_publishes(actor):
    refused(decide(Action.PUBLISH, job(Status.APPROVED), actor, RULES, NOW), Refusal.NOT_EDITOR)


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != Status.APPROVED])
def test_publish_wrong_state(status):
    refused(decide(Action.PUBLISH, job(status), SYSTEM, RULES, NOW), Refusal.WRONG_STATE)


@pytest.mark.parametrize("editor", [REZA, PURE_EDITOR, SYSTEM])
def test_acknowledge_stale_publication(editor):
    """An editor lets a stale job's publication stand as it is."""
    went(decide(Action.ACKNOWLEDGE, job(Status.STALE), editor, RULES, NOW), Status.PUBLISHED)


@pytest.mark.parametrize("actor", [SARA, STRANGER])
def test_acknowledge_needs_editor(actor):
    refused(decide(Action.ACKNOWLEDGE, job(Status.STALE), actor, RULES, NOW), Refusal.NOT_EDITOR)


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != Status.STALE])
def test_acknowledge_only_stale(status):
    refused(decide(Action.ACKNOWLEDGE, job(status), REZA, RULES, NOW), Refusal.WRONG_STATE)


def test_mark_stale():
    went(decide(Action.MARK_STALE, job(Status.PUBLISHED), SYSTEM, RULES, NOW), Status.STALE)


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != Status.PUBLISHED])
def test_mark_stale_only_published(status):
    refused(decide(Action.MARK_STALE, job(status), SYSTEM, RULES, NOW), Refusal.WRONG_STATE)


# ---------------------------------------------------------------- expire_claim


def test_expire_claim_after_timeout():
    j = claimed(SARA.user_id, ago=RULES.claim_seconds)
    went(decide(Action.EXPIRE_CLAIM, j, SYSTEM, RULES, NOW), Status.QUEUED, "clear")


def test_expire_active_claim_refused():
    j = claimed(SARA.user_id, ago=RULES.claim_seconds - 1)
    refused(decide(Action.EXPIRE_CLAIM, j, SYSTEM, RULES, NOW), Refusal.WRONG_STATE)


def test_expire_without_claim_refused():
    refused(decide(Action.EXPIRE_CLAIM, job(), SYSTEM, RULES, NOW), Refusal.WRONG_STATE)


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != Status.QUEUED])
def test_expire_claim_only_queued(status):
    j = claimed(SARA.user_id, ago=RULES.claim_seconds * 2, status=status)
    refused(decide(Action.EXPIRE_CLAIM, j, SYSTEM, RULES, NOW), Refusal.WRONG_STATE)


# ---------------------------------------------------------------- outdated buttons


@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("expected", [0, 2, 4, 10**6])
def test_outdated_button_refused_before_anything_else(action, expected):
    """A stale version is refused first, for every action and even for someone with no role."""
    for actor in (STRANGER, SARA, REZA, SYSTEM):
        for j in (job(version=3), drafted(), claimed(SARA.user_id)):
            refused(decide(action, j, actor, RULES, NOW, expected_version=expected,
                           reason="r"), Refusal.OUTDATED_BUTTON)


def test_matching_version_is_decided_normally():
    went(decide(Action.CLAIM, job(version=3), SARA, RULES, NOW, expected_version=3),
         Status.QUEUED, "set")
    refused(decide(Action.CLAIM, job(version=3), STRANGER, RULES, NOW, expected_version=3),
            Refusal.NOT_TRANSLATOR)


@pytest.mark.parametrize("status", ALL_STATUSES)
def test_join_into_closes_only_open_jobs(status):
    """/join (issue 11) closes a queued or drafted job of the second statement, claimed or
    not; an approved job (in the outbox) or a published one is never closed by a join."""
    j = claimed(SARA.user_id, status=status) if status == Status.QUEUED else job(status=status)
    refused(decide(Action.JOIN_INTO, j, SARA, RULES, NOW), Refusal.NOT_EDITOR)
    outcome = decide(Action.JOIN_INTO, j, REZA, RULES, NOW)
    if status in (Status.QUEUED, Status.DRAFTED):
        went(outcome, Status.SKIPPED, "clear")
    else:
        refused(outcome, Refusal.WRONG_STATE)


def test_every_action_has_a_decider():
    for action in Action:
        outcome = decide(action, job(), STRANGER, RULES, NOW)
        assert isinstance(outcome, Outcome)


# ---------------------------------------------------------------- property: random sequences

#: (from, action, to) of every transition the docstring's diagram allows.
ALLOWED = {
    (Status.QUEUED, Action.CLAIM, Status.QUEUED),
    (Status.QUEUED, Action.RELEASE, Status.QUEUED),
    (Status.QUEUED, Action.RELANG, Status.QUEUED),
    (Status.QUEUED, Action.EXPIRE_CLAIM, Status.QUEUED),
    (Status.QUEUED, Action.SUBMIT, Status.DRAFTED),
    (Status.DRAFTED, Action.SUBMIT, Status.DRAFTED),
    (Status.DRAFTED, Action.RELANG, Status.DRAFTED),
    (Status.DRAFTED, Action.APPROVE, Status.APPROVED),
    (Status.DRAFTED, Action.REJECT, Status.QUEUED),
    (Status.QUEUED, Action.SKIP, Status.SKIPPED),
    (Status.DRAFTED, Action.SKIP, Status.SKIPPED),
    (Status.QUEUED, Action.RELANG, Status.SKIPPED),
    (Status.DRAFTED, Action.RELANG, Status.SKIPPED),
    (Status.SKIPPED, Action.REOPEN, Status.QUEUED),
    (Status.SKIPPED, Action.RELANG, Status.QUEUED),
    (Status.APPROVED, Action.PUBLISH, Status.PUBLISHED),
    (Status.PUBLISHED, Action.MARK_STALE, Status.STALE),
    (Status.STALE, Action.SUBMIT, Status.DRAFTED),  # a correction
    (Status.STALE, Action.ACKNOWLEDGE, Status.PUBLISHED),  # the publication stands
    (Status.QUEUED, Action.JOIN_INTO, Status.SKIPPED),  # /join: another statement's now
    (Status.DRAFTED, Action.JOIN_INTO, Status.SKIPPED),
}

ACTORS = [SARA, ALI, REZA, OMID, PURE_EDITOR, STRANGER, SYSTEM]
EDITOR_ONLY = {Action.APPROVE, Action.REJECT, Action.SKIP, Action.REOPEN, Action.ACKNOWLEDGE,
               Action.JOIN_INTO}
TRANSLATOR_ONLY = {Action.CLAIM, Action.SUBMIT, Action.RELANG}


def check_decision(before: JobState, action: Action, actor: Actor, rules: Rules, now: int, *,
                   expected: int | None, confirm: bool, keep: bool, reason: str | None) -> Outcome:
    """Decide, and check the decision against the diagram and the roles."""
    outcome = decide(action, before, actor, rules, now, expected_version=expected,
                     confirm=confirm, keep=keep, reason=reason)
    if expected is not None and expected != before.version:
        assert outcome == Outcome.no(Refusal.OUTDATED_BUTTON)
        return outcome
    if not outcome.ok:
        assert outcome.refusal is not None and outcome.to_status is None
        assert outcome.refusal != Refusal.OUTDATED_BUTTON
        return outcome
    assert outcome.refusal is None
    assert (before.status, action, outcome.to_status) in ALLOWED, (before, action, actor, outcome)
    active = claim_active(before, rules, now)
    if action in EDITOR_ONLY:
        assert actor.is_editor, (action, actor)
    if action in TRANSLATOR_ONLY:
        assert actor.is_translator, (action, actor)
    if action == Action.PUBLISH:
        assert actor.is_system
    if action == Action.APPROVE:
        if rules.four_eyes:
            assert before.translator_id != actor.user_id
        if before.draft_outdated:
            assert confirm
    if action == Action.REJECT:
        assert reason and reason.strip()
    if action == Action.CLAIM:
        assert not active  # nobody holds it, or the claim ran out
    if action == Action.RELEASE:
        assert before.claimed_by is not None
        assert before.claimed_by == actor.user_id or actor.is_editor
    if action == Action.EXPIRE_CLAIM:
        assert before.claimed_by is not None and not active
    if action == Action.SUBMIT and before.status == Status.QUEUED and active:
        assert before.claimed_by == actor.user_id or actor.is_editor
    assert outcome.claim in ("keep", "set", "clear")
    if outcome.claim == "set":
        assert action == Action.CLAIM
    if outcome.to_status != Status.QUEUED:
        assert outcome.claim == "clear" or before.claimed_by is None
    return outcome


def apply(j: JobState, action: Action, actor: Actor, outcome: Outcome, now: int) -> JobState:
    """What the store does with an accepted decision (relay.store.review_queries.apply, in brief)."""
    claimed_by, claimed_at = j.claimed_by, j.claimed_at
    if outcome.claim == "set":
        claimed_by, claimed_at = actor.user_id, now
    elif outcome.claim == "clear":
        claimed_by = claimed_at = None
    translator_id, draft_hash = j.translator_id, j.draft_source_hash
    if action == Action.SUBMIT:
        translator_id, draft_hash = actor.user_id, j.source_hash
    return JobState(j.id, outcome.to_status, j.version + 1, claimed_by, claimed_at,
                    translator_id, j.source_hash, draft_hash)


people = st.sampled_from([None, SARA.user_id, ALI.user_id, REZA.user_id])
start_jobs = st.builds(
    lambda status, claimed_by, ago, translator, outdated: JobState(
        1, status, 1, *((claimed_by, NOW - ago) if claimed_by and status == Status.QUEUED
                        else (None, None)),
        translator, "s0", None if translator is None else ("old" if outdated else "s0")),
    st.sampled_from(ALL_STATUSES), people, st.sampled_from([0, 100, 7199, 7200, 50_000]), people,
    st.booleans())
steps = st.tuples(
    st.sampled_from(list(Action)), st.sampled_from(ACTORS), st.booleans(), st.booleans(),
    st.sampled_from([None, "", "  ", "bad terms"]), st.sampled_from([None, None, None, 0, -1, 1]),
    st.sampled_from([0, 0, 0, 60, 8000]), st.booleans())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=start_jobs, walk=st.lists(steps, min_size=1, max_size=80),
       four_eyes=st.booleans(), claim_seconds=st.sampled_from([1, 60, 7200]))
def test_random_presses_stay_on_the_diagram(start, walk, four_eyes, claim_seconds):
    rules = Rules(claim_seconds=claim_seconds, four_eyes=four_eyes)
    j, now = start, NOW
    for action, actor, confirm, keep, reason, version_delta, seconds, edit_source in walk:
        now += seconds
        if edit_source:  # the channel edits the post: the source hash moves on
            j = JobState(j.id, j.status, j.version, j.claimed_by, j.claimed_at,
                         j.translator_id, j.source_hash + "+", j.draft_source_hash)
        expected = None if version_delta is None else j.version + version_delta
        outcome = check_decision(j, action, actor, rules, now, expected=expected,
                                 confirm=confirm, keep=keep, reason=reason)
        if outcome.ok:
            event(f"{j.status} -{action}-> {outcome.to_status}")
            j = apply(j, action, actor, outcome, now)
            if j.status != Status.QUEUED:
                assert j.claimed_by is None  # a claim only marks a queued job


CLAIMS = [(None, None), (SARA.user_id, NOW - 60), (SARA.user_id, NOW - 7200),
          (REZA.user_id, NOW - 60)]


@pytest.mark.parametrize("four_eyes", [True, False])
@pytest.mark.parametrize("status", ALL_STATUSES)
def test_every_single_decision_stays_on_the_diagram(status, four_eyes):
    """Exhaustively: each action by each actor on each kind of job in this status."""
    rules = Rules(claim_seconds=7200, four_eyes=four_eyes)
    ok = 0
    for action in Action:
        for actor in ACTORS:
            for claimed_by, claimed_at in CLAIMS if status == Status.QUEUED else CLAIMS[:1]:
                for translator in (None, SARA.user_id, REZA.user_id):
                    for draft_hash in (None, "s0", "old"):
                        before = JobState(1, status, 5, claimed_by, claimed_at, translator,
                                          "s0", draft_hash)
                        for confirm in (False, True):
                            for keep in (False, True):
                                for reason in (None, " ", "why"):
                                    out = check_decision(before, action, actor, rules, NOW,
                                                         expected=None, confirm=confirm,
                                                         keep=keep, reason=reason)
                                    ok += out.ok
    # a status nothing may leave would make this test vacuous: only ``rejected`` is such
    assert (ok == 0) == (status == Status.REJECTED)
