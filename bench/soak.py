"""Soak test: the whole service on the scripted Telegram for a million source events.

    python bench/soak.py [--events N] [--quick] [--batch N] [--report-every N]
                         [--approve-every N] [--max-minutes M] [--trace [--trace-frames N]]
                         [--telethon-no-updates-timeout S] [--no-topup] [--data PATH]

This file is the driver (the world, the feeding loop, the command line). The checks on the final
database and the report are ``bench/soak_accounting.py``; what is sampled of the process
(memory, logs, tracemalloc) is ``bench/soak_measure.py``. The cast (channels, targets, people)
is ``relay/telegram/sim/cast.py``.

What runs
---------
The REAL service (:class:`relay.service.runner.Service`: watcher, review bot, publisher, supervisor and
heartbeat) on a real SQLite file in a temporary directory, over the simulated Telegram
(:mod:`relay.telegram.sim`), with real Telethon clients whose network alone is simulated, assembled as in
``tests/review_world.py``, and its ingest process (``[watcher] ingest_process``: every RSS figure
is the two processes' sum). The statement index keeps every queued post of its window
(``statement_window_days``), by design: with the default 30 days and the soak's fake clock
(a minute per batch) the window would never fill and the index would grow through the whole
run. The soak sets 0.04 days (~58 batches, filled about when the warm-up ends), so that
"memory flat" judges leaks and the index's eviction, not the window's size (bench/dedup.py
measures that: ~48 MB at 100,000 stored): a watcher account in three source channels, a bot that is admin of a
review group and of two outgoing channels (``en``, ``es``), and volunteers (Sara translates,
Reza approves; four-eyes on).

Source events (seeded, generated lazily so the harness itself does not grow):

* post    80 %  one text message (a dev-set text; every text made unique by a number)
* album   10 %  2-3 photos of a few bytes, the caption (a dev-set text) on the first
* edit     6 %  a post or album caption of the previous batch gets a new text
* delete   4 %  a post (or an album's caption message) of the previous batch is deleted

spread over three source channels (weights 5:3:2). Edits and deletions only target posts of the
previous, already settled batch: a post and its edit are never in flight together. Texts come
from the language-ID dev set (mixed: Farsi, Arabic, Urdu, English, ...), read at run time from
$RELAY_LANGID_DEV or shared/langid/dev.jsonl in an ancestor directory (licensed for measurement
only: never copied).

Events are fed in batches (``--batch``, default 2,000), then the service is settled as
``ReviewWorld.settle`` does (the sim drains, the bot posts pending cards and goes idle, the
publisher runs once). The bot posts a review card for EVERY queued job (relay's real behaviour).
Volunteers then act through the real bot on every ``--approve-every``-th job (default 500) whose
card appeared in this batch, at most 10 per batch: Sara replies to the card with a translation,
and Reza presses Approve on the preview the bot sends; the publisher posts to the outgoing
channel. Then the fake clock moves on by a minute (see below) and the sim is trimmed.

Clock: relay's clock and the sim's message dates are one fake clock that advances 60 s per batch
(and by whatever the publisher's rate limiter asks to sleep: ``publisher.sleep`` is replaced, as in
``tests/test_publisher.py``, so a wait never blocks on a clock that stands still). With at most
10 approvals per batch, the 20-posts-a-minute limit is never the bottleneck. The supervisor
(every 1 s), the heartbeat (15 s) and the watcher's catch-up timer (300 s, the default) run on
real time, as in production, so periodic catch-ups happen during the soak.

What is trimmed (the SIMULATION's memory, not relay's)
------------------------------------------------------
The simulated Telegram keeps everything it ever saw. After each settled batch the soak drops,
keeping the entries made during the last 4 batches (so edits, deletions, card edits, button
presses and catch-up reads still find their targets):

* ``Chan.messages`` and ``Chan.log`` of the three source channels and of the review group;
  ``Chan.deleted`` of the source channels;
* ``Account.box`` and ``Account.log`` (private chats) of the bot and of every volunteer;
* ``SimTelegram.files`` entries of the source albums' photos;
* ``SimTelegram.requests`` (emptied) and answered entries of ``SimTelegram.callbacks``;
* ``Chan.messages`` and ``Chan.log`` of the two outgoing channels, after writing down the id and
  album id of every message posted there (``array``, 12 bytes a message: the final accounting
  checks them against the publications).

The harness's own bookkeeping is otherwise constant apart from the ids of edited and deleted
posts and of outgoing messages (``array``, 4-12 bytes each) and the ids of approved jobs.

Requests reaching the sim are counted by client and type (``tg.on_request``): a
``GetChannelDifferenceRequest`` from the watcher means Telethon went to fetch a channel's
difference. Telethon 1.x does that for every channel every 15 minutes of real time (its
no-updates timeout is never pushed back by live updates), so a run longer than 15 minutes
exercises that path; ``--telethon-no-updates-timeout S`` shortens the timeout (it patches
``telethon._updates.messagebox.NO_UPDATES_TIMEOUT``) to exercise it in a short run.

Printed
-------
Every ``--report-every`` events (default 50,000): events, elapsed, events/s (since the last line
and overall), RSS (VmRSS after ``gc.collect()``) and its growth over the baseline, Python objects
tracked by the GC, asyncio tasks, database size, jobs by state, outbox backlog, publications,
and the health of every supervised component. The baseline is the RSS after the warm-up (10 % of
the events, at least 5 batches so the trimmed sim window is full); memory is flat (PASS) when the
largest RSS after the warm-up (sampled after every batch) is less than 10 % above it.

At the end: totals and the accounting (every message posted is in ``messages`` exactly once,
deletions marked and nothing else, every edited post holding its last edit's text with 1 to
one-per-edit earlier texts as revisions (edits a channel difference brings together arrive as
one), every approved job published exactly once and every
outgoing message accounted for by a publication, no outbox item pending without a wait), task
health (components healthy, no background task finished, no exception left to the event loop,
no ERROR logged), the cost of relay's periodic queries on the final database, and the time of
``relay status`` (``read_status`` + ``render_status``, median of 10) on a database of at least
1,000,000 messages: when the soak stored fewer (``--quick``, or a run stopped early), the
database is topped up with plain SQL rows first (said so in the output; ``--no-topup`` skips).

``--trace``: tracemalloc from the start (``--trace-frames``, default 1: grouped by line; more
frames also group by traceback, much slower); at each report line and at the end, the allocation
sites that grew most since the baseline (RSS then includes tracemalloc's own bookkeeping, so judge
the trace, not the RSS, in that mode). ``--max-minutes`` (or SIGINT/SIGTERM) stops
feeding after the current batch and reports on what was run (a second signal ends the process at
once). Exit status 0 either way.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import gc
import json
import logging
import os
import random
import re
import signal
import sqlite3
import sys
import tempfile
import time
import tracemalloc
from array import array
from collections import Counter, deque
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `relay` imports from a checkout
    sys.path.insert(0, str(ROOT))

from devset import find_dev_set  # noqa: E402 - bench/ sits first on sys.path
from soak_accounting import (  # noqa: E402
    STATUS_MESSAGES,
    Outcome,
    Totals,
    check_accounting,
    hot_queries,
    report,
    time_status,
    top_up,
)
from soak_measure import (  # noqa: E402
    LogCounter,
    Sample,
    file_mb,
    fmt_native,
    fmt_states,
    native_mem,
    proc_status,
    process_rss_mb,
    rss_mb,
    trace_diff,
)
from telethon._updates import messagebox as telethon_messagebox  # noqa: E402
from telethon.tl import types  # noqa: E402

from relay.config import Settings, load_settings  # noqa: E402
from relay.logs import setup_logging  # noqa: E402
from relay.service.runner import Service  # noqa: E402
from relay.store import outbox as outbox_store  # noqa: E402
from relay.store.db import Database  # noqa: E402
from relay.telegram.client import ReadOnlyClient  # noqa: E402
from relay.telegram.sim import cast  # noqa: E402
from relay.telegram.sim.world import Account, SimTelegram, callback_data  # noqa: E402

BOT_TOKEN = "123456:SIM-bot-token-for-the-soak"
SEED = 20240917
P_POST, P_ALBUM, P_EDIT = 0.80, 0.10, 0.06  # the rest (4 %) are deletions
CHANNEL_WEIGHTS = (5, 3, 2)
KEEP_BATCHES = 4  # batches of sim history kept (see "What is trimmed")
MAX_APPROVALS_PER_BATCH = 10
TICK_SECONDS = 60.0  # fake time per batch
CARD_TITLE = re.compile(r"^Job (\d+) · \S+ → (\w+) · ")

_SETTINGS = """\
[storage]
data_dir = "{data}"
max_media_mb = 1

