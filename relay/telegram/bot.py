"""The review bot: cards in the review chat, replies, buttons and commands (Telethon adapter).

The rules live in :mod:`relay.core.workflow`, the words in :mod:`relay.review.texts`, the
card layout in :mod:`relay.review.cards`; this module only moves things between Telegram and
the store. Every state change is one call to :func:`relay.store.review_queries.apply` (one
transaction, one audit row); the cards of the job are then edited to show the truth.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from telethon import Button, TelegramClient, errors, events
from telethon.tl import types

from relay.config import Person, Settings
from relay.core.jobview import JobView
from relay.core.sanitize import InputError, clean_reason, clean_text
from relay.core.workflow import SYSTEM, Action, Actor, Refusal, Rules
from relay.logs import event
from relay.review import cards
from relay.review.commands import CommandContext, run_command
from relay.review.texts import status_name, t
from relay.store import outbox
from relay.store import review_queries as store
from relay.store.db import Database
from relay.telegram.callbacks import CallbackSigner, Press
from relay.telegram.entities import from_telethon, to_telethon
from relay.telegram.flood import forget_flood_waits
from relay.telegram.menu import install_command_menus
from relay.text.compose import compose
from relay.text.formatting import FormattedText
from relay.text.links import post_link

log = logging.getLogger("relay.bot")

_PRESS_ACTIONS = {
    "claim": Action.CLAIM,
    "release": Action.RELEASE,
    "skip": Action.SKIP,
    "approve": Action.APPROVE,
    "confirm": Action.APPROVE,
    "reopen": Action.REOPEN,
    "keep": Action.ACKNOWLEDGE,
}


def actor_of(person: Person) -> Actor:
    return Actor(person.id, person.is_translator, person.is_editor)


class ReviewBot:
    """Runs on the bot client beside the watcher, on the same database."""

    def __init__(self, client: TelegramClient, db: Database, settings: Settings, *,
                 signer: CallbackSigner, clock: Callable[[], float] = time.time):
        self.client = client
        self.db = db
        self.settings = settings
        self.signer = signer
        self.clock = clock
        self.rules = Rules(claim_seconds=settings.review.claim_minutes * 60,
                           four_eyes=settings.review.four_eyes)
        self.people = {p.id: p for p in settings.people}
        self.names = {p.id: p.name for p in settings.people}
        self.review_chat = settings.review.chat
        self.targets = {t_.key: t_ for t_ in settings.targets}
        self._wake = asyncio.Event()
        self._cards_lock = asyncio.Lock()
        self._carded_up_to = 0  # every queued job up to this id has its card
        self._loop_task: asyncio.Task | None = None
        self._stopping = False
        self._inflight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._handlers: list[tuple[Any, Any]] = []
        self.me: types.User | None = None
        self.on_approved: Callable[[], Any] | None = None  # wakes the publisher

    # ------------------------------------------------------------------ lifecycle
    @property
    def running(self) -> bool:
        return not self._stopping and self._loop_task is not None and not self._loop_task.done()

    async def start(self) -> None:
        self._stopping = False
        self.client.parse_mode = None  # nothing anyone types is ever parsed as markup
        self.me = await self.client.get_me()
        for callback, builder in ((self._on_message, events.NewMessage(incoming=True)),
                                  (self._on_press, events.CallbackQuery())):
            self.client.add_event_handler(callback, builder)
            self._handlers.append((callback, builder))
        try:
            await install_command_menus(self.client, self.settings)
        except (errors.RPCError, ValueError) as exc:
            log.warning(event("bot.menu_failed", error=type(exc).__name__))
        self._loop_task = asyncio.create_task(self._card_loop(), name="bot-cards")
        log.info(event("bot.started", username=self.me.username, people=len(self.people),
                       review_chat=self.review_chat or "private chats"))

    async def stop(self, timeout: float = 5.0) -> None:
        self._stopping = True
        for callback, builder in self._handlers:
            self.client.remove_event_handler(callback, builder)
        self._handlers.clear()
        if self._loop_task:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning(event("bot.stop_timeout", inflight=self._inflight))

    def notify(self, changed_jobs: Iterable[int] = ()) -> None:
        """The watcher stored something: post new cards, refresh cards of changed jobs, and
        tell editors when a published post's source was edited or deleted."""
        for job_id in changed_jobs:
            asyncio.get_running_loop().create_task(self._guarded(self._source_changed(job_id)))
        self._wake.set()

    async def _source_changed(self, job_id: int) -> None:
        await self.refresh(job_id)
        job = await self.db.read(store.load_job, job_id)
        if job is None or job.status not in ("published", "stale"):
            return
        link = await self.publication_link(job) or ""
        if job.source_deleted:
            await self.tell_editors("told.deleted", job=job.id, link=link,
                                    action=self.settings.publish.on_source_deleted)
        elif job.status == "stale":
            await self.tell_editors("told.stale", job=job.id, link=link, diff=cards.change_summary(
                job.draft_source_text or "", job.source_text))

    def published(self, job_id: int) -> None:
        """The publisher posted (or corrected) a job: its cards show the link."""
        asyncio.get_running_loop().create_task(self._guarded(self.refresh(job_id)))

    def publish_failed(self, job_id: int, reason: str) -> None:
        async def tell() -> None:
            await self.refresh(job_id)
            await self.tell_editors("told.failed", job=job_id, reason=reason)
        asyncio.get_running_loop().create_task(self._guarded(tell()))

    async def tell_editors(self, key: str, **fields: object) -> None:
        """A notice for editors: in the review group, or in each editor's private chat."""
        if self.review_chat:
            chats = [(self.review_chat, "en")]
        else:
            chats = [(p.id, p.language) for p in self.settings.people if p.is_editor]
        for chat, lang in chats:
            try:
                await self.say(chat, t(lang, key, **fields))
            except (errors.RPCError, ValueError) as exc:
                log.warning(event("bot.tell_failed", chat=chat, error=type(exc).__name__))

    async def _guarded(self, coro: Any) -> None:
        self._inflight += 1
        self._idle.clear()
        try:
            await coro
        except Exception:  # noqa: BLE001 - one failure must not stop the bot
            log.exception(event("bot.task_failed"))
        finally:
            self._inflight -= 1
            if self._inflight == 0:
                self._idle.set()

    async def _card_loop(self) -> None:
        while not self._stopping:
            try:
                await self.post_pending_cards()
                await self.expire_claims()
                await self.db.run(store.index_pending)
            except Exception:  # noqa: BLE001 - keep the loop alive
                log.exception(event("bot.card_loop_failed"))
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=5)

    # ------------------------------------------------------------------ cards
    def card_chats(self) -> list[tuple[int, str]]:
        """(chat, language) pairs every card goes to."""
        if self.review_chat:
            return [(self.review_chat, "en")]
        return [(p.id, p.language) for p in self.settings.people if p.is_translator]

    def now(self) -> int:
        return int(self.clock())

    def chat_lang(self, chat_id: int, person: Person) -> str:
        """Shared messages in the review group are in English; a private chat is personal."""
        return "en" if self.review_chat and chat_id == self.review_chat else person.language

    async def post_pending_cards(self) -> int:
        async with self._cards_lock:  # never two posters: a job would get two cards
            return await self._post_pending_cards()

    async def _post_pending_cards(self) -> int:
        posted = 0
        while not self._stopping:
            job_ids = await self.db.read(store.jobs_without_cards, 20, self._carded_up_to)
            if not job_ids:
                return posted
            for job_id in job_ids:
                if not await self.post_card(job_id):
                    return posted  # no review chat took it: try again next round
                self._carded_up_to = max(self._carded_up_to, job_id)
                posted += 1
        return posted

    async def post_card(self, job_id: int) -> bool:
        """Post the job's card to every review chat; False if no chat could take it."""
        job = await self.db.read(store.load_job, job_id)
        if job is None:
            return True
        link, failure = await self.card_info(job)
        posted = 0
        for chat, lang in self.card_chats():
            text = cards.render_card(job, self.names, self.rules, self.now(), lang, link, failure)
            buttons = cards.card_buttons(job, self.rules, self.now(), lang, failure)
            try:
                sent = await self.send(chat, text, buttons, job)
            except (errors.RPCError, ValueError) as exc:
                log.warning(event("bot.card_failed", job=job_id, chat=chat,
                                  error=type(exc).__name__))
                continue
            await self.db.run(store.add_bot_message, chat, sent.id, job_id, "card", self.now())
            posted += 1
        if posted:
            log.info(event("card.posted", job=job_id))
        return posted > 0

    async def refresh(self, job_id: int) -> None:
        """Edit every card of the job to show its current state."""
        job = await self.db.read(store.load_job, job_id)
        if job is None:
            return
        langs = dict(self.card_chats())
        link, failure = await self.card_info(job)
        for chat, message_id in await self.db.read(store.bot_messages_of, job_id, "card"):
            lang = langs.get(chat, "en")
            text = cards.render_card(job, self.names, self.rules, self.now(), lang, link,
                                     failure)
            buttons = cards.card_buttons(job, self.rules, self.now(), lang, failure)
            await self.edit(chat, message_id, text, buttons, job)

    async def card_info(self, job: JobView) -> tuple[str | None, str | None]:
        """(link to the published post, why publishing failed) for a card."""
        return await self.publication_link(job), await self.db.read(outbox.failure_of, job.id)

    async def publication_link(self, job: JobView) -> str | None:
        parts = await self.db.read(outbox.posted_parts, job.id)
        target = self.targets.get(job.target)
        if not parts or target is None:
            return None
        return post_link(target.ref.username, parts[0].channel_id, parts[0].message_id)

    async def expire_claims(self) -> None:
        now = self.now()
        for job_id in await self.db.read(store.expired_claims, now, self.rules.claim_seconds):
            tr = await self.db.run(store.apply, job_id, Action.EXPIRE_CLAIM, SYSTEM, self.rules,
                                   now)
            if tr.ok:
                log.info(event("claim.expired", job=job_id))
                await self.refresh(job_id)

    # ------------------------------------------------------------------ sending
    def markup(self, buttons: list[list[cards.ButtonSpec]] | None, job: JobView,
               chat: int) -> list[list[Any]] | None:
        if not buttons:
            return None
        return [[Button.inline(b.label, self.signer.encode(b.action, job.id, job.version, chat))
                 for b in row] for row in buttons]

    async def _patiently(self, request: Callable[[], Awaitable[Any]]) -> Any:
        """Make a request, waiting out flood waits: Telegram allows a bot about 20 messages a
        minute in a group, and a burst of new posts means a burst of cards. Nothing is
        dropped; it just goes out later."""
        while True:
            try:
                return await request()
            except errors.FloodWaitError as exc:
                log.warning(event("bot.flood_wait", seconds=exc.seconds))
                await asyncio.sleep(exc.seconds + 1)
                forget_flood_waits(self.client)

    async def send(self, chat: int, text: FormattedText,
                   buttons: list[list[cards.ButtonSpec]] | None = None,
                   job: JobView | None = None, reply_to: int | None = None) -> Any:
        return await self._patiently(lambda: self.client.send_message(
            chat, text.text, formatting_entities=to_telethon(text.entities),
            buttons=self.markup(buttons, job, chat) if job else None, reply_to=reply_to,
            link_preview=False, parse_mode=None))

    async def say(self, chat: int, text: str, reply_to: int | None = None) -> Any:
        return await self.send(chat, FormattedText(text), reply_to=reply_to)

    async def edit(self, chat: int, message_id: int, text: FormattedText,
                   buttons: list[list[cards.ButtonSpec]] | None, job: JobView) -> None:
        try:
            await self._patiently(lambda: self.client.edit_message(
                chat, message_id, text.text, formatting_entities=to_telethon(text.entities),
                buttons=self.markup(buttons, job, chat), link_preview=False, parse_mode=None))
        except errors.MessageNotModifiedError:
            pass
        except (errors.RPCError, ValueError) as exc:
            log.warning(event("card.edit_failed", job=job.id, chat=chat, message=message_id,
                              error=type(exc).__name__))

    # ------------------------------------------------------------------ who may talk to me
    def _person_for(self, sender_id: int | None, chat_id: int, is_private: bool, *,
                    what: str) -> Person | None:
        person = self.people.get(sender_id or 0)
        if person is None:
            log.warning(event("bot.refused", reason="not configured", user=sender_id,
                              chat=chat_id, what=what))
        return person

    def _chat_allowed(self, chat_id: int, is_private: bool) -> bool:
        return is_private or (self.review_chat is not None and chat_id == self.review_chat)

    # ------------------------------------------------------------------ messages
    async def _on_message(self, ev: events.NewMessage.Event) -> None:
        if self._stopping:
            return
        await self._guarded(self._handle_message(ev))

    async def _handle_message(self, ev: Any) -> None:
        msg = ev.message
        chat_id, private = ev.chat_id, ev.is_private
        if not self._chat_allowed(chat_id, private):
            log.info(event("bot.ignored_chat", chat=chat_id))
            return
        text = msg.message or ""
        is_command = text.startswith("/")
        reply_to = msg.reply_to.reply_to_msg_id if msg.reply_to else None
        if not (is_command or reply_to or private):
            return  # group chatter that is not for the bot
        person = self._person_for(ev.sender_id, chat_id, private,
                                  what="command" if is_command else "message")
        if person is None:
            if is_command or private:
                await self.say(chat_id, t("en", "no.not_configured", user=ev.sender_id),
                               reply_to=msg.id)
            return
        if is_command:
            reply = await run_command(CommandContext(self, person, chat_id, msg))
            if reply:
                await self.say(chat_id, reply, reply_to=msg.id)
        elif reply_to:
            await self._handle_reply(person, chat_id, msg, reply_to)
        else:
            await self.say(chat_id, t(person.language, "no.not_a_card"), reply_to=msg.id)

    async def _handle_reply(self, person: Person, chat_id: int, msg: Any, reply_to: int) -> None:
        found = await self.db.read(store.find_bot_message, chat_id, reply_to)
        lang = person.language
        if found is None:
            if chat_id == person.id:
                await self.say(chat_id, t(lang, "no.not_a_card"), reply_to=msg.id)
            return
        job_id, kind, for_user = found
        if kind == "reject_prompt":
            if for_user != person.id:
                await self.say(chat_id, t(lang, "no.prompt_not_yours"), reply_to=msg.id)
                return
            await self.reject(person, chat_id, job_id, msg.message or "", reply_to=msg.id)
            return
        if kind in ("card", "preview", "edit_prompt"):
            await self.submit(person, chat_id, job_id, msg.message or "",
                              from_telethon(msg.entities), reply_to=msg.id)

    # ------------------------------------------------------------------ actions
    async def submit(self, person: Person, chat_id: int, job_id: int, text: str,
                     entities: tuple, *, reply_to: int | None) -> None:
        lang = person.language
        try:
            cleaned = clean_text(text, entities)
        except InputError as exc:
            await self.say(chat_id, t(lang, f"no.{exc.code}", **exc.fields), reply_to=reply_to)
            return
        tr = await self.db.run(store.apply, job_id, Action.SUBMIT, actor_of(person), self.rules,
                               self.now(), draft=cleaned)
        if not tr.ok:
            await self.say(chat_id, self.refusal_text(tr, lang, job_id), reply_to=reply_to)
            return
        log.info(event("job.drafted", job=job_id, translator=person.id))
        await self.say(chat_id, t(lang, "ok.submit", job=job_id), reply_to=reply_to)
        await self.send_preview(chat_id, tr.job, self.chat_lang(chat_id, person),
                                reply_to=reply_to)
        if not self.review_chat:  # private chats: every editor gets the preview to decide on
            for editor in self.settings.people:
                if editor.is_editor and editor.id != person.id:
                    try:
                        await self.send_preview(editor.id, tr.job, editor.language)
                    except (errors.RPCError, ValueError) as exc:
                        log.warning(event("bot.preview_failed", user=editor.id,
                                          error=type(exc).__name__))
        await self.refresh(job_id)

    def render_preview(self, job: JobView) -> list[FormattedText]:
        """The translation exactly as the publisher will render it for subscribers."""
        target = self.targets.get(job.target)
        if target is None:
            return [FormattedText(job.draft_text or "", job.draft_entities)]
        return compose(job, target, self.names.get(job.translator_id, ""))

    async def send_preview(self, chat_id: int, job: JobView, lang: str,
                           reply_to: int | None = None) -> None:
        parts = self.render_preview(job)
        for index, part in enumerate(parts):
            last = index == len(parts) - 1
            sent = await self.send(chat_id, part, cards.preview_buttons(lang) if last else None,
                                   job, reply_to=reply_to)
            await self.db.run(store.add_bot_message, chat_id, sent.id, job.id, "preview",
                              self.now())

    async def act(self, person: Person, chat_id: int, job_id: int, action: Action, *,
                  expected_version: int | None = None, confirm: bool = False,
                  reason: str | None = None, keep: bool = True,
                  lang_code: str | None = None) -> tuple[bool, str]:
        """Apply one action for a person; return (done, what to tell them)."""
        lang = person.language
        tr = await self.db.run(store.apply, job_id, action, actor_of(person), self.rules,
                               self.now(), expected_version=expected_version, confirm=confirm,
                               reason=reason, keep=keep, lang=lang_code)
        if not tr.ok:
            if tr.refusal == Refusal.NEEDS_CONFIRMATION:
                await self.ask_confirmation(person, chat_id, tr.job)
            log.info(event("bot.refused", user=person.id, job=job_id, action=action.value,
                           reason=str(tr.refusal)))
            return False, self.refusal_text(tr, lang, job_id)
        log.info(event(f"job.{action.value}", job=job_id, user=person.id,
                       to=tr.job.status if tr.job else None))
        if tr.job and tr.job.status == "approved" and self.on_approved:
            self.on_approved()
        await self.refresh(job_id)
        await self.after(person, action, tr.job, reason)
        return True, self.ok_text(action, tr.job, lang, keep=keep, lang_code=lang_code)

    async def after(self, person: Person, action: Action, job: JobView | None,
                    reason: str | None) -> None:
        """Tell the translator when an editor decided on their work."""
        if job is None or job.translator_id is None or job.translator_id == person.id:
            return
        if action == Action.REJECT:
            text = t(self._lang_of(job.translator_id), "told.rejected", job=job.id,
                     editor=person.name, reason=reason or "")
        elif action == Action.APPROVE:
            text = t(self._lang_of(job.translator_id), "told.approved", job=job.id,
                     editor=person.name)
        else:
            return
        try:
            await self.say(job.translator_id, text)
        except (errors.RPCError, ValueError) as exc:
            log.warning(event("bot.tell_failed", user=job.translator_id,
                              error=type(exc).__name__))
            if self.review_chat:
                await self.say(self.review_chat, text)

    def _lang_of(self, user_id: int) -> str:
        person = self.people.get(user_id)
        return person.language if person else "en"

    async def reject(self, person: Person, chat_id: int, job_id: int, reason_text: str, *,
                     reply_to: int | None, expected_version: int | None = None) -> None:
        try:
            reason = clean_reason(reason_text)
        except InputError:
            await self.say(chat_id, t(person.language, "no.no_reason"), reply_to=reply_to)
            return
        _, text = await self.act(person, chat_id, job_id, Action.REJECT, reason=reason,
                                 expected_version=expected_version)
        await self.say(chat_id, text, reply_to=reply_to)

    async def ask_confirmation(self, person: Person, chat_id: int, job: JobView | None) -> None:
        if job is None:
            return
        lang = self.chat_lang(chat_id, person)
        text = t(lang, "prompt.confirm", job=job.id,
                 diff=cards.change_summary(job.draft_source_text or "", job.source_text))
        sent = await self.send(chat_id, FormattedText(text), cards.confirm_buttons(lang), job)
        await self.db.run(store.add_bot_message, chat_id, sent.id, job.id, "confirm", self.now(),
                          person.id)

    def ok_text(self, action: Action, job: JobView | None, lang: str, *, keep: bool = True,
                lang_code: str | None = None) -> str:
        job_id = job.id if job else "?"
        if action == Action.CLAIM:
            return t(lang, "ok.claim", job=job_id, minutes=self.settings.review.claim_minutes)
        if action == Action.REJECT:
            return t(lang, "ok.reject", job=job_id,
                     name=self.names.get(job.translator_id, "?") if job else "?")
        if action == Action.RELANG:
            return t(lang, "ok.relang_keep" if keep else "ok.relang_drop", job=job_id,
                     lang=lang_code)
        return t(lang, f"ok.{action.value}", job=job_id)

    def refusal_text(self, tr: store.Transition, lang: str, job_id: int) -> str:
        job = tr.job
        status = status_name(lang, job.status) if job else "?"
        last = tr.last
        who = self.names.get(last.actor_id, "relay") if last and last.actor_id else "relay"
        at = cards.fmt_time(last.at) if last else "?"
        fields = {"job": job_id, "status": status, "name": who, "at": at,
                  "action": last.action if last else "?"}
        if tr.refusal == Refusal.CLAIMED_BY_OTHER and job:
            fields["name"] = self.names.get(job.claimed_by, str(job.claimed_by))
            fields["at"] = cards.fmt_time(job.claimed_at)
        if tr.refusal == Refusal.NOT_YOUR_CLAIM and job:
            fields["name"] = self.names.get(job.claimed_by, str(job.claimed_by))
        return t(lang, f"no.{tr.refusal}", **fields)

    # ------------------------------------------------------------------ buttons
    async def _on_press(self, ev: events.CallbackQuery.Event) -> None:
        if self._stopping:
            return
        await self._guarded(self._handle_press(ev))

    async def _handle_press(self, ev: Any) -> None:
        chat_id = ev.chat_id
        if not self._chat_allowed(chat_id, ev.is_private):
            log.warning(event("bot.refused", reason="chat not configured", chat=chat_id,
                              user=ev.sender_id, what="button"))
            await ev.answer()
            return
        person = self._person_for(ev.sender_id, chat_id, ev.is_private, what="button")
        if person is None:
            await ev.answer(t("en", "no.not_configured", user=ev.sender_id), alert=True)
            return
        press = self.signer.decode(ev.data or b"", chat_id)
        if press is None:
            log.warning(event("bot.refused", reason="bad button data", user=person.id,
                              chat=chat_id))
            await ev.answer(t(person.language, "no.bad_button"), alert=True)
            return
        text, alert = await self.handle_press(person, chat_id, press, ev.message_id)
        await ev.answer(text, alert=alert)

    async def handle_press(self, person: Person, chat_id: int, press: Press,
                           message_id: int) -> tuple[str, bool]:
        """Act on a verified button press; return (answer, show as alert)."""
        if press.action == "reject":
            return await self._prompt(person, chat_id, press, "reject_prompt", "prompt.reject")
        if press.action == "edit":
            return await self._prompt(person, chat_id, press, "edit_prompt", "prompt.edit")
        if press.action == "retry":
            done, text = await self.retry(person, press.job_id)
            return text, not done
        if press.action == "notfa":
            done, text = await self.relang(person, chat_id, press.job_id, "und",
                                           expected_version=press.version)
            return text, not done
        action = _PRESS_ACTIONS[press.action]
        done, text = await self.act(person, chat_id, press.job_id, action,
                                    expected_version=press.version,
                                    confirm=press.action == "confirm")
        if done and press.action == "confirm":
            await self.db.run(store.drop_bot_message, chat_id, message_id)
        return text, not done

    async def _prompt(self, person: Person, chat_id: int, press: Press, kind: str,
                      key: str) -> tuple[str, bool]:
        job = await self.db.read(store.load_job, press.job_id)
        lang = person.language
        needs_editor = kind == "reject_prompt"
        if job is None:
            return t(lang, "no.unknown_job", job=press.job_id), True
        if needs_editor and not person.is_editor:
            return t(lang, "no.not_editor"), True
        if job.version != press.version:
            tr = store.Transition(False, job, job.status, Refusal.OUTDATED_BUTTON,
                                  await self.db.read(store.last_change, job.id))
            return self.refusal_text(tr, lang, job.id), True
        prompt = t(self.chat_lang(chat_id, person), key, job=job.id)
        sent = await self.send(chat_id, FormattedText(prompt))
        await self.db.run(store.add_bot_message, chat_id, sent.id, job.id, kind, self.now(),
                          person.id)
        if kind == "edit_prompt" and job.draft_text:
            draft = await self.send(chat_id, FormattedText(job.draft_text, job.draft_entities))
            await self.db.run(store.add_bot_message, chat_id, draft.id, job.id, kind,
                              self.now(), person.id)
        return t(lang, key, job=job.id), False

    async def retry(self, person: Person, job_id: int) -> tuple[bool, str]:
        lang = person.language
        if not person.is_editor:
            return False, t(lang, "no.not_editor")
        count = await self.db.run(outbox.retry_failed, job_id, self.now())
        if not count:
            return False, t(lang, "no.nothing_to_retry", job=job_id)
        log.info(event("publish.retry_requested", job=job_id, user=person.id))
        await self.refresh(job_id)
        if self.on_approved:
            self.on_approved()
        return True, t(lang, "ok.retry", job=job_id)

    async def relang(self, person: Person, chat_id: int, job_id: int, code: str, *,
                     expected_version: int | None = None) -> tuple[bool, str]:
        """Correct the language of a job's post: every job of the post stays or goes."""
        job = await self.db.read(store.load_job, job_id)
        if job is None:
            return False, t(person.language, "no.unknown_job", job=job_id)
        keep = code in self.queued_languages(job)
        reason = None if keep else f"language {code}"
        first: tuple[bool, str] | None = None
        for other in await self.db.read(store.unit_jobs, job_id):
            result = await self.act(person, chat_id, other, Action.RELANG, keep=keep,
                                    reason=reason, lang_code=code,
                                    expected_version=expected_version if other == job_id
                                    else None)
            if other == job_id:
                first = result
        return first or (False, t(person.language, "no.unknown_job", job=job_id))

    def queued_languages(self, job: JobView) -> frozenset[str]:
        source = self.settings.source_of(job.channel_id, job.channel_username)
        return frozenset(source.languages) if source else frozenset({"fa"})
