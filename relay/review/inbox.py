"""What reaches the bot: messages (commands, replies to its messages) and button presses.

Who may talk to the bot is decided here; what each command does is in
:mod:`relay.review.commands`, what each action does in :mod:`relay.review.actions`.
"""

from __future__ import annotations

import logging

from relay.config import Person
from relay.core.sanitize import InputError, clean_text
from relay.core.workflow import Action, Refusal, Status, claim_active
from relay.logs import event
from relay.review import actions, cards, machine_draft, memory, parts, statements
from relay.review.commands import job_and_rest, run_command
from relay.review.conversation import Incoming, Press, Response, Say
from relay.review.desk import Desk, log_refusal
from relay.review.reply_rule import ReplyAction, decide_reply
from relay.review.texts import t
from relay.text.formatting import FormattedText
from relay.text.render import TEXT_LIMIT
from relay.text.split import split

log = logging.getLogger("relay.bot")

#: Buttons that are one workflow action; the others (reject, edit, retry, notfa) are below.
PRESS_ACTIONS = {
    "claim": Action.CLAIM,
    "release": Action.RELEASE,
    "skip": Action.SKIP,
    "approve": Action.APPROVE,
    "confirm": Action.APPROVE,
    "reopen": Action.REOPEN,
    "keep": Action.ACKNOWLEDGE,
}

#: Kinds of bot message about a job whose replies go through the reply rule
#: (:mod:`relay.review.reply_rule`): the card, the preview, an edit prompt, and the bot's other
#: messages about the job (thanks, answers, /show output, the Yes/No question, the
#: "part received" answer of a translation sent in parts).
JOB_REPLY_KINDS = ("card", "preview", "edit_prompt", "confirm", "thanks", "answer", "show",
                   "offer", "part_ack")


# ---------------------------------------------------------------------- messages
async def on_message(desk: Desk, msg: Incoming) -> Response | None:
    """A message in a chat the bot is in; None when it is not for the bot."""
    if not desk.chat_allowed(msg.chat_id, msg.private):
        log.info(event("bot.ignored_chat", chat=msg.chat_id))
        return None
    if not (msg.is_command or msg.reply_to or msg.private):
        return None  # group chatter that is not for the bot
    person = desk.person_for(msg.sender_id, msg.chat_id,
                             what="command" if msg.is_command else "message")
    if person is None:
        if msg.is_command or msg.private:
            return Response.refused(t("en", "no.not_configured", user=msg.sender_id))
        return None
    if msg.is_command:
        response = await run_command(desk, person, msg)
        if response is not None:
            return answer_as_message(desk, response, msg, command_job(msg.text))
        return response
    if msg.reply_to:
        return await on_reply(desk, person, msg, msg.reply_to)
    return desk.refuse(t(person.language, "no.not_a_card"), user=person.id, what="message",
                       why="not a reply to the bot")


def command_job(text: str) -> int | None:
    """The job a command names (``/claim 12``), if any."""
    _, _, args = text.partition(" ")
    return job_and_rest(args.strip())[0]


def answer_as_message(desk: Desk, response: Response, msg: Incoming,
                      job_id: int | None) -> Response:
    """Send the answer about a job as a message the bot remembers, so that a reply to it (a
    translation sent in answer to "Job 3 is yours") finds the job."""
    if not response.done or response.answer is None or job_id is None:
        return response
    said = Say.plain(msg.chat_id, response.answer, reply_to=msg.message_id, job_id=job_id,
                     remember="answer")
    return Response([*response.messages, said], None, True, response.wake_publisher)


async def on_reply(desk: Desk, person: Person, msg: Incoming, reply_to: int) -> Response | None:
    """A reply to one of the bot's messages: a translation, a reason for sending one back, or
    a remark (see :mod:`relay.review.reply_rule`)."""
    found = await desk.store.find_bot_message(msg.chat_id, reply_to)
    lang = person.language
    if found is None:
        if msg.chat_id == person.id or msg.reply_to_bot:
            # A reply to the bot's /help, /queue, thanks ...: answered, never ignored.
            return desk.refuse(t(lang, "no.not_a_card"), user=person.id, what="reply",
                               why="not a reply to a job message")
        return None  # a reply to someone else's message in the group
    job_id, kind, for_user = found
    if kind == "reject_prompt":
        if for_user != person.id:
            return desk.refuse(t(lang, "no.prompt_not_yours"), user=person.id,
                               what="reject reason", job=job_id,
                               why=f"the prompt was for {desk.name_of(for_user, str(for_user))}")
        return await actions.reject(desk, person, msg.chat_id, job_id, msg.text)
    if kind == "part_ack" and for_user != person.id:  # issue 10 (r10a): not your series
        return desk.refuse(t(lang, "no.prompt_not_yours"), user=person.id, what="reply",
                           job=job_id, why="reply to another translator's parts")
    if kind in JOB_REPLY_KINDS:
        # Asked for: an edit prompt to this person, or their own "part received" answer.
        asked_for = kind in ("edit_prompt", "part_ack") and for_user == person.id
        return await reply_about_job(desk, person, msg, job_id, asked_for=asked_for)
    return desk.refuse(t(lang, "no.not_a_card"), user=person.id, what="reply", job=job_id,
                       why=f"reply to a {kind} message")


