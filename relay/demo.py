"""``relay demo``: the real service against a simulated Telegram, fed sample posts.

Everything above the network is relay's own code: the watcher (a real Telethon client), the
SQLite store, language detection and the translation queue. Only Telegram is simulated
(:mod:`relay.sim`). The sample posts were written for this demo.
"""

from __future__ import annotations

import asyncio
import sqlite3
import textwrap
from pathlib import Path

from relay.config import load_settings
from relay.ingest.client import ReadOnlyClient
from relay.logs import setup_logging
from relay.service import Service
from relay.sim.world import SimTelegram
from relay.store.db import Database

FARSI_STRIKE = (
    "رانندگان شرکت واحد اتوبوسرانی تهران و حومه امروز در اعتراض به پرداخت نشدن حقوق سه ماه "
    "گذشته دست به اعتصاب زدند. سندیکا خواستار آزادی فوری همکاران بازداشت‌شده است."
)
FARSI_STRIKE_EDITED = FARSI_STRIKE + " تجمع فردا ساعت ۱۰ صبح مقابل ساختمان مرکزی برگزار می‌شود."
ENGLISH_SOLIDARITY = (
    "Solidarity statement: transport workers' unions in Europe stand with the striking bus "
    "drivers of Tehran and demand the release of their arrested colleagues."
)
ARABIC_NEWS = "أعلن عمال شركة النفط في الأهواز الإضراب عن العمل احتجاجاً على تأخر الأجور."
SORANI_NEWS = "کرێکارانی کارگەی شەکری هەفت تەپە دەستیان بە مانگرتن کرد بۆ وەرگرتنی مووچەکانیان."
FARSI_ALBUM = "تجمع کارگران نیشکر هفت تپه مقابل فرمانداری شوش در روز چهارم اعتصاب"
FARSI_HASHTAGS = (
    "#اعتصاب کارگران پیمانی نفت در عسلویه وارد روز دهم شد. #oil_strike "
    "https://t.me/oil_contract_council_demo"
)
FARSI_DELETED = "اطلاعیه: جلسه مجمع عمومی سندیکا به هفته آینده موکول شد."

DEMO_CONFIG = """\
# Written by `relay demo`: the configuration the demo ran with (Telegram simulated).
[storage]
data_dir = "{data}"

[watcher]
catch_up_seconds = 3600
first_catch_up_posts = 50

[[sources]]
channel = "@vahed_syndicate_demo"
name = "Syndicate of Workers of Tehran and Suburbs Vahed Bus Company"

[[sources]]
channel = "@haft_tappeh_union_demo"
name = "Haft Tappeh Sugar Cane Company Workers' Union"
languages = ["fa"]

[[sources]]
channel = "@oil_contract_council_demo"
name = "Organising Council of Oil Contract Workers' Protests"

[[sources]]
channel = "@no_such_channel_demo"
name = "A source with a typo in its username"

[[targets]]
key = "en"
channel = "@worker_news_en_demo"
language = "en"
credit = "Shahrokh Zamani Action Campaign"

[[targets]]
key = "es"
channel = "@worker_news_es_demo"
language = "es"
credit = "Campaña Shahrokh Zamani"

[[people]]
id = 5001
name = "Sara (translator)"
roles = ["translator"]

[[people]]
id = 5002
name = "Reza (editor)"
roles = ["editor"]
language = "fa"
"""


def _say(text: str = "") -> None:
    print(text, flush=True)


