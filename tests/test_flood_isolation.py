"""A flood wait holds only what Telegram limited (issue 12): one channel's wait never holds
another channel, and every part that waits says where and until when."""

from __future__ import annotations

import contextlib

from telethon.tl import functions as fn

from relay.telegram.sim.model import rpc_error
from tests.review_world import ReviewWorld
from tests.test_publisher import FARSI, approve_in_store


def flood_on(world: ReviewWorld, chan, seconds: int, times: int = 1):
    """Telegram answers FLOOD_WAIT_<seconds> to the next ``times`` posts in ``chan`` only."""
    left = [times]

    def hook(sender, request):
        if isinstance(request, (fn.messages.SendMessageRequest, fn.messages.SendMediaRequest)) \
                and getattr(request.peer, "channel_id", None) == chan.id and left[0] > 0:
            left[0] -= 1
            raise rpc_error(f"FLOOD_WAIT_{seconds}", request)
    world.tg.on_request(hook)


async def test_a_flood_wait_on_one_channel_does_not_hold_another(w):
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    flood_on(w, w.out_en, 60)
    await approve_in_store(w.db, 1, "English first.")
    await approve_in_store(w.db, 2, "Español después.")
    await w.settle()
    assert w.tg.history(w.out_en) == []
    [post] = w.tg.history(w.out_es)
    assert post.message.startswith("Español después.")
    rows = await w.rows("SELECT target, status, last_error FROM outbox ORDER BY id")
    assert rows == [("en", "pending", "flood wait 60s"), ("es", "sent", None)]
    w.clock.now += 60
    await w.service.publisher.run_once()
    await w.settle()
    assert [m.message.split("\n")[0] for m in w.tg.history(w.out_en)] == ["English first."]


async def test_a_posting_limit_on_one_channel_does_not_hold_another(w):
    publisher = w.service.publisher
    publisher.limiter.per_target = 1
    for i in range(2):
        w.tg.post(w.vahed, f"{FARSI} {i}")
    await w.settle()
    await approve_in_store(w.db, 1, "English one.")
    await approve_in_store(w.db, 3, "English two.")   # over @relay_en's limit for a minute
    await approve_in_store(w.db, 2, "Español uno.")
    slept: list[float] = []

    es_posts_when_napping: list[int] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        es_posts_when_napping.append(len(w.tg.history(w.out_es)))
        w.clock.now += seconds

    publisher.sleep = sleep
    await publisher.run_once()
    # @relay_es's post went out before relay waited for @relay_en's limit.
    assert es_posts_when_napping and es_posts_when_napping[0] == 1
    assert len(w.tg.history(w.out_en)) == 2 and sum(slept) <= 61


async def test_heartbeat_status_metrics_and_health_say_who_waits_where_until_when(w):
    from relay.cli.health import check_health
    from relay.cli.status import read_status
    from relay.service.metrics import render
    from relay.telegram.waits import note_wait

    w.tg.post(w.vahed, FARSI)
    await w.settle()
    flood_on(w, w.out_en, 600)
    await approve_in_store(w.db, 1, "English first.")
    await w.settle()
    # The review bot was told to wait in the review group (what bot.py reports).
    note_wait(w.service.bot_client, "bot", str(w.group.marked_id), 300, w.clock.now)
    await w.service.beat_now()
    [(state, detail)] = await w.rows("SELECT state, detail FROM service_heartbeat")
    assert state == "running"
    assert detail.startswith("watcher=ok bot=waiting publisher=waiting")
    assert f"bot waits in {w.group.marked_id} until" in detail
    assert "publisher waits in @relay_en until" in detail
    status = read_status(w.settings, w.clock.now)
    waits = {x["part"]: x for x in status["service"]["heartbeat"]["waits"]}
    assert waits["publisher"]["where"] == "@relay_en"
    assert waits["publisher"]["until_ts"] == int(w.clock.now) + 600
    assert waits["bot"]["until_ts"] == int(w.clock.now) + 300
    assert any(x.startswith("service: bot waits in") for x in status["warnings"])
    healthy, why = check_health(w.settings.storage.database, w.clock.now, failing_after=900)
    assert healthy and "bot=waiting" in why and "publisher waits in @relay_en" in why
    body = render(await w.service.store.metrics_figures(int(w.clock.now)), 0, w.clock.now,
                  w.service.waits())
    assert 'relay_wait_remaining_seconds{part="publisher",where="@relay_en",' \
           'reason="flood wait"} 600' in body
    assert 'relay_wait_remaining_seconds{part="bot",where="' in body


