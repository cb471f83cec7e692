"""The draft worker: makes a machine draft of each queued job in the background.

One task per engine walks the queued jobs of that engine's languages, oldest first, and asks
the engine for each, through the engine's :class:`~relay.assist.policy.Policy` (rate limit,
timeouts, retries with backoff, circuit breaker). It never holds up ingest or cards: the
watcher stores and the bot posts cards whether or not a draft exists; a draft that arrives
after its card is posted refreshes the card (``on_drafted``). An engine that is down costs one
warning line when the breaker opens (an info line when it closes), never one per post.

A job whose draft failed is tried again, oldest first and through the same rate limit, when
the breaker closes (the engine is back) and when the worker looks again at older jobs, at most
``MAX_RETRIES`` times per job while relay runs. A job whose source post was edited gets a draft
of the new text (its old draft no longer shows: it was made from another text).

The same worker scores approved translations against their machine drafts (chrF, TER).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace

from relay.assist.engine import Engine, EngineError, MachineText
from relay.assist.policy import Policy
from relay.assist.scores import score
from relay.config import keys
from relay.core.retry import backoff
from relay.core.sanitize import MAX_TRANSLATION_CHARS, InputError, clean_text
from relay.logs import event
from relay.store.api import Store
from relay.store.machine_drafts import DraftWork

log = logging.getLogger("relay.assist")

BATCH = 20
IDLE_SECONDS = 5.0
RESCAN_SECONDS = 600.0  # look again at older jobs (reopened, failed ones) this often
MAX_RETRIES = 3  # tries of a failed draft after the first, per job, while relay runs


def cleaned(made: MachineText) -> MachineText:
    """The engine's text as a person's would be kept: no invisible characters (bidi overrides
    that reorder what the card shows, zero-width tricks), NFC, no longer than a translation may
    be (a longer answer is garbage: the draft button would flood the chat with parts)."""
    try:
        text = clean_text(made.text, max_chars=MAX_TRANSLATION_CHARS).text
    except InputError as exc:
        raise EngineError("garbage", "an empty answer" if exc.code == "empty"
                          else f"an answer over {MAX_TRANSLATION_CHARS} characters") from None
    return replace(made, text=text)


@dataclass
class Lane:
    """One engine and the target languages it drafts."""

    engine: Engine
    policy: Policy
    languages: tuple[str, ...]
    after: int = 0  # every job up to this id was tried
    rescanned: float = 0.0
    sweep: bool = False  # the engine is back: walk the jobs from the oldest again
    retries: dict[int, int] = field(default_factory=dict)  # job -> failed drafts retried


class Drafter:
    def __init__(self, store: Store, lanes: Sequence[Lane], *,
                 max_chars: int = keys.default("translation.max_chars"),
                 clock: Callable[[], float] = time.time,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
                 on_drafted: Callable[[list[int]], object] | None = None):
        self.store = store
        self.lanes = list(lanes)
        self.max_chars = max_chars
        self.clock = clock
        self.sleep = sleep
        self.on_drafted = on_drafted
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self._stopping = False

    # ------------------------------------------------------------------ lifecycle
    @property
    def running(self) -> bool:
        return bool(self._tasks) and not self._stopping and all(not t.done() for t in self._tasks)

    async def start(self) -> None:
        self._stopping = False
        self._tasks = [asyncio.create_task(self._lane_loop(lane), name=f"drafts-{i}")
                       for i, lane in enumerate(self.lanes)]
        self._tasks.append(asyncio.create_task(self._score_loop(), name="draft-scores"))
        log.info(event("assist.started", engines=",".join(
            f"{lane.engine.name}:{'+'.join(lane.languages)}" for lane in self.lanes)))

    async def stop(self) -> None:
        self._stopping = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        for lane in self.lanes:
            lane.engine.close()

    def wake(self, jobs: Sequence[int] | None = None) -> None:
        """New jobs may be queued, or ``jobs`` changed (the watcher stored or edited posts):
        each lane looks again from the oldest of them (an edited post needs a new draft)."""
        if jobs:
            first = min(jobs) - 1
            for lane in self.lanes:
                lane.after = min(lane.after, first)
        self._wake.set()

    async def _idle(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)
        self._wake.clear()

    async def _lane_loop(self, lane: Lane) -> None:
        while not self._stopping:
            try:
                done = await self.run_lane(lane)
            except Exception:  # noqa: BLE001 - the drafts must never stop relay
                log.exception(event("assist.loop_failed", engine=lane.engine.name))
                done = 0
            if not done:
                wait = lane.policy.breaker.reopens_in(self.clock())
                await self._idle(wait if wait > 0 else IDLE_SECONDS)

    async def _score_loop(self) -> None:
        while not self._stopping:
            try:
                await self.score_approved()
            except Exception:  # noqa: BLE001
                log.exception(event("assist.scoring_failed"))
            await asyncio.sleep(IDLE_SECONDS)

    # ------------------------------------------------------------------ drafting
    async def run_lane(self, lane: Lane) -> int:
        """Draft one batch of the lane's queued jobs; the number tried (0: nothing to do, or
        the engine is left alone for now)."""
        now = self.clock()
        breaker = lane.policy.breaker
        if breaker.opened_at is not None:  # the one trial draft is the oldest job's
            lane.after = 0
        if lane.sweep or now - lane.rescanned > RESCAN_SECONDS:
            lane.after, lane.rescanned, lane.sweep = 0, now, False
        work = await self.store.jobs_to_draft(lane.languages, lane.after, BATCH)
        looked, drafted = 0, []
        for item in work:
            # a trial of an open breaker tries the engine, not the job: it costs no retry
            counted = item.failed and breaker.opened_at is None
            retried = lane.retries.get(item.job_id, 0) if counted else 0
            if retried < MAX_RETRIES:
                if not breaker.allow(self.clock()):
                    break
                if counted:
                    lane.retries[item.job_id] = retried + 1
                if await self.draft(lane, item):
                    drafted.append(item.job_id)
                    lane.retries.pop(item.job_id, None)
            lane.after = max(lane.after, item.job_id)
            looked += 1
            if lane.sweep:  # the engine is back: the oldest failed jobs first
                break
        if drafted and self.on_drafted is not None:
            self.on_drafted(drafted)
        return looked

    async def run_until_idle(self) -> int:
        """Every lane until nothing is left to try now (tests, the demo and the bench)."""
        total = 0
        for lane in self.lanes:
            while done := await self.run_lane(lane):
                total += done
        return total

    async def draft(self, lane: Lane, work: DraftWork) -> bool:
        """One job: the draft kept (True), or why not (a failure counts for the breaker)."""
        engine, policy = lane.engine, lane.policy
        text = work.text.strip()
        if not text or len(text) > self.max_chars:
            policy.breaker.release()
            await self._save(work, engine.name, None, "no text" if not text else "too long", 0)
            return False
        started = time.monotonic()
        try:
            made = cleaned(await self._ask(engine, policy, text, work.source_lang or "auto",
                                           work.target))
        except EngineError as exc:
            elapsed = int((time.monotonic() - started) * 1000)
            policy.failures += 1
            policy.garbage += exc.kind == "garbage"
            if policy.breaker.failure(self.clock()):
                policy.outages += 1
                log.warning(event("assist.engine_down", engine=engine.name, error=exc.kind,
                                  detail=exc.detail, cards_without_drafts_for=
                                  f"{policy.breaker.cooldown:g}s"))
            else:
                log.debug(event("assist.no_draft", job=work.job_id, error=exc.kind))
            await self._save(work, engine.name, None, exc.kind, elapsed)
            return False
        if policy.breaker.success():  # an info line: the outage had its one warning
            log.info(event("assist.engine_up", engine=engine.name))
            lane.sweep = True
            lane.retries.clear()  # every job that failed in the outage gets its tries again
        policy.drafts += 1
        await self._save(work, engine.name, made, None, int((time.monotonic() - started) * 1000))
        return True

    async def _ask(self, engine: Engine, policy: Policy, text: str, source: str,
                   target: str) -> MachineText:
        attempt = 0
        while True:
            attempt += 1
            wait = policy.rate.wait(self.clock())
            if wait > 0:
                await self.sleep(wait)
            policy.rate.take(self.clock())
            try:
                return await asyncio.wait_for(engine.translate(text, source, target),
                                              policy.timeout + 1.0)
            except TimeoutError:
                error = EngineError("timeout", f"no answer in {policy.timeout:g} s")
            except EngineError as exc:
                error = exc
            if not error.retryable or attempt > policy.retries:
                raise error
            await self.sleep(backoff(attempt))

    async def _save(self, work: DraftWork, engine: str, made: MachineText | None,
                    error: str | None, elapsed_ms: int) -> None:
        await self.store.save_machine_draft(
            work, engine=made.engine if made else engine, model=made.model if made else None,
            via=made.via if made else None, text=made.text if made else None, error=error,
            now=int(self.clock()), elapsed_ms=elapsed_ms)

    # ------------------------------------------------------------------ measuring
    async def score_approved(self, limit: int = 200) -> int:
        """chrF and TER of each approved translation against its machine draft."""
        pending = await self.store.unscored_drafts(limit)
        if not pending:
            return 0
        scores = [(job_id, *score(draft, approved)) for job_id, draft, approved in pending]
        await self.store.save_draft_scores(scores, int(self.clock()))
        return len(scores)