async def reply_about_job(desk: Desk, person: Person, msg: Incoming, job_id: int, *,
                          asked_for: bool = False) -> Response | None:
    """Apply the reply rule: a draft, a question to the sender, "claimed by", or nothing."""
    lang = person.language
    job = await desk.job(job_id)
    if job is None:
        return desk.refuse(t(lang, "no.unknown_job", job=job_id), user=person.id,
                           what="reply", job=job_id, why="unknown job")
    try:
        clean_text(msg.text, msg.entities)  # an empty or too long text is refused as today
    except InputError as exc:
        return desk.refuse(t(lang, f"no.{exc.code}", **exc.fields), user=person.id,
                           what="submit", job=job_id, why=exc.code)
    decision = decide_reply(job, person.id, msg.text, target_language=job.language,
                            rules=desk.rules, now=desk.now(), asked_for=asked_for)
    if decision.action is ReplyAction.SUBMIT:
        # A translation, or one part of a longer one (relay/review/parts.py).
        return await parts.receive(desk, person, msg.chat_id, job_id,
                                   FormattedText(msg.text, msg.entities),
                                   message_id=msg.message_id)
    if decision.action is ReplyAction.ASK:
        return await offer(desk, person, msg, job_id, job.version)
    if decision.action is ReplyAction.CLAIMED_BY_OTHER:
        name = desk.name_of(decision.holder, str(decision.holder))
        return desk.refuse(t(lang, "no.claimed_reply", job=job_id, name=name), user=person.id,
                           what="reply", job=job_id, why=f"claimed by {name}")
    log.debug(event("bot.chatter", user=person.id, job=job_id, chat=msg.chat_id))
    if msg.private:
        return Response(answer=t(lang, "hint.chatter", job=job_id))
    return None


async def offer(desk: Desk, person: Person, msg: Incoming, job_id: int,
                version: int) -> Response:
    """Ask the sender whether their reply is the job's translation; the text waits in the
    store under an id that the Yes/No buttons carry (in place of a job version)."""
    offer_id = await desk.store.add_reply_offer(job_id, msg.chat_id, person.id, msg.message_id,
                                                version, msg.text, msg.entities, desk.now())
    log.info(event("reply.asked", job=job_id, user=person.id, offer=offer_id))
    lang = desk.chat_lang(msg.chat_id, person)
    return Response([Say.plain(msg.chat_id, t(lang, "offer.ask", job=job_id),
                               buttons=cards.offer_buttons(lang), job_id=job_id,
                               version=offer_id, reply_to=msg.message_id, remember="offer",
                               for_user=person.id)])


async def answer_offer(desk: Desk, person: Person, press: Press) -> Response:
    """Yes: submit exactly the text the question was about; No: forget it. Only its sender
    may answer."""
    lang = person.language
    what = "use as translation" if press.action == "use_yes" else "do not use"
    kept = await desk.store.reply_offer(press.version)
    if kept is None or kept.job_id != press.job_id:
        return desk.refuse(t(lang, "offer.gone"), user=person.id, what=what, job=press.job_id,
                           why="question already answered")
    if kept.user_id != person.id:
        return desk.refuse(t(lang, "no.prompt_not_yours"), user=person.id, what=what,
                           job=kept.job_id,
                           why=f"the question was for {desk.name_of(kept.user_id, '?')}")
    if press.action == "use_no":
        await desk.store.drop_reply_offer(kept.id)
        log.info(event("reply.not_used", job=kept.job_id, user=person.id))
        return Response(answer=t(lang, "offer.dropped", job=kept.job_id))
    job = await desk.job(kept.job_id)
    if job is None:
        return desk.refuse(t(lang, "no.unknown_job", job=kept.job_id), user=person.id,
                           what=what, job=kept.job_id, why="unknown job")
    holder = job.claimed_by if claim_active(job.state, desk.rules, desk.now()) else None
    if job.status == Status.QUEUED and holder not in (None, person.id):
        name = desk.name_of(holder, str(holder))
        return desk.refuse(t(lang, "no.claimed_reply", job=job.id, name=name), user=person.id,
                           what=what, job=job.id, why=f"claimed by {name}")
    # A queued job may have been claimed by the sender since; any other change is refused.
    expected = None if job.status == Status.QUEUED else kept.job_version
    response = await actions.submit(desk, person, kept.chat_id, kept.job_id, kept.text,
                                    kept.entities, reply_to=kept.message_id,
                                    expected_version=expected)
    if response.done:
        await desk.store.drop_reply_offer(kept.id)
    return response