async def run_demo(data_dir: Path, *, quiet: bool = False) -> Path:
    """Run the demo; return the database path it leaves behind."""
    say = (lambda *_: None) if quiet else _say
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    db_path = data_dir / "relay.db"
    for stale in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        stale.unlink(missing_ok=True)
    config_path = data_dir / "relay.toml"
    config_path.write_text(DEMO_CONFIG.format(data=data_dir.as_posix()), encoding="utf-8")
    settings = load_settings(config_path, env={})
    setup_logging("WARNING", "kv")

    say("relay demo: Telegram is SIMULATED here (no network, no account). Everything else is")
    say("relay's real code: the Telethon watcher, SQLite store, language detection and queue.")
    say()

    tg = SimTelegram()
    watcher_account = tg.add_user("Watcher", username="relay_watcher_demo")
    vahed = tg.add_channel("سندیکای کارگران شرکت واحد", username="vahed_syndicate_demo",
                           members=[watcher_account])
    haft = tg.add_channel("سندیکای کارگران نیشکر هفت تپه", username="haft_tappeh_union_demo",
                          members=[watcher_account])
    oil = tg.add_channel("شورای سازماندهی اعتراضات کارگران پیمانی نفت",
                         username="oil_contract_council_demo", members=[watcher_account])

    # Posted before relay starts: found by the first catch-up.
    tg.post(vahed, FARSI_STRIKE)
    tg.post(oil, ARABIC_NEWS)

    db = await Database.open(db_path)
    client = tg.client(watcher_account, cls=ReadOnlyClient)
    service = Service(settings, db, client)
    try:
        say("1. start: resolve sources, catch up on posts made while relay was not running")
        await service.start()
        await tg.settle()
        say("2. live posts arrive: Farsi, English, Sorani Kurdish, an album, hashtags, an edit, "
            "a deletion")
        tg.post(vahed, ENGLISH_SOLIDARITY)
        tg.post(haft, SORANI_NEWS)
        tg.post_album(haft, [(FARSI_ALBUM, tg.photo(b"demo photo 1")), ("", tg.photo(b"demo 2"))])
        tg.post(oil, FARSI_HASHTAGS)
        doomed = tg.post(vahed, FARSI_DELETED)
        await tg.settle()
        tg.edit(vahed, 1, FARSI_STRIKE_EDITED)
        tg.delete(vahed, [doomed.id])
        await tg.settle()
    finally:
        await service.stop()
        await db.close()

    _print_store(db_path, say)
    say()
    say(f"The database is at {db_path}; open it with: sqlite3 {db_path}")
    say(f"The configuration the demo used is at {config_path}")
    return db_path


def _print_store(db_path: Path, say: object) -> None:
    conn = sqlite3.connect(db_path)
    try:
        say()
        say("Stored posts (channel/id, language and confidence, media, text):")
        rows = conn.execute(
            "SELECT c.username, m.message_id, m.lang, m.lang_confidence, m.media_kind,"
            " m.media_path IS NOT NULL, m.deleted_at IS NOT NULL, m.text,"
            " (SELECT COUNT(*) FROM message_revisions r WHERE r.message_pk = m.pk)"
            " FROM messages m JOIN channels c ON c.id = m.channel_id ORDER BY m.pk"
        ).fetchall()
        for user, mid, lang, conf, media, downloaded, deleted, text, revisions in rows:
            marks = []
            if media:
                marks.append(f"{media}{' (downloaded)' if downloaded else ''}")
            if revisions:
                marks.append(f"edited, {revisions} earlier version(s) kept")
            if deleted:
                marks.append("DELETED at source (kept, marked)")
            preview = textwrap.shorten(text or "(no text)", 60, placeholder="…")
            say(f"  @{user}/{mid:<3} {lang:>4} {conf:4.2f}  {preview}")
            if marks:
                say(f"  {'':>{len(user) + 6}}  [{'; '.join(marks)}]")
        say()
        say("Translation queue (one job per post or album and target language):")
        for job_id, user, mid, target, status, unit, deleted in conn.execute(
            "SELECT j.id, c.username, j.message_id, j.target, j.status, j.unit_key,"
            " (SELECT m.deleted_at IS NOT NULL FROM messages m WHERE m.channel_id = j.channel_id"
            "  AND m.message_id = j.message_id)"
            " FROM jobs j JOIN channels c ON c.id = j.channel_id ORDER BY j.id"
        ):
            notes = (" (album)" if unit.startswith("g:") else "") + (
                " (source deleted: editors decide)" if deleted else "")
            say(f"  job {job_id:<3} {status:<8} -> {target}  from @{user}/{mid}{notes}")
        unresolved = conn.execute("SELECT ref, error FROM source_status WHERE error IS NOT NULL")
        for ref, error in unresolved:
            say(f"\nSource {ref} could not be resolved: {error}")
    finally:
        conn.close()


if __name__ == "__main__":
    asyncio.run(run_demo(Path("demo-data")))
