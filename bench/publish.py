"""Benchmark publishing: rendering and splitting throughput, and approval-to-send latency.

    python bench/publish.py [--count N] [--presses P]

1. Renders and splits N translations of mixed length (bench/render.py's corpus; default
   10,000). Floor: >= 5,000 a second.
2. With the whole service running on the simulated Telegram (watcher, review bot, publisher
   loop: the real code, real asyncio scheduling) and the outbox empty, an editor presses
   Approve P times (default 200, each on a fresh draft); measures from the press until the
   publisher's SendMessage request reaches Telegram. Floor: median < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import render as render_bench  # noqa: E402
from telethon.tl import functions as fn  # noqa: E402

from relay.core.sanitize import Cleaned  # noqa: E402
from relay.core.workflow import Action, Actor, Rules  # noqa: E402
from relay.store import review_queries as review_store  # noqa: E402
from tests.review_world import ReviewWorld  # noqa: E402

RENDER_FLOOR = 5_000
LATENCY_FLOOR_MS = 50.0
FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."


def bench_render(count: int) -> float:
    jobs = render_bench.build(count, seed=7)
    best = max(count / render_bench.run(jobs)[0] for _ in range(3))
    print(f"render+split: {count:,} translations, {best:,.0f}/s (floor {RENDER_FLOOR:,}) "
          f"{'PASS' if best >= RENDER_FLOOR else 'FAIL'}")
    return best


async def bench_latency(presses: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        world = ReviewWorld(Path(tmp))
        await world.start()
        try:
            for i in range(presses):
                world.tg.post(world.vahed, f"{FARSI} {i}")
            await world.settle()
            # The path is measured, not Telegram's posting limits: at 20 posts a minute per
            # channel the limiter would (rightly) hold most of these presses for minutes.
            limiter = world.service.publisher.limiter
            limiter.per_target = limiter.per_second = 10**9
            sent_at: dict[int, float] = {}
            world.tg.on_request(lambda s, r: sent_at.setdefault(len(sent_at), time.perf_counter())
                                if isinstance(r, fn.messages.SendMessageRequest)
                                and getattr(r.peer, "channel_id", None) == world.out_en.id
                                else None)
            translator = Actor(5001, True, False)
            latencies = []
            for i in range(presses):
                job_id = 2 * i + 1  # the English job of post i
                await world.db.run(review_store.apply, job_id, Action.SUBMIT, translator,
                                   Rules(), int(world.clock()),
                                   draft=Cleaned(f"Workers strike, report {i}.", ()))
                await world.service.bot.send_preview(world.group.marked_id,
                                                     await world.db.read(review_store.load_job,
                                                                         job_id), "en")
                await world.tg.settle()
                preview = world.last_from_bot()
                before = len(sent_at)
                pressed = time.perf_counter()
                world.press(world.reza, preview, "approve")
                deadline = time.perf_counter() + 10
                while len(sent_at) == before:
                    if time.perf_counter() > deadline:
                        raise RuntimeError(f"press {i}: no send request within 10 s")
                    await asyncio.sleep(0)
                latencies.append((sent_at[before] - pressed) * 1000)
                await world.settle()
            published = len(world.tg.history(world.out_en))
        finally:
            await world.stop()
    median = statistics.median(latencies)
    p95 = sorted(latencies)[int(len(latencies) * 0.95) - 1]
    print(f"approval press -> send request: {presses} presses, median {median:.1f} ms, "
          f"p95 {p95:.1f} ms (floor median < {LATENCY_FLOOR_MS:.0f} ms) "
          f"{'PASS' if median < LATENCY_FLOOR_MS else 'FAIL'}; {published} posts published")
    return median


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()
    bench_render(args.count)
    asyncio.run(bench_latency(args.presses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
