"""When a reply to one of the bot's messages about a job is that job's translation. Pure.

The rule (the README's "For translators and editors" says the same):

- A remark (:data:`ReplyKind.CHATTER`: emoji, a question, "on it", thanks, a remark in the
  source's language) is never a draft, from anyone, the claimer included.
- From the person who holds the job (its active claim; for a drafted or published job, its
  translator; the person an Edit prompt was for), a reply becomes the draft.
- For a queued job nobody holds (or a draft of someone else's), the bot asks the sender "Use
  this as the translation of job N?" with Yes/No buttons; the text waits in the store.
- For a job claimed by someone else it is no draft: the bot says who holds it.

:func:`decide_reply` returns what to do; :mod:`relay.review.inbox` does it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from relay.core.jobview import JobView
from relay.core.replies import ReplyKind, classify_reply
from relay.core.workflow import Rules, Status, claim_active


class ReplyAction(enum.Enum):
    SUBMIT = "submit"  # the reply is the job's new draft (the workflow still decides)
    ASK = "ask"  # ask the sender "Use this as the translation of job N?"
    CLAIMED_BY_OTHER = "claimed_by_other"  # not a draft: say who holds the job
    CHATTER = "chatter"  # not a draft: no answer in the group, a hint in a private chat


@dataclass(frozen=True, slots=True)
class ReplyDecision:
    action: ReplyAction
    kind: ReplyKind
    holder: int | None = None  # who holds the job (CLAIMED_BY_OTHER)


def decide_reply(job: JobView, sender: int, text: str, *, target_language: str, rules: Rules,
                 now: int, asked_for: bool = False) -> ReplyDecision:
    """What to do with ``text``, a reply by ``sender`` to a message about ``job``.

    ``asked_for``: the reply answers a prompt the bot made for the sender (Edit)."""
    kind = classify_reply(text, target_language=target_language)
    if kind is ReplyKind.CHATTER:
        return ReplyDecision(ReplyAction.CHATTER, kind)
    if asked_for:
        return ReplyDecision(ReplyAction.SUBMIT, kind)
    if job.status == Status.QUEUED:
        if claim_active(job.state, rules, now):
            if job.claimed_by == sender:
                return ReplyDecision(ReplyAction.SUBMIT, kind)
            return ReplyDecision(ReplyAction.CLAIMED_BY_OTHER, kind, job.claimed_by)
        return ReplyDecision(ReplyAction.ASK, kind)
    if job.status in (Status.DRAFTED, Status.STALE) and job.translator_id != sender:
        return ReplyDecision(ReplyAction.ASK, kind)
    # The translator's new version, or a job that takes no draft: the workflow answers.
    return ReplyDecision(ReplyAction.SUBMIT, kind)
