"""The card board: which cards to post and edit, expired claims, and notices for editors.

Cards are rendered by :mod:`relay.review.cards` from the stored job every time; the adapter
sends what these use cases return and reports each sent card back with :func:`remember`.
"""

from __future__ import annotations

import logging

from relay.core.jobview import JobView
from relay.core.workflow import SYSTEM, Action, Status
from relay.logs import event
from relay.review import cards, glossary, machine_draft, memory, publish_errors
from relay.review.conversation import ButtonRows, CardEdit, RefreshCards, Response, Say
from relay.review.desk import Desk
from relay.review.texts import t, term
from relay.text.formatting import FormattedText

log = logging.getLogger("relay.bot")

CARD_BATCH = 20
#: Messages that show a job's draft: an editor who was shown one may approve that version.
SHOWS_DRAFT = ("preview", "show")


async def jobs_without_cards(desk: Desk, after: int) -> list[int]:
    """Queued jobs above ``after`` that have no card yet (oldest first, a batch at a time)."""
    return await desk.store.jobs_without_cards(CARD_BATCH, after)


async def new_card(desk: Desk, job_id: int) -> list[Say]:
    """The job's card for every review chat (none if the job is gone)."""
    job = await desk.job(job_id)
    if job is None:
        return []
    link, failure = await desk.card_info(job)
    now = desk.now()
    chats = desk.card_chats()
    shown = await machine_draft.decorate(desk, job, [  # issue 14: the machine draft, if any
        (*await _card(desk, job, now, lang, link, failure), lang) for _chat, lang in chats])
    return [Say(chat, text, buttons, job_id=job.id, version=job.version, remember="card",
                on_failure="bot.card_failed")
            for (chat, _lang), (text, buttons) in zip(chats, shown, strict=True)]


async def _card(desk: Desk, job: JobView, now: int, lang: str, link: str | None,
                failure: str | None) -> tuple[FormattedText, ButtonRows]:
    """A card's text and buttons, with the glossary and translation memory hints (issue 14)."""
    remembered, memory_buttons = await memory.card_hint(desk, job, lang)
    hints = [*await glossary.card_hint(desk, job, lang), *remembered]
    return (cards.render_card(job, desk.names, desk.rules, now, lang, link, failure,
                              hints=hints),
            cards.card_buttons(job, desk.rules, now, lang, failure,
                               desk.queued_languages(job)) + memory_buttons)


async def card_edits(desk: Desk, job_id: int) -> list[CardEdit]:
    """Every posted card of the job, re-rendered to show its current state."""
    job = await desk.job(job_id)
    if job is None:
        return []
    langs = dict(desk.card_chats())
    link, failure = await desk.card_info(job)
    posted = await desk.store.bot_messages_of(job_id, "card")
    now = desk.now()
    shown = await machine_draft.decorate(desk, job, [  # issue 14: the machine draft, if any
        (*await _card(desk, job, now, langs.get(chat, "en"), link, failure),
         langs.get(chat, "en"))
        for chat, _message_id in posted])
    return [CardEdit(chat, message_id, text, buttons, job.id, job.version)
            for (chat, message_id), (text, buttons) in zip(posted, shown, strict=True)]


async def remember(desk: Desk, chat: int, message_id: int, said: Say) -> None:
    """Tie a sent message to its job, so that replies and edits find it."""
    if said.remember is None or said.job_id is None:
        return
    await desk.store.add_bot_message(chat, message_id, said.job_id, said.remember,
                                     desk.now(), said.for_user)
    if said.remember in SHOWS_DRAFT and said.version:
        await desk.store.mark_draft_shown(chat, said.job_id, said.version, desk.now())


async def expire_claims(desk: Desk) -> Response:
    now = desk.now()
    refreshes: list[Say | RefreshCards] = []
    for job_id in await desk.store.expired_claims(now, desk.rules.claim_seconds):
        tr = await desk.store.apply(job_id, Action.EXPIRE_CLAIM, SYSTEM, desk.rules, now)
        if tr.ok:
            log.info(event("claim.expired", job=job_id))
            refreshes.append(RefreshCards(job_id))
    return Response(refreshes)


async def index_pending(desk: Desk) -> None:
    """Keep the archive search index up to date (the card loop calls this every round)."""
    await desk.store.index_pending()


def tell_editors(desk: Desk, key: str, **fields: object) -> list[Say]:
    """A notice for editors: in the review group, or in each editor's private chat."""
    return [Say.plain(chat, t(lang, key, **fields), on_failure="bot.tell_failed")
            for chat, lang in desk.editor_chats()]


async def source_changed(desk: Desk, job_id: int) -> Response:
    """The watcher stored an edit or deletion of the job's source: refresh its cards, and tell
    editors when a published post's source was edited or deleted."""
    said: list[Say | RefreshCards] = [RefreshCards(job_id)]
    job = await desk.job(job_id)
    if job is None or job.status not in (Status.PUBLISHED, Status.STALE):
        return Response(said)
    link = await desk.publication_link(job) or ""
    if job.statement_deleted:  # a copy still carrying it keeps the publication (issue 11)
        action = desk.settings.publish.on_source_deleted
        said += [Say.plain(chat, t(lang, "told.deleted", job=job.id, link=link,
                                   action=term(lang, "deleted_action", action)),
                           on_failure="bot.tell_failed") for chat, lang in desk.editor_chats()]
    elif job.status == Status.STALE and not job.source_deleted:
        said += tell_editors(desk, "told.stale", job=job.id, link=link, diff=cards.change_summary(
            job.draft_source_text or "", job.source_text))
    return Response(said)


def publish_failed(desk: Desk, job_id: int, reason: str) -> Response:
    """Tell editors, in their language, why the job could not be published and the fix
    (``reason`` may carry the channel: :func:`publish_errors.locate`)."""
    return Response([RefreshCards(job_id), *(
        Say.plain(chat, t(lang, "told.failed", job=job_id,
                          reason=publish_errors.explain(reason, lang)),
                  on_failure="bot.tell_failed") for chat, lang in desk.editor_chats())])
