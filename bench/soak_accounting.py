"""The soak's accounting: what the driver did (``Totals``), what the run came to
(``Outcome``), the checks on the final database (every post, deletion, edit and approval
accounted for; the cost of relay's recurring queries; the time of ``relay status``) and the
report with its verdicts. The driver is ``bench/soak.py``."""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import time
from array import array
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from soak_measure import LogCounter, Sample, fmt_native, fmt_states
from storeplans import time_and_explain

from relay.config import Settings
from relay.store import outbox as outbox_store
from relay.store import review_queries as review_store

ROOT = Path(__file__).resolve().parents[1]
RSS_GROWTH_LIMIT = 10.0  # percent
STATUS_LIMIT_MS = 200.0
STATUS_MESSAGES = 1_000_000  # ``relay status`` is timed on at least this many messages


@dataclass
class Totals:
    """What the driver did, counted as it went."""

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


class Ledger(Protocol):
    """What the driver (``Soak`` in bench/soak.py) wrote down as it went, for the checks."""

    sources: list[Any]  # the source channels (sim ``Chan``)
    deleted: list[array]  # per source: ids deleted, one entry per deletion
    deleted_at_event: list[array]  # ... and the event number of each deletion
    edited: list[array]  # per source: ids edited, one entry per edit
    edit_numbers: list[array]  # ... and the "[ویرایش N]" number of each edit
    approved: set[int]  # jobs the volunteers approved
    totals: Totals
    clock: Any  # the fake clock; ``clock.now`` in seconds


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


# ---------------------------------------------------------------------------------- checks
def deletion_detail(q: Any, s: Ledger, channel_id: int, message_id: int) -> str:
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


def check_accounting(db_path: Path, s: Ledger, expected: dict[int, int], deleted: dict[int, list[int]],
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
           topup: str, dev: Path, total: float, *, seed: int) -> None:
    t = res.totals
    rule = "=" * 100
    print(rule)
    print("relay soak: the whole service (watcher + review bot + publisher, supervised) on the"
          " scripted Telegram")
    print(rule)
    print(f"dev set        {dev} ({t.events:,} events drawn, seed {seed})")
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
    # translations sent but none approved: the volunteers' path broke, and "every approved job
    # published exactly once" would pass on nothing
    approvals_ok = t.replies == 0 or (t.approvals_ok > 0 and not t.previews_missing)
    print(f"MEMORY FLAT    {verdict(mem_ok)}  {mem_line}  [growth < {RSS_GROWTH_LIMIT:g}%]")
    print(f"NO TASK DIED   {verdict(tasks_ok)}  {task_line}")
    print(f"ACCOUNTED      {verdict(acct_ok)}  "
          f"{sum(ok for _, ok, _ in res.accounting)}/{len(res.accounting)} checks")
    print(f"APPROVALS      {verdict(approvals_ok)}  {t.replies:,} translations sent,"
          f" {t.approvals_ok:,} approved and published through the bot,"
          f" {t.previews_missing} previews not found")
    print(f"STATUS         {verdict(med < STATUS_LIMIT_MS)}  median {med:.1f} ms on"
          f" {status.get('messages', 0):,} messages  [< {STATUS_LIMIT_MS:g} ms]")
    full = t.events >= 1_000_000
    print(f"SCOPE          {t.events:,} source events run"
          + ("" if full else " (the issue asks for 1,000,000: this run is SHORTER)"))
    print(rule)
