"""``relay demo``: the whole relay against a simulated Telegram, fed sample posts.

Everything above the network is relay's own code: the watcher (a real Telethon client), the
SQLite store, language detection, the translation queue, the review bot (a second real
Telethon client) with simulated volunteers pressing its buttons and replying to its cards,
and the publisher. Only Telegram is simulated (:mod:`relay.telegram.sim`).
"""

from __future__ import annotations

import asyncio
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

from telethon.sessions import StringSession
from telethon.tl import types

from relay.assist.scripted_engine import ScriptedEngine
from relay.config import Settings, Site, load_settings
from relay.logs import setup_logging
from relay.review.glossary import seed_demo_terms
from relay.service.runner import Service
from relay.store.api import ReportsStore, Store
from relay.store.db import Database
from relay.telegram.client import ReadOnlyClient
from relay.telegram.sim import cast
from relay.telegram.sim import demo_data as d
from relay.telegram.sim.forwards import forward
from relay.telegram.sim.world import Account, Chan, SimTelegram, callback_data

DEMO_BOT_TOKEN = "100000:relay-demo-simulated-bot"
#: What the demo's scripted engine answers for the strike post (a machine's English).
MACHINE_STRIKE = ("The drivers of Vahed bus company of Tehran and suburbs today in protest to "
                  "not paying the salary of three months past went on strike. The syndicate "
                  "is demanding the immediate freedom of the arrested colleagues.")

MACHINE_REPEATED = ("Reminder of the syndicate\n" + MACHINE_STRIKE + " Gathering tomorrow hour 10"
                    " morning in front of the central building is held.")


class Demo:
    """The simulated cast and the little it takes to act like a person in Telegram."""

    def __init__(self, say: Callable[..., None]):
        self.say = say
        self.tg = tg = SimTelegram()
        self.watcher = cast.DEMO_WATCHER.add_user(tg)
        self.bot = cast.DEMO_BOT.add_bot(tg, token=DEMO_BOT_TOKEN)
        self.sara = cast.DEMO_SARA.add_to(tg)
        self.reza = cast.DEMO_REZA.add_to(tg)
        self.vahed = cast.DEMO_VAHED.add_to(tg, members=[self.watcher])
        self.haft = cast.DEMO_HAFT_TAPPEH.add_to(tg, members=[self.watcher])
        self.oil = cast.DEMO_OIL.add_to(tg, members=[self.watcher])
        self.out_en = cast.DEMO_EN.add_to(tg, admins=[self.bot])
        self.out_es = cast.DEMO_ES.add_to(tg, admins=[self.bot])
        self.group = tg.add_channel("relay review", megagroup=True,
                                    members=[self.sara, self.reza], admins=[self.bot])
        self.service: Service | None = None

    async def settle(self) -> None:
        assert self.service is not None, "start the service first"
        bot, publisher = self.service.bot, self.service.publisher
        assert bot is not None and publisher is not None  # the demo's config has both
        for _ in range(2):
            await self.tg.settle()
            await bot.post_pending_cards()
            await self.tg.settle()
            await bot._idle.wait()
            await publisher.run_once()
        await self.tg.settle()

    def bot_messages(self) -> list[types.Message]:
        return [m for m in self.tg.history(self.group) if m._sim_author == self.bot.id]

    def card(self, job: int) -> types.Message:
        return next(m for m in self.bot_messages() if m.message.startswith(f"Job {job} "))

    def press(self, who: Account, msg: types.Message, label: str) -> str:
        markup = msg.reply_markup
        data = next(callback_data(b) for row in markup.rows for b in row.buttons
                    if label.lower() in b.text.lower())
        assert data is not None, f"“{label}” is not a callback button"
        self.say(f"   [{who.user.first_name} presses “{label}” under bot message {msg.id}]")
        self.answer = self.tg.press(who, self.group, msg.id, data)
        return ""

    def write(self, who: Account, text: str, reply_to: int | None = None,
              entities: list | None = None) -> None:
        where = f" (a reply to bot message {reply_to})" if reply_to else ""
        self.say(f"   [{who.user.first_name} writes{where}: {textwrap.shorten(text, 70)}]")
        self.tg.send_group(who, self.group, text, reply_to=reply_to, entities=entities)

    def show(self, title: str, msg: types.Message) -> None:
        self.say(f"   {title}:")
        for line in msg.message.splitlines() or [""]:
            self.say(f"   │ {line}")
        buttons = [b.text for row in getattr(msg.reply_markup, "rows", []) for b in row.buttons]
        if buttons:
            self.say("   │ " + "  ".join(f"[{b}]" for b in buttons))

    def show_channel(self, chan: Chan) -> None:
        self.say(f"\n@{chan.channel.username} — what subscribers see:")
        for msg in self.tg.history(chan):
            media = ""
            if msg.media is not None:
                media = f"[{type(msg.media).__name__.removeprefix('MessageMedia').lower()}"
                media += f" in album {msg.grouped_id}]" if msg.grouped_id else "]"
            reply = f" (reply to {msg.reply_to.reply_to_msg_id})" if msg.reply_to else ""
            edited = " (edited)" if msg.edit_date else ""
            self.say(f"  ── post {msg.id}{reply}{edited} {media}")
            for line in (msg.message or "").splitlines():
                self.say(f"  {line}")
            links = [e.url for e in msg.entities or [] if isinstance(e, types.MessageEntityTextUrl)]
            if links:
                self.say(f"  (links: {', '.join(links)})")


