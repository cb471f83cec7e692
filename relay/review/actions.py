"""Review use cases that change a job: act (claim, approve, skip, ...), submit, reject, relang,
retry. Each takes plain values and returns a :class:`Response`; every state change is one call
to :func:`relay.store.review_queries.apply` (one transaction, one audit row).
"""

from __future__ import annotations

import logging

from relay.config import Person
from relay.core.jobview import JobView
from relay.core.sanitize import InputError, clean_reason, clean_text
from relay.core.workflow import Action, Refusal, Status
from relay.logs import event
from relay.review import cards, glossary, machine_draft
from relay.review.conversation import RefreshCards, Response, Say
from relay.review.desk import Desk, actor_of, log_refusal
from relay.review.texts import t
from relay.text.compose import compose
from relay.text.formatting import Entity, FormattedText

log = logging.getLogger("relay.bot")


async def act(desk: Desk, person: Person, chat_id: int, job_id: int, action: Action, *,
              expected_version: int | None = None, confirm: bool = False,
              reason: str | None = None, keep: bool = True,
              lang_code: str | None = None) -> Response:
    """Apply one action for a person; the answer says what happened (or why not)."""
    lang = person.language
    tr = await desk.store.apply(job_id, action, actor_of(person), desk.rules,
                                desk.now(), expected_version=expected_version, confirm=confirm,
                                reason=reason, keep=keep, lang=lang_code)
    if not tr.ok:
        asked = []
        if tr.refusal == Refusal.NEEDS_CONFIRMATION and tr.job is not None:
            asked.append(confirmation(desk, person, chat_id, tr.job))
        return desk.refuse(desk.refusal_text(tr, lang, job_id, person.id), user=person.id,
                           what=action.value, job=job_id, why=str(tr.refusal), messages=asked)
    log.info(event(f"job.{action.value}", job=job_id, user=person.id,
                   to=tr.job.status if tr.job else None))
    approved = tr.job is not None and tr.job.status == Status.APPROVED
    return Response([RefreshCards(job_id), *tell_translator(desk, person, action, tr.job, reason)],
                    desk.ok_text(action, tr.job, lang, keep=keep, lang_code=lang_code),
                    wake_publisher=approved)


def tell_translator(desk: Desk, person: Person, action: Action, job: JobView | None,
                    reason: str | None) -> list[Say]:
    """Tell the translator when an editor decided on their work."""
    if job is None or job.translator_id is None or job.translator_id == person.id:
        return []
    lang = desk.lang_of(job.translator_id)
    if action == Action.REJECT:
        text = t(lang, "told.rejected", job=job.id, editor=person.name, reason=reason or "")
    elif action == Action.APPROVE:
        text = t(lang, "told.approved", job=job.id, editor=person.name)
    else:
        return []
    return [Say.plain(job.translator_id, text, on_failure="bot.tell_failed",
                      fallback=desk.review_chat)]


def confirmation(desk: Desk, person: Person, chat_id: int, job: JobView) -> Say:
    """Ask an editor to approve a draft made before the source was edited."""
    lang = desk.chat_lang(chat_id, person)
    text = t(lang, "prompt.confirm", job=job.id,
             diff=cards.change_summary(job.draft_source_text or "", job.source_text))
    return Say.plain(chat_id, text, buttons=cards.confirm_buttons(lang), job_id=job.id,
                     version=job.version, remember="confirm", for_user=person.id)


async def submit(desk: Desk, person: Person, chat_id: int, job_id: int, text: str,
                 entities: tuple[Entity, ...], *, reply_to: int | None,
                 expected_version: int | None = None) -> Response:
    """A translation (a reply to a card, a preview or an edit prompt, /tr, or a Yes)."""
    lang = person.language
    try:
        cleaned = clean_text(text, entities)
    except InputError as exc:
        return desk.refuse(t(lang, f"no.{exc.code}", **exc.fields), user=person.id,
                           what="submit", job=job_id, why=exc.code)
    tr = await desk.store.apply(job_id, Action.SUBMIT, actor_of(person), desk.rules,
                                desk.now(), draft=cleaned, expected_version=expected_version)
    if not tr.ok:
        return desk.refuse(desk.refusal_text(tr, lang, job_id, person.id), user=person.id,
                           what="submit", job=job_id, why=str(tr.refusal))
    job = tr.job
    if job is None:  # a transition that was made reloads its job in the same transaction
        raise RuntimeError(f"job {job_id} was drafted but could not be reloaded")
    log.info(event("job.drafted", job=job_id, translator=person.id))
    await glossary.current(desk)  # the preview's glossary check reads the latest terms
    await machine_draft.after_submit(desk, person, job, cleaned.text)  # issue 14: audit
    messages: list[Say | RefreshCards] = [
        Say.plain(chat_id, t(lang, "ok.submit", job=job_id), reply_to=reply_to, job_id=job_id,
                  remember="thanks"),
        *preview(desk, chat_id, job, desk.chat_lang(chat_id, person), reply_to=reply_to,
                 viewer=None if chat_id == desk.review_chat else person)]
    if not desk.review_chat:  # private chats: every editor gets the preview to decide on
        for editor in desk.settings.people:
            if editor.is_editor and editor.id != person.id:
                messages += preview(desk, editor.id, job, editor.language,
                                    on_failure="bot.preview_failed")
    messages.append(RefreshCards(job_id))
    return Response(messages)


