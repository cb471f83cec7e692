"""Translation memory (issue 14): a queued post that is the same text as one translated and
approved before gets a hint on its card and a button that sends the earlier approved
translation to the translator, as a message to correct and send back.

Nothing is published from memory: the earlier text only reaches a translator, who may reply
with it (corrected or not) as their translation, which then needs an editor's approval as any
other. "The same text" is the same-statement matcher of the deduplication work
(:class:`relay.core.matching.StatementIndex`, exact and near copies), over every approved
translation, with no time window: copies within the statement window are usually joined to
their statement already; this finds the older ones, a channel posting a text again, and near
copies that were split off or not joined.

Indexing is CPU work (about 60 µs a text; 17,000 approvals take seconds), so each batch read
from the store is added in a worker thread and the bot's event loop keeps answering meanwhile.
The index is not thread-safe: whatever touches a desk's memory does so inside :func:`held`,
which holds the memory's lock, so nothing reads or changes it while a thread adds to it. The bot
builds the memory as it starts (:func:`warm`), so that its first card does not wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import replace
from weakref import WeakKeyDictionary

from relay.config import Person
from relay.core.jobview import JobView
from relay.core.matching import MatchSettings, StatementIndex
from relay.core.workflow import Status
from relay.logs import event
from relay.review.cards import fmt_time
from relay.review.conversation import ButtonSpec, Press, RefreshCards, Response, Say
from relay.review.desk import Desk
from relay.review.texts import t
from relay.store.glossary import Remembered
from relay.text.formatting import FormattedText
from relay.text.split import split

log = logging.getLogger("relay.bot")

ACTION = "memory"  # the button's action (relay.telegram.callbacks.CODES)
BATCH = 2000
_SETTINGS = replace(MatchSettings(), window_days=365.0 * 100)  # every approved translation


class Memory:
    """Approved translations by target language, read on from the store as approvals come.

    Use it only inside :func:`held` (its lock): a worker thread may be adding to it."""

    def __init__(self) -> None:
        self.after = 0  # the audit row read up to
        self.indexes: dict[str, StatementIndex] = {}
        self.approved_at: dict[int, int] = {}
        self.lock = asyncio.Lock()  # one reader-on at a time; no use while a thread adds

    def add_all(self, found: Sequence[Remembered]) -> None:
        """Index a batch read from the store (in a worker thread, the lock held)."""
        for r in found:
            self.add(r.job_id, r.language, r.source_text, r.approved_at)

    def add(self, job_id: int, language: str, source_text: str, approved_at: int) -> None:
        index = self.indexes.setdefault(language, StatementIndex(_SETTINGS))
        if index.add(job_id, source_text, approved_at):
            self.approved_at[job_id] = approved_at

    def forget(self, job_id: int) -> None:
        """The job's translation is no longer approved (its source was edited, it was
        reopened): not offered again unless it is approved again."""
        for index in self.indexes.values():
            index.remove(job_id)
        self.approved_at.pop(job_id, None)

    def earlier(self, job: JobView) -> int | None:
        """The approved job whose source is the same text as ``job``'s, if any."""
        index = self.indexes.get(job.language)
        if index is None:
            return None
        found = index.match(job.source_text, job.created_at)
        return found if isinstance(found, int) and found != job.id else None


_MEMORY: WeakKeyDictionary[Desk, Memory] = WeakKeyDictionary()


@contextlib.asynccontextmanager
async def held(desk: Desk) -> AsyncIterator[Memory]:
    """The desk's memory, with the translations approved since it was last read, for use
    until the block ends: no other card reads on or changes it meanwhile."""
    memory = _MEMORY.setdefault(desk, Memory())
    async with memory.lock:
        while True:
            found, memory.after = await desk.store.approved_since(memory.after, BATCH)
            await _in_thread(memory.add_all, found)
            if len(found) < BATCH:
                break
        yield memory


