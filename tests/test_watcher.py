"""The watcher over the simulated Telegram: live, catch-up, albums, media, refusals."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path

import pytest
from telethon.tl import types
from telethon.tl.functions.updates import GetChannelDifferenceRequest

from relay.store.sqlite_store import SqliteStore
from relay.telegram.client import READ_ONLY_REQUESTS, WatcherWriteRefused
from relay.telegram.watcher import Watcher
from tests.conftest import rows, watching

FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."
FARSI_2 = "سندیکا خواستار آزادی فوری همکاران بازداشت‌شده است."
ENGLISH = "Solidarity with the striking bus drivers of Tehran from transport unions."


def db_path(settings):
    return settings.storage.database


async def test_live_post_is_stored_detected_and_queued_per_target(world, running_watcher,
                                                                  settings):
    world.tg.post(world.vahed, FARSI)
    await world.tg.settle()
    stored = rows(db_path(settings), "SELECT channel_id, message_id, text, lang FROM messages")
    assert stored == [(world.vahed.id, 1, FARSI, "fa")]
    jobs = rows(db_path(settings), "SELECT target, language, status, source_text FROM jobs"
                " ORDER BY target")
    assert jobs == [("en", "en", "queued", FARSI), ("es", "es", "queued", FARSI)]
    audit = rows(db_path(settings), "SELECT action, from_status, to_status FROM audit")
    assert audit == [("queue", None, "queued")] * 2


async def test_posts_in_other_languages_are_stored_but_not_queued(world, running_watcher,
                                                                  settings):
    world.tg.post(world.vahed, ENGLISH)
    await world.tg.settle()
    assert rows(db_path(settings), "SELECT lang FROM messages") == [("en",)]
    assert rows(db_path(settings), "SELECT COUNT(*) FROM jobs") == [(0,)]


async def test_channels_that_are_not_sources_are_ignored(world, running_watcher, settings):
    world.tg.post(world.other, FARSI)
    await world.tg.settle()
    assert rows(db_path(settings), "SELECT COUNT(*) FROM messages") == [(0,)]


async def test_edit_keeps_earlier_text_and_updates_job_snapshot(world, running_watcher,
                                                                settings):
    world.tg.post(world.vahed, FARSI)
    await world.tg.settle()
    world.tg.edit(world.vahed, 1, FARSI + " " + FARSI_2)
    await world.tg.settle()
    assert rows(db_path(settings), "SELECT text FROM messages") == [(FARSI + " " + FARSI_2,)]
    assert rows(db_path(settings), "SELECT text FROM message_revisions") == [(FARSI,)]
    snapshots = rows(db_path(settings), "SELECT DISTINCT source_text FROM jobs")
    assert snapshots == [(FARSI + " " + FARSI_2,)]
    actions = rows(db_path(settings), "SELECT action FROM audit WHERE action='source_edited'")
    assert len(actions) == 2


async def test_deletion_is_a_mark_not_a_removed_row(world, running_watcher, settings):
    world.tg.post(world.vahed, FARSI)
    world.tg.post(world.vahed, FARSI_2)
    await world.tg.settle()
    world.tg.delete(world.vahed, [1])
    await world.tg.settle()
    got = rows(db_path(settings), "SELECT message_id, deleted_at IS NOT NULL FROM messages"
               " ORDER BY message_id")
    assert got == [(1, 1), (2, 0)]
    assert rows(db_path(settings), "SELECT COUNT(*) FROM audit WHERE action='source_deleted'") \
        == [(2,)]


async def test_album_is_one_unit_with_one_job_per_target_and_its_media(world, running_watcher,
                                                                        settings):
    world.tg.post_album(world.haft, [("", world.tg.photo(b"first")),
                                     (FARSI, world.tg.photo(b"second")),
                                     ("", world.tg.photo(b"third"))])
    await world.tg.settle()
    jobs = rows(db_path(settings), "SELECT unit_key, message_id, source_text FROM jobs")
    assert len(jobs) == 2
    assert {j[0][:2] for j in jobs} == {"g:"} and {j[1] for j in jobs} == {1}
    assert {j[2] for j in jobs} == {FARSI}
    media = rows(db_path(settings), "SELECT message_id, media_kind, media_path FROM messages"
                 " ORDER BY message_id")
    assert [m[1] for m in media] == ["photo"] * 3
    contents = [Path(m[2]).read_bytes() for m in media]
    assert contents == [b"first", b"second", b"third"]


async def test_forward_reply_media_kind_and_size_are_stored(world, running_watcher, settings):
    doc = world.tg.document(b"%PDF report", "application/pdf", "report.pdf")
    fwd = types.MessageFwdHeader(date=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
                                 from_id=types.PeerChannel(777), channel_post=42)
    world.tg.post(world.vahed, FARSI)
    world.tg.post(world.vahed, FARSI_2, media=doc, fwd_from=fwd, reply_to=1)
    await world.tg.settle()
    got = rows(db_path(settings), "SELECT media_kind, media_size, media_name, fwd_from, reply_to,"
               " media_path FROM messages WHERE message_id=2")[0]
    assert got[:3] == ("document", len(b"%PDF report"), "report.pdf")
    assert '"from_id":-1000000000777' in got[3] and '"channel_post":42' in got[3]
    assert got[4] == 1
    assert got[5].endswith("2.pdf") and Path(got[5]).read_bytes() == b"%PDF report"


async def test_media_is_not_downloaded_for_posts_that_will_not_be_translated(world,
                                                                            running_watcher,
                                                                            settings):
    world.tg.post(world.vahed, ENGLISH, media=world.tg.photo(b"english photo"))
    await world.tg.settle()
    assert rows(db_path(settings), "SELECT media_kind, media_path FROM messages") == \
        [("photo", None)]


async def test_media_over_the_size_cap_is_not_downloaded(world, running_watcher, settings,
                                                         caplog):
    big = world.tg.document(b"x" * (1024 * 1024 + 1), "video/mp4", "big.mp4", video=True)
    with caplog.at_level(logging.WARNING):
        world.tg.post(world.vahed, FARSI, media=big)
        await world.tg.settle()
    assert rows(db_path(settings), "SELECT media_kind, media_size, media_path FROM messages") == \
        [("video", 1024 * 1024 + 1, None)]
    assert "media.too_large" in caplog.text


async def test_catch_up_after_a_gap_stores_every_post_once(world, db, settings):
    async with watching(world, db, settings):
        world.tg.post(world.vahed, FARSI)
        await world.tg.settle()

    for i in range(130):  # more than one page of history
        world.tg.post(world.vahed, f"{FARSI_2} شماره {i}")
    world.tg.post(world.haft, FARSI)

    async with watching(world, db, settings):
        world.tg.post(world.vahed, FARSI + " زنده")  # live while catching up
        await world.tg.settle()

    ids = [r[0] for r in rows(db_path(settings), "SELECT message_id FROM messages"
                                                 " WHERE channel_id=? ORDER BY message_id",
                              world.vahed.id)]
    assert ids == list(range(1, 133))
    assert rows(db_path(settings), "SELECT COUNT(*) FROM messages WHERE channel_id=?",
                world.haft.id) == [(1,)]
    assert rows(db_path(settings), "SELECT COUNT(*) FROM jobs") == [(2 * 133,)]


async def test_reconnect_triggers_catch_up(world, running_watcher, settings):
    client = running_watcher.client
    world.tg.go_offline(client)
    world.tg.post(world.vahed, FARSI)  # not delivered: the network is down
    await world.tg.settle()
    assert rows(db_path(settings), "SELECT COUNT(*) FROM messages") == [(0,)]
    await world.tg.go_online(client)
    await world.tg.settle()
    assert rows(db_path(settings), "SELECT message_id, text FROM messages") == [(1, FARSI)]


async def test_catch_up_notices_edits_and_deletions_made_while_away(world, db, settings):
    async with watching(world, db, settings):
        world.tg.post(world.vahed, FARSI)
        world.tg.post(world.vahed, FARSI_2)
        await world.tg.settle()

    world.tg.edit(world.vahed, 1, FARSI + " (ویرایش)")
    world.tg.delete(world.vahed, [2])

    async with watching(world, db, settings):
        pass  # the catch-up at its start
    got = rows(db_path(settings), "SELECT message_id, text, deleted_at IS NOT NULL FROM messages"
               " ORDER BY message_id")
    assert got == [(1, FARSI + " (ویرایش)", 0), (2, FARSI_2, 1)]


async def test_first_catch_up_takes_only_the_newest_posts(world, db, make_settings):
    settings = make_settings(first=3)
    for i in range(10):
        world.tg.post(world.vahed, f"{FARSI} {i}")
    async with watching(world, db, settings):
        world.tg.post(world.vahed, FARSI_2)
        await world.tg.settle()
    ids = [r[0] for r in rows(db_path(settings), "SELECT message_id FROM messages"
                                                 " ORDER BY message_id")]
    assert ids == [8, 9, 10, 11]


async def test_unresolvable_source_is_reported_by_name_and_others_keep_running(
        world, db, make_settings, caplog):
    settings = make_settings("""
        [[sources]]
        channel = "@no_such_channel"
        name = "Typo Union"

        [[sources]]
        channel = "@banned_here"
        name = "Banned Council"
    """)
    banned = world.tg.add_channel("Banned", username="banned_here")
    world.tg.ban(banned, world.watcher)
    with caplog.at_level(logging.WARNING):
        async with watching(world, db, settings):
            world.tg.post(world.vahed, FARSI)
            await world.tg.settle()
    assert "source.unresolved source=@no_such_channel name=\"Typo Union\"" in caplog.text
    assert "Banned Council" in caplog.text and "private" in caplog.text
    status = dict(rows(db_path(settings), "SELECT ref, error FROM source_status"))
    assert status["@vahed"] is None and "username" in status["@no_such_channel"]
    assert rows(db_path(settings), "SELECT COUNT(*) FROM messages") == [(1,)]


async def test_source_given_by_numeric_id_is_resolved_through_dialogs(world, db, make_settings):
    private = world.tg.add_channel("Khuzestan Cell", members=[world.watcher])
    settings = make_settings(f"""
        [[sources]]
        channel = {private.marked_id}
        name = "Khuzestan Vanguard Socialist Workers' Cell"
    """)
    async with watching(world, db, settings):
        world.tg.post(private, FARSI)
        await world.tg.settle()
    assert rows(db_path(settings), "SELECT display_name FROM channels WHERE id=?",
                private.id) == [("Khuzestan Vanguard Socialist Workers' Cell",)]
    assert rows(db_path(settings), "SELECT COUNT(*) FROM messages WHERE channel_id=?",
                private.id) == [(1,)]


async def test_silent_source_is_warned_about(world, db, settings, caplog):
    world.tg.post(world.vahed, FARSI, date=dt.datetime.now(dt.UTC) - dt.timedelta(hours=100))
    with caplog.at_level(logging.WARNING):
        async with watching(world, db, settings):
            pass  # the catch-up at its start
    assert "source.silent source=@vahed" in caplog.text
    assert "@haft_tappeh" not in caplog.text.split("source.silent", 1)[1].split("\n")[0]


async def test_watcher_never_sends_anything(world, running_watcher):
    client = running_watcher.client
    with pytest.raises(WatcherWriteRefused):
        await client.send_message("vahed", "this must never reach Telegram")
    with pytest.raises(WatcherWriteRefused):
        await client.send_read_acknowledge("vahed")
    world.tg.post(world.vahed, FARSI, media=world.tg.photo(b"p"))
    await world.tg.settle()
    sent = {type(r.request) for r in world.tg.requests_by(world.watcher)}
    assert sent, "the watcher made no requests at all"
    assert sent <= READ_ONLY_REQUESTS | {
        __import__("telethon").tl.functions.InvokeWithLayerRequest}
    assert not [m for m in world.tg.history(world.vahed) if getattr(m, "_sim_author", None)]


async def test_late_delivery_of_an_older_version_never_rolls_text_back(world, running_watcher,
                                                                       settings):
    original = world.tg.post(world.vahed, FARSI)
    await world.tg.settle()
    world.tg.edit(world.vahed, 1, FARSI_2)
    await world.tg.settle()
    stale = types.Message(id=1, peer_id=types.PeerChannel(world.vahed.id), date=original.date,
                          message=FARSI)
    await running_watcher.ingest(stale)
    assert rows(db_path(settings), "SELECT text FROM messages") == [(FARSI_2,)]


async def test_edits_and_deletions_of_recent_posts_missed_offline_are_caught_on_reconnect(
        world, running_watcher, settings):
    for i in range(60):
        world.tg.post(world.vahed, f"{FARSI} {i}")
    await world.tg.settle()
    client = running_watcher.client
    world.tg.go_offline(client)
    world.tg.edit(world.vahed, 2, FARSI + " ویرایش")  # 59 newer posts stored after it
    world.tg.delete(world.vahed, [3])
    await world.tg.go_online(client)
    await world.tg.settle()
    got = dict(rows(db_path(settings), "SELECT message_id, text FROM messages"))
    deleted = rows(db_path(settings), "SELECT message_id FROM messages WHERE deleted_at IS NOT NULL")
    assert got[2] == FARSI + " ویرایش" and deleted == [(3,)]


def _differences_asked(world) -> int:
    return sum(isinstance(r.request, GetChannelDifferenceRequest) for r in world.tg.requests)


async def _wait_for_channel_difference(world, before: int) -> None:
    """Let Telethon notice the pts gap (its possible-gap timeout is 0.5 s) and fetch it."""
    for _ in range(100):
        await world.tg.settle()
        if _differences_asked(world) > before:
            for _ in range(3):  # non-final answers: Telethon asks again
                await asyncio.sleep(0.05)
                await world.tg.settle()
            return
        await asyncio.sleep(0.05)
    raise AssertionError("Telethon never asked for the channel difference")


async def _lose_updates_then_reveal_gap(world, watcher, changes) -> None:
    """Changes made while the watcher's network is down (the updates are lost, not queued),
    then a new post whose pts shows Telethon the gap; waits for the difference to be fetched."""
    await watcher.catch_up()  # history known complete: catch-up on reconnect reads nothing
    client = watcher.client
    world.tg.go_offline(client)
    changes()
    await world.tg.go_online(client)
    await world.tg.settle()
    before = _differences_asked(world)
    world.tg.post(world.vahed, FARSI_2)
    await _wait_for_channel_difference(world, before)
    for _ in range(2):  # the work the difference started (a re-read after a long gap)
        await asyncio.wait_for(watcher.idle(), 10)
        await world.tg.settle()


async def test_edits_and_deletions_that_arrive_in_a_channel_difference_are_applied(
        world, running_watcher, settings):
    # 150 posts: the edited and deleted ones are far older than the catch-up's recheck window,
    # so only the channel difference Telethon fetches for the gap can tell relay about them.
    # (Telethon 1.45 drops them from the difference; the watcher applies them itself.)
    for i in range(150):
        world.tg.post(world.vahed, f"{FARSI} {i}")
    await world.tg.settle()

    def changes():
        world.tg.edit(world.vahed, 2, FARSI + " ویرایش")
        world.tg.delete(world.vahed, [3])
    await _lose_updates_then_reveal_gap(world, running_watcher, changes)
    got = dict(rows(db_path(settings), "SELECT message_id, text FROM messages"))
    deleted = rows(db_path(settings), "SELECT message_id FROM messages WHERE deleted_at IS NOT NULL")
    revisions = rows(db_path(settings), "SELECT m.message_id, r.text FROM message_revisions r"
                     " JOIN messages m ON m.pk = r.message_pk")
    assert got[2] == FARSI + " ویرایش" and got[151] == FARSI_2
    assert deleted == [(3,)]
    assert revisions == [(2, f"{FARSI} 1")]


async def test_a_gap_longer_than_one_difference_answer_is_applied_in_full(
        world, running_watcher, settings):
    for i in range(200):
        world.tg.post(world.vahed, f"{FARSI} {i}")
    await world.tg.settle()

    def changes():  # 150 updates: Telethon's user client asks for 100 at a time
        for i in range(1, 121):
            world.tg.edit(world.vahed, i, f"{FARSI} ویرایش {i}")
        world.tg.delete(world.vahed, list(range(121, 151)))
    await _lose_updates_then_reveal_gap(world, running_watcher, changes)
    assert _differences_asked(world) >= 2
    texts = dict(rows(db_path(settings), "SELECT message_id, text FROM messages"))
    assert all(texts[i] == f"{FARSI} ویرایش {i}" for i in range(1, 121))
    deleted = rows(db_path(settings), "SELECT message_id FROM messages WHERE deleted_at IS NOT NULL"
                   " ORDER BY message_id")
    assert deleted == [(i,) for i in range(121, 151)]
    assert rows(db_path(settings), "SELECT COUNT(*) FROM message_revisions") == [(120,)]
    assert texts[201] == FARSI_2


async def test_a_gap_telegram_calls_too_long_is_caught_up_and_recent_posts_reread(
        world, running_watcher, settings, caplog):
    world.tg.channel_too_long_after = 20
    for i in range(400):
        world.tg.post(world.vahed, f"{FARSI} {i}")
    await world.tg.settle()

    def changes():
        world.tg.edit(world.vahed, 10, FARSI + " ویرایش")  # 390 newer posts: beyond 100
        world.tg.delete(world.vahed, [11])
        for i in range(30):  # posts the too-long answer does not list
            world.tg.post(world.vahed, f"{FARSI_2} {i}")
    with caplog.at_level(logging.WARNING, logger="relay.watcher"):
        await _lose_updates_then_reveal_gap(world, running_watcher, changes)
        await world.tg.settle()
    texts = dict(rows(db_path(settings), "SELECT message_id, text FROM messages"))
    assert texts[10] == FARSI + " ویرایش"
    assert sorted(texts) == list(range(1, 432))
    deleted = rows(db_path(settings), "SELECT message_id FROM messages WHERE deleted_at IS NOT NULL")
    assert deleted == [(11,)]
    assert any("source.gap_too_long" in r.getMessage() for r in caplog.records)


async def test_catch_up_reads_history_from_the_first_post_not_stored(world, db, settings):
    # Posts 1..150 came live after the previous catch-up: the next one does not read again
    # the unbroken run of stored posts, only what lies above it.
    async with watching(world, db, settings) as watcher:  # first catch-up: nothing posted yet
        for i in range(150):
            world.tg.post(world.vahed, f"{FARSI} {i}")
        await world.tg.settle()
        world.tg.requests.clear()
        await watcher.catch_up()
        reads = [r.request for r in world.tg.requests
                 if type(r.request).__name__ == "GetHistoryRequest"
                 and r.request.peer.channel_id == world.vahed.id]
        assert [r.offset_id for r in reads] == [151]  # Telethon reads upwards from min_id + 1


async def test_posts_deleted_while_relay_was_down_are_found_as_holes_in_history(
        world, db, settings):
    client = world.watcher_client()
    await client.connect()
    watcher = Watcher(client, SqliteStore(db), settings)
    await watcher.start()  # first catch-up: nothing yet; history complete up to 0
    for i in range(150):
        world.tg.post(world.vahed, f"{FARSI} {i}")
    await watcher.stop()
    for message in world.tg.history(world.vahed)[1:]:  # as if post 1's update had been lost
        await watcher.ingest(message)
    await client.disconnect()

    world.tg.delete(world.vahed, [5, 6])  # far older than the newest 100

    async with watching(world, db, settings):
        pass  # its catch-up reads history from post 1: 5 and 6 are not there
    deleted = rows(db_path(settings), "SELECT message_id FROM messages WHERE deleted_at IS NOT NULL"
                   " ORDER BY message_id")
    stored = rows(db_path(settings), "SELECT COUNT(*) FROM messages")
    assert deleted == [(5,), (6,)] and stored == [(150,)]


async def test_the_same_difference_applied_twice_changes_nothing_more(world, running_watcher,
                                                                      settings):
    # Should a later Telethon apply a difference's edits itself, relay sees them twice.
    for i in range(3):
        world.tg.post(world.vahed, f"{FARSI} {i}")
    await world.tg.settle()
    chan = world.vahed
    world.tg.edit(chan, 1, FARSI + " ویرایش")
    edit = types.UpdateEditChannelMessage(chan.messages[1], pts=0, pts_count=1)
    deletion = types.UpdateDeleteChannelMessages(chan.id, [2], pts=0, pts_count=1)
    diff = types.updates.ChannelDifference(pts=10, new_messages=[], other_updates=[edit, deletion],
                                           chats=[], users=[], final=True)
    request = GetChannelDifferenceRequest(types.InputChannel(chan.id, 0),
                                          types.ChannelMessagesFilterEmpty(), pts=1, limit=100)
    for _ in range(2):
        running_watcher._on_channel_difference(request, diff)
        await asyncio.wait_for(running_watcher.idle(), 5)
    assert rows(db_path(settings), "SELECT COUNT(*) FROM message_revisions") == [(1,)]
    assert rows(db_path(settings), "SELECT COUNT(*) FROM audit WHERE action='source_deleted'") \
        == [(2,)]
    assert rows(db_path(settings), "SELECT text FROM messages WHERE message_id=1") \
        == [(FARSI + " ویرایش",)]
