"""The machine draft on a card, its button, and what a submission owes to it (issue 14).

The card of a queued job shows the engine's draft in a section of its own, clearly marked
"Machine draft (engine, model) - check before submitting". Its button sends the draft to the
translator who pressed it, where they pressed it, as plain text to correct and send back as
a reply (the job is claimed for them if nobody holds it). Nothing here submits or publishes:
only a text a person submits and an editor approves goes out. Each submission of a job that
had a draft is audited as started from it or not (:mod:`relay.core.draft_use`).
"""

from __future__ import annotations

import logging

from relay.config import Person
from relay.core.draft_use import started_from_draft
from relay.core.jobview import JobView
from relay.core.workflow import Action, Refusal, Status, claim_active
from relay.logs import event
from relay.review.conversation import ButtonRows, ButtonSpec, Press, RefreshCards, Response, Say
from relay.review.desk import Desk, actor_of
from relay.review.texts import language_names, t
from relay.store.machine_drafts import MachineDraft
from relay.text.formatting import FormattedText, utf16_len, utf16_to_index
from relay.text.split import split

log = logging.getLogger("relay.bot")

ACTION = "machine_draft"
CARD_LIMIT = 4096  # Telegram's limit for a message, in UTF-16 units

def usable(job: JobView, draft: MachineDraft | None) -> MachineDraft | None:
    """The draft, when it may be offered: the job waits for a translation and the draft was
    made from the source as it is now."""
    if (draft is None or draft.text is None or job.status != Status.QUEUED
            or draft.source_hash != job.source_hash):
        return None
    return draft


def title(draft: MachineDraft, lang: str) -> str:
    via = t(lang, "draft.via", lang=language_names(lang, [draft.via])) if draft.via else ""
    return t(lang, "draft.title", engine=draft.engine, model=draft.model or "?", via=via)


def with_draft(card: FormattedText, draft: MachineDraft | None, lang: str) -> FormattedText:
    """The card with the draft's section at its end, cut to fit one message."""
    if draft is None or draft.text is None:
        return card
    head = "\n\n" + title(draft, lang) + "\n"
    room = CARD_LIMIT - utf16_len(card.text) - utf16_len(head)
    body = draft.text
    if utf16_len(body) > room:
        cut = t(lang, "draft.cut")
        keep = max(0, room - utf16_len(cut) - 1)
        body = body[:utf16_to_index(body, keep)].rstrip() + " " + cut if keep > 0 else ""
    if not body:
        return card
    return FormattedText(card.text + head + body, card.entities)


def buttons(job: JobView, draft: MachineDraft | None, lang: str) -> ButtonRows:
    return [[ButtonSpec(t(lang, "button.machine_draft"), ACTION)]] if usable(job, draft) else []


async def decorate(desk: Desk, job: JobView, cards: list[tuple[FormattedText, ButtonRows, str]]
                   ) -> list[tuple[FormattedText, ButtonRows]]:
    """(card text, buttons, language) of one job's cards, with its machine draft added."""
    draft = usable(job, await desk.store.machine_draft(job.id)) if job.status == Status.QUEUED \
        else None
    return [(with_draft(text, draft, lang), [*rows, *buttons(job, draft, lang)])
            for text, rows, lang in cards]


async def send_draft(desk: Desk, person: Person, chat_id: int, press: Press) -> Response:
    """The button: claim the job for the presser if nobody holds it, and send them the
    draft as plain messages to correct and send back as a reply."""
    lang = person.language
    job = await desk.job(press.job_id)

    def refuse(key: str, why: str, **fields: object) -> Response:
        return desk.refuse(t(lang, key, job=press.job_id, **fields), user=person.id,
                           what="machine draft", job=press.job_id, why=why)

    if job is None:
        return refuse("no.draft_unknown", "unknown job")
    if job.version != press.version:
        return refuse("no.draft_outdated", str(Refusal.OUTDATED_BUTTON))
    if job.status != Status.QUEUED:
        return refuse("no.draft_closed", f"job is {job.status}")
    draft = usable(job, await desk.store.machine_draft(job.id))
    if draft is None or draft.text is None:
        return refuse("no.no_draft", "no machine draft")
    now = desk.now()
    holder = job.claimed_by if claim_active(job.state, desk.rules, now) else None
    refreshed: list[Say | RefreshCards] = []
    if holder not in (None, person.id):
        return refuse("no.draft_claimed", f"claimed by {holder}",
                      name=desk.name_of(holder, str(holder)))
    if holder is None:
        tr = await desk.store.apply(job.id, Action.CLAIM, actor_of(person), desk.rules, now,
                                    expected_version=press.version)
        if not tr.ok:
            return desk.refuse(desk.refusal_text(tr, lang, job.id, person.id), user=person.id,
                               what="machine draft", job=job.id, why=str(tr.refusal))
        log.info(event("job.claim", job=job.id, user=person.id, to=Status.QUEUED))
        refreshed.append(RefreshCards(job.id))
    await desk.store.mark_machine_draft_sent(job.id, person.id, now)
    log.info(event("assist.draft_sent", job=job.id, user=person.id, engine=draft.engine))
    # Where the button was pressed, as the Edit button's prompt is: a reply there is the
    # translation (in the review group the editors see its preview).
    said: list[Say | RefreshCards] = [Say.plain(
        chat_id, t(desk.chat_lang(chat_id, person), "draft.sent_intro", job=job.id,
                   engine=draft.engine, name=person.name),
        job_id=job.id, remember="edit_prompt", for_user=person.id)]
    said += [Say(chat_id, part, job_id=job.id, remember="edit_prompt", for_user=person.id)
             for part in split(FormattedText(draft.text), CARD_LIMIT)]
    return Response([*refreshed, *said], t(lang, "ok.draft_sent", job=job.id))


async def after_submit(desk: Desk, person: Person, job: JobView, submitted: str) -> None:
    """Record how a submission relates to the job's machine draft (audit and figures)."""
    draft = await desk.store.machine_draft(job.id)
    had = draft is not None and draft.text is not None
    used, alike, detail = False, None, None
    if draft is not None and draft.text is not None:
        sent = draft.sent_to == person.id
        used, alike = started_from_draft(draft.text, submitted, sent_to_translator=sent)
        detail = (f"{'from' if used else 'not from'} machine draft ({draft.engine}, "
                  f"{draft.model or '?'}): {round(alike * 100)}% alike"
                  + (", sent by the button" if sent else ""))
    await desk.store.note_submission(job.id, person.id, desk.now(), had_draft=had,
                                     from_draft=used, similarity=alike, detail=detail)
