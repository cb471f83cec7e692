"""Issue 14 tried as its users would, in English and Farsi, and as an attacker would, over the
scripted Telegram and a scripted LibreTranslate server on loopback: the draft corrected and sent
back, the preview's glossary warning, an own translation beside a draft, the memory button;
stale and foreign presses; an engine answering markup, bidi overrides, 10,000 characters, an
API key in its error text."""

from __future__ import annotations

import logging

from telethon.tl import types

from relay.assist.scripted_engine import ScriptedEngine
from relay.text.formatting import utf16_len
from tests import assist_world
from tests.assist_world import FARSI, HUMAN, MACHINE, assisted_team, drafts_done, made
from tests.review_world import ReviewWorld, command

engine, w = assist_world.engine, assist_world.w  # the fixtures


async def queued(w: ReviewWorld, text: str = FARSI, drafts: int = 1) -> types.Message:
    w.tg.post(w.vahed, text)
    await w.settle()
    await drafts_done(w, drafts)
    await made(w, drafts)
    return w.card(len(w.cards()) - 1)


async def test_a_farsi_translator_corrects_the_draft_and_the_editor_sees_the_glossary(w):
    await command(w, w.reza, "/glossary add en شرکت واحد = Vahed Company")
    card = w.card(1) if w.cards() else await queued(w)
    assert "Glossary (en): شرکت واحد → Vahed Company" in card.message
    answer = w.press(w.mina, card, "machine draft")  # Mina reads the bot in Farsi
    await w.settle()
    assert answer.message == "کار 1 مال شماست: این پیش‌نویس ماشینی آن برای اصلاح است."
    intro, draft = w.group_messages()[-2:]
    assert intro.message.startswith("Mina") and draft.message == MACHINE
    corrected = "The workers of the Vahed bus company went on strike today over delayed wages."
    w.say(w.mina, corrected, reply_to=draft.id)
    await w.settle()
    said = [m.message for m in w.group_messages()][-2:]
    assert said[0].startswith("⚠ Job 1: the translation does not use the agreed “Vahed Company”")
    preview = w.last_from_bot()
    assert preview.message.startswith(corrected)
    w.press(w.reza, preview, "approve")
    await w.settle()
    [published] = w.tg.history(w.out_en)
    assert published.message.startswith(corrected)
    [(action, detail)] = await w.rows("SELECT action, detail FROM audit WHERE job_id = 1 AND"
                                      " action LIKE '%machine_draft' AND action != "
                                      "'machine_draft_sent'")
    assert action == "from_machine_draft" and "sent by the button" in detail


async def test_a_translator_ignores_the_draft_and_a_farsi_editor_approves(w):
    card = await queued(w)
    w.press(w.sara, card, "claim")
    await w.settle()
    own = "Bus drivers in Tehran stopped work today: their pay is months late."
    w.say(w.sara, own, reply_to=card.id)
    await w.settle()
    answer = w.press(w.mina, w.last_from_bot(), "approve")
    await w.settle()
    assert answer.message.startswith("کار 1")  # in Farsi
    [published] = w.tg.history(w.out_en)
    assert published.message.startswith(own) and MACHINE not in published.message
    assert await w.rows("SELECT action FROM audit WHERE job_id = 1 AND action LIKE"
                        " '%machine_draft'") == [("not_from_machine_draft",)]


async def approved_then_again(w: ReviewWorld) -> types.Message:
    """Job 1 approved and published; the same text posted again: job 3's card (memory)."""
    card = await queued(w)
    w.press(w.sara, card, "claim")
    await w.settle()
    w.say(w.sara, HUMAN, reply_to=card.id)
    await w.settle()
    w.press(w.reza, w.last_from_bot(), "approve")
    await w.settle()
    w.tg.post(w.vahed, FARSI + "\nیادآوری")
    await w.settle()
    await drafts_done(w, 2)
    card = w.card(3)
    assert "Translation memory: job 1" in card.message
    return card


async def test_the_memory_button_in_farsi_and_its_stale_and_foreign_presses(w, caplog):
    caplog.set_level(logging.INFO, logger="relay.bot")
    card = await approved_then_again(w)
    answer = w.press(w.mina, card, "Start from")
    await w.settle()
    assert answer.message == "فرستاده شد: ترجمهٔ کار 1، برای اصلاح و فرستادن."
    assert w.group_messages()[-1].message == HUMAN
    before = len(w.group_messages())
    answer = w.press(w.stranger, card, "Start from")  # in the group, not in the team
    await w.settle()
    assert answer.alert and len(w.group_messages()) == before
    # job 1's source is edited after publication: its translation is no longer approved
    w.tg.edit(w.vahed, 1, FARSI + " تجمع فردا برگزار می‌شود.")
    await w.settle()
    assert await w.rows("SELECT status FROM jobs WHERE id = 1") == [("stale",)]
    before = len(w.group_messages())  # the editors were told of the edit
    answer = w.tg.press(w.sara, w.group, card.id, w.button(card, "Start from"), forge=True)
    await w.settle()
    assert answer.alert and "no longer approved" in answer.message
    assert len(w.group_messages()) == before
    assert "Translation memory" not in w.card(3).message
    refusals = [r.getMessage() for r in caplog.records if "bot.refused" in r.getMessage()]
    assert any("not configured" in line for line in refusals)  # the stranger
    assert any("no approved earlier translation" in line for line in refusals)


