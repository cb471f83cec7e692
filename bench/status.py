"""Benchmark ``relay status`` on a large database.

    python bench/status.py [--messages N] [--jobs N] [--runs N] [--seed N] [--keep-fts-triggers]
                           [--export] [--cli] [--data PATH]

Issue floor: on a 1,000,000-message database ``relay status`` answers in under 200 ms.

How it is measured
------------------
* A fresh relay database is created by :meth:`relay.store.db.Database.open` (so the schema and
  every migration are the real ones), then filled with plain SQL through one ``sqlite3``
  connection, ``executemany`` in one transaction per table: ten source channels, ``N`` messages
  spread over them and over three years (Farsi-like texts drawn from a pool, every 40th post in
  a 3-item album), ``--jobs`` jobs (two targets per post, a mix of every state), one audit row
  per job and one more per job that left ``queued``, a sent outbox item and a publication per
  published job, a pending backlog with one flood wait per target, failed items, source_status
  rows (one source unresolvable), channel bookkeeping, and a heartbeat.
* The FTS5 insert trigger is dropped for the bulk insert and recreated from its stored SQL
  afterwards, then the index is rebuilt (``INSERT INTO messages_fts(messages_fts)
  VALUES('rebuild')``); ``--keep-fts-triggers`` leaves it in place instead (slower build). The
  WAL is checkpointed at the end, as a running service's would be.
* The configuration is a real ``relay.toml`` read by :func:`relay.config.load_settings`: the
  ten sources, one source that cannot be resolved, one never read.
* Timed: :func:`relay.cli.status.read_status` (read-only open + every query) plus
  :func:`relay.cli.status.render_status`, ``--runs`` times; median, min, p90 and max are printed and
  the median is held against 200 ms. The page cache is warm (the database was just written).
* Then each statement ``relay.store.reports.status_figures`` ran, timed alone (median of 5) with its ``EXPLAIN QUERY
  PLAN``, and for comparison two queries status deliberately does NOT run: ``COUNT(*)`` over
  messages and ``MIN(created_at)`` over the queued jobs.
* ``--cli`` also times the whole command as an operator runs it (``python -m relay status``,
  interpreter start and imports included; median of 5). ``--export`` times ``relay export``
  (JSONL, everything) to /dev/null.

PASS/FAIL is printed against the floor; the exit status is 0 either way.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `relay` imports from a checkout
    sys.path.insert(0, str(ROOT))

from relay.cli.status import read_status, render_status  # noqa: E402
from relay.config import Settings, load_settings  # noqa: E402
from relay.store.db import Database  # noqa: E402
from relay.store.readonly import connect_readonly  # noqa: E402
from relay.store.reports import status_figures  # noqa: E402

FLOOR_MS = 200.0
NOW = int(time.time())
SPAN = 3 * 365 * 86_400
ALBUM_EVERY = 40
TARGETS = (("en", "en"), ("es", "es"))
OUT_CHANNEL = {"en": 1_800_000_001, "es": 1_800_000_002}
CHANNELS = [(1_900_000_000 + i, f"workers_{i:02d}", f"کانال کارگری {i}", f"Workers' channel {i}")
            for i in range(1, 11)]
# state of a job, with weights
STATE_MIX = (("queued", 0.38), ("drafted", 0.05), ("approved", 0.01), ("published", 0.40),
             ("skipped", 0.13), ("rejected", 0.01), ("stale", 0.02))
PENDING = {"en": 150, "es": 60}
FAILED = 30

def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FA = _words("کارگران اعتصاب شرکت واحد حقوق معوقه تجمع اعتراض بازداشت زندان نیشکر هفت تپه معلمان"
      " بازنشستگان نفت پیمانکاری قرارداد سندیکا شورای هماهنگی فعالان صنفی امروز مقابل"
      " استانداری مجلس دستمزد بیمه امنیت شغلی خوزستان اهواز تهران شوش آبادان عسلویه پالایشگاه"
      " رانندگان اتوبوس کارخانه اخراج احضار دادگاه حکم آزادی همبستگی ادامه روز هفته پرستاران"
      " فولاد معدن حداقل مطالبات پرداخت خانواده وضعیت دستگیری یورش فعال مستقل تشکل سراسری و در"
      " به از که را با این برای است شد")


def _texts(rng: random.Random, n: int) -> list[str]:
    return [" ".join(rng.choices(FA, k=rng.randint(12, 70))) + "." for _ in range(n)]


def _config(data: Path) -> Settings:
    lines = [f'[storage]\ndata_dir = "{data.as_posix()}"\n',
             "[watcher]\nsilent_warning_hours = 72\n"]
    for _cid, username, _title, name in CHANNELS:
        lines.append(f'[[sources]]\nchannel = "@{username}"\nname = "{name}"\n')
    lines.append('[[sources]]\nchannel = "@gone_channel"\nname = "A channel that was deleted"\n')
    lines.append('[[sources]]\nchannel = "@never_read"\nname = "Added to the config today"\n')
    for key, lang in TARGETS:
        lines.append(f'[[targets]]\nkey = "{key}"\nchannel = "@relay_{key}"\nlanguage = "{lang}"'
                     f'\ncredit = "Shahrokh Zamani Action Campaign"\n')
    lines.append('[[people]]\nid = 5001\nname = "Sara"\nroles = ["translator"]\n')
    lines.append('[[people]]\nid = 5002\nname = "Reza"\nroles = ["editor"]\n')
    path = data / "relay.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return load_settings(path, env={})


# ---------------------------------------------------------------------------------- build
def _messages(n: int, rng: random.Random, pool: list[str]) -> Iterator[tuple]:
    per = n // len(CHANNELS)
    for index, (cid, *_rest) in enumerate(CHANNELS):
        count = per + (1 if index < n % len(CHANNELS) else 0)
        start = NOW - SPAN
        # channel 10 has been silent for five days: a warning
        end = NOW - (5 * 86_400 if index == len(CHANNELS) - 1 else rng.randint(60, 7200))
        step = (end - start) / max(count, 1)
        for mid in range(1, count + 1):
            date = int(start + mid * step)
            grouped = (cid * 10_000 + mid // ALBUM_EVERY) if mid % ALBUM_EVERY < 3 else None
            yield (cid, mid, date, None, rng.choice(pool), "[]", "fa", 0.99, grouped,
                   "photo" if grouped else None, date + 5)


def build(path: Path, n_messages: int, n_jobs: int, seed: int,
          keep_triggers: bool) -> dict[str, float]:
    rng = random.Random(seed)
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    asyncio.run(_create(path))
    times["create (Database.open, migrations)"] = time.perf_counter() - t0

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-262144")  # 256 MB while building
    trigger_sql = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger'"
                               " AND name = 'messages_fts_insert'").fetchone()[0]
    pool = _texts(rng, 50_000)

    t = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany(
        "INSERT INTO channels (id, username, title, display_name, is_source, caught_up_to,"
        " caught_up_at, updated_at) VALUES (?, ?, ?, ?, 1, 0, ?, ?)",
        [(cid, u, title, name, NOW - 120, NOW - 120) for cid, u, title, name in CHANNELS])
    if not keep_triggers:
        conn.execute("DROP TRIGGER messages_fts_insert")
    conn.executemany(
        "INSERT INTO messages (channel_id, message_id, date, edit_date, text, entities, lang,"
        " lang_confidence, grouped_id, media_kind, stored_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        _messages(n_messages, rng, pool))
    conn.execute("COMMIT")
    times["messages" + (" (FTS trigger on)" if keep_triggers else " (FTS trigger off)")] = (
        time.perf_counter() - t)
    if not keep_triggers:
        t = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute(trigger_sql)
        conn.execute("INSERT INTO messages_fts(messages_fts) VALUES('rebuild')")
        conn.execute("COMMIT")
        times["FTS trigger recreated + index rebuilt"] = time.perf_counter() - t

    t = time.perf_counter()
    conn.execute("BEGIN")
    conn.execute(
        "UPDATE channels SET last_message_id = (SELECT MAX(message_id) FROM messages m"
        " WHERE m.channel_id = channels.id), last_post_at = (SELECT MAX(date) FROM messages m"
        " WHERE m.channel_id = channels.id), last_seen_at = (SELECT MAX(stored_at)"
        " FROM messages m WHERE m.channel_id = channels.id), caught_up_to = (SELECT"
        " MAX(message_id) FROM messages m WHERE m.channel_id = channels.id)")
    conn.executemany("INSERT INTO source_status (ref, channel_id, error, checked_at)"
                     " VALUES (?, ?, NULL, ?)", [(f"@{u}", cid, NOW - 120)
                                                 for cid, u, *_ in CHANNELS])
    conn.execute("INSERT INTO source_status (ref, channel_id, error, checked_at) VALUES"
                 " ('@gone_channel', NULL, 'No user has \"gone_channel\" as username', ?)",
                 (NOW - 120,))
    _jobs_and_publishing(conn, rng, n_messages, n_jobs)
    conn.execute("INSERT OR REPLACE INTO service_heartbeat (id, at, pid, state, detail)"
                 " VALUES (1, ?, 4242, 'running', 'watcher=ok bot=ok publisher=ok')", (NOW - 7,))
    conn.execute("COMMIT")
    times["jobs, audit, outbox, publications"] = time.perf_counter() - t

    t = time.perf_counter()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    times["checkpoint"] = time.perf_counter() - t
    return times


async def _create(path: Path) -> None:
    db = await Database.open(path)
    await db.close()


def _jobs_and_publishing(conn: sqlite3.Connection, rng: random.Random, n_messages: int,
                         n_jobs: int) -> None:
    states = [s for s, _ in STATE_MIX]
    weights = [w for _, w in STATE_MIX]
    per = n_messages // len(CHANNELS)
    units = n_jobs // len(TARGETS)
    # the jobs come from the newest posts of each channel (queued in the order they arrived)
    picks = []
    for index, (cid, *_rest) in enumerate(CHANNELS):
        share = units // len(CHANNELS) + (1 if index < units % len(CHANNELS) else 0)
        picks += [(cid, mid) for mid in range(max(1, per - share + 1), per + 1)]
    # order by a plausible arrival time: interleave channels by message date rank
    picks.sort(key=lambda p: (p[1] / per, p[0]))
    span = 2 * 365 * 86_400
    jobs, audit, published = [], [], []
    job_id = 0
    for n, (cid, mid) in enumerate(picks):
        created = NOW - span + int(n * span / max(len(picks), 1))
        text = f"متن منبع {cid}/{mid}"
        for key, lang in TARGETS:
            job_id += 1
            state = rng.choices(states, weights)[0]
            drafted = state not in ("queued", "skipped")
            updated = min(NOW - 60, created + rng.randint(600, 86_400 * 3))
            jobs.append((job_id, cid, f"m:{mid}", mid, key, lang, state, text, "h" * 16,
                         "translation " * 20 if drafted else None, "[]" if drafted else None,
                         5001 if drafted else None, 5002 if state != "queued" else None,
                         "off topic" if state in ("skipped", "rejected") else None,
                         created, updated if state != "queued" else created))
            audit.append((job_id, None, "queue", None, "queued", None, created))
            if state != "queued":
                audit.append((job_id, 5002, state, "queued", state, None, updated))
            if state in ("published", "stale"):
                published.append((job_id, key, updated))
    conn.executemany(
        "INSERT INTO jobs (id, channel_id, unit_key, message_id, target, language, status,"
        " source_text, source_hash, draft_text, draft_entities, translator_id, editor_id, reason,"
        " created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", jobs)
    conn.executemany("INSERT INTO audit (job_id, actor_id, action, from_status, to_status,"
                     " detail, at) VALUES (?,?,?,?,?,?,?)", audit)
    out_ids = {"en": 0, "es": 0}
    for outbox_id, (job_id, key, at) in enumerate(published, start=1):
        out_ids[key] += 1
        conn.execute("INSERT INTO outbox (id, job_id, target, kind, status, attempts, created_at,"
                     " updated_at) VALUES (?, ?, ?, 'post', 'sent', 1, ?, ?)",
                     (outbox_id, job_id, key, at, at))
        conn.execute("INSERT INTO publications (outbox_id, job_id, target, channel_id, part,"
                     " message_id, text_hash, posted_at) VALUES (?, ?, ?, ?, 0, ?, 'x', ?)",
                     (outbox_id, job_id, key, OUT_CHANNEL[key], out_ids[key], at))
    approved = [r[0] for r in conn.execute("SELECT id FROM jobs WHERE status = 'approved'"
                                           " ORDER BY id")]
    rng.shuffle(approved)
    for key, count in PENDING.items():
        for i in range(min(count, len(approved))):
            job = approved.pop()
            wait = (NOW + 240, "flood wait 300s") if i == 0 else (0, None)
            conn.execute("INSERT INTO outbox (job_id, target, kind, status, not_before,"
                         " last_error, created_at, updated_at) VALUES (?, ?, 'post', 'pending',"
                         " ?, ?, ?, ?)", (job, key, *wait, NOW - 3600, NOW - 60))
    for i in range(min(FAILED, len(approved))):
        job = approved.pop()
        conn.execute("INSERT INTO outbox (job_id, target, kind, status, attempts, last_error,"
                     " created_at, updated_at) VALUES (?, 'es', 'post', 'failed', 1, ?, ?, ?)",
                     (job, "ChatWriteForbiddenError: not an admin", NOW - 86_400, NOW - 900 + i))


# ---------------------------------------------------------------------------------- timing
def _ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def time_status(settings: Settings, runs: int) -> tuple[list[float], str]:
    samples, text = [], ""
    for _ in range(runs):
        t = time.perf_counter()
        text = render_status(read_status(settings, NOW))
        samples.append(time.perf_counter() - t)
    return samples, text


def per_statement(settings: Settings) -> list[tuple[str, float, list[str]]]:
    conn = connect_readonly(settings.storage.database)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    status_figures(conn, NOW)  # every query `relay status` runs
    conn.set_trace_callback(None)
    extra = ["SELECT COUNT(*) FROM messages  -- not run by status",
             "SELECT MIN(created_at) FROM jobs WHERE status = 'queued'  -- not run by status"]
    out = []
    for sql in [s for s in statements if s.lstrip().upper().startswith("SELECT")] + extra:
        samples = []
        for _ in range(5):
            t = time.perf_counter()
            conn.execute(sql).fetchall()
            samples.append(time.perf_counter() - t)
        plan = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)]
        out.append((sql, statistics.median(samples), plan))
    conn.close()
    return out


def time_cli(settings: Settings, runs: int = 5) -> list[float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "relay", "--config", str(settings.path), "status"],
                       check=True, capture_output=True, env=env, cwd=settings.path.parent)
        samples.append(time.perf_counter() - t)
    return samples


def time_export(settings: Settings) -> tuple[float, dict[str, int]]:
    from relay.cli.export import run_export

    with open(os.devnull, "w", encoding="utf-8") as sink:
        t = time.perf_counter()
        counts = run_export(settings, sink)
        return time.perf_counter() - t, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, help="default: 30%% of --messages")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep-fts-triggers", action="store_true",
                        help="build with the FTS trigger in place (slower)")
    parser.add_argument("--cli", action="store_true", help="also time `python -m relay status`")
    parser.add_argument("--export", action="store_true", help="also time a full JSONL export")
    parser.add_argument("--data", type=Path, help="folder to build in (default: a temp dir)")
    args = parser.parse_args()
    n_jobs = args.jobs if args.jobs is not None else int(args.messages * 0.3)

    with tempfile.TemporaryDirectory(prefix="relay-status-bench-") as tmp:
        data = args.data or Path(tmp)
        data.mkdir(parents=True, exist_ok=True)
        settings = _config(data)
        if settings.storage.database.exists():
            sys.exit(f"{settings.storage.database} exists: use an empty --data folder")
        print(f"building {args.messages:,} messages, {n_jobs:,} jobs in {data} ...", flush=True)
        t = time.perf_counter()
        phases = build(settings.storage.database, args.messages, n_jobs, args.seed,
                       args.keep_fts_triggers)
        total = time.perf_counter() - t
        for name, seconds in phases.items():
            print(f"  {name:<42} {seconds:8.1f} s")
        size = settings.storage.database.stat().st_size
        print(f"  {'build total':<42} {total:8.1f} s   database {size / 2**20:,.0f} MB")

        samples, text = time_status(settings, args.runs)
        median = statistics.median(samples)
        p90 = sorted(samples)[max(0, int(len(samples) * 0.9) - 1)]
        print()
        print(f"relay status (read-only open + collect + render), {args.runs} runs:")
        print(f"  median {_ms(median)}   min {_ms(min(samples))}   p90 {_ms(p90)}"
              f"   max {_ms(max(samples))}   first {_ms(samples[0])}")
        print(f"  floor < {FLOOR_MS:.0f} ms: {'PASS' if median * 1000 < FLOOR_MS else 'FAIL'}")

        print()
        print("per statement (median of 5) and its query plan:")
        for sql, seconds, plan in per_statement(settings):
            print(f"  {_ms(seconds)}  {' '.join(sql.split())[:110]}")
            print(f"               plan: {' | '.join(plan)}")

        if args.cli:
            cli = time_cli(settings)
            print()
            print(f"`python -m relay status` end to end (interpreter + imports + query), median"
                  f" of {len(cli)}: {_ms(statistics.median(cli))}"
                  f" ({'under' if statistics.median(cli) * 1000 < FLOOR_MS else 'over'}"
                  f" {FLOOR_MS:.0f} ms)")
        if args.export:
            seconds, counts = time_export(settings)
            records = sum(counts.values())
            print()
            print(f"relay export (jsonl, everything) to /dev/null: {seconds:.1f} s,"
                  f" {records:,} records ({records / seconds:,.0f}/s): "
                  + ", ".join(f"{n:,} {k}" for k, n in counts.items()))

        print()
        print("the status shown:")
        print(text)


if __name__ == "__main__":
    main()
