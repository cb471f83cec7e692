"""A reply is a translation only when it is meant as one (issue 10), over the scripted Telegram
with the corpus of tests/test_replies.py: no chatter becomes a draft from anyone (the claimer
included), no translation is lost (the claimer's is the draft; anyone else is asked, and Yes
uses exactly that text)."""

from __future__ import annotations

import pytest
from telethon.tl import types

from tests.review_world import ReviewWorld, running, team_with_a_card
from tests.test_replies import CHATTER, TRANSLATIONS

FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."


@pytest.fixture
async def w(tmp_path):
    async with team_with_a_card(tmp_path) as world:
        yield world


def card_of(w: ReviewWorld, job: int) -> types.Message:
    return w.card(job)


async def job_row(w: ReviewWorld, job: int) -> tuple:
    return (await w.rows("SELECT status, draft_text, translator_id FROM jobs WHERE id = ?",
                         job))[0]


def bot_count(w: ReviewWorld) -> int:
    return sum(1 for m in w.group_messages() if m._sim_author == w.bot.id)


async def claim(w: ReviewWorld, who, job: int) -> None:
    w.press(who, card_of(w, job), "claim")
    await w.settle()


async def test_no_chatter_becomes_a_draft_from_anyone_and_the_group_is_not_answered(w):
    await claim(w, w.sara, 1)
    before = bot_count(w)
    for text in CHATTER:
        w.say(w.sara, text, reply_to=card_of(w, 1).id)  # the claimer
        w.say(w.mina, text, reply_to=card_of(w, 2).id)  # someone, on an unclaimed job
        await w.settle()
    assert await job_row(w, 1) == ("queued", None, None)
    assert await job_row(w, 2) == ("queued", None, None)
    assert bot_count(w) == before  # no question, no answer: chatter is left alone
    assert await w.rows("SELECT COUNT(*) FROM reply_offers") == [(0,)]


async def test_every_translation_of_the_claimer_becomes_the_draft(w):
    await claim(w, w.sara, 1)
    for text in TRANSLATIONS:
        w.say(w.sara, text, reply_to=card_of(w, 1).id)
        await w.settle()
        assert await job_row(w, 1) == ("drafted", text, 5001), text


async def test_every_translation_of_someone_else_is_asked_about_and_yes_uses_it(w):
    for text in TRANSLATIONS:
        w.say(w.mina, text, reply_to=card_of(w, 2).id)
        await w.settle()
        question = w.last_from_bot()
        assert question.message == "Use this as the translation of job 2?", text
        assert (await job_row(w, 2))[0] == "queued"
        w.press(w.mina, question, "yes")
        await w.settle()
        assert await job_row(w, 2) == ("drafted", text, 5003), text
        w.say(w.reza, "/reject 2 next one")  # back in the queue for the next text
        await w.settle()
        assert (await job_row(w, 2))[0] == "queued"
    assert await w.rows("SELECT COUNT(*) FROM reply_offers") == [(0,)]


async def test_a_reply_to_a_job_claimed_by_someone_else_says_who_holds_it(w):
    await claim(w, w.sara, 1)
    w.say(w.reza, "Workers rally tomorrow in front of the governorate",
          reply_to=card_of(w, 1).id)
    await w.settle()
    assert w.last_from_bot().message.startswith("Job 1 is claimed by Sara")
    w.say(w.mina, "Workers rally tomorrow in front of the governorate",
          reply_to=card_of(w, 1).id)
    await w.settle()
    assert w.last_from_bot().message.startswith("کار 1 را Sara برداشته است")  # Mina reads Farsi
    assert await job_row(w, 1) == ("queued", None, None)


async def test_only_the_sender_answers_the_question_and_no_drops_the_text(w):
    text = "Vahed bus workers: we will not be silenced"
    w.say(w.mina, text, reply_to=card_of(w, 2).id)
    await w.settle()
    question = w.last_from_bot()
    other = w.press(w.sara, question, "yes")
    await w.settle()
    assert other.alert and "for someone else" in other.message
    assert (await job_row(w, 2))[0] == "queued"
    no = w.press(w.mina, question, "no")
    await w.settle()
    assert "استفاده نشد" in no.message  # Mina's language
    late = w.press(w.mina, question, "yes")
    await w.settle()
    assert late.alert and (await job_row(w, 2))[0] == "queued"
    assert await w.rows("SELECT COUNT(*) FROM reply_offers") == [(0,)]


async def test_the_question_survives_a_restart(w):
    text = "Contract workers of the South Pars gas field have been on strike since Monday."
    w.say(w.mina, text, reply_to=card_of(w, 2).id)
    await w.settle()
    question = w.last_from_bot()
    await w.stop()
    await w.start()
    w.press(w.mina, question, "yes")
    await w.settle()
    assert await job_row(w, 2) == ("drafted", text, 5003)


async def test_a_reply_to_the_bots_other_messages_about_a_job_is_routed(w):
    w.say(w.sara, "/claim 1")
    await w.settle()
    answer = w.last_from_bot()
    assert "yours" in answer.message
    w.say(w.sara, "Strike at Vahed", reply_to=answer.id)  # a reply to "Job 1 is yours"
    await w.settle()
    assert await job_row(w, 1) == ("drafted", "Strike at Vahed", 5001)
    thanks = next(m for m in reversed(w.group_messages()) if m.message.startswith("Thank you"))
    w.say(w.sara, "Strike at the Vahed bus company", reply_to=thanks.id)
    await w.settle()
    assert (await job_row(w, 1))[1] == "Strike at the Vahed bus company"
    w.say(w.reza, "/show 1")
    await w.settle()
    shown = w.last_from_bot()
    w.say(w.mina, "Strike at the Vahed company today", reply_to=shown.id)
    await w.settle()
    assert w.last_from_bot().message == "Use this as the translation of job 1?"


async def test_chatter_in_a_private_chat_gets_a_hint(tmp_path):
    async with running(ReviewWorld(tmp_path, group=False)) as world:
        world.tg.post(world.vahed, FARSI)
        await world.settle()
        bot_card = world.tg.private_history(world.bot, world.sara)[0]
        world.tg.press(world.sara, world.bot, bot_card.id, world.button(bot_card, "claim"))
        await world.settle()
        world.tg.send_private(world.sara, world.bot, "on it", reply_to=bot_card.id)
        await world.settle()
        assert "looks like a remark" in world.bot_said_to(world.sara)[-1]
        assert await job_row(world, 1) == ("queued", None, None)


async def test_a_reply_to_the_bots_other_messages_is_answered_and_chat_between_people_is_not(w):
    w.say(w.sara, "/help")
    await w.settle()
    help_message = w.last_from_bot()
    w.say(w.reza, "Thanks!", reply_to=help_message.id)
    await w.settle()
    answer = w.last_from_bot()
    assert answer.id != help_message.id and "Reply to a job card" in answer.message
    people_talk = w.say(w.sara, "Anyone free tonight?")
    await w.settle()
    w.say(w.reza, "me", reply_to=people_talk.id)
    await w.settle()
    assert w.last_from_bot().id == answer.id  # a reply to a person is not the bot's business