class DemoFolderRefused(ValueError):
    """The --data folder holds something the demo did not make: it is never touched."""


#: Written in every folder the demo makes; only such a folder is ever emptied by the demo.
DEMO_MARK = ".relay-demo"


def _demo_folder(data_dir: Path) -> Path:
    """``data_dir``, made for the demo or made by it before; anything else is refused."""
    if data_dir.exists() and not data_dir.is_dir():
        raise DemoFolderRefused(f"--data {data_dir}: is a file, not a folder")
    if data_dir.is_dir() and any(data_dir.iterdir()) and not (data_dir / DEMO_MARK).is_file():
        raise DemoFolderRefused(
            f"--data {data_dir}: the folder is not empty and was not made by the demo; "
            "nothing was touched (give a new or empty folder)")
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / DEMO_MARK).write_text("made by `relay demo`; it may replace what is here\n",
                                      encoding="utf-8")
    return data_dir


async def run_demo(data_dir: Path, *, quiet: bool = False,
                   secrets: dict[str, str] | None = None) -> Path:
    """Run the demo; return the database path it leaves behind. ``secrets`` (environment
    variables such as RELAY_API_HASH, RELAY_SESSION) are used as a real run would use them:
    tests check that none of them ever reaches the logs."""
    say = (lambda *_: None) if quiet else _say
    data_dir = _demo_folder(data_dir.resolve())
    db_path = data_dir / "relay.db"
    for stale in (db_path, Path(f"{db_path}-wal"), Path(f"{db_path}-shm")):
        stale.unlink(missing_ok=True)

    demo = Demo(say)
    tg = demo.tg
    config_path = data_dir / "relay.toml"
    config_path.write_text(d.DEMO_CONFIG.format(data=data_dir.as_posix(),
                                                review_chat=demo.group.marked_id),
                           encoding="utf-8")
    engine = ScriptedEngine({d.FARSI_STRIKE: MACHINE_STRIKE,  # issue 14: drafts for "en"
                             d.FARSI_STRIKE_REPEATED: MACHINE_REPEATED})
    with config_path.open("a", encoding="utf-8") as config:
        config.write(f'\n[translation]\nlibretranslate = ["en"]\nurl = "{engine.url}"\n')
    settings = load_settings(config_path, env={"RELAY_BOT_TOKEN": DEMO_BOT_TOKEN,
                                               **(secrets or {})})
    setup_logging("WARNING", "kv", settings.secret_values())

    say("relay demo: Telegram is SIMULATED here (no network, no account). Everything else is")
    say("relay's real code: the Telethon watcher and bot, the SQLite store, language detection,")
    say("the translation queue, the review workflow and the publisher.")
    say()
    first = tg.post(demo.vahed, d.FARSI_STRIKE)  # posted while relay was not running
    tg.post(demo.oil, d.ARABIC_NEWS)

    db = await Database.open(db_path)
    api_id, api_hash = settings.secrets.api_id or 1, settings.secrets.api_hash or "sim-api-hash"
    watcher_session = StringSession(settings.secrets.session_string) \
        if settings.secrets.session_string else None
    demo.service = Service(settings, db, tg.client(demo.watcher, cls=ReadOnlyClient,
                                                   session=watcher_session, api_id=api_id,
                                                   api_hash=api_hash),
                           tg.client(None, api_id=api_id, api_hash=api_hash))
    await seed_demo_terms(demo.service.store, 0)  # issue 14: the cards' glossary lines
    try:
        say("1. Start: resolve sources, catch up on what was posted while relay was down.")
        await demo.service.start()
        await demo.settle()
        say("2. Live posts: English, Sorani Kurdish, an album, hashtags, one later deleted.")
        tg.post(demo.vahed, d.ENGLISH_SOLIDARITY)
        tg.post(demo.haft, d.SORANI_NEWS)
        tg.post_album(demo.haft, [(d.FARSI_ALBUM, tg.photo(b"demo photo 1")),
                                  ("", tg.photo(b"demo photo 2"))])
        tg.post(demo.oil, d.FARSI_HASHTAGS)
        doomed = tg.post(demo.vahed, d.FARSI_DELETED)
        await demo.settle()
        tg.delete(demo.vahed, [doomed.id])
        await demo.settle()
        await _print_store(demo.service.store, say)
        await _review(demo)
        await _same_statement(demo, first.id)
        await _memory(demo)
    finally:
        await demo.service.stop()
        engine.close()
        try:
            site_lines = await _build_site(settings, demo.service.store, data_dir / "site")
        finally:
            await db.close()

    demo.show_channel(demo.out_en)
    demo.show_channel(demo.out_es)
    say()
    say(f"The database is at {db_path}; open it with: sqlite3 {db_path}")
    say(f"The configuration the demo used is at {config_path}")
    say()
    say("7. The public archive site and Atom feeds of what was published (`relay site build`):")
    for line in site_lines:
        say(f"   {line}")
    return db_path