[watcher]
catch_up_seconds = 300
first_catch_up_posts = 50
statement_window_days = 0.04

[review]
chat = {review_chat}
claim_minutes = 30
four_eyes = true

"""
SOURCES = (cast.VAHED, cast.HAFT_TAPPEH, cast.OIL_CONTRACT_WORKERS)
PEOPLE = (cast.SARA, cast.REZA, cast.MINA)
CONFIG = _SETTINGS + cast.config_toml(SOURCES, cast.TARGETS, PEOPLE, format_safe=True)

TRANSLATIONS = {
    "EN": "Translation of job {job}: the workers stopped work today to protest unpaid wages.",
    "ES": "Traducción del trabajo {job}: los trabajadores pararon hoy por los salarios impagos.",
}


# ---------------------------------------------------------------------------------- inputs
def load_texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


class Clock:
    def __init__(self, start: float):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def sim(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(int(self.now), dt.UTC)


# ---------------------------------------------------------------------------------- the world
class Soak:
    def __init__(self, args: argparse.Namespace, tmp: Path, texts: list[str]):
        self.args = args
        self.texts = texts
        # The fake clock starts as far in the past as the run will move it on, so that it ends
        # near the real time (status ages then read sensibly).
        batches = -(-args.events // args.batch)
        self.clock = Clock(float(int(time.time() - batches * TICK_SECONDS)))
        self.tg = tg = SimTelegram(clock=self.clock.sim)
        self.watcher_acct = cast.WATCHER.add_user(tg)
        self.bot_acct = cast.REVIEW_BOT.add_bot(tg, token=BOT_TOKEN)
        self.sara, self.reza, self.mina = (person.add_to(tg) for person in PEOPLE)
        self.sources = [source.add_to(tg, members=[self.watcher_acct]) for source in SOURCES]
        self.out = {target.key: target.add_to(tg, admins=[self.bot_acct])
                    for target in cast.TARGETS}
        people = [self.sara, self.reza, self.mina]
        self.group = tg.add_channel("Relay review", megagroup=True, members=people,
                                    admins=[self.bot_acct])
        self.data = tmp / "data"
        self.data.mkdir(parents=True)
        self.config_path = tmp / "relay.toml"
        config = CONFIG.format(data=self.data.as_posix(), review_chat=self.group.marked_id)
        if args.inline:
            config = config.replace("[watcher]\n", "[watcher]\ningest_process = false\n", 1)
        self.config_path.write_text(config, encoding="utf-8")
        self.settings: Settings = load_settings(self.config_path,
                                                env={"RELAY_BOT_TOKEN": BOT_TOKEN})
        self.db: Database | None = None
        self.service: Service | None = None
        self.rng = random.Random(SEED)
        self.text_cursor = 0
        self.totals = Totals()
        # Edit/delete candidates: per source channel, ids posted in the previous / this batch.
        self.prev: list[list[int]] = [[] for _ in self.sources]
        self.cur: list[list[int]] = [[] for _ in self.sources]
        self.deleted = [array("I") for _ in self.sources]
        self.edited = [array("I") for _ in self.sources]  # one entry per edit
        self.edit_numbers = [array("I") for _ in self.sources]  # its "[ویرایش N]", per edit
        self.deleted_at_event = [array("I") for _ in self.sources]  # per deletion
        # Outgoing channels, written down before they are trimmed: message id, album id (or 0).
        self.out_ids = {key: array("I") for key in self.out}
        self.out_groups = {key: array("q") for key in self.out}
        self.out_recorded = dict.fromkeys(self.out, 0)  # highest id written down
        self.requests: Counter = Counter()  # (client, request type) -> count
        self.approved: set[int] = set()
        self.group_seen = 0  # highest review-group message id looked at for new cards
        # Trimming: per batch, the marks taken at its start.
        self.marks: deque[dict[str, Any]] = deque()
        self.batch_files: deque[list[int]] = deque()
        self.loop_errors: list[str] = []
        self.stop_requested = ""

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        self.db = await Database.open(self.settings.storage.database)
        self.service = Service(self.settings, self.db,
                               self.tg.client(self.watcher_acct, cls=ReadOnlyClient),
                               self.tg.client(None), clock=self.clock, check_seconds=1.0)
        await self.service.start()
        publisher = self.service.publisher

        async def fake_sleep(seconds: float) -> None:
            # The limiter's wait, in fake time (the clock would otherwise never move on).
            self.totals.limiter_sleep += seconds
            self.clock.now += seconds
            await asyncio.sleep(0)

        publisher.sleep = fake_sleep
        names = {self.watcher_acct.id: "watcher", self.bot_acct.id: "bot"}

        def count_request(sender: Any, request: Any) -> None:
            inner = getattr(request, "query", request)  # InvokeWithLayer(InitConnection(...))
            inner = getattr(inner, "query", inner)
            self.requests[(names.get(sender.user_id, "other"), type(inner).__name__)] += 1

        self.tg.on_request(count_request)
        await self.settle()

    async def stop(self) -> None:
        if self.service and not self.service.stopping.is_set():
            await self.service.stop()
        if self.db:
            await self.db.close()

    async def settle(self) -> None:
        """As ``ReviewWorld.settle``: until watcher, bot and publisher did all they can now."""
        tg, bot = self.tg, self.service.bot
        await tg.settle(timeout=1800)
        await asyncio.wait_for(self.service.watcher._idle.wait(), 1800)
        await bot.post_pending_cards()
        await tg.settle(timeout=1800)
        await asyncio.wait_for(bot._idle.wait(), 1800)
        await self.service.publisher.run_once()
        await tg.settle(timeout=1800)
        await asyncio.wait_for(bot._idle.wait(), 1800)
        await tg.settle(timeout=1800)

    # ------------------------------------------------------------------ events
    def next_text(self) -> str:
        text = self.texts[self.text_cursor % len(self.texts)]
        self.text_cursor += 1
        return f"{text} {self.text_cursor}"  # unique: a text-keyed cache can't hide a leak

    def feed(self, n: int) -> list[int]:
        """Post ``n`` source events; return the file ids of the photos created."""
        rng, tg, t = self.rng, self.tg, self.totals
        files: list[int] = []
        for _ in range(n):
            ch = rng.choices(range(len(self.sources)), CHANNEL_WEIGHTS)[0]
            chan = self.sources[ch]
            r = rng.random()
            candidates = self.prev[ch]
            if r >= P_POST + P_ALBUM and candidates:
                index = rng.randrange(len(candidates))
                target = candidates[index]
                if r < P_POST + P_ALBUM + P_EDIT:
                    old = chan.messages[target].message
                    base = old.split(" [ویرایش", 1)[0]
                    tg.edit(chan, target, f"{base} [ویرایش {t.edits + 1}]")
                    self.edited[ch].append(target)
                    self.edit_numbers[ch].append(t.edits + 1)
                    t.edits += 1
                else:
                    candidates[index] = candidates[-1]  # swap-remove: never edited again
                    candidates.pop()
                    tg.delete(chan, [target])
                    self.deleted[ch].append(target)
                    self.deleted_at_event[ch].append(t.events)
                    t.deletes += 1
            elif r >= P_POST and r < P_POST + P_ALBUM:
                size = rng.choice((2, 3))
                photos = [tg.photo(b"\x89PNG soak %d" % (t.events + i)) for i in range(size)]
                files.extend(p.id for p in photos)
                msgs = tg.post_album(chan, [(self.next_text(), photos[0])]
                                     + [("", p) for p in photos[1:]])
                self.cur[ch].append(msgs[0].id)
                t.albums += 1
                t.album_messages += size
            else:  # a post (also when an edit/delete finds nothing to act on yet)
                msg = tg.post(chan, self.next_text())
                self.cur[ch].append(msg.id)
                t.posts += 1
            t.events += 1
        return files

    # ------------------------------------------------------------------ volunteers
    def new_cards(self) -> list[tuple[int, int, str]]:
        """(job id, card message id, target) of cards the bot posted since the last look."""
        found = []
        top = self.group.next_message_id - 1
        for mid in range(self.group_seen + 1, top + 1):
            msg = self.group.messages.get(mid)
            if msg is None or getattr(msg, "_sim_author", None) != self.bot_acct.id:
                continue
            m = CARD_TITLE.match(msg.message or "")
            if m:
                self.totals.cards_seen += 1
                found.append((int(m.group(1)), mid, m.group(2)))
        self.group_seen = top
        return found

    def approve_button(self, msg: types.Message) -> bytes | None:
        return self.button(msg, "approve")

    def button(self, msg: types.Message, word: str) -> bytes | None:
        markup = msg.reply_markup
        if not isinstance(markup, types.ReplyInlineMarkup):
            return None
        for row in markup.rows:
            for button in row.buttons:
                if word in button.text.lower():
                    return callback_data(button)
        return None

    def answer_to(self, reply_id: int, word: str) -> types.Message | None:
        """The bot's latest message answering ``reply_id`` with a button saying ``word``."""
        found = None
        for mid in range(reply_id + 1, self.group.next_message_id):
            msg = self.group.messages.get(mid)
            if (msg is not None and msg.reply_to is not None
                    and msg.reply_to.reply_to_msg_id == reply_id
                    and self.button(msg, word) is not None):
                found = msg
        return found

    async def volunteers(self) -> None:
        """Sara translates every Nth new job through the bot; Reza approves the preview."""
        every = self.args.approve_every
        chosen = [c for c in self.new_cards() if c[0] % every == 0][:MAX_APPROVALS_PER_BATCH]
        if not chosen:
            return
        replies = []
        for job_id, card_id, target in chosen:
            text = TRANSLATIONS.get(target, TRANSLATIONS["EN"]).format(job=job_id)
            sent = self.tg.send_group(self.sara, self.group, text, reply_to=card_id)
            replies.append((job_id, sent.id))
            self.totals.replies += 1
        await self.settle()
        for _, reply_id in replies:  # a reply to a card is confirmed first (chat in the group)
            question = self.answer_to(reply_id, "yes")
            if question is not None:
                self.tg.press(self.sara, self.group, question.id, self.button(question, "yes"))
        await self.settle()
        presses = []
        for job_id, reply_id in replies:
            preview = self.answer_to(reply_id, "approve")
            if preview is None:
                self.totals.previews_missing += 1
                continue
            presses.append((job_id, self.tg.press(self.reza, self.group, preview.id,
                                                  self.approve_button(preview))))
            self.totals.approvals_pressed += 1
        await self.settle()
        for job_id, callback in presses:
            if callback.answered.is_set() and not callback.alert:
                self.approved.add(job_id)
                self.totals.approvals_ok += 1
            else:
                self.totals.approvals_refused.append(f"job {job_id}: {callback.message!r}")
        await self.settle()  # the publisher's posts and the cards' links

    # ------------------------------------------------------------------ trimming the sim
    def boxes(self) -> list[Account]:
        return [self.bot_acct, self.sara, self.reza, self.mina]

    def mark(self, files: list[int]) -> None:
        """Remember where every trimmed store stood at the start of this batch."""
        chans = [*self.sources, self.group]
        self.marks.append({
            "chans": {c.id: (c.next_message_id, c.pts) for c in chans},
            "boxes": {a.id: (a.next_message_id, a.pts) for a in self.boxes()},
        })
        self.batch_files.append(files)

    def trim(self) -> None:
        """Drop what the sim holds from batches older than the last ``KEEP_BATCHES``."""
        tg = self.tg
        while len(self.marks) > KEEP_BATCHES:
            self.marks.popleft()
            for file_id in self.batch_files.popleft():
                tg.files.pop(file_id, None)
        oldest = self.marks[0]
        for chan in [*self.sources, self.group]:
            keep_id, keep_pts = oldest["chans"][chan.id]
            _drop_below(chan.messages, keep_id)
            _cut_log(chan.log, keep_pts)
        for chan in self.sources:
            chan.deleted.clear()
        for account in self.boxes():
            keep_id, keep_pts = oldest["boxes"][account.id]
            _drop_below(account.box, keep_id)
            _cut_log(account.log, keep_pts)
        tg.requests.clear()
        for query_id in [q for q, c in tg.callbacks.items() if c.answered.is_set()]:
            del tg.callbacks[query_id]
        self.record_outgoing()
        for key, chan in self.out.items():  # keep the last few, as for the other chats
            keep = max(self.out_recorded[key] - 50, 0)
            _drop_below(chan.messages, keep)
            _cut_log(chan.log, max(chan.pts - 200, 0))

    def record_outgoing(self) -> None:
        """Write down (id, album id) of the outgoing messages posted since the last call."""
        for key, chan in self.out.items():
            top = chan.next_message_id - 1
            for mid in range(self.out_recorded[key] + 1, top + 1):
                msg = chan.messages.get(mid)
                if msg is not None:  # (deleted by the publisher: nothing to account for)
                    self.out_ids[key].append(mid)
                    self.out_groups[key].append(msg.grouped_id or 0)
            self.out_recorded[key] = top

    def sim_held(self) -> str:
        chans = [*self.sources, self.group]
        return (f"{sum(len(c.messages) for c in chans)} msgs, "
                f"{sum(len(c.log) for c in chans)} log, "
                f"{sum(len(a.box) for a in self.boxes())} private, "
                f"{len(self.tg.files)} files, {len(self.tg.requests)} requests, "
                f"{len(self.tg.callbacks)} callbacks; outgoing "
                f"{sum(len(c.messages) for c in self.out.values())} msgs")

    # ------------------------------------------------------------------ health
    def tasks_alive(self) -> dict[str, bool]:
        s = self.service
        tasks = {"watcher-catch-up": s.watcher._timer, "bot-cards": s.bot._loop_task,
                 "publisher": s.publisher._task}
        tasks.update({t.get_name(): t for t in s._tasks})
        # Telethon's own update loops: if one died, the service would hear nothing more.
        tasks["telethon-updates-watcher"] = s.watcher_client._updates_handle
        tasks["telethon-updates-bot"] = s.bot_client._updates_handle
        return {name: task is not None and not task.done() for name, task in tasks.items()}

    async def job_states(self) -> dict[str, int]:
        return dict(await self.db.read(
            lambda c: c.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall()))

    async def count(self, sql: str) -> int:
        return int((await self.db.read(lambda c: c.execute(sql).fetchone()))[0])