def render_preview(desk: Desk, job: JobView) -> list[FormattedText]:
    """The translation exactly as the publisher will render it for subscribers."""
    target = desk.targets.get(job.target)
    if target is None:
        return [FormattedText(job.draft_text or "", job.draft_entities)]
    return compose(job, target, desk.name_of(job.translator_id, ""))


def preview(desk: Desk, chat_id: int, job: JobView, lang: str, *, reply_to: int | None = None,
            on_failure: str | None = None, viewer: Person | None = None) -> list[Say]:
    """The preview messages, the last one with Approve / Edit / Reject. In a private chat
    (``viewer``), a translator-editor sees no Approve on their own draft under four eyes."""
    parts = render_preview(desk, job)
    own = (viewer is not None and desk.rules.four_eyes and job.translator_id == viewer.id)
    buttons = cards.preview_buttons(lang, approve=not own)
    warning = glossary.preview_warning(desk, job, lang)  # issue 14: an agreed term missing
    return [*([Say.plain(chat_id, warning, job_id=job.id, reply_to=reply_to,
                         on_failure=on_failure)] if warning else []),
            *(Say(chat_id, part, buttons if i == len(parts) - 1 else None,
                  job_id=job.id, version=job.version, reply_to=reply_to, remember="preview",
                  on_failure=on_failure)
              for i, part in enumerate(parts))]


async def reject(desk: Desk, person: Person, chat_id: int, job_id: int, reason_text: str, *,
                 expected_version: int | None = None) -> Response:
    try:
        reason = clean_reason(reason_text)
    except InputError:
        return desk.refuse(t(person.language, "no.no_reason"), user=person.id, what="reject",
                           job=job_id, why="no reason")
    return await act(desk, person, chat_id, job_id, Action.REJECT, reason=reason,
                     expected_version=expected_version)


async def retry(desk: Desk, person: Person, job_id: int) -> Response:
    """Try a failed publication again."""
    lang = person.language
    if not person.is_editor:
        return desk.refuse(t(lang, "no.not_editor"), user=person.id, what="retry", job=job_id,
                           why="not an editor")
    count = await desk.store.retry_failed(job_id, desk.now())
    if not count:
        return desk.refuse(t(lang, "no.nothing_to_retry", job=job_id), user=person.id,
                           what="retry", job=job_id, why="nothing to retry")
    log.info(event("publish.retry_requested", job=job_id, user=person.id))
    return Response([RefreshCards(job_id)], t(lang, "ok.retry", job=job_id), wake_publisher=True)


async def relang(desk: Desk, person: Person, chat_id: int, job_id: int, code: str, *,
                 expected_version: int | None = None) -> Response:
    """Correct the language of a job's post: every job of the post stays or goes, all in one
    transaction, and nothing changes when the pressed job's card was out of date."""
    lang = person.language
    job = await desk.job(job_id)
    if job is None:
        return desk.refuse(t(lang, "no.unknown_job", job=job_id), user=person.id,
                           what="relang", job=job_id, why="unknown job")
    keep = code in desk.queued_languages(job)
    reason = None if keep else f"language {code}"
    results = await desk.store.relang_unit(job_id, actor_of(person), desk.rules, desk.now(),
                                           code=code, keep=keep, reason=reason,
                                           expected_version=expected_version)
    messages: list[Say | RefreshCards] = []
    first: Response | None = None
    for other, tr in results:
        if tr.ok:
            log.info(event("job.relang", job=other, user=person.id,
                           to=tr.job.status if tr.job else None))
            messages.append(RefreshCards(other))
        elif other != job_id:
            log_refusal(person.id, "relang", other, str(tr.refusal))
        if other == job_id:
            first = (Response([], desk.ok_text(Action.RELANG, tr.job, lang, keep=keep,
                                               lang_code=code)) if tr.ok else
                     desk.refuse(desk.refusal_text(tr, lang, job_id, person.id),
                                 user=person.id, what="relang", job=job_id,
                                 why=str(tr.refusal)))
    if first is None:
        return desk.refuse(t(lang, "no.unknown_job", job=job_id), user=person.id,
                           what="relang", job=job_id, why="unknown job")
    return Response(messages, first.answer, first.done)
