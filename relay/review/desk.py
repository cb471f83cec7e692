"""The review desk: what every review use case needs to know (team, rules, chats, clock, store).

One :class:`Desk` per bot. It holds no Telegram object: the use cases in
:mod:`relay.review.actions`, :mod:`relay.review.board`, :mod:`relay.review.inbox` and
:mod:`relay.review.commands` take it with plain values and return a
:class:`~relay.review.conversation.Response`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from relay.config import Person, Settings
from relay.core.jobview import JobView
from relay.core.workflow import Action, Actor, Refusal, Rules, Status, claim_active
from relay.logs import event
from relay.review import cards, publish_errors
from relay.review.conversation import Incoming, RefreshCards, Response, Say
from relay.review.statement_index import StatementUpdates
from relay.review.texts import status_name, t, term
from relay.store.api import Store, Transition
from relay.text.links import post_link

log = logging.getLogger("relay.bot")


def log_refusal(user: int | None, what: str, job: int | None, why: str, *,
                chat: int | None = None, level: int = logging.INFO) -> None:
    """The one log line of a refusal: who, what, which job, why."""
    fields = {"reason": why, "user": user, "chat": chat, "what": what, "job": job}
    log.log(level, event("bot.refused", **{k: v for k, v in fields.items() if v is not None}))


def actor_of(person: Person) -> Actor:
    return Actor(person.id, person.is_translator, person.is_editor)


class Desk:
    """The team, the rules and the store, as the review use cases see them."""

    def __init__(self, store: Store, settings: Settings, *,
                 clock: Callable[[], float] = time.time):
        self.store = store
        self.settings = settings
        self.clock = clock
        self.rules = Rules(claim_seconds=settings.review.claim_seconds,
                           four_eyes=settings.review.four_eyes)
        self.people = {p.id: p for p in settings.people}
        self.names = {p.id: p.name for p in settings.people}
        self.review_chat = settings.review.chat
        self.targets = {t_.key: t_ for t_ in settings.targets}
        self.bot_username: str | None = None  # set by the adapter once it knows who it is
        self.statements: StatementUpdates | None = None  # issue 11: set by the service

    def reconfigure(self, settings: Settings) -> None:
        """Reloaded settings (issue 12): the next command or press is checked against the
        current team and targets (review rules and chat need a restart)."""
        self.settings = settings
        self.people = {p.id: p for p in settings.people}
        self.names = {p.id: p.name for p in settings.people}
        self.targets = {t_.key: t_ for t_ in settings.targets}

    def now(self) -> int:
        return int(self.clock())

    # ------------------------------------------------------------------ who and where
    def name_of(self, user_id: int | None, default: str) -> str:
        """A team member's configured name; ``default`` for anyone else, and for None."""
        return self.names.get(user_id, default) if user_id is not None else default

    def person_for(self, sender_id: int | None, chat_id: int, *, what: str) -> Person | None:
        person = self.people.get(sender_id or 0)
        if person is None:
            log_refusal(sender_id, what, None, "not configured", chat=chat_id,
                        level=logging.WARNING)
        return person

    def refuse(self, answer: str, *, user: int | None, what: str, job: int | None = None,
               why: str, messages: Sequence[Say | RefreshCards] | None = None,
               level: int = logging.INFO) -> Response:
        """Every refusal, by any path, comes here: one log line (who, what, which job, why)
        and the answer for the person."""
        log_refusal(user, what, job, why, level=level)
        return Response.refused(answer, messages)

    def chat_allowed(self, chat_id: int, is_private: bool) -> bool:
        return is_private or (self.review_chat is not None and chat_id == self.review_chat)

    @property
    def group_lang(self) -> str:
        """The language of cards and notices in the review group (``[review] language``)."""
        return self.settings.review.language

    def chat_lang(self, chat_id: int, person: Person) -> str:
        """Shared messages in the review group are in its language; a private chat is
        personal."""
        if self.review_chat and chat_id == self.review_chat:
            return self.group_lang
        return person.language

    def lang_of(self, user_id: int) -> str:
        person = self.people.get(user_id)
        return person.language if person else "en"

    def card_chats(self) -> list[tuple[int, str]]:
        """(chat, language) pairs every card goes to."""
        if self.review_chat:
            return [(self.review_chat, self.group_lang)]
        return [(p.id, p.language) for p in self.settings.people if p.is_translator]

    def editor_chats(self) -> list[tuple[int, str]]:
        """(chat, language) pairs notices for editors go to."""
        if self.review_chat:
            return [(self.review_chat, self.group_lang)]
        return [(p.id, p.language) for p in self.settings.people if p.is_editor]

    def chats_seen_by(self, person: Person) -> list[int]:
        """Where what the bot shows reaches ``person``: the review group and their chat."""
        return [c for c in (self.review_chat, person.id) if c]

    def queued_languages(self, job: JobView) -> tuple[str, ...]:
        """The languages the job's source queues, in configured order."""
        source = self.settings.source_of(job.channel_id, job.channel_username)
        return tuple(source.languages) if source else ("fa",)

    # ------------------------------------------------------------------ reading the store
    async def job(self, job_id: int) -> JobView | None:
        return await self.store.load_job(job_id)

    async def card_info(self, job: JobView) -> tuple[str | None, str | None]:
        """(link to the published post, why publishing failed) for a card."""
        failure = await self.store.failure_of(job.id)
        where = publish_errors.where_of(self.targets.get(job.target), job.target)
        return await self.publication_link(job), publish_errors.locate(failure, where)

    async def publication_link(self, job: JobView) -> str | None:
        parts = await self.store.posted_parts(job.id)
        target = self.targets.get(job.target)
        if not parts or target is None:
            return None
        return post_link(target.ref.username, parts[0].channel_id, parts[0].message_id)

    async def outdated_button(self, job: JobView, lang: str, person_id: int | None = None) -> str:
        """The refusal for a button made for an older version of ``job``."""
        tr = Transition(False, job, job.status, Refusal.OUTDATED_BUTTON,
                        await self.store.last_change(job.id))
        return self.refusal_text(tr, lang, job.id, person_id)

    # ------------------------------------------------------------------ words
    def ok_text(self, action: Action, job: JobView | None, lang: str, *, keep: bool = True,
                lang_code: str | None = None) -> str:
        job_id = job.id if job else "?"
        if action == Action.CLAIM:
            return t(lang, "ok.claim", job=job_id, minutes=self.settings.review.claim_minutes)
        if action == Action.REJECT:
            return t(lang, "ok.reject", job=job_id,
                     name=self.name_of(job.translator_id, "?") if job else "?")
        if action == Action.RELANG:
            return t(lang, "ok.relang_keep" if keep else "ok.relang_drop", job=job_id,
                     lang=lang_code)
        return t(lang, f"ok.{action.value}", job=job_id)

    def refusal_text(self, tr: Transition, lang: str, job_id: int,
                     person_id: int | None = None) -> str:
        """Why an action was refused. A button made before someone else claimed the job
        says who claimed it first, not only that it is out of date."""
        job = tr.job
        if (tr.refusal == Refusal.OUTDATED_BUTTON and job is not None
                and job.status == Status.QUEUED and job.claimed_by is not None
                and job.claimed_by != person_id
                and claim_active(job.state, self.rules, self.now())):
            return t(lang, "no.claim_lost", job=job_id, at=cards.fmt_time(job.claimed_at),
                     name=self.name_of(job.claimed_by, str(job.claimed_by)))
        status = status_name(lang, job.status) if job else "?"
        last = tr.last
        relay = t(lang, "relay")
        who = self.names.get(last.actor_id, relay) if last and last.actor_id else relay
        at = cards.fmt_time(last.at) if last else "?"
        fields = {"job": job_id, "status": status, "name": who, "at": at,
                  "action": term(lang, "action", last.action) if last else "?"}
        if tr.refusal == Refusal.CLAIMED_BY_OTHER and job:
            fields["name"] = self.name_of(job.claimed_by, str(job.claimed_by))
            fields["at"] = cards.fmt_time(job.claimed_at)
        if tr.refusal == Refusal.NOT_YOUR_CLAIM and job:
            fields["name"] = self.name_of(job.claimed_by, str(job.claimed_by))
        return t(lang, f"no.{tr.refusal}", **fields)


@dataclass(frozen=True)
class CommandContext:
    """Who typed a command, where, at which desk: what every command handler is given."""

    desk: Desk
    person: Person
    message: Incoming

    @property
    def lang(self) -> str:
        return self.person.language

    @property
    def chat_id(self) -> int:
        return self.message.chat_id
