"""Soak test: the whole service on the scripted Telegram for a million source events.

    python bench/soak.py [--events N] [--quick] [--batch N] [--report-every N]
                         [--approve-every N] [--max-minutes M] [--trace [--trace-frames N]]
                         [--telethon-no-updates-timeout S] [--no-topup] [--data PATH]

What runs
---------
The REAL service (:class:`relay.service.runner.Service`: watcher, review bot, publisher, supervisor and
heartbeat) on a real SQLite file in a temporary directory, over the simulated Telegram
(:mod:`relay.telegram.sim`), with real Telethon clients whose network alone is simulated, assembled as in
``tests/review_world.py``: a watcher account in three source channels, a bot that is admin of a
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
import ctypes
import datetime as dt
import gc
import json
import logging
import os
import random
import re
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from array import array
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `relay` imports from a checkout
    sys.path.insert(0, str(ROOT))

from devset import find_dev_set  # noqa: E402 - bench/ sits first on sys.path
from storeplans import time_and_explain  # noqa: E402
from telethon._updates import messagebox as telethon_messagebox  # noqa: E402
from telethon.tl import types  # noqa: E402

from relay.config import Settings, load_settings  # noqa: E402
from relay.logs import setup_logging  # noqa: E402
from relay.service.runner import Service  # noqa: E402
from relay.store import outbox as outbox_store  # noqa: E402
from relay.store import review_queries as review_store  # noqa: E402
from relay.store.db import Database  # noqa: E402
from relay.telegram.client import ReadOnlyClient  # noqa: E402
from relay.telegram.sim.world import Account, SimTelegram, callback_data  # noqa: E402

BOT_TOKEN = "123456:SIM-bot-token-for-the-soak"
SEED = 20240917
P_POST, P_ALBUM, P_EDIT = 0.80, 0.10, 0.06  # the rest (4 %) are deletions
CHANNEL_WEIGHTS = (5, 3, 2)
KEEP_BATCHES = 4  # batches of sim history kept (see "What is trimmed")
MAX_APPROVALS_PER_BATCH = 10
TICK_SECONDS = 60.0  # fake time per batch
RSS_GROWTH_LIMIT = 10.0  # percent
STATUS_LIMIT_MS = 200.0
STATUS_MESSAGES = 1_000_000
CARD_TITLE = re.compile(r"^Job (\d+) · \S+ → (\w+) · ")

CONFIG = """\
[storage]
data_dir = "{data}"
max_media_mb = 1

[watcher]
catch_up_seconds = 300
first_catch_up_posts = 50

[review]
chat = {review_chat}
claim_minutes = 30
four_eyes = true

[[sources]]
channel = "@vahed"
name = "Syndicate of Workers of Tehran and Suburbs Vahed Bus Company"

[[sources]]
channel = "@haft_tappeh"
name = "Haft Tappeh Sugar Cane Workers' Union"

[[sources]]
channel = "@oil_contract_workers"
name = "Organising Council of Oil Contract Workers' Protests"

[[targets]]
key = "en"
channel = "@relay_en"
language = "en"
credit = "Shahrokh Zamani Action Campaign"

[[targets]]
key = "es"
channel = "@relay_es"
language = "es"
credit = "Campaña Shahrokh Zamani"

[[people]]
id = 5001
name = "Sara"
roles = ["translator"]

[[people]]
id = 5002
name = "Reza"
roles = ["editor"]