async def _in_thread(add: Callable[[Sequence[Remembered]], None],
                     found: Sequence[Remembered]) -> None:
    """``add(found)`` in a worker thread. A caller cancelled meanwhile (the bot stopping)
    still waits for the thread to finish, so that the lock is not given up while the index
    is being changed, then is cancelled."""
    if not found:
        return
    adding = asyncio.ensure_future(asyncio.to_thread(add, found))
    cancelled = False
    while not adding.done():
        try:
            await asyncio.wait((adding,))
        except asyncio.CancelledError:
            cancelled = True
    if cancelled:
        raise asyncio.CancelledError from adding.exception()
    adding.result()


async def warm(desk: Desk) -> None:
    """Build the desk's memory in the background (at the bot's start), so that the first
    card does not wait for it. A failure is logged; the cards read on again anyway."""
    try:
        async with held(desk) as memory:
            log.info(event("memory.ready", translations=len(memory.approved_at),
                           after=memory.after))
    except Exception:  # noqa: BLE001 - the bot runs on without it; a card builds it
        log.exception(event("memory.warm_failed"))


async def card_hint(desk: Desk, job: JobView,
                    lang: str) -> tuple[list[str], list[list[ButtonSpec]]]:
    """The card's memory line and button, for a job waiting for its translation."""
    if job.status != Status.QUEUED:
        return [], []
    async with held(desk) as memory:
        earlier = memory.earlier(job)
        while earlier is not None and not offerable(job, await desk.job(earlier)):
            memory.forget(earlier)  # no longer approved: perhaps another approved copy is
            earlier = memory.earlier(job)
        approved_at = memory.approved_at.get(earlier) if earlier is not None else None
    if earlier is None:
        return [], []
    date = fmt_time(approved_at).split(" ")[0]
    return ([t(lang, "memory.card", earlier=earlier, date=date)],
            [[ButtonSpec(t(lang, "button.memory", earlier=earlier), ACTION, earlier)]])


def offerable(job: JobView, earlier: JobView | None) -> bool:
    """May ``earlier``'s translation be offered to ``job``: still approved, same language."""
    return (earlier is not None and earlier.status in (Status.APPROVED, Status.PUBLISHED)
            and bool(earlier.draft_text) and earlier.language == job.language)


async def send_earlier(desk: Desk, person: Person, chat_id: int, press: Press) -> Response:
    """The button: the earlier approved translation, as messages the translator replies to."""
    lang, earlier_id = person.language, press.version
    if not person.is_translator:
        return desk.refuse(t(lang, "no.not_translator"), user=person.id, what=ACTION,
                           job=press.job_id, why="not a translator")
    job = await desk.job(press.job_id)
    earlier = await desk.job(earlier_id)
    if job is None or job.status != Status.QUEUED or not offerable(job, earlier):
        if job is not None and earlier is not None:
            async with held(desk) as memory:
                memory.forget(earlier.id)
        # the card is shown again without the stale button
        return desk.refuse(t(lang, "memory.gone", job=press.job_id, earlier=earlier_id),
                           user=person.id, what=ACTION, job=press.job_id,
                           why="no approved earlier translation",
                           messages=[RefreshCards(job.id)] if job is not None else None)
    assert earlier is not None and earlier.draft_text is not None  # offerable() said so
    chat_lang = desk.chat_lang(chat_id, person)
    said = [Say.plain(chat_id, t(chat_lang, "memory.sent", job=job.id, earlier=earlier.id),
                      job_id=job.id, remember="edit_prompt", for_user=person.id)]
    said += [Say(chat_id, part, job_id=job.id, remember="edit_prompt", for_user=person.id)
             for part in split(FormattedText(earlier.draft_text, earlier.draft_entities), 4096)]
    log.info(event("memory.sent", job=job.id, earlier=earlier.id, user=person.id))
    return Response(list(said), t(lang, "memory.answer", earlier=earlier.id))