async def test_a_non_translator_cannot_take_the_draft(w):
    card = await queued(w)
    before = len(w.group_messages())
    answer = w.press(w.stranger, card, "machine draft")  # in the group, not in the team
    await w.settle()
    assert answer.alert
    assert len(w.group_messages()) == before
    assert await w.rows("SELECT claimed_by, status FROM jobs WHERE id = 1") == [(None, "queued")]
    assert await w.rows("SELECT sent_to FROM machine_drafts WHERE job_id = 1") == [(None,)]


async def test_a_stale_draft_press_after_an_edit_sends_nothing(w, engine):
    card = await queued(w)
    data = w.button(card, "machine draft")
    engine.mode = "fail"  # the new text gets no draft
    w.tg.edit(w.vahed, 1, FARSI + " تجمع فردا برگزار می‌شود.")
    await w.settle()
    before = len(w.group_messages())
    answer = w.tg.press(w.sara, w.group, card.id, data, forge=True)
    await w.settle()
    assert answer.alert and len(w.group_messages()) == before
    assert "Machine draft" not in w.card(1).message


async def test_markup_and_bidi_overrides_in_a_draft_stay_plain_text(w, engine):
    engine.translations[FARSI] = ("**Strike** <b>today</b> [click](https://evil.example) "
                                  "`code` \u202eevil\u202c and\u200b hidden\u2066 text")
    card = await queued(w)
    draft_part = card.message.split("check before submitting:\n", 1)[1]
    assert draft_part == ("**Strike** <b>today</b> [click](https://evil.example) `code` evil"
                          " and hidden text")
    for entity in card.entities or []:  # the card's own entities only, none in the draft
        assert entity.offset + entity.length <= utf16_len(card.message) - utf16_len(draft_part)
        assert not isinstance(entity, types.MessageEntityTextUrl)
    w.press(w.sara, card, "machine draft")
    await w.settle()
    sent = w.group_messages()[-1]
    assert sent.message == draft_part and not sent.entities


async def test_a_ten_thousand_character_draft_fits_the_card_and_is_sent_in_parts(w, engine):
    sentence = "The workers of the Vahed company went on strike in protest at unpaid wages. "
    engine.translations[FARSI] = (sentence * 200)[:10_000]
    card = await queued(w)
    assert utf16_len(card.message) <= 4096
    assert card.message.endswith("… (the whole draft: press the button)")
    w.press(w.sara, card, "machine draft")
    await w.settle()
    parts = w.group_messages()[-3:]
    assert all(utf16_len(p.message) <= 4096 for p in parts)
    assert " ".join(p.message for p in parts).split() == (sentence * 200)[:10_000].split()


async def test_an_answer_longer_than_any_translation_is_no_draft(w, engine):
    engine.translations[FARSI] = "x " * 7000  # 14,000 characters: 2 MiB is refused earlier
    card = await queued(w)
    assert "Machine draft" not in card.message
    assert await w.rows("SELECT text, error FROM machine_drafts") == [(None, "garbage")]


async def test_the_api_key_in_an_engines_error_never_reaches_the_log(tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    with ScriptedEngine() as engine:
        engine.mode, engine.status = "fail", 500
        engine.error_body = b'{"error": "bad key lt-secret-key for https://x?api_key=lt-secret-key"}'
        async with assisted_team(tmp_path, engine) as world:
            for i in range(3):
                world.tg.post(world.vahed, f"{FARSI} {i}")
            await world.settle()
            await drafts_done(world, 2)
            assert [r for r in caplog.records if "assist.engine_down" in r.getMessage()]
            assert engine.requests[0]["api_key"] == "lt-secret-key"
    logged = "\n".join(r.getMessage() + str(r.args or "") + (r.exc_text or "")
                       for r in caplog.records)
    assert "lt-secret-key" not in logged
    rows = await_rows_of(world)
    assert "lt-secret-key" not in rows


def await_rows_of(world: ReviewWorld) -> str:
    import sqlite3

    conn = sqlite3.connect(world.settings.storage.database)
    try:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")]
        return repr([conn.execute(f"SELECT * FROM {table}").fetchall() for table in tables])
    finally:
        conn.close()