async def test_failing_publication_shows_in_status_metrics_health_and_on_the_card(w):
    from relay.cli.health import check_health
    from relay.cli.status import read_status, render_status
    from relay.service.metrics import render

    w.tg.remove_admin(w.out_en, w.bot)
    w.tg.post(w.vahed, FARSI)
    w.tg.post(w.vahed, FARSI + " ۲")
    await w.settle()
    await approve_in_store(w.db, 1, "First.")
    await w.settle()
    await approve_in_store(w.db, 3, "Second.")
    await w.settle()
    card = w.card(1).message
    assert "the bot is not an admin of @relay_en with the right to post: add it" in card
    assert "CHAT_ADMIN_REQUIRED" in card
    notices = [m.message for m in w.group_messages() if m.message.startswith("Job 1 could not")]
    assert notices and "not an admin of @relay_en" in notices[0]
    await w.service.beat_now()
    status = read_status(w.settings, w.clock.now + 60)
    assert "publisher=failing" in status["service"]["heartbeat"]["detail"]
    assert status["publications"]["failing"]["posts"] == 2
    assert "failing for 1m" in render_status(status)
    body = render(await w.service.store.metrics_figures(int(w.clock.now)), 0, w.clock.now + 60)
    assert "relay_outbox_failed 2" in body, body
    assert "relay_publish_failing_seconds 60" in body, body
    db = w.settings.storage.database
    assert check_health(db, w.clock.now + 30, failing_after=900)[0]
    w.clock.now += 60 * 16
    await w.service.beat_now()
    healthy, why = check_health(db, w.clock.now, failing_after=900)
    assert not healthy and why.startswith("publishing failing for 16m: 2 posts failed")

    # The cause is fixed; one command sends both, in order.
    w.tg.make_admin(w.out_en, w.bot)
    w.say(w.reza, "/retry all")
    await w.settle()
    texts = [m.message.split("\n")[0] for m in w.tg.history(w.out_en)]
    assert texts == ["First.", "Second."]
    assert check_health(db, w.clock.now, failing_after=900)[0] is True


async def test_retry_by_target_and_explanations_in_farsi(w):
    from relay.review.publish_errors import explain, locate

    fa = explain(locate("Telegram: CHAT_ADMIN_REQUIRED", "@relay_en") or "", "fa")
    assert "@relay_en" in fa and "مدیر" in fa and "CHAT_ADMIN_REQUIRED" in fa
    assert explain("Telegram: SOMETHING_NEW", "en") == "Telegram: SOMETHING_NEW"
    w.tg.remove_admin(w.out_es, w.bot)
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    await approve_in_store(w.db, 2, "Uno.")
    await w.settle()
    w.tg.make_admin(w.out_es, w.bot)
    w.say(w.reza, "/retry en")
    await w.settle()
    assert w.tg.history(w.out_es) == []
    w.say(w.reza, "/retry @relay_es")
    await w.settle()
    assert len(w.tg.history(w.out_es)) == 1


async def test_a_flood_wait_in_the_review_group_never_stops_private_answers(tmp_path):
    """The bot waits 10 minutes before posting in the group again; meanwhile a private /whoami
    is answered at once, and the heartbeat's wait book says where the bot waits and until when."""
    import asyncio

    from relay.telegram.waits import waiting_until

    world = ReviewWorld(tmp_path)
    await world.start()
    carding: asyncio.Future | None = None
    try:
        group_id = world.group.id

        def hook(sender, request):
            if isinstance(request, fn.messages.SendMessageRequest) \
                    and getattr(request.peer, "channel_id", None) == group_id \
                    and sender.user_id == world.bot.id and not hook.done:
                hook.done = True
                raise rpc_error("FLOOD_WAIT_600", request)
        hook.done = False
        world.tg.on_request(hook)
        world.tg.post(world.vahed, FARSI)
        await world.tg.settle()
        carding = asyncio.ensure_future(world.service.bot.post_pending_cards())
        client = world.service.bot.client
        where = str(world.group.marked_id)
        for _ in range(500):  # the card's send meets the wait, notes it and sleeps
            if waiting_until(client, "bot", where, world.clock()):
                break
            await asyncio.sleep(0.01)
        assert hook.done and not carding.done()
        assert waiting_until(client, "bot", where, world.clock()) >= world.clock() + 600
        world.tg.send_private(world.sara, world.bot, "/whoami")
        for _ in range(300):
            said = world.bot_said_to(world.sara)
            if said:
                break
            await asyncio.sleep(0.01)
        assert said and "Sara" in said[-1]  # answered while the group waits
        assert world.cards() == []  # the card waits its turn; it is not dropped
    finally:
        if carding is not None:
            carding.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await carding
        await world.stop()
