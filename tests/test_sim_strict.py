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
