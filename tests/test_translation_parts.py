"""Translations longer than one Telegram message: sent in parts, joined when the translator
presses Done (issue 10). Every message goes through the strict simulated Telegram, so no part
is longer than Telegram allows."""

from __future__ import annotations

from relay.review.texts import t
from tests.review_world import ReviewWorld

FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."


def paragraph(n: int, size: int = 3900) -> str:
    """A paragraph of about ``size`` characters made of words, numbered so that order shows."""
    words = f"Paragraph {n}: the bus drivers of the Vahed Syndicate kept the strike going. "
    return (words * (size // len(words) + 1))[:size].rsplit(" ", 1)[0] + "."


async def card_of_job_1(w: ReviewWorld):
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    card = w.card(1)
    w.press(w.sara, card, "claim")
    await w.settle()
    return card


async def send_parts(w: ReviewWorld, card, parts: list[str]):
    """Each part replies to the bot's last answer (the card for the first)."""
    reply_to = card.id
    for part in parts:
        w.say(w.sara, part, reply_to=reply_to)
        await w.settle()
        reply_to = w.last_from_bot().id
    return w.last_from_bot()


async def draft(w: ReviewWorld) -> tuple[str, str]:
    return (await w.rows("SELECT status, COALESCE(draft_text, '') FROM jobs WHERE id = 1"))[0]


async def test_a_long_translation_arrives_in_parts_and_is_complete_only_at_done(w):
    card = await card_of_job_1(w)
    parts = [paragraph(1), paragraph(2), paragraph(3)]
    ack = await send_parts(w, card, parts[:2])
    total = len(parts[0]) + 2 + len(parts[1])
    assert f"part 2 received: {total:,} characters so far" in ack.message
    assert "press Done" in ack.message and w.buttons(ack)[0][0] == "✅ Done"
    assert (await draft(w))[0] == "queued"  # nothing is a draft until Done

    w.say(w.sara, parts[2], reply_to=card.id)  # a reply to the card is the next part too
    await w.settle()
    ack = w.last_from_bot()
    assert "part 3 received" in ack.message
    w.press(w.sara, ack, "done")
    await w.settle()

    status, text = await draft(w)
    assert status == "drafted" and text == "\n\n".join(parts)
    previews = [m for m in w.group_messages() if m.message.startswith("Paragraph")]
    assert len(previews) >= 3 and "\n\n".join(m.message for m in previews[:3]).startswith(parts[0])
    assert w.buttons(w.last_from_bot())[0][0].endswith("Approve")
    assert await w.rows("SELECT COUNT(*) FROM draft_parts") == [(0,)]


async def test_done_command_and_tr_with_a_newline(w):
    card = await card_of_job_1(w)
    w.say(w.sara, "/tr 1\n" + paragraph(1))  # a newline after the job starts the text
    await w.settle()
    assert "part 1 received" in w.last_from_bot().message
    w.say(w.sara, "/tr 1\n" + paragraph(2))
    await w.settle()
    w.say(w.sara, "/done 1")
    await w.settle()
    assert await draft(w) == ("drafted", paragraph(1) + "\n\n" + paragraph(2))
    w.say(w.sara, "/done 1")
    await w.settle()
    assert "no parts are waiting" in w.last_from_bot().message
    assert card is not None


async def test_a_short_translation_after_tr_newline_is_the_draft_at_once(w):
    await card_of_job_1(w)
    w.say(w.sara, "/tr 1\nFirst line.\nSecond line.")
    await w.settle()
    assert await draft(w) == ("drafted", "First line.\nSecond line.")


async def test_reject_with_the_reason_on_a_new_line(w):
    card = await card_of_job_1(w)
    w.say(w.sara, "Vahed bus workers went on strike.", reply_to=card.id)
    await w.settle()
    w.say(w.reza, "/reject 1\nSay 'Vahed Syndicate'.")
    await w.settle()
    assert (await w.rows("SELECT status, reason FROM jobs WHERE id = 1")) == [
        ("queued", "Say 'Vahed Syndicate'.")]


async def test_parts_over_the_limit_are_refused_and_the_others_kept(w):
    card = await card_of_job_1(w)
    ack = await send_parts(w, card, [paragraph(i, 4000) for i in range(1, 5)])
    assert "the limit is 12000" in ack.message
    assert await w.rows("SELECT COUNT(*) FROM draft_parts") == [(3,)]


async def test_someone_else_cannot_add_to_a_translators_parts(w):
    card = await card_of_job_1(w)
    ack = await send_parts(w, card, [paragraph(1)])
    w.say(w.mina, paragraph(9), reply_to=ack.id)
    await w.settle()
    assert w.last_from_bot().message == t("fa", "no.prompt_not_yours")
    assert await w.rows("SELECT user_id FROM draft_parts") == [(w.sara.id,)]


async def test_a_farsi_translator_gets_the_running_answer_in_farsi(w):
    await card_of_job_1(w)
    w.press(w.mina, w.card(1), "release")  # an editor may take it back for herself
    await w.settle()
    w.tg.send_private(w.mina, w.bot, "/tr 1 " + paragraph(1))
    await w.settle()
    said = w.bot_said_to(w.mina)[-1]
    assert "بخش 1 رسید" in said and "تمام" in said


async def test_parts_survive_a_restart(w):
    card = await card_of_job_1(w)
    ack = await send_parts(w, card, [paragraph(1)])
    await w.stop()
    await w.start()
    w.say(w.sara, paragraph(2), reply_to=ack.id)
    await w.settle()
    w.say(w.sara, "/done 1")
    await w.settle()
    assert await draft(w) == ("drafted", paragraph(1) + "\n\n" + paragraph(2))


async def test_edit_of_a_long_draft_shows_it_in_parts(w):
    card = await card_of_job_1(w)
    await send_parts(w, card, [paragraph(1), paragraph(2)])
    w.say(w.sara, "/done 1")
    await w.settle()
    preview = w.last_from_bot()
    answer = w.press(w.reza, preview, "edit")
    await w.settle()
    assert answer.answered.is_set() and "reply" in answer.message.lower()
    shown = [m.message for m in w.group_messages()[-3:]]
    assert shown[1] == paragraph(1) and shown[2] == paragraph(2)