# ---------------------------------------------------------------------- buttons
async def on_press(desk: Desk, chat_id: int, sender_id: int | None, private: bool,
                   press: Press | None, message_id: int) -> Response:
    """A button press; ``press`` is None when its data is malformed or not signed by relay."""
    if not desk.chat_allowed(chat_id, private):
        log_refusal(sender_id, "button", None, "chat not configured", chat=chat_id,
                    level=logging.WARNING)
        return Response()
    person = desk.person_for(sender_id, chat_id, what="button")
    if person is None:
        return Response.refused(t("en", "no.not_configured", user=sender_id))
    if press is None:
        return desk.refuse(t(person.language, "no.bad_button"), user=person.id, what="button",
                           why="bad button data", level=logging.WARNING)
    return await handle_press(desk, person, chat_id, press, message_id)


async def handle_press(desk: Desk, person: Person, chat_id: int, press: Press,
                       message_id: int) -> Response:
    """Act on a verified press of a known person."""
    if press.action in ("use_yes", "use_no"):
        return await answer_offer(desk, person, press)
    if press.action == "reject":
        return await prompt(desk, person, chat_id, press, "reject_prompt", "prompt.reject")
    if press.action == "edit":
        return await prompt(desk, person, chat_id, press, "edit_prompt", "prompt.edit")
    if press.action == "done":  # issue 10 (r10a): the parts of a translation are complete
        return await parts.done(desk, person, chat_id, press.job_id)
    if press.action == memory.ACTION:  # issue 14: an earlier approved translation
        return await memory.send_earlier(desk, person, chat_id, press)
    if press.action == "split":  # issue 11: a wrong copy match, split off by an editor
        return await statements.split(desk, person, press.job_id, press.version)
    if press.action == "retry":
        return await actions.retry(desk, person, press.job_id)
    if press.action == machine_draft.ACTION:  # issue 14: send the translator the draft
        return await machine_draft.send_draft(desk, person, chat_id, press)
    if press.action == "notfa":
        return await actions.relang(desk, person, chat_id, press.job_id, "und",
                                    expected_version=press.version)
    response = await actions.act(desk, person, chat_id, press.job_id,
                                 PRESS_ACTIONS[press.action], expected_version=press.version,
                                 confirm=press.action == "confirm")
    if response.done and press.action == "confirm":
        await desk.store.drop_bot_message(chat_id, message_id)
    return response


async def prompt(desk: Desk, person: Person, chat_id: int, press: Press, kind: str,
                 key: str) -> Response:
    """Ask for a reply (a reason, a corrected translation) tied to the job and the person."""
    job = await desk.job(press.job_id)
    lang = person.language
    what = "reject" if kind == "reject_prompt" else "edit"
    if job is None:
        return desk.refuse(t(lang, "no.unknown_job", job=press.job_id), user=person.id,
                           what=what, job=press.job_id, why="unknown job")
    if kind == "reject_prompt" and not person.is_editor:
        return desk.refuse(t(lang, "no.not_editor"), user=person.id, what=what, job=job.id,
                           why="not an editor")
    if job.version != press.version:
        return desk.refuse(await desk.outdated_button(job, lang, person.id), user=person.id,
                           what=what, job=job.id, why=str(Refusal.OUTDATED_BUTTON))
    said = [Say.plain(chat_id, t(desk.chat_lang(chat_id, person), key, job=job.id),
                      job_id=job.id, remember=kind, for_user=person.id)]
    if kind == "edit_prompt" and job.draft_text:  # issue 10 (r10a): in as many messages as needed
        said += [Say(chat_id, part, job_id=job.id, remember=kind, for_user=person.id)
                 for part in split(FormattedText(job.draft_text, job.draft_entities), TEXT_LIMIT)]
    return Response(list(said), t(lang, key, job=job.id))
