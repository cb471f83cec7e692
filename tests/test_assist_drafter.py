"""The draft worker on a real store file with the scripted LibreTranslate server: retries
with backoff, the rate limit, a slow engine, long and empty posts, scoring."""

from __future__ import annotations

import pytest

from relay.assist.drafter import MAX_RETRIES, RESCAN_SECONDS, Drafter, Lane
from relay.assist.libretranslate import LibreTranslate
from relay.assist.policy import Policy
from relay.assist.scores import score
from relay.assist.scripted_engine import ScriptedEngine
from relay.core.draft_use import similarity, started_from_draft
from relay.core.records import MessageRow, QueuePolicy
from relay.store.sqlite_store import open_store

POLICY = QueuePolicy(languages=frozenset({"fa"}), targets=(("en", "en"),))
NOW = 1_700_000_000


class FakeTime:
    def __init__(self) -> None:
        self.now = float(NOW)
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


@pytest.fixture
async def store(tmp_path):
    store = await open_store(tmp_path / "relay.db")
    await store.upsert_channel(100, username="vahed", title="Vahed", display_name=None,
                               is_source=True, now=NOW)
    yield store
    await store.close()


async def queue(store, *texts: str) -> None:
    for i, text in enumerate(texts, 1):
        await store.store_message(MessageRow(channel_id=100, message_id=i, date=NOW, text=text),
                                  "fa", 0.99, POLICY, NOW)


def drafter(store, server, clock: FakeTime, *, retries=2, per_minute=60, timeout=5.0,
            threshold=5, max_chars=5000) -> tuple[Drafter, Lane]:
    lane = Lane(LibreTranslate(server.url, timeout=timeout),
                Policy.of(timeout=timeout, retries=retries, per_minute=per_minute,
                          breaker_failures=threshold, breaker_cooldown=60), ("en",))
    return Drafter(store, [lane], max_chars=max_chars, clock=clock, sleep=clock.sleep), lane


async def test_a_failing_request_is_retried_with_growing_pauses(store):
    clock = FakeTime()
    with ScriptedEngine() as server:
        server.mode = "fail"
        await queue(store, "متن یک")
        worker, lane = drafter(store, server, clock, retries=2)
        await worker.run_until_idle()
        assert len(server.requests) == 3 and clock.slept == [1.0, 2.0]
        draft = await store.machine_draft(1)
        assert draft.text is None and draft.error == "http"
        lane.engine.close()


async def test_garbage_is_not_retried_and_is_counted(store):
    clock = FakeTime()
    with ScriptedEngine() as server:
        server.mode = "html"
        await queue(store, "متن یک")
        worker, lane = drafter(store, server, clock)
        await worker.run_until_idle()
        assert len(server.requests) == 1 and lane.policy.garbage == 1
        assert (await store.machine_draft(1)).error == "garbage"
        lane.engine.close()


async def test_a_slow_engine_times_out_and_the_next_post_is_drafted(store):
    clock = FakeTime()
    with ScriptedEngine() as server:
        server.delay = 0.6
        await queue(store, "متن یک")
        worker, lane = drafter(store, server, clock, retries=0, timeout=0.2)
        await worker.run_until_idle()
        assert (await store.machine_draft(1)).error == "timeout"
        server.delay = 0
        await queue(store, "متن یک", "متن دو")  # message 2 is new
        await worker.run_until_idle()
        assert (await store.machine_draft(2)).text == "[machine en] متن دو"
        lane.engine.close()


async def test_the_rate_limit_spaces_requests(store):
    clock = FakeTime()
    with ScriptedEngine() as server:
        await queue(store, "یک", "دو", "سه", "چهار")
        worker, lane = drafter(store, server, clock, per_minute=2)
        await worker.run_until_idle()
        assert len(server.requests) == 4
        assert clock.slept == [30.0, 30.0]  # two at once, then one every 30 s
        lane.engine.close()


async def test_long_and_empty_posts_get_no_draft_and_no_request(store):
    clock = FakeTime()
    with ScriptedEngine() as server:
        await queue(store, "کلمه " * 100)
        worker, lane = drafter(store, server, clock, max_chars=100)
        await worker.run_until_idle()
        assert server.requests == [] and (await store.machine_draft(1)).error == "too long"
        lane.engine.close()


