"""Nothing sent to the bot while relay was down is lost (issue 10): a group reply with a
translation, a private /whoami and a button press made while the service was stopped are
handled when it starts again with its saved session, as Telegram keeps them for the bot."""

from __future__ import annotations

import pytest

from tests.review_world import ReviewWorld, running

FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."
TRANSLATION = "Vahed bus workers went on strike today over unpaid wages."


@pytest.fixture
async def w(tmp_path):
    async with running(ReviewWorld(tmp_path, saved_session=True)) as world:
        yield world


async def card_of_job_1(w: ReviewWorld):
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    return w.card(1)


async def test_a_group_reply_sent_while_relay_was_down_becomes_the_draft(w):
    card = await card_of_job_1(w)
    w.press(w.sara, card, "claim")  # the claimer's reply is the draft (the reply rule)
    await w.settle()
    await w.stop()
    w.say(w.sara, TRANSLATION, reply_to=card.id)
    await w.start()
    assert (await w.rows("SELECT status, draft_text FROM jobs WHERE id = 1")) == [
        ("drafted", TRANSLATION)]
    assert w.last_from_bot().message.startswith(TRANSLATION)  # the preview


async def test_a_private_message_sent_while_relay_was_down_is_answered(w):
    await w.stop()
    w.tg.send_private(w.sara, w.bot, "/whoami")
    await w.start()
    assert "Sara" in w.bot_said_to(w.sara)[-1]


async def test_a_press_made_while_relay_was_down_is_acted_on_and_answered(w):
    card = await card_of_job_1(w)
    await w.stop()
    answer = w.press(w.sara, card, "claim")
    await w.start()
    assert answer.answered.is_set() and "yours" in answer.message
    assert "Being translated by Sara" in w.card(1).message


async def test_updates_during_a_restart_are_handled_once(w):
    card = await card_of_job_1(w)
    w.press(w.sara, card, "claim")
    await w.settle()
    await w.stop()
    w.say(w.sara, TRANSLATION, reply_to=card.id)
    await w.start()
    await w.restart()  # nothing new: nothing handled twice
    drafted = await w.rows("SELECT COUNT(*) FROM audit WHERE job_id = 1 AND action = 'submit'")
    assert drafted == [(1,)]
