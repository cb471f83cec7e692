"""What reaches the bot: messages (commands, replies to its messages) and button presses.

Who may talk to the bot is decided here; what each command does is in
:mod:`relay.review.commands`, what each action does in :mod:`relay.review.actions`.
"""

from __future__ import annotations

import logging

from relay.config import Person
from relay.core.workflow import Action
from relay.logs import event
from relay.review import actions, parts
from relay.review.commands import run_command
from relay.review.conversation import Incoming, Press, Response, Say
from relay.review.desk import Desk
from relay.review.texts import t
from relay.text.formatting import FormattedText
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

#: Replies to these kinds of bot message are translations (``part_ack``: the bot's "part
#: received" answer, relay/review/parts.py).
DRAFT_KINDS = ("card", "preview", "edit_prompt", "part_ack")


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
        return await run_command(desk, person, msg)
    if msg.reply_to:
        return await on_reply(desk, person, msg, msg.reply_to)
    return Response.refused(t(person.language, "no.not_a_card"))


async def on_reply(desk: Desk, person: Person, msg: Incoming, reply_to: int) -> Response | None:
    """A reply to one of the bot's messages: a translation, or a reason for sending one back."""
    found = await desk.store.find_bot_message(msg.chat_id, reply_to)
    lang = person.language
    if found is None:
        if msg.chat_id == person.id:
            return Response.refused(t(lang, "no.not_a_card"))
        return None
    job_id, kind, for_user = found
    if kind == "reject_prompt":
        if for_user != person.id:
            return Response.refused(t(lang, "no.prompt_not_yours"))
        return await actions.reject(desk, person, msg.chat_id, job_id, msg.text)
    if kind in DRAFT_KINDS:
        if kind == "part_ack" and for_user != person.id:  # issue 10 (r10a): not your series
            return Response.refused(t(lang, "no.prompt_not_yours"))
        # issue 10 (r10a): a translation, or one part of a longer one (relay/review/parts.py)
        return await parts.receive(desk, person, msg.chat_id, job_id,
                                   FormattedText(msg.text, msg.entities),
                                   message_id=msg.message_id)
    return None


# ---------------------------------------------------------------------- buttons
async def on_press(desk: Desk, chat_id: int, sender_id: int | None, private: bool,
                   press: Press | None, message_id: int) -> Response:
    """A button press; ``press`` is None when its data is malformed or not signed by relay."""
    if not desk.chat_allowed(chat_id, private):
        log.warning(event("bot.refused", reason="chat not configured", chat=chat_id,
                          user=sender_id, what="button"))
        return Response()
    person = desk.person_for(sender_id, chat_id, what="button")
    if person is None:
        return Response.refused(t("en", "no.not_configured", user=sender_id))
    if press is None:
        log.warning(event("bot.refused", reason="bad button data", user=person.id, chat=chat_id))
        return Response.refused(t(person.language, "no.bad_button"))
    return await handle_press(desk, person, chat_id, press, message_id)


async def handle_press(desk: Desk, person: Person, chat_id: int, press: Press,
                       message_id: int) -> Response:
    """Act on a verified press of a known person."""
    if press.action == "reject":
        return await prompt(desk, person, chat_id, press, "reject_prompt", "prompt.reject")
    if press.action == "edit":
        return await prompt(desk, person, chat_id, press, "edit_prompt", "prompt.edit")
    if press.action == "done":  # issue 10 (r10a): the parts of a translation are complete
        return await parts.done(desk, person, chat_id, press.job_id)
    if press.action == "retry":
        return await actions.retry(desk, person, press.job_id)
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
    if job is None:
        return Response.refused(t(lang, "no.unknown_job", job=press.job_id))
    if kind == "reject_prompt" and not person.is_editor:
        return Response.refused(t(lang, "no.not_editor"))
    if job.version != press.version:
        return Response.refused(await desk.outdated_button(job, lang))
    said = [Say.plain(chat_id, t(desk.chat_lang(chat_id, person), key, job=job.id),
                      job_id=job.id, remember=kind, for_user=person.id)]
    if kind == "edit_prompt" and job.draft_text:  # issue 10 (r10a): in as many messages as needed
        said += [Say(chat_id, part, job_id=job.id, remember=kind, for_user=person.id)
                 for part in split(FormattedText(job.draft_text, job.draft_entities), 4096)]
    return Response(list(said), t(lang, key, job=job.id))