[[people]]
id = 5003
name = "Mina"
roles = ["translator", "editor"]
language = "fa"
"""

TRANSLATIONS = {
    "EN": "Translation of job {job}: the workers stopped work today to protest unpaid wages.",
    "ES": "Traducción del trabajo {job}: los trabajadores pararon hoy por los salarios impagos.",
}


# ---------------------------------------------------------------------------------- inputs
def load_texts(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["text"] for line in fh if line.strip()]


# ---------------------------------------------------------------------------------- process
def proc_status() -> dict[str, float]:
    """VmRSS and VmHWM in MB."""
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            key, value = line.split(":", 1)
            out[key] = int(value.split()[0]) / 1024
    return out


def rss_mb() -> float:
    return proc_status()["VmRSS"]


class _MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]


def native_mem() -> dict[str, float]:
    """Memory outside Python's object allocator, in MB: SQLite's own heap (all connections,
    ``sqlite3_memory_used``), and the C heap (glibc ``mallinfo2``: in use, free inside the heap).
    Where RSS grows but Python objects do not, these say whether it is SQLite, live C allocations
    or a fragmented heap. Empty where the libraries do not offer them."""
    out: dict[str, float] = {"py_blocks": sys.getallocatedblocks()}
    try:
        lib = ctypes.CDLL("libsqlite3.so.0")  # the one the sqlite3 module already loaded
        lib.sqlite3_memory_used.restype = ctypes.c_int64
        out["sqlite"] = lib.sqlite3_memory_used() / 1e6
    except (OSError, AttributeError):
        pass
    try:
        libc = ctypes.CDLL(None)
        libc.mallinfo2.restype = _MallInfo2
        info = libc.mallinfo2()
        out["malloc_used"] = (info.uordblks + info.hblkhd) / 1e6
        out["malloc_free"] = info.fordblks / 1e6
    except (OSError, AttributeError):
        pass
    return out


def fmt_native(mem: dict[str, float]) -> str:
    parts = [f"py blocks {mem['py_blocks']:,}"]
    if "sqlite" in mem:
        parts.append(f"sqlite heap {mem['sqlite']:.1f} MB")
    if "malloc_used" in mem:
        parts.append(f"C heap {mem['malloc_used']:.1f} MB used + {mem['malloc_free']:.1f} MB free")
    return ", ".join(parts)


def file_mb(*paths: Path) -> float:
    return sum(p.stat().st_size for p in paths if p.exists()) / 1e6


class LogCounter(logging.Handler):
    """Counts WARNING and above by event name; keeps the first line of each."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter = Counter()
        self.errors: Counter = Counter()
        self.first: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        fields = getattr(record, "fields", None) or getattr(record.msg, "fields", None) or {}
        name = str(fields.get("event") or record.getMessage().split(" ", 1)[0])[:60]
        name = f"{record.name}:{name}"
        self.counts[name] += 1
        if record.levelno >= logging.ERROR:
            self.errors[name] += 1
        if name not in self.first:
            self.first[name] = record.getMessage()[:300]


class Clock:
    def __init__(self, start: float):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def sim(self) -> dt.datetime:
        return dt.datetime.fromtimestamp(int(self.now), dt.UTC)


# ---------------------------------------------------------------------------------- the world
@dataclass
class Totals:
    events: int = 0
    posts: int = 0
    albums: int = 0
    album_messages: int = 0
    edits: int = 0
    deletes: int = 0
    batches: int = 0
    cards_seen: int = 0
    replies: int = 0
    approvals_pressed: int = 0
    approvals_ok: int = 0
    approvals_refused: list[str] = field(default_factory=list)
    previews_missing: int = 0
    limiter_sleep: float = 0.0


