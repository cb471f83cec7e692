"""The simulated Telegram refuses what Telegram refuses (issue 10), with Telegram's own errors,
through a real TelegramClient: so that no test passes on input Telegram would never take."""

from __future__ import annotations

import pytest
from telethon import errors
from telethon.tl import functions, types

from relay.telegram.sim.world import SimTelegram

TOKEN = "42:strict-bot"


@pytest.fixture
async def tg():
    return SimTelegram()


@pytest.fixture
async def setup(tg):
    bot = tg.add_bot("Strict", username="strict_bot", token=TOKEN)
    person = tg.add_user("Sara", username="sara")
    group = tg.add_channel("Review", megagroup=True, members=[person], admins=[bot])
    bot_client = tg.client(bot)
    person_client = tg.client(person)
    for client in (bot_client, person_client):
        await client.connect()
    peer = types.PeerChannel(group.id)
    yield tg, bot, person, group, bot_client, person_client, peer
    for client in (bot_client, person_client):
        await client.disconnect()


def markup(text: str = "ok", data: bytes = b"ok") -> types.ReplyInlineMarkup:
    return types.ReplyInlineMarkup([types.KeyboardButtonRow(
        [types.KeyboardInlineButton(text, types.InlineButtonTypeCallback(data))])])


# ------------------------------------------------------------------ what relay sends
async def test_a_message_over_4096_utf16_units_is_refused(setup):
    tg, *_, bot_client, _, peer = setup
    await bot_client.send_message(peer, "x" * 4096)  # exactly the limit is fine
    with pytest.raises(errors.MessageTooLongError):
        await bot_client.send_message(peer, "😀" * 2049)  # 2,049 characters, 4,098 units


async def test_a_caption_over_1024_is_refused(setup, tmp_path):
    *_, bot_client, _, peer = setup
    photo = tmp_path / "p.png"
    photo.write_bytes(b"\x89PNG photo")
    with pytest.raises(errors.MediaCaptionTooLongError):
        await bot_client.send_file(peer, str(photo), caption="x" * 1025)


async def test_an_empty_message_is_refused(setup):
    *_, bot_client, _, peer = setup
    with pytest.raises(errors.MessageEmptyError):  # Telethon itself refuses "": ask directly
        await bot_client(functions.messages.SendMessageRequest(
            await bot_client.get_input_entity(peer), " \n "))


@pytest.mark.parametrize(("offset", "length"), [(0, 3), (2, 1), (0, 0), (-1, 1)])
async def test_an_entity_outside_the_text_is_refused(setup, offset, length):
    *_, bot_client, _, peer = setup
    with pytest.raises(errors.EntityBoundsInvalidError):
        await bot_client.send_message(peer, "😀", formatting_entities=[
            types.MessageEntityBold(offset, length)])  # "😀" is 2 UTF-16 units


async def test_button_data_over_64_bytes_and_an_empty_label_are_refused(setup):
    *_, bot_client, _, peer = setup
    with pytest.raises(errors.ButtonDataInvalidError):
        await bot_client.send_message(peer, "card", buttons=markup(data=b"x" * 65))
    with pytest.raises(errors.ButtonTextInvalidError):
        await bot_client.send_message(peer, "card", buttons=markup(text=" "))


async def test_an_edit_that_changes_nothing_is_refused(setup):
    *_, bot_client, _, peer = setup
    sent = await bot_client.send_message(peer, "card", buttons=markup())
    with pytest.raises(errors.MessageNotModifiedError):
        await bot_client.edit_message(peer, sent.id, "card", buttons=markup())
    await bot_client.edit_message(peer, sent.id, "card", buttons=None)  # markup differs: fine


async def test_an_album_of_more_than_ten_is_refused(setup):
    tg, *_, bot_client, _, peer = setup
    photos = [tg.photo() for _ in range(11)]
    media = [types.InputSingleMedia(
        types.InputMediaPhoto(types.InputPhoto(p.id, p.access_hash, p.file_reference)),
        message="", random_id=i + 1) for i, p in enumerate(photos)]
    with pytest.raises(errors.MultiMediaTooLongError):
        await bot_client(functions.messages.SendMultiMediaRequest(
            await bot_client.get_input_entity(peer), media))


