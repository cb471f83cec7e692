"""Benchmark machine drafts (issue 14): do they slow ingest or cards down?

    python bench/assist.py [--queued N] [--posts N] [--cards N] [--delay S] [--rounds N]

Floor: with 10,000 queued jobs waiting for drafts and an engine answering in 200 ms, ingest
throughput and card latency stay within 10% of the same run with no engine.

How it is measured
------------------
* Twice per round, "no engine" then "engine": a fresh relay database filled by
  ``bench/review.py``'s ``fill`` (real migrations, one transaction) with about ``--queued``
  queued jobs (every job already carded, as there), then the REAL service over the simulated
  Telegram (``tests/review_world.py``: real Telethon, only the network replaced). In "engine"
  mode ``[translation]`` drafts both targets with a scripted LibreTranslate-compatible server
  on loopback (``relay/assist/scripted_engine.py``, in a process of its own as a real engine
  would be) that answers after ``--delay`` seconds: the
  draft worker works through the backlog during the whole measurement (one request at a time,
  real HTTP), and every draft refreshes its card (an edit request, to a fake card here).
* Ingest: ``--posts`` Farsi posts appear in the source channel at once; the figure is posts
  per second from the first post until the last one's jobs are stored (read through a separate
  SQLite connection).
* Card latency: ``--cards`` Farsi posts one after another; for each the time from the post
  until the bot's SendMessageRequest carrying its card reaches the simulated Telegram (median).
* Noise (other work on the machine): one warm-up run is not counted; each round runs both
  modes back to back, in alternating order; the verdict is the median over ``--rounds`` of each
  round's paired ratio (engine / no engine), printed with the spread (min–max) of the ratios and
  of each mode's figures, and the load average at the start, after each round and at the end.
  PASS/FAIL per floor; exit status 0 either way.

Then the glossary's half of issue 14, ``bench/assist_glossary.py``: its ``run()`` (5,000 terms,
lookup per card < 1 ms) is called and its figures printed with their floor: it returns a list
of ``(name, value, floor, passed)`` tuples, or of lines to print.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
for path in (str(ROOT), str(HERE)):
    if path not in sys.path:
        sys.path.insert(0, path)

from telethon.tl import functions  # noqa: E402

from relay.config import load_settings  # noqa: E402
from relay.store.db import Database  # noqa: E402
from tests.review_world import BOT_TOKEN, ReviewWorld  # noqa: E402

QUEUED_SHARE = 0.70  # of the jobs bench/review.py's fill makes
WITHIN = 0.10
FARSI = "کارگران شرکت واحد در اعتراض به حقوق معوقه دست به اعتصاب زدند؛ شماره {n}"


class EngineProcess:
    """The scripted engine in a process of its own, as a real engine would be: its work is
    not counted as relay's. Stopped by closing its standard input."""

    def __init__(self, delay: float):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "relay.assist.scripted_engine", "--delay", str(delay)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        assert self.process.stdout is not None
        self.url = self.process.stdout.readline().strip()

    def __enter__(self) -> EngineProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


async def one_mode(engine: str | None, args: argparse.Namespace, tmp: Path
                   ) -> dict[str, float]:
    review = importlib.import_module("review")  # bench/review.py: the backlog
    world = ReviewWorld(tmp)
    if engine is not None:
        path = world.settings.path
        path.write_text(path.read_text(encoding="utf-8") + (
            '\n[translation]\nlibretranslate = ["en", "es"]\n'
            f'url = "{engine}"\nper_minute = 100000\nretries = 0\n'), encoding="utf-8")
        world.settings = load_settings(path, env={"RELAY_BOT_TOKEN": BOT_TOKEN})
    db = await Database.open(world.settings.storage.database)
    try:
        await db.run(review.fill, int(args.queued / QUEUED_SHARE), world.group.marked_id,
                     int(world.clock()), 7)
    finally:
        await db.close()
    spy = sqlite3.connect(world.settings.storage.database)
    cards: dict[str, float] = {}

    def hook(sender: Any, request: Any) -> None:
        if sender.user_id == world.bot.id and isinstance(
                request, functions.messages.SendMessageRequest) and "شماره" in request.message:
            marker = request.message.rsplit("شماره ", 1)[1].split()[0]
            cards.setdefault(marker, time.perf_counter())

    world.tg.on_request(hook)
    await world.start()
    try:
        await asyncio.sleep(1.0)  # the draft worker is in its stride
        before = spy.execute("SELECT MAX(pk) FROM messages").fetchone()[0] or 0
        t0 = time.perf_counter()
        for n in range(args.posts):
            world.tg.post(world.vahed, FARSI.format(n=f"i{n}"))
        while (spy.execute("SELECT COUNT(*) FROM messages WHERE pk > ?", (before,))
               .fetchone()[0] < args.posts):
            await asyncio.sleep(0.005)
        ingest = args.posts / (time.perf_counter() - t0)
        await world.settle()
        latencies = []
        for n in range(args.cards):
            marker = f"c{n}"
            started = time.perf_counter()
            world.tg.post(world.vahed, FARSI.format(n=marker))
            while marker not in cards:
                await asyncio.sleep(0.001)
            latencies.append((cards[marker] - started) * 1000)
            await world.settle()
        drafts = spy.execute("SELECT COUNT(*) FROM machine_drafts").fetchone()[0]
    finally:
        spy.close()
        await world.stop()
    return {"ingest": ingest, "card_ms": statistics.median(latencies), "drafts": drafts}