class Soak:
    def __init__(self, args: argparse.Namespace, tmp: Path, texts: list[str]):
        self.args = args
        self.texts = texts
        # The fake clock starts as far in the past as the run will move it on, so that it ends
        # near the real time (status ages then read sensibly).
        batches = -(-args.events // args.batch)
        self.clock = Clock(float(int(time.time() - batches * TICK_SECONDS)))
        self.tg = tg = SimTelegram(clock=self.clock.sim)
        self.watcher_acct = tg.add_user("Watcher", username="watcher_acct")
        self.bot_acct = tg.add_bot("Relay", username="relay_review_bot", token=BOT_TOKEN)
        self.sara = tg.add_user("Sara", user_id=5001)
        self.reza = tg.add_user("Reza", user_id=5002)
        self.mina = tg.add_user("Mina", user_id=5003)
        self.sources = [
            tg.add_channel("Vahed", username="vahed", members=[self.watcher_acct]),
            tg.add_channel("Haft Tappeh", username="haft_tappeh", members=[self.watcher_acct]),
            tg.add_channel("Oil contract workers", username="oil_contract_workers",
                           members=[self.watcher_acct]),
        ]
        self.out = {"en": tg.add_channel("Relay EN", username="relay_en", admins=[self.bot_acct]),
                    "es": tg.add_channel("Relay ES", username="relay_es", admins=[self.bot_acct])}
        people = [self.sara, self.reza, self.mina]
        self.group = tg.add_channel("Relay review", megagroup=True, members=people,
                                    admins=[self.bot_acct])
        self.data = tmp / "data"
        self.data.mkdir(parents=True)
        self.config_path = tmp / "relay.toml"
        self.config_path.write_text(CONFIG.format(data=self.data.as_posix(),
                                                  review_chat=self.group.marked_id),
                                    encoding="utf-8")
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
        markup = msg.reply_markup
        if not isinstance(markup, types.ReplyInlineMarkup):
            return None
        for row in markup.rows:
            for button in row.buttons:
                if "approve" in button.text.lower():
                    return callback_data(button)
        return None

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
        presses = []
        for job_id, reply_id in replies:
            preview = None
            for mid in range(reply_id + 1, self.group.next_message_id):
                msg = self.group.messages.get(mid)
                if (msg is not None and msg.reply_to is not None
                        and msg.reply_to.reply_to_msg_id == reply_id
                        and self.approve_button(msg) is not None):
                    preview = msg
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
@dataclass
class Sample:
    events: int
    elapsed: float
    rss: float
    native: dict[str, float] = field(default_factory=dict)


@dataclass
class Outcome:
    totals: Totals
    seconds: float
    samples: list[Sample]
    baseline: Sample | None
    rss_peak_after_warmup: float
    health_failures: list[str]
    tasks_dead: list[str]
    loop_errors: list[str]
    stopped_early: str
    final_health: dict[str, bool]
    final_tasks: dict[str, bool]
    db_path: Path
    config_path: Path
    settings: Settings
    accounting: list[tuple[str, bool, str]]
    figures: dict[str, Any]
    hot_queries: list[tuple[str, float, str]]
    trace_top: list[str]


def fmt_states(states: dict[str, int]) -> str:
    order = ("queued", "drafted", "approved", "published", "stale", "skipped", "rejected")
    return " ".join(f"{s[:4]}={states.get(s, 0):,}" for s in order if states.get(s, 0))


def trace_diff(snapshot: tracemalloc.Snapshot, base: tracemalloc.Snapshot, top: int,
               key: str = "lineno") -> list[str]:
    filters = [tracemalloc.Filter(False, tracemalloc.__file__),
               tracemalloc.Filter(False, "<frozen importlib._bootstrap*>")]
    stats = snapshot.filter_traces(filters).compare_to(base.filter_traces(filters), key)
    lines = []
    for stat in stats[:top]:
        frame = stat.traceback[0]
        where = f"{frame.filename.replace(str(ROOT) + os.sep, '')}:{frame.lineno}"
        lines.append(f"{stat.size_diff / 1e6:+8.2f} MB {stat.count_diff:+9,} blocks  {where}")
        if key == "traceback":
            for fr in list(stat.traceback)[1:8]:
                lines.append(f"{'':30}<- {fr.filename.replace(str(ROOT) + os.sep, '')}:{fr.lineno}")
    return lines


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
    print(f"{0:>9,} {0:>7.0f}s {'':>6} {'':>6} {rss_mb():>7.1f}   (service started; warm-up"
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
        rss = rss_mb()
        if baseline is None and ev >= warmup:
            gc.collect()
            rss = rss_mb()
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
            rss = rss_mb()
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
    figures = {"rss_end": rss_mb(), "vmhwm": proc_status()["VmHWM"],
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
    accounting, more = account(db_path, s, expected, deleted, edited, outgoing, out_ids)
    figures.update(more)
    figures["requests"] = figures_requests
    figures["db_mb_closed"] = file_mb(db_path, wal)
    hot = hot_queries(db_path, int(s.clock.now))
    return Outcome(s.totals, seconds, samples, baseline, peak_after, health_failures, tasks_dead,
                   s.loop_errors, s.stop_requested, final_health, final_tasks, db_path,
                   s.config_path, s.settings, accounting, figures, hot, trace_top)


# ---------------------------------------------------------------------------------- checks
def deletion_detail(q: Any, s: Soak, channel_id: int, message_id: int) -> str:
    """What the store knows of a post deleted in the sim but not marked: for diagnosis."""
    i = next(k for k, chan in enumerate(s.sources) if chan.id == channel_id)
    at = [e for m, e in zip(s.deleted[i], s.deleted_at_event[i], strict=True) if m == message_id]
    edits = sum(1 for m in s.edited[i] if m == message_id)
    row = q("SELECT pk, date, edit_date, deleted_at, grouped_id FROM messages WHERE channel_id = ?"
            " AND message_id = ?", (channel_id, message_id)).fetchone()
    if row is None:
        return f"{channel_id}/{message_id}: not stored; deleted at event {at}"
    revs = q("SELECT COUNT(*), MAX(replaced_at) FROM message_revisions WHERE message_pk = ?",
             (row[0],)).fetchone()
    return (f"{channel_id}/{message_id}: deleted at event {at}, {edits} edits in the sim;"
            f" stored date {row[1]}, edit_date {row[2]}, deleted_at {row[3]}, album {row[4]},"
            f" {revs[0]} revisions (last replaced at {revs[1]})")


def account(db_path: Path, s: Soak, expected: dict[int, int], deleted: dict[int, list[int]],
            edited: dict[int, Counter], outgoing: dict[str, list[tuple[int, int | None]]],
            out_ids: dict[str, int]) -> tuple[list[tuple[str, bool, str]], dict[str, Any]]:
    """Every post accounted for; every approved job published exactly once."""
    conn = sqlite3.connect(db_path)
    q = conn.execute
    checks: list[tuple[str, bool, str]] = []
    figures: dict[str, Any] = {}

    # Messages: ids 1..N per source channel, each exactly once (UNIQUE, and COUNT = MAX = N).
    per = []
    ok = True
    for channel_id, n in expected.items():
        count, distinct, lo, hi = q("SELECT COUNT(*), COUNT(DISTINCT message_id), MIN(message_id),"
                                    " MAX(message_id) FROM messages WHERE channel_id = ?",
                                    (channel_id,)).fetchone()
        good = count == distinct == n and (n == 0 or (lo == 1 and hi == n))
        ok &= good
        per.append(f"{count:,}/{n:,}")
    sources = ",".join(str(c) for c in expected)
    others = q(f"SELECT COUNT(*) FROM messages WHERE channel_id NOT IN ({sources})").fetchone()[0]
    total = sum(expected.values())
    figures["messages"] = total
    checks.append(("every message posted is stored exactly once", ok and others == 0,
                   f"{total:,} posted; stored per channel {', '.join(per)}; elsewhere {others}"))

    # Deletions: exactly the posts deleted carry a mark.
    marked_total, unmarked, extra = 0, [], []
    for channel_id, ids in deleted.items():
        marked = {r[0] for r in q("SELECT message_id FROM messages WHERE channel_id = ? AND"
                                  " deleted_at IS NOT NULL", (channel_id,))}
        marked_total += len(marked)
        unmarked += [(channel_id, m) for m in ids if m not in marked]
        extra += [(channel_id, m) for m in sorted(marked - set(ids))]
    made = sum(len(v) for v in deleted.values())
    checks.append(("deletions marked (rows kept), and only those", not unmarked and not extra,
                   f"{made:,} deleted in the sim, {marked_total:,} marked; {len(unmarked)}"
                   f" deletions NOT marked (e.g. channel/message {unmarked[:4]}), {len(extra)}"
                   f" marked that were not deleted {extra[:4]}"))
    figures["unmarked_detail"] = [deletion_detail(q, s, channel_id, mid)
                                  for channel_id, mid in unmarked[:10]]

    # Edits: every edited post holds the text of its last edit, and its earlier texts as
    # revisions: at least one, at most one per edit. Fewer revisions than edits is right when
    # edits reached relay together: a channel difference (like any re-read) carries a post's
    # current text only, so edits made while updates were not flowing collapse into one.
    revisions = q("SELECT COUNT(*) FROM message_revisions").fetchone()[0]
    wrong, collapsed = [], 0
    for i, (channel_id, counts) in enumerate(edited.items()):
        last = dict(zip(s.edited[i], s.edit_numbers[i], strict=True))
        got = dict(q("SELECT m.message_id, COUNT(r.id) FROM messages m JOIN message_revisions r"
                     " ON r.message_pk = m.pk WHERE m.channel_id = ? GROUP BY m.message_id",
                     (channel_id,)).fetchall())
        texts = dict(q("SELECT message_id, text FROM messages WHERE channel_id = ? AND"
                       " text LIKE '%[ویرایش %'", (channel_id,)).fetchall())
        for mid, n in sorted(counts.items()):
            have = got.get(mid, 0)
            current = texts.get(mid, "")
            if not 1 <= have <= n or not current.endswith(f"[ویرایش {last[mid]}]"):
                wrong.append((channel_id, mid, n, have, current[-14:]))
            collapsed += n - have
    n_edited = sum(len(c) for c in edited.values())
    figures["edits_collapsed"] = collapsed
    checks.append(("edits: last text kept, earlier ones as revisions", not wrong,
                   f"{s.totals.edits:,} edits of {n_edited:,} messages, {revisions:,} revisions"
                   f" ({collapsed} edits arrived together with a later one); {len(wrong)}"
                   f" messages without their last edit or with revisions outside 1..edits"
                   f" (channel, message, edits, revisions, text end: {wrong[:4]})"))

    # Approved jobs: each published exactly once.
    approved = sorted(s.approved)
    bad = []
    for job_id in approved:
        status = q("SELECT status FROM jobs WHERE id = ?", (job_id,)).fetchone()
        posts = q("SELECT COUNT(*) FROM outbox WHERE job_id = ? AND kind = 'post' AND"
                  " status = 'sent'", (job_id,)).fetchone()[0]
        parts = q("SELECT COUNT(*) FROM publications p JOIN outbox o ON o.id = p.outbox_id"
                  " WHERE o.job_id = ? AND o.kind = 'post'", (job_id,)).fetchone()[0]
        if not status or status[0] not in ("published", "stale") or posts != 1 or parts < 1:
            bad.append(f"job {job_id}: {status and status[0]}, {posts} posts, {parts} parts")
    ids = ",".join(map(str, approved)) or "0"
    others = q("SELECT COUNT(*) FROM jobs WHERE status IN ('approved', 'published', 'stale')"
               f" AND id NOT IN ({ids})").fetchone()[0]
    checks.append(("every approved job published exactly once", not bad and others == 0,
                   f"{len(approved):,} approved through the bot; {len(bad)} not published once"
                   f" {bad[:3]}; {others} other jobs approved/published"))

    # Outgoing channels: every message is a publication part (or a photo of its album), once.
    pubs = q("SELECT target, channel_id, message_id FROM publications").fetchall()
    by_kind = dict(q("SELECT o.kind, COUNT(*) FROM publications p JOIN outbox o"
                     " ON o.id = p.outbox_id GROUP BY o.kind").fetchall())
    problems = []
    dup = len(pubs) - len({(c, m) for _, c, m in pubs})
    if dup:
        problems.append(f"{dup} publications share a message")
    out_total = 0
    for key, msgs in outgoing.items():
        out_total += len(msgs)
        chan_id = out_ids[key]
        referenced = {m for t, c, m in pubs if c == chan_id}
        wrong_chan = [m for t, c, m in pubs if t == key and c != chan_id]
        if wrong_chan:
            problems.append(f"{key}: {len(wrong_chan)} publications in another channel")
        ids = {mid for mid, _ in msgs}
        missing = referenced - ids
        if missing:
            problems.append(f"{key}: {len(missing)} publications not in the channel")
        album_of = {mid: g for mid, g in msgs}
        covered_albums = {album_of[m] for m in referenced if album_of.get(m)}
        orphans = [mid for mid, g in msgs if mid not in referenced and g not in covered_albums]
        if orphans:
            problems.append(f"{key}: {len(orphans)} messages no publication accounts for")
    figures["outgoing_messages"] = out_total
    figures["publications"] = len(pubs)
    checks.append(("outgoing channels = publications (no double, no orphan post)", not problems,
                   f"{out_total:,} messages in the outgoing channels, {len(pubs):,} publication"
                   f" rows ({', '.join(f'{k} {v}' for k, v in sorted(by_kind.items()))});"
                   f" {'; '.join(problems) or 'all accounted for'}"))

    # Outbox: nothing pending without a wait in force; nothing failed.
    now = int(s.clock.now)
    stuck = q("SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND not_before <= ?",
              (now,)).fetchone()[0]
    waiting = q("SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND not_before > ?",
                (now,)).fetchone()[0]
    failed = q("SELECT COUNT(*) FROM outbox WHERE status = 'failed'").fetchone()[0]
    sending = q("SELECT COUNT(*) FROM outbox WHERE sending_part IS NOT NULL").fetchone()[0]
    by_status = dict(q("SELECT kind || ':' || status, COUNT(*) FROM outbox GROUP BY 1").fetchall())
    checks.append(("no outbox item stuck (pending without a wait, failed, half-sent)",
                   stuck == 0 and failed == 0 and sending == 0,
                   f"{stuck} pending and due, {waiting} waiting, {failed} failed, {sending}"
                   f" half-sent; outbox {by_status}"))

    figures["jobs"] = dict(q("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall())
    figures["jobs_total"] = sum(figures["jobs"].values())
    figures["cards"] = q("SELECT COUNT(*) FROM bot_messages WHERE kind = 'card'").fetchone()[0]
    figures["queued_without_card"] = q(
        "SELECT COUNT(*) FROM jobs j WHERE status = 'queued' AND NOT EXISTS (SELECT 1 FROM"
        " bot_messages b WHERE b.job_id = j.id AND b.kind = 'card')").fetchone()[0]
    figures["audit"] = q("SELECT COUNT(*) FROM audit").fetchone()[0]
    figures["media_paths"] = q("SELECT COUNT(*) FROM messages WHERE media_path IS NOT NULL"
                               ).fetchone()[0]
    # Photos of albums that got jobs: what the watcher should have downloaded.
    figures["photos_wanted"] = q(
        "SELECT COUNT(*) FROM messages m WHERE media_kind IS NOT NULL AND grouped_id IS NOT NULL"
        " AND EXISTS (SELECT 1 FROM jobs j WHERE j.channel_id = m.channel_id"
        " AND j.unit_key = 'g:' || m.grouped_id)").fetchone()[0]
    figures["langs"] = q("SELECT lang, COUNT(*) FROM messages GROUP BY lang ORDER BY 2 DESC"
                         " LIMIT 6").fetchall()
    figures["stale"] = q("SELECT COUNT(*) FROM jobs WHERE status = 'stale'").fetchone()[0]
    conn.close()
    return checks, figures


def hot_queries(db_path: Path, now: int) -> list[tuple[str, float, str]]:
    """What relay's recurring queries cost on the final database (median of 5, ms) and how
    SQLite runs them (the statements relay actually executed, caught with a trace callback):
    the per-event cost that decides whether the rate holds as the archive grows."""
    conn = sqlite3.connect(db_path)
    job = conn.execute("SELECT MAX(id) FROM jobs").fetchone()[0] or 1
    album_job = conn.execute("SELECT MAX(id) FROM jobs WHERE grouped_id IS NOT NULL"
                             ).fetchone()[0] or job
    carded = conn.execute("SELECT MAX(job_id) FROM bot_messages WHERE kind = 'card'"
                          ).fetchone()[0] or 0
    audit_top = conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0]
    cases: list[tuple[str, Any, tuple]] = [
        ("review.load_job, a post (every card, refresh, press)", review_store.load_job, (job,)),
        ("review.load_job, an album", review_store.load_job, (album_job,)),
        ("review.expired_claims (every card-loop turn)", review_store.expired_claims,
         (now, 1800)),
        ("outbox.heads (every publisher turn)", outbox_store.heads, ()),
        ("outbox.deleted_sources_to_handle, first turn after a start",
         outbox_store.deleted_sources_to_handle, ("annotate",)),
        ("outbox.deleted_sources_to_handle, every later turn (last 200 audit entries new)",
         outbox_store.deleted_sources_to_handle, ("annotate", max(0, audit_top - 200))),
    ]
    cases += [("review.jobs_without_cards, steady state (per 20 cards)",
               review_store.jobs_without_cards, (20, carded)),
              ("review.jobs_without_cards, first call after a restart",
               review_store.jobs_without_cards, (20, 0))]
    out = []
    for name, fn, fargs in cases:
        median, plans = time_and_explain(conn, fn, fargs, runs=5)
        out.append((name, median, " || ".join("; ".join(r[3] for r in plan) for plan in plans)))
    conn.close()
    return out


def top_up(db_path: Path, target: int) -> str:
    """Add plain rows until ``messages`` holds ``target`` rows (and jobs in the same ratio)."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    have = conn.execute("SELECT MAX(pk) FROM messages").fetchone()[0] or 0
    if have >= target:
        conn.close()
        return f"not needed ({have:,} messages stored by the soak)"
    jobs = conn.execute("SELECT COUNT(*) FROM jobs").fetchone()[0]
    ratio = jobs / have if have else 0.8
    channel_id, top = conn.execute("SELECT channel_id, MAX(message_id) FROM messages"
                                   " GROUP BY channel_id ORDER BY 2 DESC LIMIT 1").fetchone()
    add = target - have
    t0 = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO messages (channel_id, message_id, date, text, lang, lang_confidence,"
        " stored_at) VALUES (?, ?, ?, ?, 'fa', 0.99, ?)",
        ((channel_id, top + i, 1_700_000_000 + i, f"پیام آزمایشی {i}", 1_700_000_000)
         for i in range(1, add + 1)))
    half = ratio / 2  # two jobs (en, es) per queued post
    conn.executemany(
        "INSERT INTO jobs (channel_id, unit_key, message_id, target, language, status,"
        " source_text, source_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'queued',"
        " 'x', 'h', 1700000000, 1700000000)",
        ((channel_id, f"m:{top + i}", top + i, key, key)
         for i in range(1, add + 1) if int(i * half) > int((i - 1) * half)
         for key in ("en", "es")))
    conn.execute("COMMIT")
    added_jobs = conn.execute("SELECT COUNT(*) FROM jobs").fetchone()[0] - jobs
    conn.close()
    return (f"TOPPED UP with plain SQL: +{add:,} messages and +{added_jobs:,} queued jobs"
            f" (the soak's ratio) in {time.perf_counter() - t0:.0f} s")


def time_status(settings: Settings, config_path: Path, runs: int = 10) -> dict[str, Any]:
    out: dict[str, Any] = {}
    try:
        from relay.cli.status import read_status, render_status

        times = []
        text = ""
        for _ in range(runs):
            t0 = time.perf_counter()
            text = render_status(read_status(settings))
            times.append((time.perf_counter() - t0) * 1e3)
        out["inproc"] = times
        out["text"] = text
    except Exception as exc:  # noqa: BLE001 - fall back to the command, as the brief says
        out["inproc_error"] = f"{type(exc).__name__}: {exc}"
    times = []
    cmd = [sys.executable, "-m", "relay", "--config", str(config_path), "status"]
    for _ in range(runs if "inproc" not in out else 3):
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        times.append((time.perf_counter() - t0) * 1e3)
        out["cli_rc"] = proc.returncode
        if proc.returncode:
            out["cli_err"] = proc.stderr.strip()[-300:]
    out["cli"] = times
    if "text" not in out:
        out["text"] = proc.stdout
    return out


# ---------------------------------------------------------------------------------- report
def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def report(args: argparse.Namespace, res: Outcome, logs: LogCounter, status: dict[str, Any],
           topup: str, dev: Path, total: float) -> None:
    t = res.totals
    rule = "=" * 100
    print(rule)
    print("relay soak: the whole service (watcher + review bot + publisher, supervised) on the"
          " scripted Telegram")
    print(rule)
    print(f"dev set        {dev} ({t.events:,} events drawn, seed {SEED})")
    run = f"{t.events:,} of {args.events:,} planned source events in {t.batches:,} batches"
    print(f"ran            {run}" + (f"  (STOPPED EARLY: {res.stopped_early})"
                                     if res.stopped_early else ""))
    print(f"events         {t.posts:,} posts, {t.albums:,} albums ({t.album_messages:,} photos),"
          f" {t.edits:,} edits, {t.deletes:,} deletions over 3 source channels"
          f" = {res.figures['messages']:,} messages")
    print(f"review         {t.cards_seen:,} cards seen in the review group; every"
          f" {args.approve_every}th job: {t.replies:,} translations sent as replies,"
          f" {t.approvals_pressed:,} approvals pressed, {t.approvals_ok:,} accepted"
          f" ({len(t.approvals_refused)} refused, {t.previews_missing} previews not found)")
    for line in t.approvals_refused[:5]:
        print(f"                 refused: {line}")
    f = res.figures
    print(f"jobs           {f['jobs_total']:,}: {fmt_states(f['jobs'])}; {f['cards']:,} cards"
          f" recorded, {f['queued_without_card']:,} queued jobs without a card")
    print(f"stored         audit rows {f['audit']:,}; media_path set on {f['media_paths']:,}"
          f" photos ({f['photos_wanted']:,} photos in albums that got jobs);"
          f" languages {', '.join(f'{k} {v:,}' for k, v in f['langs'])}")
    print(f"published      {f['publications']:,} publication rows, {f['outgoing_messages']:,}"
          f" messages in the outgoing channels; limiter waits {t.limiter_sleep:.0f} s (fake)")
    print(f"database       {f['db_mb_running']:.1f} MB with WAL while running,"
          f" {f['db_mb_closed']:.1f} MB after close")
    print(f"sim (trimmed)  holds at the end: {f['sim_held']}")
    for client in ("watcher", "bot"):
        reqs = sorted(((n, v) for (c, n), v in f["requests"].items() if c == client),
                      key=lambda kv: -kv[1])
        print(f"requests       {client}: " + ", ".join(f"{n.removesuffix('Request')} {v:,}"
                                                      for n, v in reqs))
    print(f"wall time      {res.seconds:,.0f} s feeding ({t.events / res.seconds:,.0f} events/s"
          f" overall); whole benchmark {total:,.0f} s")
    print()
    print("memory over time (VmRSS after gc.collect(), MB) and rate")
    prev = (0, 0.0)
    for smp in res.samples:
        rate = (smp.events - prev[0]) / max(smp.elapsed - prev[1], 1e-9)
        prev = (smp.events, smp.elapsed)
        growth = (f"{100 * (smp.rss / res.baseline.rss - 1):+6.1f}%"
                  if res.baseline and smp.events >= res.baseline.events else "  warm-up")
        print(f"  {smp.events:>9,} events  {smp.elapsed:>7.0f} s  {rate:>6.0f} ev/s"
              f"  {smp.rss:>7.1f} MB  {growth}   {fmt_native(smp.native)}")
    print(f"  peak VmHWM {f['vmhwm']:.1f} MB; RSS at the end {f['rss_end']:.1f} MB;"
          f" asyncio tasks at the end {f['tasks']}")
    if res.trace_top:
        print()
        print("tracemalloc: allocation sites that grew most since the baseline (--trace;"
              " RSS figures above include tracemalloc's own memory)")
        for line in res.trace_top:
            print(f"  {line}")
    print()
    print("warnings and errors logged (by logger:event)")
    if logs.counts:
        for name, n in logs.counts.most_common(15):
            print(f"  {n:>7,} x {name}{'  [ERROR]' if logs.errors[name] else ''}")
            print(f"            e.g. {logs.first[name][:200]}")
    else:
        print("  none")
    print()
    print("hot queries on the final database (median of 5, plain sqlite3)")
    for name, ms, plan in res.hot_queries:
        print(f"  {ms:>9.2f} ms  {name}")
        if plan:
            print(f"               plan: {plan}")
    print()
    print("accounting")
    for name, ok, detail in res.accounting:
        print(f"  {verdict(ok)}  {name}: {detail}")
    for line in res.figures.get("unmarked_detail", []):
        print(f"        not marked: {line}")
    print()
    print(f"relay status   database {topup}")
    if "inproc" in status:
        med = statistics.median(status["inproc"])
        print(f"  read_status + render_status: median {med:.1f} ms of {len(status['inproc'])}"
              f" (min {min(status['inproc']):.1f}, max {max(status['inproc']):.1f})")
    else:
        med = statistics.median(status["cli"])
        print(f"  in-process status failed ({status['inproc_error']}); timing the command")
    print(f"  `python -m relay --config ... status` (new interpreter + imports, informative):"
          f" median {statistics.median(status['cli']):.0f} ms of {len(status['cli'])},"
          f" exit {status.get('cli_rc')} {status.get('cli_err', '')}")
    for line in status["text"].splitlines()[:14]:
        print(f"    | {line}")
    print()
    warm = res.baseline
    if warm is not None and res.samples and res.samples[-1].events > warm.events:
        growth = 100 * (res.rss_peak_after_warmup / warm.rss - 1)
        mem_ok = growth < RSS_GROWTH_LIMIT
        mem_line = (f"baseline {warm.rss:.1f} MB at {warm.events:,} events; highest after it"
                    f" {res.rss_peak_after_warmup:.1f} MB ({growth:+.1f}%) over"
                    f" {res.samples[-1].events - warm.events:,} more events")
    else:
        mem_ok, mem_line = False, "not judged: the run ended before the warm-up did"
    tasks_ok = (all(res.final_health.values()) and all(res.final_tasks.values())
                and not res.health_failures and not res.tasks_dead and not res.loop_errors
                and not logs.errors)
    task_line = (f"health {res.final_health}; tasks {res.final_tasks};"
                 f" unhealthy samples {len(res.health_failures)} {res.health_failures[:2]};"
                 f" dead-task samples {len(res.tasks_dead)} {res.tasks_dead[:2]};"
                 f" loop exceptions {len(res.loop_errors)} {res.loop_errors[:2]};"
                 f" ERROR logs {sum(logs.errors.values())}")
    acct_ok = all(ok for _, ok, _ in res.accounting)
    print(f"MEMORY FLAT    {verdict(mem_ok)}  {mem_line}  [growth < {RSS_GROWTH_LIMIT:g}%]")
    print(f"NO TASK DIED   {verdict(tasks_ok)}  {task_line}")
    print(f"ACCOUNTED      {verdict(acct_ok)}  "
          f"{sum(ok for _, ok, _ in res.accounting)}/{len(res.accounting)} checks")
    print(f"STATUS         {verdict(med < STATUS_LIMIT_MS)}  median {med:.1f} ms on"
          f" {status.get('messages', 0):,} messages  [< {STATUS_LIMIT_MS:g} ms]")
    full = t.events >= 1_000_000
    print(f"SCOPE          {t.events:,} source events run"
          + ("" if full else " (the issue asks for 1,000,000: this run is SHORTER)"))
    print(rule)


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
    report(args, res, logs, status, topup, dev, time.perf_counter() - overall)
    return 0


if __name__ == "__main__":
    sys.exit(main())