async def _build_site(settings: Settings, store: Store, out: Path) -> list[str]:
    """Build the demo's public site into ``out`` (the demo's own folder, rebuilt each run)."""
    from relay.cli.site import DEFAULT_PORT, describe_build
    from relay.service.site_updater import StoreSource, site_settings, site_style
    from relay.site import SiteBuilder

    shutil.rmtree(out, ignore_errors=True)
    site = Site(output_dir=out, title="relay demo archive")
    source = StoreSource(store, site_style(settings), asyncio.get_running_loop())
    report = await asyncio.to_thread(SiteBuilder(site_settings(site), source).build)
    return describe_build(report, out, f"python -m http.server -d {out} {DEFAULT_PORT}"
                          ).splitlines()


async def _review(demo: Demo) -> None:
    say = demo.say
    say("\n3. Review in the (simulated) review group: Sara translates, Reza edits.")
    say("   A SCRIPTED LibreTranslate-compatible engine (on loopback, not a real one) drafted")
    say("   the English jobs; the card shows its draft, to be checked, never published as is.")
    await _drafts_made(demo)
    card = demo.card(1)
    demo.show("The bot's card for job 1, with the machine draft", card)
    demo.press(demo.sara, card, "machine draft")  # claims the job and sends her the draft
    await demo.settle()
    say(f"   bot answers Sara: {demo.answer.message}")
    draft = demo.bot_messages()[-1]
    demo.show("The machine draft, for Sara to correct", draft)
    demo.write(demo.sara, d.TRANSLATION_STRIKE, reply_to=draft.id,
               entities=[types.MessageEntityBold(0, 7)])
    await demo.settle()
    preview = demo.bot_messages()[-1]
    demo.show("The bot's preview, exactly as subscribers will see it", preview)
    demo.press(demo.reza, preview, "Approve")
    await demo.settle()
    say(f"   bot answers Reza: {demo.answer.message}")
    demo.show("Job 1's card now", demo.card(1))

    say("\n4. A rejection: the album's translation misses the place; Reza sends it back.")
    album_job = await _job_id(demo, "haft_tappeh_union_demo", "en")
    album_card = demo.card(album_job)
    demo.press(demo.sara, album_card, "Claim")  # a reply is a draft from the claimer
    await demo.settle()
    demo.write(demo.sara, d.TRANSLATION_ALBUM_FIRST, reply_to=album_card.id)
    await demo.settle()
    demo.press(demo.reza, demo.bot_messages()[-1], "Reject")
    await demo.settle()
    prompt = demo.bot_messages()[-1]
    demo.write(demo.reza, d.REJECTION, reply_to=prompt.id)
    await demo.settle()
    told = [m.message for m in demo.tg.private_history(demo.sara, demo.bot)][-1]
    say(f"   Sara is told privately: {told.splitlines()[0]}")
    demo.write(demo.sara, f"/tr {album_job} {d.TRANSLATION_ALBUM}")
    await demo.settle()
    demo.press(demo.reza, demo.bot_messages()[-1], "Approve")
    await demo.settle()

    say("\n5. The Spanish job of the first post, submitted with a command.")
    es_job = await _job_id(demo, "vahed_syndicate_demo", "es")
    demo.write(demo.sara, f"/tr {es_job} {d.TRANSLATION_STRIKE_ES}")
    await demo.settle()
    demo.press(demo.reza, demo.bot_messages()[-1], "Approve")
    await demo.settle()

    say("\n6. The syndicate edits its post after publication: editors are told, and a")
    say("   corrected translation edits the relay post in place.")
    demo.tg.edit(demo.vahed, 1, d.FARSI_STRIKE_EDITED)
    await demo.settle()
    notice = next(m for m in reversed(demo.bot_messages()) if "edited after publication"
                  in m.message and m.message.startswith("Job 1:"))
    say(f"   bot tells the editors: {notice.message.splitlines()[0][:150]}…")
    demo.write(demo.sara, d.TRANSLATION_STRIKE_CORRECTED, reply_to=demo.card(1).id)
    await demo.settle()
    demo.press(demo.reza, demo.bot_messages()[-1], "Approve")
    await demo.settle()
    say("   Every step above is in the audit table: who did what to which job, and when.")


