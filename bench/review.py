"""Benchmark the review bot on a large store: commands and button presses, database included.

    python bench/review.py [--jobs N] [--iterations N] [--warmup N] [--seed N]

Issue floors: with 100,000 jobs stored, ``/queue``, ``/show``, ``/stats`` and ``/search`` each
answer in under 20 ms (median, database work included); a button press is handled (state change
committed, card edit request issued) in under 10 ms (median).

How it is measured
------------------
* A fresh relay database is created by :meth:`relay.store.db.Database.open` (so the migrations,
  the FTS5 table and its triggers are the real ones) and filled in ONE transaction with plain SQL:
  seven channels, about ``N/2`` posts (Farsi-like texts drawn from a word list with a Zipf-like
  frequency, every 40th post a 3-photo album, plus ~4 % English posts that get no jobs), two jobs
  per post (targets ``en`` and ``es``) with a realistic mix of statuses (mostly queued; drafted,
  approved, published, skipped with translators and editors; a few queued jobs recently claimed),
  their audit rows (``queue`` first, then ``claim``/``submit``/``approve``/``publish``/``skip``
  as fits) and, for every job, a ``bot_messages`` card row (see below).
* Then the REAL service runs over the simulated Telegram exactly as in ``tests/review_world.py``
  (real Telethon clients, only the network replaced): the watcher and the review bot, on that
  file.
* The bot's background loop posts a card for every queued job without one
  (``store.jobs_without_cards``); with 100,000 jobs that would post ~70,000 cards. So every job is
  marked as already carded by a ``bot_messages`` row pointing at a message id far above anything
  the simulated review group holds. The jobs whose buttons get pressed lose that fake row and get
  a real card posted by the bot itself (``bot.post_pending_cards()``), so the edit request after a
  press targets a real message.
* Commands: a person's message is pushed into the review group (``tg.send_group``); the figure is
  the time from that call until the bot's LAST reply message for the command reaches the simulated
  Telegram (taken in a ``tg.on_request`` hook on the bot's ``SendMessageRequest``, just before the
  message is stored in the chat). The time until ``tg.settle()`` returns is shown beside it; the
  cost of ``settle()`` with nothing to do is reported as well (its polling adds ~1 ms steps).
* Button press: a translator presses Claim on a fresh queued job's card (a different job every
  time); the figure is the time from ``tg.press`` until the bot's ``EditMessageRequest`` for that
  card reaches the simulated Telegram. In the hook the job row is read through a separate SQLite
  connection, which proves the claim was committed before the edit was issued. The time until the
  callback is answered is shown too.
* The bot's background card loop keeps running as in production (every 5 s and after every
  stored post); its two queries (``jobs_without_cards``, ``expired_claims``) are timed below too,
  since while they run the single database connection serves nothing else.
* Database only: the same store functions through ``await db.read(...)`` (aiosqlite's thread hop
  included), then the individual SQL statements on a plain ``sqlite3`` connection with their
  ``EXPLAIN QUERY PLAN``.

PASS/FAIL is printed against the floors; the exit status is 0 either way.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `relay` and `tests` import from a checkout
    sys.path.insert(0, str(ROOT))

from storeplans import time_and_explain  # noqa: E402 - bench/ sits first on sys.path
from telethon.tl import functions  # noqa: E402

from relay.store import review_queries as store  # noqa: E402
from relay.store.db import Database  # noqa: E402
from relay.store.jobs import source_hash  # noqa: E402
from tests.review_world import ReviewWorld  # noqa: E402

COMMAND_FLOOR_MS = 20.0
PRESS_FLOOR_MS = 10.0
FAKE_CARD_BASE = 50_000_000  # fake card message ids: far above anything the sim group holds
ALBUM_EVERY = 40
ALBUM_SIZE = 3
ENGLISH_SHARE = 0.04
SPAN_SECONDS = 2 * 365 * 86_400  # the archive covers two years before "now"

# status of a post's jobs, with weights (both targets of a post get independent draws)
STATUS_MIX = (("queued", 0.70), ("drafted", 0.09), ("approved", 0.04), ("published", 0.13),
              ("skipped", 0.04))
CLAIMED_SHARE = 0.02  # of queued jobs: claimed a few minutes ago (not expired)
TRANSLATORS = (5001, 5003)  # Sara, Mina (tests/review_world.py)
EDITORS = (5002, 5004)  # Reza, Omid

CHANNELS = (
    # id, username, title, display name (attribution)
    (1_900_000_001, "haft_tappeh", "سندیکای کارگران نیشکر هفت تپه",
     "Haft Tappeh Sugar Cane Workers' Union"),
    (1_900_000_002, "khuzestan_cell", "هسته سوسیالیستی کارگران پیشرو خوزستان",
     "Khuzestan Vanguard Socialist Workers' Cell"),
    (1_900_000_003, "oil_council", "شورای سازماندهی اعتراضات کارگران پیمانی نفت",
     "Organising Council of Oil Contract Workers' Protests"),
    (1_900_000_004, "teachers_council", "شورای هماهنگی تشکل‌های صنفی فرهنگیان",
     "Coordinating Council of Iranian Teachers' Trade Associations"),
    (1_900_000_005, None, "کانال بازنشستگان", "Retirees' Council"),
    (1_900_000_006, "hepco_workers", "کارگران هپکو اراک", "HEPCO Arak Workers"),
    (1_900_000_007, "vahed_archive", "سندیکای واحد (بایگانی)",
     "Syndicate of Workers of Tehran and Suburbs Vahed Bus Company (archive)"),
)


def _words(text: str) -> list[str]:
    return text.split()


FA_FUNCTION = _words("و در به از که را با این برای است شد شدند زدند کردند خود آنها یک دو پس هنوز"
               " نیز اما تا بر هم")
FA_CONTENT = _words(
    "کارگران اعتصاب شرکت واحد حقوق معوقه تجمع اعتراض بازداشت زندان نیشکر هفت تپه معلمان"
    " بازنشستگان نفت پیمانکاری قرارداد سندیکا شورای هماهنگی فعالان صنفی امروز دیروز مقابل"
    " استانداری فرمانداری مجلس دستمزد بیمه امنیت شغلی خوزستان اهواز تهران شوش آبادان عسلویه"
    " پالایشگاه پتروشیمی رانندگان اتوبوس کارخانه مدیریت اخراج احضار دادگاه حکم آزادی همبستگی"
    " ادامه روز سوم هفته ماه پرستاران کارمندان فولاد معدن کارگر حداقل مطالبات پرداخت نشده"
    " خانواده زندانی اعتصابی غذا سلامت وضعیت نگران کننده دستگیری نیروهای امنیتی یورش منزل"
    " فعال کارگری سندیکای اتحادیه مستقل تشکل ایجاد حق تشکیل اعتراضات سراسری شهر کرمانشاه"
    " اصفهان تبریز مشهد اراک هپکو آذرآب لوله ماشین‌سازی بازگشت کار تعطیلی خط تولید سهام"
    " خصوصی‌سازی کارفرما وعده پیگیری نماینده جلسه بیانیه حمایت پزشکی وثیقه شلاق تبعید"
    " محکومیت تجدیدنظر ملاقات بند اوین سپیدار قزلحصار وکیل اعتصابیون هشدار بیکاری تورم"
    " معیشت سفره گرانی یارانه مسکن اجاره نان گوشت شیر دارو بیمارستان آموزش دانش‌آموزان"
    " مدارس کلاس رتبه‌بندی همسان‌سازی مستمری صندوق بازنشستگی فراخوان یکشنبه دوشنبه سه‌شنبه"
    " چهارشنبه پنجشنبه جمعه شنبه ساعت صبح عصر میدان خیابان ساختمان وزارت رفاه"
)
# people named in the news: each in roughly one post of a thousand (a "rare" search)
NAMES = ("اسماعیل بخشی", "سپیده قلیان", "رضا شهابی", "شاهرخ زمانی", "جعفر عظیم‌زاده",
         "داوود رضوی", "حسن سعیدی", "ناهید تقوی")
NAME_SHARE = 0.008
EN_WORDS = _words(
    "the of and in to a for their have has been were workers strike bus company wages unpaid"
    " protest arrested prison sugar cane teachers retirees oil contract syndicate council"
    " activists today yesterday governor office parliament insurance security job Khuzestan"
    " Ahvaz Tehran Shush refinery drivers factory management dismissed summoned court sentence"
    " freedom solidarity continues day third week month nurses steel mine minimum demands"
    " payment families hunger health condition raid home independent union right nationwide"
)


# ---------------------------------------------------------------------------------- texts
def zipf_weights(n: int, s: float = 1.05) -> list[float]:
    return [1.0 / (rank + 1) ** s for rank in range(n)]


class TextMaker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.fa_words = FA_CONTENT
        self.fa_weights = zipf_weights(len(FA_CONTENT))
        self.en_weights = zipf_weights(len(EN_WORDS), 0.9)

    def farsi(self) -> str:
        rng = self.rng
        sentences = []
        for _ in range(rng.randint(1, 4)):
            n = rng.randint(6, 16)
            words = rng.choices(self.fa_words, self.fa_weights, k=n)
            for i in range(1, n, 3):  # function words between content words
                words.insert(i, rng.choice(FA_FUNCTION))
            sentences.append(" ".join(words) + rng.choice((".", ".", "!", "؛")))
        if rng.random() < NAME_SHARE:
            sentences.insert(rng.randrange(len(sentences) + 1),
                             f"{rng.choice(NAMES)} {rng.choice(self.fa_words)}.")
        return " ".join(sentences)

    def english(self, lo: int = 12, hi: int = 40) -> str:
        words = self.rng.choices(EN_WORDS, self.en_weights, k=self.rng.randint(lo, hi))
        return " ".join(words).capitalize() + "."


# ---------------------------------------------------------------------------------- the store
@dataclass
class Built:
    jobs: int = 0
    messages: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    audit: int = 0
    bot_messages: int = 0
    seconds: float = 0.0


def _rows(n_jobs: int, group_chat: int, now: int, seed: int) -> Iterator[tuple[str, tuple]]:
    """('table', row) in insertion order; ids are explicit so rows can refer to each other."""
    rng = random.Random(seed)
    texts = TextMaker(rng)
    units = n_jobs // 2
    statuses = [s for s, _ in STATUS_MIX]
    weights = [w for _, w in STATUS_MIX]
    next_mid = {c[0]: 1 for c in CHANNELS}
    pk = job_id = audit_id = 0
    step = SPAN_SECONDS / max(units, 1)
    made = 0
    last_date: dict[int, int] = {}
    while job_id < n_jobs:
        date = int(now - SPAN_SECONDS + made * step)
        made += 1
        channel = CHANNELS[rng.randrange(len(CHANNELS))][0]
        last_date[channel] = date
        if rng.random() < ENGLISH_SHARE:  # an English post: stored and searchable, no jobs
            mid = next_mid[channel]
            next_mid[channel] += 1
            pk += 1
            yield "messages", (pk, channel, mid, date, texts.english(), "en", 0.97, None, None,
                               date + 2)
            continue
        album = made % ALBUM_EVERY == 0
        text = texts.farsi()
        first_mid = next_mid[channel]
        grouped = first_mid * 1_000_003 + channel if album else None
        for i in range(ALBUM_SIZE if album else 1):
            mid = next_mid[channel]
            next_mid[channel] += 1
            pk += 1
            yield "messages", (pk, channel, mid, date, text if i == 0 else "", "fa", 0.99,
                               grouped, "photo" if album else None, date + 2)
        unit_key = f"g:{grouped}" if album else f"m:{first_mid}"
        created = date + 30
        digest = source_hash(text)
        for target in ("en", "es"):
            if job_id >= n_jobs:
                break
            job_id += 1
            status = rng.choices(statuses, weights)[0]
            translator = editor = claimed_by = claimed_at = drafted_at = None
            draft = draft_hash = draft_source = draft_entities = reason = None
            trail: list[tuple[int | None, str, str | None, str]] = [(None, "queue", None,
                                                                     "queued")]
            if status == "queued" and rng.random() < CLAIMED_SHARE:
                claimed_by = rng.choice(TRANSLATORS)
                claimed_at = now - rng.randint(60, 1200)  # well inside the 30-minute claim
                trail.append((claimed_by, "claim", "queued", "queued"))
            elif status in ("drafted", "approved", "published"):
                translator = rng.choice(TRANSLATORS)
                draft = texts.english()
                draft_entities = "[]"
                draft_hash, draft_source = digest, text
                drafted_at = created + rng.randint(600, 86_400)
                trail += [(translator, "claim", "queued", "queued"),
                          (translator, "submit", "queued", "drafted")]
                if status in ("approved", "published"):
                    editor = rng.choice(EDITORS)
                    trail.append((editor, "approve", "drafted", "approved"))
                if status == "published":
                    trail.append((None, "publish", "approved", "published"))
            elif status == "skipped":
                editor = rng.choice(EDITORS)
                reason = rng.choice((None, "not labour news", "duplicate"))
                trail.append((editor, "skip", "queued", "skipped"))
            updated = min(now - 1, created + 3600 * (len(trail) - 1))
            yield "jobs", (job_id, channel, unit_key, first_mid, grouped, target, target, status,
                           text, digest, draft, draft_entities, draft_hash, draft_source,
                           translator, editor, claimed_by, claimed_at, reason, created, updated,
                           len(trail) - 1, drafted_at)
            for k, (actor, action, frm, to) in enumerate(trail):
                audit_id += 1
                at = claimed_at if action == "claim" and claimed_at else min(now - 1,
                                                                             created + 3600 * k)
                yield "audit", (audit_id, job_id, actor, action, frm, to,
                                reason if action == "skip" else None, at)
            yield "bot_messages", (group_chat, FAKE_CARD_BASE + job_id, job_id, "card", None,
                                   created + 1)
    for channel, *_ in CHANNELS:
        top = next_mid[channel] - 1
        yield "channel_top", (top, top, last_date.get(channel), last_date.get(channel), channel)


SQL = {
    "messages": "INSERT INTO messages (pk, channel_id, message_id, date, text, lang,"
                " lang_confidence, grouped_id, media_kind, stored_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "jobs": "INSERT INTO jobs (id, channel_id, unit_key, message_id, grouped_id, target, language,"
            " status, source_text, source_hash, draft_text, draft_entities, draft_source_hash,"
            " draft_source_text, translator_id, editor_id, claimed_by, claimed_at, reason,"
            " created_at, updated_at, version, drafted_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    "audit": "INSERT INTO audit (id, job_id, actor_id, action, from_status, to_status, detail, at)"
             " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    "bot_messages": "INSERT INTO bot_messages (chat_id, message_id, job_id, kind, for_user,"
                    " created_at) VALUES (?, ?, ?, ?, ?, ?)",
    "channel_top": "UPDATE channels SET caught_up_to = ?, last_message_id = ?, last_post_at = ?,"
                   " last_seen_at = ? WHERE id = ?",
}


def fill(conn: sqlite3.Connection, n_jobs: int, group_chat: int, now: int, seed: int) -> Built:
    """Runs inside ``db.run``: one transaction for everything."""
    built = Built()
    for channel, username, title, name in CHANNELS:
        conn.execute("INSERT INTO channels (id, username, title, display_name, is_source,"
                     " caught_up_at, updated_at) VALUES (?, ?, ?, ?, 1, ?, ?)",
                     (channel, username, title, name, now - 300, now - 300))
    batches: dict[str, list[tuple]] = {k: [] for k in SQL}

    def flush(kind: str) -> None:
        if batches[kind]:
            conn.executemany(SQL[kind], batches[kind])
            batches[kind].clear()

    order = ("messages", "jobs", "audit", "bot_messages", "channel_top")
    for kind, row in _rows(n_jobs, group_chat, now, seed):
        batch = batches[kind]
        batch.append(row)
        if kind == "jobs":
            built.jobs += 1
            built.by_status[row[7]] = built.by_status.get(row[7], 0) + 1
        elif kind == "messages":
            built.messages += 1
        elif kind == "audit":
            built.audit += 1
        elif kind == "bot_messages":
            built.bot_messages += 1
        if len(batch) >= 5000:
            for k in order:  # parents before children (foreign keys are on)
                flush(k)
    for k in order:
        flush(k)
    return built


# ---------------------------------------------------------------------------------- figures
@dataclass
class Figure:
    label: str
    samples: list[float]  # ms
    floor: float | None = None
    extra: list[float] | None = None  # a second figure (settled / answered), ms
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return pct(self.samples, 95)


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


async def timed(fn: Callable[[], Awaitable[Any]], iterations: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        await fn()
    out = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def verdict(f: Figure) -> str:
    if f.floor is None:
        return ""
    return "PASS" if f.median < f.floor else "FAIL"


def print_table(title: str, figures: list[Figure], extra_name: str = "") -> None:
    print(f"\n{title}")
    head = f"  {'what':<52} {'n':>4} {'median':>8} {'p95':>8}"
    if extra_name:
        head += f" {extra_name:>14}"
    head += f" {'floor':>6}  result"
    print(head)
    for f in figures:
        line = f"  {f.label:<52} {len(f.samples):>4} {f.median:>8.2f} {f.p95:>8.2f}"
        if extra_name:
            line += f" {statistics.median(f.extra):>14.2f}" if f.extra else f" {'':>14}"
        line += f" {f.floor:>6.0f}  {verdict(f)}" if f.floor is not None else f" {'':>6}"
        if f.note:
            line += f"  {f.note}"
        print(line)


# ---------------------------------------------------------------------------------- the run
class Bench:
    def __init__(self, args: argparse.Namespace, tmp: Path):
        self.args = args
        self.w = ReviewWorld(tmp)
        self.tg = self.w.tg
        self.rng = random.Random(args.seed + 1)
        self.now = int(self.w.clock())
        self.sends: list[float] = []  # times of the bot's SendMessageRequests
        # card message id -> (set when its edit arrives, arrival times, job id, presser id)
        self.edit_wait: dict[int, tuple[asyncio.Event, list[float], int, int]] = {}
        self.edit_seen_committed: list[bool] = []
        self.spy: sqlite3.Connection | None = None

    # the hook sees every request the simulated Telegram gets, before it is handled
    def hook(self, sender: Any, request: Any) -> None:
        if sender.user_id != self.w.bot.id:
            return
        if isinstance(request, functions.messages.SendMessageRequest):
            self.sends.append(time.perf_counter())
        elif isinstance(request, functions.messages.EditMessageRequest):
            waiting = self.edit_wait.get(request.id)
            if waiting is not None:
                done, seen, job_id, who = waiting
                seen.append(time.perf_counter())
                row = self.spy.execute("SELECT claimed_by FROM jobs WHERE id = ?",
                                       (job_id,)).fetchone()
                self.edit_seen_committed.append(bool(row and row[0] == who))
                done.set()

    async def build(self) -> Built:
        path = self.w.settings.storage.database
        t0 = time.perf_counter()
        db = await Database.open(path)
        try:
            built = await db.run(fill, self.args.jobs, self.w.group.marked_id, self.now,
                                 self.args.seed)
        finally:
            await db.close()
        built.seconds = time.perf_counter() - t0
        return built

    async def command(self, who: Any, text: str) -> tuple[float, float, list[str]]:
        """(ms until the bot's last reply reached Telegram, ms until settled, the replies)."""
        self.sends.clear()
        t0 = time.perf_counter()
        asked = self.tg.send_group(who, self.w.group, text)
        await self.tg.settle()
        t1 = time.perf_counter()
        group = self.w.group
        replies = [group.messages[i].message for i in range(asked.id + 1, group.next_message_id)
                   if group.messages[i]._sim_author == self.w.bot.id]
        if not self.sends or not replies:
            raise RuntimeError(f"the bot did not answer {text!r}")
        return (self.sends[-1] - t0) * 1000, (t1 - t0) * 1000, replies

    async def command_figure(self, label: str, who: Any, texts: Callable[[], str],
                             expect: str, floor: float | None, note: str = "") -> Figure:
        n, warm = self.args.iterations, self.args.warmup
        replies, settled = [], []
        for i in range(warm + n):
            reply, done, said = await self.command(who, texts())
            if not any(expect in m for m in said):
                raise RuntimeError(f"{label}: unexpected answer {said[0][:300]!r}")
            if i >= warm:
                replies.append(reply)
                settled.append(done)
            if i % 50 == 0:
                self.tg.requests.clear()  # the fake server's memory, not relay's
        return Figure(label, replies, floor, settled, note)

    async def press_figure(self) -> tuple[Figure, list[Figure], int]:
        """Claim on a fresh queued job's real card, a different job every time."""
        w, db, bot = self.w, self.w.db, self.w.service.bot
        n, warm = self.args.iterations, self.args.warmup
        total = n + warm
        candidates = [r[0] for r in await w.rows(
            "SELECT id FROM jobs WHERE status = 'queued' AND claimed_by IS NULL")]
        chosen = sorted(self.rng.sample(candidates, total))
        marks = ",".join("?" * len(chosen))
        await db.run(lambda c: c.execute(
            f"DELETE FROM bot_messages WHERE kind = 'card' AND job_id IN ({marks})", chosen))
        # The bot's own path posts real cards for them (its background loop may get there
        # first; its lock means one card per job either way).
        await bot.post_pending_cards()
        await self.tg.settle()
        cards = await w.rows(
            f"SELECT job_id, message_id FROM bot_messages WHERE kind = 'card'"
            f" AND job_id IN ({marks})", *chosen)
        card_of = dict(cards)
        if len(cards) != total or len(card_of) != total or max(card_of.values()) >= FAKE_CARD_BASE:
            raise RuntimeError("the pressed jobs did not get exactly one real card each")
        posted = len(cards)
        albums = {r[0] for r in await w.rows(
            f"SELECT id FROM jobs WHERE grouped_id IS NOT NULL AND id IN ({marks})", *chosen)}
        order = chosen[:]
        self.rng.shuffle(order)
        edits, answers = [], []
        by_kind: dict[bool, list[float]] = {False: [], True: []}
        for i, job_id in enumerate(order):
            message_id = card_of[job_id]
            card = w.group.messages[message_id]
            data = w.button(card, "claim")
            done: asyncio.Event = asyncio.Event()
            seen: list[float] = []
            self.edit_wait[message_id] = (done, seen, job_id, w.sara.id)
            t0 = time.perf_counter()
            callback = self.tg.press(w.sara, w.group, message_id, data)
            await asyncio.wait_for(done.wait(), 10)
            await asyncio.wait_for(callback.answered.wait(), 10)
            t_answer = time.perf_counter()
            await self.tg.settle()
            del self.edit_wait[message_id]
            if "yours" not in (callback.message or ""):
                raise RuntimeError(f"claim of job {job_id} refused: {callback.message!r}")
            if i >= warm:
                edits.append((seen[0] - t0) * 1000)
                by_kind[job_id in albums].append(edits[-1])
                answers.append((t_answer - t0) * 1000)
            if i % 50 == 0:
                self.tg.requests.clear()
        rows = await w.rows(f"SELECT COUNT(*) FROM jobs WHERE claimed_by = ? AND id IN ({marks})",
                            w.sara.id, *chosen)
        if rows[0][0] != total:
            raise RuntimeError(f"only {rows[0][0]} of {total} claims were stored")
        if not all(self.edit_seen_committed):
            raise RuntimeError("an edit was issued before its claim was committed")
        split = [Figure(f"  of which: {label}", samples)
                 for label, samples in (("single posts", by_kind[False]),
                                        ("albums", by_kind[True])) if samples]
        return Figure("press Claim -> committed + EditMessageRequest", edits, PRESS_FLOOR_MS,
                      answers), split, posted

    async def run(self) -> None:
        args = self.args
        print(f"relay review benchmark: building a store with {args.jobs:,} jobs ...", flush=True)
        built = await self.build()
        db_path = Path(self.w.settings.storage.database)
        size_mb = sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*")) / 1e6
        mix = ", ".join(f"{k} {v:,}" for k, v in sorted(built.by_status.items(),
                                                          key=lambda kv: -kv[1]))
        print(f"  {built.jobs:,} jobs ({mix}); {built.messages:,} messages;"
              f" {built.audit:,} audit rows; {built.bot_messages:,} card rows;"
              f" {size_mb:.0f} MB; built in {built.seconds:.1f} s (one transaction)")

        self.spy = sqlite3.connect(str(db_path))
        store.index_pending(self.spy)  # index the archive as relay would before a search
        self.spy.commit()
        words = pick_search_words(self.spy)
        t0 = time.perf_counter()
        await self.w.start()
        print(f"  service started over the simulated Telegram in {time.perf_counter() - t0:.1f} s"
              f" (sqlite {sqlite3.sqlite_version}, python {sys.version.split()[0]})", flush=True)
        self.tg.on_request(self.hook)
        gc.collect()
        try:
            await self.measure(words)
        finally:
            await self.w.stop()
        self.query_breakdown(words)
        self.spy.close()

    async def measure(self, words: list[tuple[str, str, int]]) -> None:
        w, db, args = self.w, self.w.db, self.args
        n, warm = args.iterations, args.warmup
        rng = self.rng
        total_queued = (await w.rows("SELECT COUNT(*) FROM jobs WHERE status = 'queued'"))[0][0]
        last_page = (total_queued + 9) // 10
        job_ids = [r[0] for r in await w.rows("SELECT id FROM jobs")]
        drafted_ids = [r[0] for r in await w.rows(
            "SELECT id FROM jobs WHERE draft_text IS NOT NULL")]

        settle_alone = await timed(self.tg.settle, n, warm)
        figures = [
            await self.command_figure("/whoami (no database; pipeline baseline)", w.sara,
                                      lambda: "/whoami", "You are Sara", None),
            await self.command_figure("/queue", w.sara, lambda: "/queue", "Queue:",
                                      COMMAND_FLOOR_MS),
            await self.command_figure("/queue 50", w.sara, lambda: "/queue 50", "Queue:",
                                      COMMAND_FLOOR_MS),
            await self.command_figure(f"/queue {last_page} (last page)", w.sara,
                                      lambda: f"/queue {last_page}", "Queue:", COMMAND_FLOOR_MS),
            await self.command_figure("/show <random job>", w.sara,
                                      lambda: f"/show {rng.choice(job_ids)}", "Source text:",
                                      COMMAND_FLOOR_MS, "2-3 messages"),
            await self.command_figure("/show <job with a draft>", w.sara,
                                      lambda: f"/show {rng.choice(drafted_ids)}", "Current draft",
                                      COMMAND_FLOOR_MS, "3 messages"),
            await self.command_figure("/stats", w.reza, lambda: "/stats", "queued",
                                      COMMAND_FLOOR_MS),
        ]
        for kind, word, hits in words:
            figures.append(await self.command_figure(
                f"/search {word} ({kind}, {hits:,} posts)", w.sara, lambda word=word:
                f"/search {word}", "Found" if hits else "Nothing", COMMAND_FLOOR_MS))
        press, press_split, posted = await self.press_figure()

        def read(fn: Any, *a: Any) -> Callable[[], Awaitable[Any]]:
            return lambda: db.read(fn, *a)

        page50 = (49, 10)
        db_figs = [
            Figure("store.queue_page(0, 10)", await timed(read(store.queue_page, 0, 10), n, warm)),
            Figure("store.queue_page(49, 10)  (/queue 50)",
                   await timed(read(store.queue_page, *page50), n, warm)),
            Figure(f"store.queue_page({last_page - 1}, 10)  (last page)",
                   await timed(read(store.queue_page, last_page - 1, 10), n, warm)),
            Figure("store.load_job(<random job>)",
                   await timed(lambda: db.read(store.load_job, rng.choice(job_ids)), n, warm)),
            Figure("store.stats()", await timed(read(store.stats), n, warm)),
        ]
        for kind, word, hits in words:
            db_figs.append(Figure(f"store.search({word!r}) ({kind}, {hits:,} posts)",
                                  await timed(read(store.search, word, 10), n, warm)))
        db_figs += [
            Figure("store.jobs_without_cards(20)  (card loop)",
                   await timed(read(store.jobs_without_cards, 20), n, warm),
                   note="runs every 5 s and on every new post"),
            Figure("store.expired_claims()  (card loop)",
                   await timed(read(store.expired_claims, self.now, 1800), n, warm)),
            Figure("await db.read(no-op)  (aiosqlite hop)",
                   await timed(read(lambda c: None), n, warm)),
        ]

        print(f"\nthrough the bot: {n} timed runs after {warm} warm-up runs each;"
              " ms from the user's message (or press)")
        print("  being pushed into the simulated Telegram until the bot's last reply message"
              " (or card edit) reaches it")
        print_table("commands", figures, "settled-median")
        print_table(f"button press ({posted} real cards posted by the bot for the pressed jobs;"
                    " the claim was committed before every edit)", [press, *press_split],
                    "answered-median")
        print_table("simulated-Telegram overhead", [Figure("tg.settle() with nothing pending",
                                                           settle_alone)])
        print_table("database only (await db.read(...), the aiosqlite thread hop included)",
                    db_figs)
        judged = [f for f in [*figures, press] if f.floor is not None]
        failed = [f.label for f in judged if verdict(f) == "FAIL"]
        print(f"\nfloors met: {len(judged) - len(failed)} of {len(judged)}"
              + (f"; FAIL: {', '.join(failed)}" if failed else ""))

    def query_breakdown(self, words: list[tuple[str, str, int]]) -> None:
        conn = self.spy
        queued = conn.execute("SELECT COUNT(*) FROM jobs WHERE status = 'queued'").fetchone()[0]
        job = conn.execute("SELECT id FROM jobs WHERE status = 'queued' ORDER BY id"
                           " LIMIT 1 OFFSET ?", (queued // 2,)).fetchone()[0]
        album_job = conn.execute("SELECT id FROM jobs WHERE grouped_id IS NOT NULL"
                                 " LIMIT 1").fetchone()[0]
        word_of = {kind: word for kind, word, _ in words}
        # The store's own functions, traced: every statement they run is timed with them and
        # explained, so the plans shown are always the ones relay really uses.
        calls = [
            ("queue_page (page 1)", store.queue_page, (0, 10)),
            ("queue_page (page 50)", store.queue_page, (49, 10)),
            ("load_job (single post)", store.load_job, (job,)),
            ("load_job (album)", store.load_job, (album_job,)),
            ("stats", store.stats, ()),
            *((f"search {word_of[kind]!r} ({kind})", store.search, (word_of[kind], 10))
              for kind in ("common", "common pair")),
            ("jobs_without_cards", store.jobs_without_cards, (20,)),
            ("expired_claims", store.expired_claims, (self.now, 1800)),
            ("last_change", store.last_change, (job,)),
            ("bot_messages_of", store.bot_messages_of, (job, "card")),
        ]
        print("\nStore functions on a plain sqlite3 connection (median of 50 runs, ms)"
              " and the EXPLAIN QUERY PLAN of each statement they run")
        for label, fn, args in calls:
            median, plans = time_and_explain(conn, fn, args, runs=50, warm_up=5)
            print(f"  {label:<52} {median:>8.2f}")
            for plan in plans:
                for row in plan:
                    print(f"      {'  ' * _depth(plan, row)}{row[3]}")


def _depth(plan: list[tuple], row: tuple) -> int:
    parents = {r[0]: r[1] for r in plan}
    depth, parent = 0, row[1]
    while parent in parents:
        depth += 1
        parent = parents[parent]
    return depth


def pick_search_words(conn: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """A rare, a medium and a common word of the archive, and the common word with the most
    frequent other word (a pair), with how many posts hold each."""
    counts = []
    for word in dict.fromkeys([*FA_CONTENT, *(n.split()[-1] for n in NAMES)]):
        if "\u200c" in word:
            continue
        n = conn.execute("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH ?",
                         (store.fts_query(word),)).fetchone()[0]
        counts.append((n, word))
    total = conn.execute("SELECT COUNT(*) FROM messages WHERE text != ''").fetchone()[0]
    out = []
    for kind, share in (("rare", 0.002), ("medium", 0.02), ("common", 0.25)):
        n, word = min(counts, key=lambda c: abs(c[0] - share * total))
        out.append((kind, word, n))
    # /search finds posts holding every word: the common word with the most frequent other one
    common = out[-1][1]
    most = max(c for c in counts if c[1] != common)[1]
    pair = f"{most} {common}"
    n = conn.execute("SELECT COUNT(*) FROM messages_fts WHERE messages_fts MATCH ?",
                     (store.fts_query(pair),)).fetchone()[0]
    out.append(("common pair", pair, n))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000, help="jobs to store (default 100000)")
    parser.add_argument("--iterations", type=int, default=200, help="timed runs per figure")
    parser.add_argument("--warmup", type=int, default=20, help="untimed runs first")
    parser.add_argument("--seed", type=int, default=20240601)
    args = parser.parse_args()
    if args.jobs < 2 * (args.iterations + args.warmup) * 2:
        parser.error("--jobs is too small for the number of presses")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s %(message)s")
    with tempfile.TemporaryDirectory(prefix="relay-bench-review-") as tmp:
        asyncio.run(Bench(args, Path(tmp)).run())


if __name__ == "__main__":
    main()
