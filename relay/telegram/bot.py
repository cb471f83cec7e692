"""The review bot's Telegram adapter: updates in, messages, edits and answers out.

What the bot decides and says is in :mod:`relay.review` (use cases that take plain values and
return a :class:`~relay.review.conversation.Response`). This module turns Telethon updates into
those plain values, sends what comes back (waiting out flood waits, signing buttons for the
chat they go to), and reports each sent message back so that its job is remembered.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import replace
from typing import Any

from telethon import Button, TelegramClient, errors, events
from telethon.tl import types

from relay.config import Settings
from relay.core.jobview import JobView
from relay.logs import event
from relay.review import actions, board, inbox, memory, statements
from relay.review.conversation import ButtonRows, CardEdit, Incoming, RefreshCards, Response, Say
from relay.review.desk import Desk
from relay.store.api import Store
from relay.telegram.callbacks import CallbackSigner
from relay.telegram.entities import from_telethon, to_telethon
from relay.telegram.flood import forget_flood_waits
from relay.telegram.menu import install_command_menus
from relay.telegram.waits import clear_wait, note_wait, waiting_until
from relay.text.formatting import FormattedText

log = logging.getLogger("relay.bot")

_SEND_ERRORS = (errors.RPCError, ValueError)
#: The bot's own recent messages (chat, id) remembered, so that a reply to one that is about no
#: job (/help, /queue, a thanks) is answered rather than taken for chat between people.
SENT_REMEMBERED = 5000


class ReviewBot:
    """Runs on the bot client beside the watcher, on the same database."""

    def __init__(self, client: TelegramClient, store: Store, settings: Settings, *,
                 signer: CallbackSigner, clock: Callable[[], float] = time.time):
        self.client = client
        self.signer = signer
        self.desk = Desk(store, settings, clock=clock)
        self._sent: OrderedDict[tuple[int, int], None] = OrderedDict()
        self._wake = asyncio.Event()
        self._cards_lock = asyncio.Lock()
        self._carded_up_to = 0  # every queued job up to this id has its card
        self._loop_task: asyncio.Task | None = None
        self._warming: asyncio.Task | None = None  # the translation memory, built at start
        self._stopping = False
        self._inflight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.me: types.User | None = None
        self.on_approved: Callable[[], Any] | None = None  # wakes the publisher
        # The handlers are in place before the client connects and stay for its lifetime:
        # what Telegram kept while relay was down (messages, presses) arrives as soon as the
        # client catches up, before start() has run; it waits for the bot to be ready.
        self._ready = asyncio.Event()
        client.add_event_handler(self._on_message, events.NewMessage(incoming=True))
        client.add_event_handler(self._on_press, events.CallbackQuery())

    # ------------------------------------------------------------------ lifecycle
    @property
    def running(self) -> bool:
        return not self._stopping and self._loop_task is not None and not self._loop_task.done()

    async def start(self) -> None:
        self._stopping = False
        self.client.parse_mode = None  # nothing anyone types is ever parsed as markup
        self.me = await self.client.get_me()
        self.desk.bot_username = self.me.username
        try:
            await install_command_menus(self.client, self.desk.settings)
        except _SEND_ERRORS as exc:
            log.warning(event("bot.menu_failed", error=type(exc).__name__))
        # issue 14: the memory is built first (in a worker thread), before the first card asks
        self._warming = asyncio.create_task(memory.warm(self.desk), name="bot-memory")
        self._loop_task = asyncio.create_task(self._card_loop(), name="bot-cards")
        self._ready.set()
        log.info(event("bot.started", username=self.me.username, people=len(self.desk.people),
                       review_chat=self.desk.review_chat or "private chats"))

    async def stop(self, timeout: float = 5.0) -> None:
        self._stopping = True
        self._ready.clear()
        for task in (self._warming, self._loop_task):
            if task:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            log.warning(event("bot.stop_timeout", inflight=self._inflight))

    def _in_background(self, work: Response | Awaitable[Response]) -> None:
        async def run() -> None:
            await self.deliver(work if isinstance(work, Response) else await work)
        asyncio.get_running_loop().create_task(self._guarded(run()))

    def notify(self, changed_jobs: Iterable[int] = ()) -> None:
        """The watcher stored something: post new cards, refresh cards of changed jobs, and
        tell editors when a published post's source was edited or deleted."""
        for job_id in changed_jobs:
            self._in_background(board.source_changed(self.desk, job_id))
        self._wake.set()

    def statement_joined(self, job_ids: Iterable[int]) -> None:
        """A copy or forward joined a statement (issue 11): refresh its cards, tell editors
        when it was already published."""
        self._in_background(statements.copy_joined(self.desk, list(job_ids)))

    def statement_left(self, lead_jobs: Iterable[int], new_jobs: Iterable[int]) -> None:
        """An edited copy is no longer the same statement (issue 11): tell editors."""
        self._in_background(statements.copy_left(self.desk, list(lead_jobs), list(new_jobs)))

    def published(self, job_id: int) -> None:
        """The publisher posted (or corrected) a job: its cards show the link."""
        self._in_background(Response([RefreshCards(job_id)]))

    def publish_failed(self, job_id: int, reason: str) -> None:
        self._in_background(board.publish_failed(self.desk, job_id, reason))

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
                await board.index_pending(self.desk)
            except Exception:  # noqa: BLE001 - keep the loop alive
                log.exception(event("bot.card_loop_failed"))
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=5)

    # ------------------------------------------------------------------ cards
    async def post_pending_cards(self) -> int:
        async with self._cards_lock:  # never two posters: a job would get two cards
            posted = 0
            while not self._stopping:
                job_ids = await board.jobs_without_cards(self.desk, self._carded_up_to)
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
        new_cards = await board.new_card(self.desk, job_id)
        if not new_cards:
            return True  # the job is gone
        if not await self.deliver(Response(list(new_cards))):
            return False
        log.info(event("card.posted", job=job_id))
        return True

    async def refresh(self, job_id: int) -> None:
        """Edit every card of the job to show its current state."""
        for card in await board.card_edits(self.desk, job_id):
            await self.edit(card)

    async def expire_claims(self) -> None:
        await self.deliver(await board.expire_claims(self.desk))

    async def send_preview(self, chat_id: int, job: JobView, lang: str,
                           reply_to: int | None = None) -> None:
        await self.deliver(Response(list(actions.preview(self.desk, chat_id, job, lang,
                                                         reply_to=reply_to))))

    # ------------------------------------------------------------------ sending
    async def deliver(self, response: Response) -> int:
        """Do what a use case asked, in order; the number of messages sent."""
        if response.wake_publisher and self.on_approved:
            self.on_approved()
        sent = 0
        for item in response.messages:
            if isinstance(item, RefreshCards):
                await self.refresh(item.job_id)
            elif await self._say(item):
                sent += 1
        return sent

    async def _say(self, said: Say) -> bool:
        try:
            message = await self.send(said)
        except _SEND_ERRORS as exc:
            if said.on_failure is None:
                raise
            log.warning(event(said.on_failure, job=said.job_id, chat=said.chat,
                              error=type(exc).__name__))
            if said.fallback is not None:
                await self._say(replace(said, chat=said.fallback, fallback=None, on_failure=None))
            return False
        await board.remember(self.desk, said.chat, message.id, said)
        return True

    def markup(self, buttons: ButtonRows | None, job_id: int | None, version: int,
               chat: int) -> list[list[Any]] | None:
        if not buttons or job_id is None:
            return None
        return [[Button.inline(b.label, self.signer.encode(
            b.action, job_id, version if b.value is None else b.value, chat))
                 for b in row] for row in buttons]

    async def _patiently(self, chat: int, request: Callable[[], Awaitable[Any]]) -> Any:
        """Make a request in ``chat``, waiting out flood waits there: Telegram allows a bot
        about 20 messages a minute in a group, and a burst of new posts means a burst of
        cards. Nothing is dropped; it just goes out later. A wait holds only its own chat:
        Telethon remembers flood waits per request type, so its memory is cleared before each
        request and relay keeps the waits per chat (shown in the heartbeat and status)."""
        where = str(chat)
        while True:
            now = self.desk.clock()
            until = waiting_until(self.client, "bot", where, now)
            if until:
                await asyncio.sleep(until - now)
                clear_wait(self.client, "bot", where)
            forget_flood_waits(self.client)
            try:
                return await request()
            except errors.FloodWaitError as exc:
                log.warning(event("bot.flood_wait", seconds=exc.seconds, chat=chat))
                note_wait(self.client, "bot", where, exc.seconds + 1, self.desk.clock())
                await asyncio.sleep(exc.seconds + 1)
                clear_wait(self.client, "bot", where)

    async def send(self, said: Say) -> Any:
        chat, text = said.chat, said.text
        sent = await self._patiently(chat, lambda: self.client.send_message(
            chat, text.text, formatting_entities=to_telethon(text.entities),
            buttons=self.markup(said.buttons, said.job_id, said.version, chat),
            reply_to=said.reply_to, link_preview=False, parse_mode=None))
        self._sent[(chat, sent.id)] = None
        while len(self._sent) > SENT_REMEMBERED:
            self._sent.popitem(last=False)
        return sent

    async def say(self, chat: int, text: str, reply_to: int | None = None) -> Any:
        return await self.send(Say(chat, FormattedText(text), reply_to=reply_to))

    async def edit(self, card: CardEdit) -> None:
        try:
            await self._patiently(card.chat, lambda: self.client.edit_message(
                card.chat, card.message_id, card.text.text,
                formatting_entities=to_telethon(card.text.entities),
                buttons=self.markup(card.buttons, card.job_id, card.version, card.chat),
                link_preview=False, parse_mode=None))
        except errors.MessageNotModifiedError:
            pass
        except _SEND_ERRORS as exc:
            log.warning(event("card.edit_failed", job=card.job_id, chat=card.chat,
                              message=card.message_id, error=type(exc).__name__))

    # ------------------------------------------------------------------ updates in
    async def _on_message(self, ev: events.NewMessage.Event) -> None:
        await self._ready.wait()
        await self._guarded(self._handle_message(ev))

    async def _handle_message(self, ev: Any) -> None:
        msg = ev.message
        reply_to = msg.reply_to.reply_to_msg_id if msg.reply_to else None
        incoming = Incoming(ev.chat_id, ev.sender_id, msg.id, msg.message or "",
                            from_telethon(msg.entities), reply_to, bool(ev.is_private),
                            reply_to_bot=(ev.chat_id, reply_to) in self._sent)
        response = await inbox.on_message(self.desk, incoming)
        if response is None:
            return
        await self.deliver(response)
        if response.answer:
            await self.say(incoming.chat_id, response.answer, reply_to=incoming.message_id)

    async def _on_press(self, ev: events.CallbackQuery.Event) -> None:
        await self._ready.wait()
        await self._guarded(self._handle_press(ev))

    async def _handle_press(self, ev: Any) -> None:
        chat_id = ev.chat_id
        press = self.signer.decode(ev.data or b"", chat_id)
        response = await inbox.on_press(self.desk, chat_id, ev.sender_id, bool(ev.is_private),
                                        press, ev.message_id)
        await self.deliver(response)
        await ev.answer(response.answer, alert=not response.done)