async def test_a_failed_draft_is_tried_again_a_bounded_number_of_times(store):
    clock = FakeTime()
    with ScriptedEngine() as server:
        server.mode = "html"  # a proxy's error page: no draft, worth another try later
        await queue(store, "متن یک")
        worker, lane = drafter(store, server, clock, threshold=100)
        await worker.run_until_idle()
        await worker.run_until_idle()  # nothing new: no request
        assert len(server.requests) == 1
        for _ in range(MAX_RETRIES + 3):  # the worker looks at older jobs again now and then
            clock.now += RESCAN_SECONDS + 1
            await worker.run_until_idle()
        assert len(server.requests) == 1 + MAX_RETRIES
        assert (await store.machine_draft(1)).error == "garbage"
        lane.engine.close()


async def test_a_refusal_is_not_tried_again_until_the_text_changes(store):
    clock = FakeTime()
    with ScriptedEngine() as server:
        server.mode, server.status = "fail", 400
        await queue(store, "متن یک")
        worker, lane = drafter(store, server, clock, threshold=100)
        await worker.run_until_idle()
        clock.now += RESCAN_SECONDS + 1
        await worker.run_until_idle()
        assert len(server.requests) == 1 and (await store.machine_draft(1)).error == "refused"
        lane.engine.close()


async def test_the_jobs_of_an_outage_are_drafted_oldest_first_once_the_engine_is_back(store):
    clock = FakeTime()
    with ScriptedEngine() as server:
        server.mode = "fail"
        await queue(store, "یک", "دو", "سه", "چهار")
        worker, lane = drafter(store, server, clock, retries=0, threshold=2)
        await worker.run_until_idle()
        assert len(server.requests) == 2 and lane.policy.outages == 1
        for _ in range(MAX_RETRIES + 2):  # a long outage: each trial fails
            clock.now += 61
            await worker.run_until_idle()
        server.mode = "ok"
        clock.now += 61
        before = len(server.requests)
        await worker.run_until_idle()
        asked = [r["q"] for r in server.requests[before:]]
        assert asked == ["یک", "دو", "سه", "چهار"]  # the trial is the oldest; then in order
        assert [(await store.machine_draft(j)).text for j in (1, 2, 3, 4)] == [
            "[machine en] یک", "[machine en] دو", "[machine en] سه", "[machine en] چهار"]
        assert lane.policy.outages == 1
        lane.engine.close()


async def test_a_long_post_does_not_use_up_the_trial_of_a_half_open_breaker(store):
    clock = FakeTime()
    with ScriptedEngine() as server:
        await queue(store, "یک")
        worker, lane = drafter(store, server, clock, retries=0, threshold=1, max_chars=10)
        await worker.run_until_idle()
        server.mode = "fail"
        await queue(store, "یک", "دو")  # message 2 is new: its draft fails, the breaker opens
        await worker.run_until_idle()
        assert lane.policy.outages == 1
        edited = await store.store_message(MessageRow(channel_id=100, message_id=1, date=NOW,
                                                      text="کلمه " * 10), "fa", 0.99, POLICY,
                                           NOW)
        assert edited.edited
        worker.wake([1])
        server.mode = "ok"
        clock.now += 61  # half-open: the oldest job (1, now too long) makes no request
        await worker.run_until_idle()
        assert (await store.machine_draft(1)).error == "too long"
        assert (await store.machine_draft(2)).text == "[machine en] دو"
        lane.engine.close()


def test_scores_and_similarity() -> None:
    assert score("Workers went on strike.", "Workers went on strike.") == (100.0, 0.0)
    chrf, ter = score("The workers struck today.", "Workers went on strike today.")
    assert 0 < chrf < 100 and ter > 0
    assert similarity("a b c d", "a b c d") == 1.0
    assert started_from_draft("one two three four five", "one two three four six",
                              sent_to_translator=False) == (True, 0.8)
    assert started_from_draft("one two three", "one nine eight seven",
                              sent_to_translator=True)[0] is False