def _drop_below(store: dict[int, Any], keep_from: int) -> None:
    for key in [k for k in store if k < keep_from]:
        del store[key]


def _cut_log(log: list[tuple[int, Any]], keep_pts: int) -> None:
    cut = 0
    while cut < len(log) and log[cut][0] <= keep_pts:
        cut += 1
    del log[:cut]


# ---------------------------------------------------------------------------------- run
async def soak(args: argparse.Namespace, tmp: Path, texts: list[str]) -> Outcome:
    s = Soak(args, tmp, texts)
    loop = asyncio.get_running_loop()

    def on_loop_error(lp: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        s.loop_errors.append(f"{context.get('message')}: {type(exc).__name__ if exc else ''} {exc}")
        lp.default_exception_handler(context)

    loop.set_exception_handler(on_loop_error)

    def request_stop(why: str) -> None:
        s.stop_requested = s.stop_requested or why

    def on_signal(sig: signal.Signals) -> None:
        if s.stop_requested.startswith("signal"):  # a second signal: stop now, no report
            loop.remove_signal_handler(sig)
            os.kill(os.getpid(), sig)
        s.stop_requested = f"signal {sig.name}"

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, on_signal, sig)

    await s.start()
    db_path = Path(s.settings.storage.database)
    wal = db_path.with_name(db_path.name + "-wal")
    events_target = args.events
    def rss_all() -> float:
        """relay's memory: the service's process and its ingest process (the statement index
        and the language profiles live there since issue 9), summed."""
        ingest = s.service.ingest
        return rss_mb() + process_rss_mb(ingest.pid if ingest is not None else None)

    warmup = max(events_target // 10, 5 * args.batch)
    samples: list[Sample] = []
    baseline: Sample | None = None
    base_snapshot = None
    peak_after = 0.0
    health_failures: list[str] = []
    tasks_dead: list[str] = []
    trace_top: list[str] = []
    next_report = args.report_every
    last_report = (0, 0.0)
    deadline = time.monotonic() + args.max_minutes * 60 if args.max_minutes else None
    print(f"{'events':>9} {'elapsed':>8} {'ev/s':>6} {'avg':>6} {'RSS MB':>7} {'vs base':>8}"
          f" {'py objs':>9} {'tasks':>5} {'DB MB':>7}  jobs / outbox pending / published;"
          " health", flush=True)
    gc.collect()
    print(f"{0:>9,} {0:>7.0f}s {'':>6} {'':>6} {rss_all():>7.1f}   (service started; warm-up"
          f" until {warmup:,} events)", flush=True)
    start = time.perf_counter()
    while s.totals.events < events_target and not s.stop_requested:
        n = min(args.batch, events_target - s.totals.events)
        s.mark([])
        files = s.feed(n)
        s.batch_files[-1] = files
        await s.settle()
        await s.volunteers()
        s.prev, s.cur = s.cur, [[] for _ in s.sources]
        s.clock.now += TICK_SECONDS
        s.trim()
        s.totals.batches += 1
        ev = s.totals.events
        health = s.service.health()
        if not all(health.values()):
            health_failures.append(f"at {ev:,}: {health}")
        dead = [k for k, v in s.tasks_alive().items() if not v]
        if dead:
            tasks_dead.append(f"at {ev:,}: {dead}")
        rss = rss_all()
        if baseline is None and ev >= warmup:
            gc.collect()
            rss = rss_all()
            baseline = Sample(ev, time.perf_counter() - start, rss)
            if args.trace:
                base_snapshot = tracemalloc.take_snapshot()
            print(f"{'':>9} baseline after warm-up: {rss:.1f} MB at {ev:,} events", flush=True)
        elif baseline is not None:
            peak_after = max(peak_after, rss)
        if deadline and time.monotonic() > deadline:
            request_stop(f"--max-minutes {args.max_minutes:g} reached")
        if ev >= next_report or ev >= events_target or s.stop_requested:
            while next_report <= ev:
                next_report += args.report_every
            gc.collect()
            rss = rss_all()
            if baseline is not None and ev > baseline.events:
                peak_after = max(peak_after, rss)
            elapsed = time.perf_counter() - start
            window = (ev - last_report[0]) / max(elapsed - last_report[1], 1e-9)
            last_report = (ev, elapsed)
            native = native_mem()
            samples.append(Sample(ev, elapsed, rss, native))
            states = await s.job_states()
            backlog = await s.db.read(outbox_store.backlog)
            pubs = await s.count("SELECT COUNT(*) FROM publications")
            growth = f"{100 * (rss / baseline.rss - 1):+7.1f}%" if baseline else f"{'':>8}"
            ok = "all healthy" if all(health.values()) else f"UNHEALTHY {health}"
            if dead:
                ok += f" DEAD {dead}"
            print(f"{ev:>9,} {elapsed:>7.0f}s {window:>6.0f} {ev / elapsed:>6.0f} {rss:>7.1f}"
                  f" {growth} {len(gc.get_objects()):>9,} {len(asyncio.all_tasks()):>5}"
                  f" {file_mb(db_path, wal):>7.1f}  {fmt_states(states)} / {backlog} / {pubs};"
                  f" {ok}", flush=True)
            print(f"{'':>9} {fmt_native(native)}; sim holds: {s.sim_held()}", flush=True)
            if args.trace and base_snapshot is not None and ev > baseline.events:
                for line in trace_diff(tracemalloc.take_snapshot(), base_snapshot, 8):
                    print(f"{'':>9}   {line}", flush=True)
    seconds = time.perf_counter() - start
    if s.stop_requested:
        print(f"stopped feeding after {s.totals.events:,} events: {s.stop_requested}", flush=True)

    # Drain: whatever is approved goes out; then take the final picture.
    for _ in range(20):
        await s.settle()
        pending = await s.db.read(lambda c: c.execute(
            "SELECT COUNT(*), MIN(not_before) FROM outbox WHERE status = 'pending'").fetchone())
        if not pending[0]:
            break
        s.clock.now = max(s.clock.now, float(pending[1] or 0)) + 1
    if args.trace and base_snapshot is not None:
        gc.collect()
        snap = tracemalloc.take_snapshot()
        trace_top = ["by line:"] + trace_diff(snap, base_snapshot, 25)
        if args.trace_frames > 1:
            trace_top += ["by traceback (top 6):"] + trace_diff(snap, base_snapshot, 6,
                                                                 "traceback")
    final_health = s.service.health()
    final_tasks = s.tasks_alive()
    figures = {"rss_end": rss_all(), "vmhwm": proc_status()["VmHWM"],
               "db_mb_running": file_mb(db_path, wal), "sim_held": s.sim_held(),
               "tasks": len(asyncio.all_tasks())}
    s.record_outgoing()
    outgoing = {key: list(zip(s.out_ids[key], [g or None for g in s.out_groups[key]],
                              strict=True)) for key in s.out}
    out_ids = {key: chan.id for key, chan in s.out.items()}
    expected = {chan.id: chan.next_message_id - 1 for chan in s.sources}
    deleted = {chan.id: sorted(s.deleted[i]) for i, chan in enumerate(s.sources)}
    edited = {chan.id: Counter(s.edited[i]) for i, chan in enumerate(s.sources)}
    figures_requests = dict(s.requests)
    await s.stop()
    loop.set_exception_handler(None)
    accounting, more = check_accounting(db_path, s, expected, deleted, edited, outgoing, out_ids)
    figures.update(more)
    figures["requests"] = figures_requests
    figures["db_mb_closed"] = file_mb(db_path, wal)
    hot = hot_queries(db_path, int(s.clock.now))
    return Outcome(s.totals, seconds, samples, baseline, peak_after, health_failures, tasks_dead,
                   s.loop_errors, s.stop_requested, final_health, final_tasks, db_path,
                   s.config_path, s.settings, accounting, figures, hot, trace_top)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000,
                        help="source events (default 1,000,000)")
    parser.add_argument("--quick", action="store_true", help="a smoke run of 20,000 events")
    parser.add_argument("--batch", type=int, default=2_000, help="events per settle (2,000)")
    parser.add_argument("--report-every", type=int, default=None,
                        help="events between report lines (50,000; --quick: 2,000)")
    parser.add_argument("--approve-every", type=int, default=500,
                        help="volunteers translate and approve every Nth job (500)")
    parser.add_argument("--max-minutes", type=float, default=0,
                        help="stop feeding after this many minutes and report (0: no limit)")
    parser.add_argument("--trace", action="store_true",
                        help="tracemalloc: report the allocation sites that grow (slow; RSS"
                             " then includes tracemalloc's own bookkeeping)")
    parser.add_argument("--trace-frames", type=int, default=1,
                        help="frames kept per allocation with --trace (1: by line, fast)")
    parser.add_argument("--inline", action="store_true",
                        help="decide and store posts in the service's process"
                             " ([watcher] ingest_process = false)")
    parser.add_argument("--no-topup", action="store_true",
                        help="time status on the soak's database as it is, even if < 1M messages")
    parser.add_argument("--telethon-no-updates-timeout", type=float, default=None,
                        metavar="S", help="make Telethon fetch every channel's difference after"
                        " S seconds (its constant is 900): exercises that path in a short run")
    parser.add_argument("--data", help="path to dev.jsonl")
    args = parser.parse_args()
    if args.quick:
        args.events = 20_000
    if args.report_every is None:
        args.report_every = 2_000 if args.quick else 50_000
    if min(args.events, args.batch, args.report_every, args.approve_every) < 1:
        parser.error("--events, --batch, --report-every and --approve-every must be positive")

    if args.telethon_no_updates_timeout:
        telethon_messagebox.NO_UPDATES_TIMEOUT = args.telethon_no_updates_timeout
    overall = time.perf_counter()
    dev = find_dev_set(args.data)
    texts = load_texts(dev)
    if args.trace:
        tracemalloc.start(max(args.trace_frames, 1))
    # relay's own log setup at INFO, as in production (lines to /dev/null, the bot token
    # redacted); warnings and errors are counted.
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
    setup_logging("INFO", "kv", secrets=[BOT_TOKEN], stream=sink)
    logs = LogCounter()
    logging.getLogger().addHandler(logs)
    print(f"soak: {args.events:,} source events in batches of {args.batch:,}; report every"
          f" {args.report_every:,}; volunteers approve every {args.approve_every}th job"
          f"{'; tracemalloc on' if args.trace else ''}; Telethon's no-updates timeout"
          f" {telethon_messagebox.NO_UPDATES_TIMEOUT:g} s", flush=True)
    print(f"trimmed after each batch, keeping the last {KEEP_BATCHES} batches: source channels"
          " and review group (messages, update log), source Chan.deleted, private boxes and"
          " logs of the bot and volunteers, source photos in tg.files; tg.requests emptied;"
          " answered tg.callbacks dropped; outgoing channels written down, then trimmed.",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="relay-soak-") as tmp:
        res = asyncio.run(soak(args, Path(tmp), texts))
        if args.trace:
            tracemalloc.stop()
        topup = "as the soak left it"
        if not args.no_topup:
            print("topping up the database for the status timing ...", flush=True)
            topup = top_up(res.db_path, STATUS_MESSAGES)
        conn = sqlite3.connect(res.db_path)
        messages = conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
        conn.close()
        topup = f"{messages:,} messages: {topup}"
        status = time_status(res.settings, res.config_path)
        status["messages"] = messages
    sink.close()
    report(args, res, logs, status, topup, dev, time.perf_counter() - overall, seed=SEED)
    return 0


if __name__ == "__main__":
    sys.exit(main())
