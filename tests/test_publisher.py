"""Publishing over the simulated Telegram: once, in order, attributed, through floods and crashes."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from pathlib import Path

import pytest
from telethon.tl import functions as fn
from telethon.tl import types

from relay.core.sanitize import Cleaned
from relay.core.workflow import Action, Actor, Rules
from relay.store import outbox
from relay.store import review_queries as review_store
from relay.store.db import Database
from relay.store.sqlite_store import SqliteStore
from relay.telegram.publisher import Publisher
from tests.review_world import BOT_TOKEN, ReviewWorld, running

FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."
TRANSLATION = "Vahed bus workers went on strike today over unpaid wages."
SARA = Actor(5001, True, False)
REZA = Actor(5002, True, True)


async def approve_in_store(db: Database, job_id: int, text: str = TRANSLATION,
                           now: int = 1_800_000_000) -> None:
    for action, actor, kwargs in ((Action.SUBMIT, SARA, {"draft": Cleaned(text, ())}),
                                  (Action.APPROVE, REZA, {})):
        tr = await db.run(review_store.apply, job_id, action, actor, Rules(), now, **kwargs)
        assert tr.ok, tr.refusal


async def status(w: ReviewWorld, job: int = 1) -> str:
    return (await w.rows("SELECT status FROM jobs WHERE id = ?", job))[0][0]


# ------------------------------------------------------------------------------ the basics
async def test_each_target_publishes_only_its_own_jobs_with_attribution(w):
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    await approve_in_store(w.db, 2, "Los conductores de autobuses de Vahed están en huelga.")
    w.service.publisher.wake()
    await w.settle()
    assert w.tg.history(w.out_en) == []
    [post] = w.tg.history(w.out_es)
    assert post.message == (
        "Los conductores de autobuses de Vahed están en huelga.\n\n"
        # issue 11: the Spanish channel's credit is in Spanish (it was English before)
        "Fuente: canal de Telegram de Syndicate of Workers of Tehran and Suburbs Vahed Bus "
        "Company\nTraducción: Campaña Shahrokh Zamani")
    link = next(e for e in post.entities if isinstance(e, types.MessageEntityTextUrl))
    assert link.url == "https://t.me/vahed/1"
    assert post.message[link.offset:link.offset + link.length].startswith("canal de Telegram de")
    assert await status(w, 2) == "published" and await status(w, 1) == "queued"
    published = await w.rows("SELECT job_id, target, part, message_id FROM publications")
    assert published == [(2, "es", 0, post.id)]


async def test_jobs_of_a_target_go_out_in_approval_order(w):
    for i in range(3):
        w.tg.post(w.vahed, f"{FARSI} {i}")
    await w.settle()
    for job in (5, 1, 3):  # English jobs, approved in this order
        await approve_in_store(w.db, job, f"Translation of job {job}.")
    await w.settle()
    texts = [m.message.split("\n")[0] for m in w.tg.history(w.out_en)]
    assert texts == ["Translation of job 5.", "Translation of job 1.", "Translation of job 3."]


async def test_long_translation_is_split_into_a_reply_chain_with_attribution_last(w):
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    long_text = "\n\n".join(f"Paragraph {i}: " + "the strike continues " * 30 for i in range(20))
    await approve_in_store(w.db, 1, long_text)
    await w.settle()
    posts = w.tg.history(w.out_en)
    assert len(posts) >= 3
    assert all(len(p.message.encode("utf-16-le")) // 2 <= 4096 for p in posts)
    assert posts[-1].message.endswith("Translation: Shahrokh Zamani Action Campaign")
    assert all("Translation: Shahrokh" not in p.message for p in posts[:-1])
    for previous, current in zip(posts, posts[1:], strict=False):
        assert current.reply_to.reply_to_msg_id == previous.id


async def test_photo_post_goes_out_with_the_translation_as_caption_and_overflow(w):
    w.tg.post(w.vahed, FARSI, media=w.tg.photo(b"strike photo"))
    await w.settle()
    await approve_in_store(w.db, 1, "The strike, day four. " * 80)
    await w.settle()
    posts = w.tg.history(w.out_en)
    assert isinstance(posts[0].media, types.MessageMediaPhoto)
    assert w.tg.files[posts[0].media.photo.id] == b"strike photo"
    assert len(posts[0].message.encode("utf-16-le")) // 2 <= 1024
    assert len(posts) == 2 and posts[1].media is None
    assert posts[1].message.endswith("Translation: Shahrokh Zamani Action Campaign")


async def test_album_goes_out_as_one_album(w):
    w.tg.post_album(w.vahed, [(FARSI, w.tg.photo(b"one")), ("", w.tg.photo(b"two")),
                              ("", w.tg.photo(b"three"))])
    await w.settle()
    await approve_in_store(w.db, 1)
    await w.settle()
    posts = w.tg.history(w.out_en)
    assert len(posts) == 3 and len({p.grouped_id for p in posts}) == 1
    assert posts[0].grouped_id is not None
    assert [w.tg.files[p.media.photo.id] for p in posts] == [b"one", b"two", b"three"]
    assert posts[0].message.startswith(TRANSLATION) and posts[1].message == ""


async def test_missing_media_is_shown_to_editors_not_dropped(w):
    w.tg.post(w.vahed, FARSI, media=w.tg.photo(b"photo"))
    await w.settle()
    for path in Path(w.settings.storage.media_dir).rglob("*"):
        if path.is_file():
            path.unlink()
    await approve_in_store(w.db, 1)
    await w.settle()
    assert w.tg.history(w.out_en) == []
    assert await status(w) == "approved"
    card = w.card(1)
    assert "Could not publish" in card.message and "not on disk" in card.message
    assert any("Retry" in label for label, _ in w.buttons(card))
    notices = [m.message for m in w.group_messages() if m.message.startswith("Job 1 could not")]
    assert notices


# ------------------------------------------------------------------------------ failures
async def test_bot_without_rights_is_reported_and_retried_on_request(w):
    w.tg.remove_admin(w.out_en, w.bot)
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    await approve_in_store(w.db, 1)
    await w.settle()
    assert w.tg.history(w.out_en) == []
    assert "CHAT_ADMIN_REQUIRED" in w.card(1).message
    assert (await w.rows("SELECT status, last_error FROM outbox")) == \
        [("failed", "Telegram: CHAT_ADMIN_REQUIRED")]
    w.tg.make_admin(w.out_en, w.bot)
    answer = w.press(w.reza, w.card(1), "retry")
    await w.settle()
    assert "tried again" in answer.message
    assert len(w.tg.history(w.out_en)) == 1 and await status(w) == "published"
    assert "Published: https://t.me/relay_en/1" in w.card(1).message


@pytest.mark.parametrize("seconds", [5, 6 * 3600])
async def test_flood_wait_delays_the_item_to_the_stated_time_and_never_earlier(w, seconds):
    publisher = w.service.publisher
    w.tg.post(w.vahed, FARSI)
    w.tg.post(w.vahed, FARSI + " ۲")
    await w.settle()
    w.tg.fail_next(f"FLOOD_WAIT_{seconds}", request=fn.messages.SendMessageRequest)
    await approve_in_store(w.db, 1, "First.")
    await approve_in_store(w.db, 3, "Second.")
    await w.settle()
    assert w.tg.history(w.out_en) == []
    sends = len([r for r in w.tg.requests if r.name == "SendMessageRequest"])
    [(not_before, error)] = await w.rows(
        "SELECT not_before, last_error FROM outbox WHERE job_id = 1")
    assert not_before == int(w.clock.now) + seconds and error == f"flood wait {seconds}s"

    w.clock.now += seconds - 1
    await publisher.run_once()
    await w.settle()
    assert len([r for r in w.tg.requests if r.name == "SendMessageRequest"]) == sends
    assert w.tg.history(w.out_en) == []  # the second job waits behind the first

    w.clock.now += 1
    await publisher.run_once()
    await w.settle()
    texts = [m.message.split("\n")[0] for m in w.tg.history(w.out_en)]
    assert texts == ["First.", "Second."]


async def test_flood_wait_survives_a_restart(w, tmp_path):
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    w.tg.fail_next("FLOOD_WAIT_21600", request=fn.messages.SendMessageRequest)
    await approve_in_store(w.db, 1)
    await w.settle()
    fresh = Publisher(w.tg.client(None), SqliteStore(w.db), w.settings, clock=w.clock)
    await fresh.client.start(bot_token=BOT_TOKEN)
    w.clock.now += 3600
    await fresh.run_once()
    assert w.tg.history(w.out_en) == []
    w.clock.now += 5 * 3600
    await fresh.run_once()
    assert len(w.tg.history(w.out_en)) == 1
    await fresh.client.disconnect()


async def test_temporary_failure_backs_off_and_succeeds(w):
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    w.tg.fail_next("RPC_CALL_FAIL", request=fn.messages.SendMessageRequest, times=1)
    w.tg.fail_next("INTERNAL_SERVER_ERROR_X", request=fn.messages.SendMessageRequest)
    await approve_in_store(w.db, 1)
    await w.settle()
    for _ in range(4):
        w.clock.now += 3600
        await w.service.publisher.run_once()
        await w.settle()
    assert len(w.tg.history(w.out_en)) == 1
    assert await status(w) == "published"


async def test_rate_limit_per_target(tmp_path):
    world = ReviewWorld(tmp_path)
    config = Path(world.settings.path)
    config.write_text(config.read_text().replace(
        "[[sources]]", "[publish]\nper_target_per_minute = 3\n\n[[sources]]", 1))
    from relay.config import load_settings
    world.settings = load_settings(config, env={"RELAY_BOT_TOKEN": BOT_TOKEN})
    async with running(world):
        sleeps: list[float] = []

        async def fake_sleep(seconds: float) -> None:
            sleeps.append(seconds)
            world.clock.now += seconds

        publisher = world.service.publisher
        publisher.sleep = fake_sleep
        sent_at: list[float] = []
        world.tg.on_request(lambda s, r: sent_at.append(world.clock.now)
                            if isinstance(r, fn.messages.SendMessageRequest)
                            and getattr(r.peer, "channel_id", None) == world.out_en.id else None)
        for i in range(5):
            world.tg.post(world.vahed, f"{FARSI} {i}")
        await world.settle()
        for job in range(1, 10, 2):
            await approve_in_store(world.db, job, f"Job {job}.")
        await publisher.run_once()
        await world.settle()
        assert len(world.tg.history(world.out_en)) == 5 and len(sent_at) == 5
        assert sum(sleeps) >= 59
        for i in range(len(sent_at)):
            assert len([t for t in sent_at if sent_at[i] <= t < sent_at[i] + 60]) <= 3


# ------------------------------------------------------------------------------ exactly once
class Crash(BaseException):
    """The process dies here."""


class Crasher:
    def __init__(self, at: int | None):
        self.at, self.count, self.points = at, 0, []

    def point(self, name: str) -> None:
        self.count += 1
        self.points.append(name)
        if self.count == self.at:
            raise Crash(name)


class CrashingDatabase(Database):
    crasher: Crasher

    async def run(self, fn, *args, **kwargs):
        self.crasher.point(f"before db {fn.__name__}")
        result = await super().run(fn, *args, **kwargs)
        self.crasher.point(f"after db {fn.__name__}")  # committed, but we die before using it
        return result

    async def read(self, fn, *args):
        self.crasher.point(f"before read {fn.__name__}")
        return await super().read(fn, *args)


async def crash_once_then_restart(tmp_path: Path, at: int | None, *,
                                  change_config: bool = False) -> tuple[int, list[str], list]:
    """Publish one two-part photo post, dying at the ``at``-th await point; then restart on the
    same database file (with the target's credit and the source's name changed by the operator
    meanwhile, if ``change_config``) and finish. Returns (points seen, their names, the
    channel)."""
    tmp_path.mkdir(parents=True)
    world = ReviewWorld(tmp_path)
    await world.start()
    world.tg.post(world.vahed, FARSI, media=world.tg.photo(b"photo"))
    await world.settle()
    await world.stop()  # the service is not running; the publisher runs alone below

    setup = await Database.open(world.settings.storage.database)
    await approve_in_store(setup, 1, "The strike goes on. " * 70)  # caption + one more part
    await setup.close()

    crasher = Crasher(at)
    db = await CrashingDatabase.open(world.settings.storage.database)
    db.crasher = crasher
    bot_client = world.tg.client(None)
    await bot_client.start(bot_token=BOT_TOKEN)
    world.tg.on_request(lambda s, r: crasher.point(f"before {type(r).__name__}")
                        if s.user_id == world.bot.id else None)
    world.tg.on_response(lambda s, r, a: crasher.point(f"after {type(r).__name__}")
                         if s.user_id == world.bot.id else None)
    publisher = Publisher(bot_client, SqliteStore(db), world.settings, clock=world.clock)
    publisher.client.flood_sleep_threshold = 0
    with contextlib.suppress(Crash):
        await publisher.run_once()
    world.tg.clear_hooks()
    await asyncio.sleep(0)
    await bot_client.disconnect()
    await db.close()

    db = await Database.open(world.settings.storage.database)  # the restart
    settings = world.settings
    if change_config:
        settings = dataclasses.replace(settings, targets=tuple(
            dataclasses.replace(t, credit=t.credit + " (new credit)") for t in settings.targets))
        await db.run(lambda c: c.execute("UPDATE channels SET display_name = 'Renamed source'"))
    client = world.tg.client(None)
    await client.start(bot_token=BOT_TOKEN)
    restarted = Publisher(client, SqliteStore(db), settings, clock=world.clock)
    await restarted.start()
    await restarted.run_once()
    await restarted.stop()
    state = (await db.read(lambda c: c.execute("SELECT status FROM jobs WHERE id=1").fetchone()))
    parts = await db.read(outbox.parts_of, 1)
    await client.disconnect()
    await db.close()
    assert state[0] == "published", f"crash at {crasher.points[-1:]}"
    channel = world.tg.history(world.out_en)
    assert {p.message_id for p in parts.values()} == {m.id for m in channel}
    return crasher.count, crasher.points, channel


async def test_a_crash_at_any_await_point_never_loses_or_doubles_a_post(tmp_path):
    total, names, channel = await crash_once_then_restart(tmp_path / "clean", at=None)
    assert len(channel) == 2 and "after SendMediaRequest" in names
    expected = [(m.message, type(m.media).__name__) for m in channel]
    for at in range(1, total + 1):
        _, _, channel = await crash_once_then_restart(tmp_path / f"crash{at}", at=at)
        got = [(m.message, type(m.media).__name__) for m in channel]
        assert got == expected, f"crash at point {at} ({names[at - 1]}): {len(got)} posts"


async def test_a_crash_after_telegram_accepted_a_post_never_doubles_it_after_a_config_change(
        tmp_path):
    """The operator changes the credit and the source's name before restarting: recovery must
    still find the message Telegram accepted (by what was sent, not by what would be sent now)."""
    total, names, _ = await crash_once_then_restart(tmp_path / "clean", at=None)
    accepted = [i + 1 for i, name in enumerate(names)
                if name in ("after SendMediaRequest", "after SendMessageRequest")]
    assert len(accepted) == 2
    for at in accepted:
        _, _, channel = await crash_once_then_restart(tmp_path / f"crash{at}", at=at,
                                                      change_config=True)
        assert len(channel) == 2, f"crash at point {at} ({names[at - 1]}): {len(channel)} posts"


# ------------------------------------------------------------------------------ afterwards
async def test_source_edited_after_publication_correction_edits_the_post_in_place(w):
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    await approve_in_store(w.db, 1)
    await w.settle()
    [post] = w.tg.history(w.out_en)
    w.tg.edit(w.vahed, 1, FARSI + " تجمع فردا ساعت ده برگزار می‌شود.")
    await w.settle()
    assert await status(w) == "stale"
    card = w.card(1)
    assert "edited after publication" in card.message and "+[تجمع" in card.message
    assert [label for label, _ in w.buttons(card)] == ["✏ Edit", "✔ Keep as published"]
    notice = [m.message for m in w.group_messages() if "edited after publication" in m.message
              and m.message.startswith("Job 1:")]
    assert notice and "https://t.me/relay_en/1" in notice[0]

    corrected = TRANSLATION + " A rally is called for tomorrow at ten."
    w.say(w.sara, corrected, reply_to=card.id)
    await w.settle()
    assert await status(w) == "drafted"
    w.press(w.reza, w.last_from_bot(), "approve")
    await w.settle()
    assert await status(w) == "published"
    [edited] = w.tg.history(w.out_en)
    assert edited.id == post.id and edited.message.startswith(corrected)
    assert edited.edit_date is not None


async def test_stale_publication_can_be_kept_as_it_is(w):
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    await approve_in_store(w.db, 1)
    await w.settle()
    w.tg.edit(w.vahed, 1, FARSI + "!")
    await w.settle()
    w.press(w.reza, w.card(1), "keep")
    await w.settle()
    assert await status(w) == "published"
    assert len(w.tg.history(w.out_en)) == 1


@pytest.mark.parametrize("policy", ["annotate", "delete", "keep"])
async def test_source_deleted_after_publication(tmp_path, policy):
    world = ReviewWorld(tmp_path)
    config = Path(world.settings.path)
    config.write_text(config.read_text().replace(
        "[[sources]]", f'[publish]\non_source_deleted = "{policy}"\n\n[[sources]]', 1))
    from relay.config import load_settings
    world.settings = load_settings(config, env={"RELAY_BOT_TOKEN": BOT_TOKEN})
    async with running(world):
        world.tg.post(world.vahed, FARSI)
        await world.settle()
        await approve_in_store(world.db, 1)
        await world.settle()
        [post] = world.tg.history(world.out_en)
        world.tg.delete(world.vahed, [1])
        await world.settle()
        await world.settle()
        notices = [m.message for m in world.group_messages()
                   if m.message.startswith("Job 1: the source post was deleted")]
        assert notices and f"configured action: {policy}" in notices[0]
        channel = world.tg.history(world.out_en)
        if policy == "annotate":
            assert len(channel) == 2 and channel[1].reply_to.reply_to_msg_id == post.id
            assert channel[1].message.startswith("[The original post was deleted")
        elif policy == "delete":
            assert channel == []
        else:
            assert channel == [post]
        await world.settle()
        assert len(world.tg.history(world.out_en)) == len(channel)  # done once, not repeated


async def test_source_deleted_before_publication_is_annotated_once_published(tmp_path):
    # The publisher looks only at what changed since its last turn: a job that reaches
    # `published` after its source was deleted must still be seen.
    async with running(ReviewWorld(tmp_path)) as world:
        world.tg.post(world.vahed, FARSI)
        await world.settle()
        world.tg.delete(world.vahed, [1])
        await world.settle()
        await world.service.publisher.run_once()  # a turn with nothing to annotate yet
        await approve_in_store(world.db, 1)
        await world.settle()
        await world.settle()
        channel = world.tg.history(world.out_en)
        assert len(channel) == 2
        assert channel[1].message.startswith("[The original post was deleted")
        assert channel[1].reply_to.reply_to_msg_id == channel[0].id
        await world.service.publisher.run_once()
        assert len(world.tg.history(world.out_en)) == 2


async def test_media_relay_was_told_not_to_keep_goes_out_as_text(w):
    big = w.tg.document(b"x" * (21 * 1024 * 1024), "video/mp4", "long.mp4", video=True)
    w.tg.post(w.vahed, FARSI, media=big)  # over max_media_mb (20): never downloaded
    await w.settle()
    await approve_in_store(w.db, 1)
    await w.settle()
    [post] = w.tg.history(w.out_en)
    assert post.media is None and post.message.startswith(TRANSLATION)
    assert await status(w) == "published"