async def _drafts_made(demo: Demo) -> None:
    """Until the draft worker has drafted every queued English job (it runs in the
    background), and the cards show the drafts."""
    assert demo.service is not None
    for _ in range(1000):
        if not await demo.service.store.jobs_to_draft(["en"], 0, 1):
            break
        await asyncio.sleep(0.01)
    await demo.settle()


async def _same_statement(demo: Demo, strike_id: int) -> None:
    """Issue 11: a forward and a copy of a published statement add no work and no post."""
    say = demo.say
    say("\n6b. The same statement elsewhere: the oil workers' channel forwards the first post and")
    say("   Haft Tappeh pastes a copy with its own footer. Neither becomes new work, and nothing")
    say("   is posted twice: the card lists them and the editors are told.")
    forward(demo.tg, demo.vahed, strike_id, demo.oil)
    demo.tg.post(demo.haft, d.FARSI_STRIKE + "\n\n🆔 @haft_tappeh_demo")
    await demo.settle()
    demo.show("The card of job 1", demo.card(1))
    told = [m for m in demo.bot_messages() if "copy of this published statement" in m.message]
    if told:
        demo.show("Told in the review group", told[-1])


async def _memory(demo: Demo) -> None:
    """Issue 14: a post of the same text as an approved translation offers it as a start."""
    say = demo.say
    say("\n6c. The syndicate posts its statement again, as a reminder. A channel repeating itself")
    say("   is new work, but the card of the new job offers job 1's approved translation as a")
    say("   start (translation memory): Sara presses its button and gets it to correct.")
    demo.tg.post(demo.vahed, d.FARSI_STRIKE_REPEATED)
    await demo.settle()
    await _drafts_made(demo)
    assert demo.service is not None
    job = max(j.job_id for j in await demo.service.store.jobs_overview() if j.target == "en")
    card = demo.card(job)
    demo.show(f"The card of job {job}, with a memory hint, a glossary hint and a machine draft",
              card)
    demo.press(demo.sara, card, "translation")
    await demo.settle()
    say(f"   bot answers Sara: {demo.answer.message}")
    demo.show("Job 1's approved translation, for Sara to correct", demo.bot_messages()[-1])


async def _job_id(demo: Demo, username: str, target: str) -> int:
    assert demo.service is not None, "the demo's service runs before jobs are looked up"
    job_id = await demo.service.store.first_job_of(username, target)
    assert job_id is not None, f"no {target} job from @{username}"
    return job_id


def _say(text: str = "") -> None:
    print(text, flush=True)


async def _print_store(store: ReportsStore, say: Callable[..., None]) -> None:
    say()
    say("Stored posts (channel/id, language and confidence, text):")
    for post in await store.posts_overview():
        marks = []
        if post.media_kind:
            marks.append(f"{post.media_kind}{' (downloaded)' if post.media_downloaded else ''}")
        if post.revisions:
            marks.append(f"edited, {post.revisions} earlier version(s) kept")
        if post.deleted:
            marks.append("DELETED at source (kept, marked)")
        preview = textwrap.shorten(post.text or "(no text)", 55, placeholder="…")
        say(f"  @{post.channel_username}/{post.message_id}  {post.lang}"
            f" {post.lang_confidence:.2f}  {preview}")
        if marks:
            say(f"      [{'; '.join(marks)}]")
    say()
    say("Translation queue (one job per post or album and target language):")
    for job in await store.jobs_overview():
        notes = (" (album)" if job.unit_key.startswith("g:") else "") + (
            " (source deleted: editors decide)" if job.source_deleted else "")
        say(f"  job {job.job_id:<3} {job.status:<8} -> {job.target}"
            f"  from @{job.channel_username}/{job.message_id}{notes}")
    for ref, error in await store.source_errors():
        say(f"\nSource {ref} could not be resolved: {error}")


if __name__ == "__main__":
    asyncio.run(run_demo(Path("demo-data")))
