"""Translations longer than one Telegram message, sent in several parts.

Telegram holds at most 4,096 UTF-16 units in a message, and a translation may run to
:data:`~relay.core.sanitize.MAX_TRANSLATION_CHARS`. The rule:

- A translation that fits in one message and is not part of a series becomes the draft at once
  (as before).
- A message that fills most of one message (:data:`PART_START` UTF-16 units or more) starts a
  series: the bot answers "part 1 received: N characters so far; send the next part or press
  Done". Every further translation from the same person for the same job (a reply to the card,
  to the preview, to the bot's "part received" answer, or ``/tr``) is appended in order.
- The draft is made only when the translator presses **Done** or sends ``/done <job>``: the
  parts are joined with a blank line between them and submitted as one translation, whose
  preview shows the whole text split as it will be published.

The parts live in the store (``draft_parts``, migration 8), so a restart between two parts loses
nothing. Who may draft is decided before this module is called (:mod:`relay.review.inbox`);
the workflow's own rule (claims, states) is checked on every part so that nobody sends three
parts to be refused at Done.
"""

from __future__ import annotations

import logging

from relay.config import Person
from relay.core.sanitize import MAX_TRANSLATION_CHARS, InputError, clean_text
from relay.core.workflow import Action, decide
from relay.logs import event
from relay.review import actions
from relay.review.conversation import ButtonSpec, Response, Say
from relay.review.desk import Desk, actor_of
from relay.review.texts import t
from relay.store.api import Transition
from relay.text.formatting import FormattedText, utf16_len

log = logging.getLogger("relay.bot")

#: A message at least this long (UTF-16 units) is taken as the first part of a longer
#: translation: Telegram's limit is 4,096, and apps cut a longer paste near it.
PART_START = 3500
#: What goes between two parts when they are joined: each part ends a paragraph.
PART_JOIN = "\n\n"


async def receive(desk: Desk, person: Person, chat_id: int, job_id: int, text: FormattedText,
                  *, message_id: int) -> Response:
    """A translation, or one part of one, from a person allowed to draft ``job_id``."""
    pending = await desk.store.draft_parts(job_id, person.id)
    if not pending and utf16_len(text.text) < PART_START:
        return await actions.submit(desk, person, chat_id, job_id, text.text, text.entities,
                                    reply_to=message_id)
    return await _add_part(desk, person, chat_id, job_id, text, pending, message_id)


async def _add_part(desk: Desk, person: Person, chat_id: int, job_id: int, text: FormattedText,
                    pending: list[FormattedText], message_id: int) -> Response:
    lang = person.language
    job = await desk.job(job_id)
    if job is None:
        return desk.refuse(t(lang, "no.unknown_job", job=job_id), user=person.id,
                           what="part", job=job_id, why="unknown job")
    outcome = decide(Action.SUBMIT, job.state, actor_of(person), desk.rules, desk.now())
    if not outcome.ok:
        refused = Transition(False, job, refusal=outcome.refusal,
                             last=await desk.store.last_change(job_id))
        return desk.refuse(desk.refusal_text(refused, lang, job_id), user=person.id,
                           what="part", job=job_id, why=str(outcome.refusal))
    try:
        clean_text(text.text, text.entities)  # the part itself: not empty, nothing hidden
        whole = clean_text(*_joined([*pending, text]))
    except InputError as exc:
        return desk.refuse(t(lang, f"no.{exc.code}", **exc.fields), user=person.id,
                           what="part", job=job_id, why=exc.code)
    number = await desk.store.add_draft_part(job_id, person.id, chat_id, text, desk.now())
    log.info(event("job.part_received", job=job_id, user=person.id, part=number,
                   chars=len(whole.text)))
    said_lang = desk.chat_lang(chat_id, person)
    ack = t(said_lang, "parts.received", job=job_id, part=number, chars=f"{len(whole.text):,}",
            limit=f"{MAX_TRANSLATION_CHARS:,}")
    done = [[ButtonSpec(t(said_lang, "button.done"), "done")]]
    return Response([Say.plain(chat_id, ack, buttons=done, job_id=job_id, version=job.version,
                               reply_to=message_id, remember="part_ack", for_user=person.id)])


async def done(desk: Desk, person: Person, chat_id: int, job_id: int, *,
               reply_to: int | None = None) -> Response:
    """The translator says the parts are complete: join them and submit the whole."""
    pending = await desk.store.draft_parts(job_id, person.id)
    if not pending:
        return desk.refuse(t(person.language, "parts.none", job=job_id), user=person.id,
                           what="done", job=job_id, why="no parts waiting")
    text, entities = _joined(pending)
    response = await actions.submit(desk, person, chat_id, job_id, text, entities,
                                    reply_to=reply_to)
    if response.done:
        await desk.store.drop_draft_parts(job_id, person.id)
        log.info(event("job.parts_joined", job=job_id, user=person.id, parts=len(pending)))
    return response


def _joined(parts: list[FormattedText]) -> tuple[str, tuple]:
    """The parts as one text, a blank line between two parts, entities moved along."""
    text, entities, shift = "", [], 0
    for i, part in enumerate(parts):
        if i:
            text += PART_JOIN
            shift += utf16_len(PART_JOIN)
        text += part.text
        entities += [e.shifted(shift) for e in part.entities]
        shift += utf16_len(part.text)
    return text, tuple(entities)