def load() -> str:
    """The machine's load averages (other work on a shared machine skews the figures)."""
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load average unknown"


def spread(values: list[float]) -> str:
    return f"{min(values):.1f}–{max(values):.1f}"


async def main_async(args: argparse.Namespace) -> None:
    rounds: dict[str, list[dict[str, float]]] = {"none": [], "engine": []}
    print(f"start: {load()}", flush=True)

    async def run(mode: str, warm_up: bool = False) -> None:
        with tempfile.TemporaryDirectory(prefix="relay-assist-") as tmp:
            if mode == "none":
                result = await one_mode(None, args, Path(tmp))
            else:
                with EngineProcess(args.delay) as engine:
                    result = await one_mode(engine.url, args, Path(tmp))
                result["requests"] = result["drafts"]
        if not warm_up:
            rounds[mode].append(result)

    await run("none", warm_up=True)  # imports, first-time costs: not counted
    for r in range(args.rounds):
        # interleaved: each round runs both modes back to back, in alternating order, so that
        # a change of the machine's load hits both; each round gives one paired ratio
        for mode in (("none", "engine") if r % 2 == 0 else ("engine", "none")):
            await run(mode)
        print(f"round {r + 1}: " + "; ".join(
            f"{mode}: ingest {runs[-1]['ingest']:.0f} posts/s, card {runs[-1]['card_ms']:.1f} ms"
            + (f", {runs[-1]['drafts']:.0f} drafts made" if mode == "engine" else "")
            for mode, runs in rounds.items()) + f"; {load()}", flush=True)
    med = {mode: {k: statistics.median(run[k] for run in runs) for k in runs[0]}
           for mode, runs in rounds.items()}
    pairs = list(zip(rounds["none"], rounds["engine"], strict=True))
    ingest_ratios = [e["ingest"] / n["ingest"] for n, e in pairs]
    card_ratios = [e["card_ms"] / n["card_ms"] for n, e in pairs]
    print(f"\n{args.queued:,} queued jobs waiting for drafts; engine answers in "
          f"{args.delay * 1000:.0f} ms; {args.posts} posts ingested, {args.cards} cards timed; "
          f"{args.rounds} interleaved round(s); end: {load()}")
    print("ratio = median of the rounds' paired ratios (engine / no engine); spread = min–max")
    print(f"{'figure':30} {'no engine':>10} {'spread':>13} {'engine':>10} {'spread':>13}"
          f" {'ratio':>6} {'spread':>11}  floor    result")
    ingest_ratio, card_ratio = statistics.median(ingest_ratios), statistics.median(card_ratios)
    figures = [
        ("ingest throughput (posts/s)", "ingest", ingest_ratios, ingest_ratio,
         f">= {1 - WITHIN:.2f}", ingest_ratio >= 1 - WITHIN),
        ("card latency (ms, median)", "card_ms", card_ratios, card_ratio,
         f"<= {1 + WITHIN:.2f}", card_ratio <= 1 + WITHIN),
    ]
    for name, key, ratios, ratio, floor, ok in figures:
        none = [run[key] for run in rounds["none"]]
        engine = [run[key] for run in rounds["engine"]]
        print(f"{name:30} {med['none'][key]:>10.1f} {spread(none):>13} "
              f"{med['engine'][key]:>10.1f} {spread(engine):>13} {ratio:>6.2f} "
              f"{min(ratios):.2f}–{max(ratios):.2f}  {floor:8} {'PASS' if ok else 'FAIL'}")
    print(f"drafts made meanwhile: {med['engine']['drafts']:.0f} per run (engine in its own"
          " process)")
    glossary()


def glossary() -> None:
    """The glossary's half of the benchmark, when it is there (one guarded import)."""
    if not (HERE / "assist_glossary.py").exists():
        print("\nglossary: bench/assist_glossary.py not present")
        return
    results = importlib.import_module("assist_glossary").run()
    print("\nglossary")
    for item in results or []:
        if isinstance(item, tuple) and len(item) == 4:
            name, value, floor, passed = item
            shown = f"{value:.3f}" if isinstance(value, float) else str(value)
            print(f"  {name:48} {shown:>8} floor {floor!s:>6}  {'PASS' if passed else 'FAIL'}")
        else:
            print(f"  {item}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--queued", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--cards", type=int, default=30)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    logging.basicConfig(level=logging.CRITICAL)  # refreshes of the fake cards fail loudly
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