async def test_a_press_answer_over_200_characters_is_refused(setup):
    tg, bot, person, group, bot_client, _, peer = setup
    sent = await bot_client.send_message(peer, "card", buttons=markup())
    press = tg.press(person, group, sent.id, b"ok")
    with pytest.raises(errors.MessageTooLongError):
        await bot_client(functions.messages.SetBotCallbackAnswerRequest(
            press.query_id, cache_time=0, message="x" * 201, alert=True))


@pytest.mark.parametrize(("name", "description", "error"), [
    ("Claim", "take a job", errors.BotCommandInvalidError),
    ("claim", "", errors.BotCommandDescriptionInvalidError),
    ("claim", "x" * 257, errors.BotCommandDescriptionInvalidError),
])
async def test_a_bad_command_menu_is_refused(setup, name, description, error):
    *_, bot_client, _, _ = setup
    with pytest.raises(error):
        await bot_client(functions.bots.SetBotCommandsRequest(
            types.BotCommandScopeDefault(), "en", [types.BotCommand(name, description)]))


# ------------------------------------------------------------------ what people type
async def test_a_person_cannot_send_more_than_telegram_allows(setup):
    tg, _, person, group, _, person_client, peer = setup
    with pytest.raises(errors.MessageTooLongError):
        await person_client.send_message(
            types.InputPeerChannel(group.id, group.channel.access_hash), "x" * 4097)
    with pytest.raises(errors.MessageTooLongError):  # the scripted people are held to it too
        tg.send_group(person, group, "x" * 4097)
    with pytest.raises(errors.MessageEmptyError):
        tg.send_group(person, group, "   ")
    with pytest.raises(errors.EntityBoundsInvalidError):
        tg.send_group(person, group, "hi", entities=[types.MessageEntityBold(1, 5)])


async def test_source_posts_are_held_to_the_limits_too(tg):
    chan = tg.add_channel("Source", username="source")
    with pytest.raises(errors.MediaCaptionTooLongError):
        tg.post(chan, "x" * 1025, media=tg.photo())
    with pytest.raises(errors.MultiMediaTooLongError):
        tg.post_album(chan, [("", tg.photo()) for _ in range(11)])
    tg.post(chan, "x" * 1024, media=tg.photo())  # at the limit: fine


# ------------------------------------------------------------------ relay under the strict sim
async def test_a_message_telegram_calls_empty_reaches_the_editors_and_is_not_retried(tmp_path):
    from relay.core.sanitize import Cleaned
    from relay.core.workflow import Action, Actor, Rules
    from relay.store import review_queries
    from tests.review_world import ReviewWorld

    w = ReviewWorld(tmp_path)
    await w.start()
    try:
        w.tg.post(w.vahed, "کارگران شرکت واحد امروز دست به اعتصاب زدند.")
        await w.settle()
        w.tg.fail_next("MESSAGE_EMPTY", request=functions.messages.SendMessageRequest)
        for action, actor, kw in ((Action.SUBMIT, Actor(5001, True, False),
                                   {"draft": Cleaned("Strike.", ())}),
                                  (Action.APPROVE, Actor(5002, False, True), {})):
            assert (await w.db.run(review_queries.apply, 1, action, actor, Rules(),
                                   1_800_000_000, **kw)).ok
        w.service.publisher.wake()
        await w.settle()
        [(status, error)] = await w.rows("SELECT status, last_error FROM outbox WHERE job_id = 1")
        assert status == "failed" and error == "Telegram: MESSAGE_EMPTY"
        assert "MESSAGE_EMPTY" in w.card(1).message or any(
            "MESSAGE_EMPTY" in m.message for m in w.group_messages())
    finally:
        await w.stop()


def test_a_part_that_would_be_blank_is_never_made():
    from relay.text.formatting import Entity, FormattedText
    from relay.text.split import split

    # A bold run of spaces longer than a message: the cut goes through it, leaving a part of
    # nothing but spaces, which is dropped.
    text = FormattedText("Strike. " + " " * 30 + "Day two.", (Entity("bold", 8, 30),))
    parts = split(text, 20)
    assert all(p.text.strip() for p in parts)
    assert "".join(p.text for p in parts).replace(" ", "") == "Strike.Daytwo."
