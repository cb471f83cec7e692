"""The glossary and translation memory in the review bot over the simulated Telegram (issue 14):
/glossary and its refusals, the card's glossary line, the preview's warning, the memory hint."""

from __future__ import annotations

import logging

import pytest

from relay.core.glossary import Term
from relay.review import inbox
from relay.review.conversation import Incoming
from relay.text.formatting import utf16_len
from tests.review_world import command

FARSI = "کارگران شركت‌واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."
TRANSLATION = "Vahed Company workers went on strike today over unpaid wages."


async def test_editors_add_list_and_remove_terms(w):
    said = await command(w, w.reza, "/glossary add en شرکت واحد = Vahed Company | the bus union")
    assert said == "Added to the en glossary: شرکت واحد = Vahed Company"
    said = await command(w, w.reza, "/glossary add en شركت‌واحد = Vahed Bus Company")
    assert said == "Changed in the en glossary: شركت‌واحد = Vahed Bus Company"
    await command(w, w.omid, "/glossary add es شرکت واحد = Compañía Vahed")
    assert await command(w, w.reza, "/glossary") == "Glossary: en 1, es 1. List one: /glossary <lang>."
    listed = await command(w, w.reza, "/glossary en")
    assert listed.splitlines() == ["Glossary en, 1 terms (page 1/1):",
                                   "• شركت‌واحد → Vahed Bus Company"]
    said = await command(w, w.omid, "/glossary remove en شرکت واحد")
    assert said == "Removed from the en glossary: شركت‌واحد = Vahed Bus Company"
    assert "empty" in await command(w, w.reza, "/glossary en")
    audit = await w.rows("SELECT actor_id, action FROM audit WHERE action LIKE 'glossary%'"
                         " ORDER BY id")
    assert audit == [(5002, "glossary_add"), (5002, "glossary_replace"), (5004, "glossary_add"),
                     (5004, "glossary_remove")]


@pytest.mark.parametrize("text, expected", [
    ("/glossary add en شرکت واحد", "Usage: /glossary <lang> [page]"),
    ("/glossary add", "Usage: /glossary <lang> [page]"),
    ("/glossary de", "No target translates into de; languages: en, es."),
    ("/glossary add fr x = y", "No target translates into fr"),
    ("/glossary add en !!! = y", "must each have a word"),
    ("/glossary remove en هفت تپه", "هفت تپه is not in the en glossary."),
    ("/glossary en 2", "The en glossary is empty"),
    ("/glossary en x", "Usage: /glossary <lang> [page]"),
])
async def test_bad_glossary_commands_get_a_clear_answer(w, text, expected):
    assert expected in await command(w, w.reza, text)
    assert await w.rows("SELECT COUNT(*) FROM glossary") == [(0,)]


async def test_usage_is_in_farsi_for_a_farsi_speaking_editor(w):
    said = await command(w, w.mina, "/glossary add en")
    assert said.startswith("طرز استفاده: ‎/glossary")


async def test_non_editors_are_refused_and_logged(w, caplog):
    desk = w.service.bot.desk
    for who in (5001, 6666):  # a translator; someone not in the team
        with caplog.at_level(logging.INFO, logger="relay.bot"):
            response = await inbox.on_message(desk, Incoming(w.group.marked_id, who, 900,
                                                             "/glossary add en x = y"))
        assert response is not None and not response.done
    lines = [r.getMessage() for r in caplog.records if "bot.refused" in r.getMessage()]
    assert len(lines) == 2
    assert "user=5001" in lines[0] and "what=/glossary" in lines[0] and "not editor" in lines[0]
    assert "user=6666" in lines[1] and "not configured" in lines[1]
    assert "Only editors can do that." in await command(w, w.sara, "/glossary en")
    assert await w.rows("SELECT COUNT(*) FROM glossary") == [(0,)]


async def test_a_long_glossary_is_listed_in_pages_telegram_accepts(w):
    store = w.service.store
    terms = [Term(f"اصطلاح شماره {i} در فهرست بلند واژه‌نامه", f"Long glossary term number {i}",
                  "en", "a note to make the line longer") for i in range(300)]
    await store.glossary_add_many(terms, None, 0, "test")
    first = await command(w, w.reza, "/glossary en")
    assert first.startswith("Glossary en, 300 terms (page 1/")
    pages = int(first.split("page 1/")[1].split(")")[0])
    assert pages > 1 and first.endswith("More: /glossary en 2")
    seen = first.count("•")
    for page in range(2, pages + 1):
        text = await command(w, w.reza, f"/glossary en {page}")
        assert utf16_len(text) <= 4096
        seen += text.count("•")
    assert seen == 300
    assert f"has {pages} page(s)" in await command(w, w.reza, "/glossary en 99")


async def test_the_card_lists_glossary_terms_and_the_preview_warns(w):
    await command(w, w.reza, "/glossary add en شرکت واحد = Vahed Company")
    await command(w, w.reza, "/glossary add en اعتصاب = strike | not 'walkout'")
    await command(w, w.reza, "/glossary add es شرکت واحد = Compañía Vahed")
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    card = w.card(1)
    assert "Glossary (en): شرکت واحد → Vahed Company · اعتصاب → strike (not 'walkout')" \
        in card.message
    assert "Glossary (es): شرکت واحد → Compañía Vahed" in w.card(2).message
    w.press(w.sara, card, "claim")
    await w.settle()
    w.say(w.sara, "Workers of the Vahed bus company walked out today.", reply_to=card.id)
    await w.settle()
    said = [m.message for m in w.group_messages()][-3:]
    assert said[1] == ("⚠ Job 1: the translation does not use the agreed “Vahed Company”"
                       " (شرکت واحد), “strike” (اعتصاب). Check before approving.")
    assert said[2].startswith("Workers of the Vahed bus company")  # the preview, unchanged
    preview = w.last_from_bot()
    w.press(w.reza, preview, "edit")
    await w.settle()
    w.say(w.sara, "Vahed Company workers are striking today.", reply_to=w.last_from_bot().id)
    await w.settle()
    said = [m.message for m in w.group_messages()][-2:]
    assert not any("⚠" in s for s in said) and said[1].startswith("Vahed Company workers")


async def test_memory_offers_the_earlier_approved_translation(w):
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    w.press(w.sara, w.card(1), "claim")
    await w.settle()
    w.say(w.sara, TRANSLATION, reply_to=w.card(1).id)
    await w.settle()
    w.press(w.reza, w.last_from_bot(), "approve")
    await w.settle()
    assert len(w.tg.history(w.out_en)) == 1
    assert "Translation memory" not in w.card(1).message

    w.tg.post(w.vahed, FARSI + "\n🆔 @vahed")  # the same statement posted again, a month on
    await w.settle()
    card = w.card(3)
    assert "Translation memory: job 1 (approved 2027-01-15) translated the same text." \
        in card.message
    assert [label for label, _ in w.buttons(card)][-1] == "📋 Start from job 1's translation"
    assert "Translation memory" not in w.card(4).message  # the Spanish job 2 was not approved
    before = len(w.group_messages())

    answer = w.press(w.stranger, card, "Start from")  # not in the team: refused
    await w.settle()
    assert answer.alert and len(w.group_messages()) == before
    answer = w.press(w.sara, card, "Start from")
    await w.settle()
    assert "Sent: job 1's translation" in answer.message
    header, text = w.group_messages()[-2:]
    assert header.message.startswith("Job 3: the approved translation of job 1 (the same text)")
    assert text.message == TRANSLATION
    assert await w.rows("SELECT status FROM jobs WHERE id = 3") == [("queued",)]
    assert len(w.tg.history(w.out_en)) == 1  # nothing is published from memory

    w.say(w.sara, TRANSLATION.replace("today", "again"), reply_to=text.id)
    await w.settle()
    assert await w.rows("SELECT status, draft_text, translator_id FROM jobs WHERE id = 3") == [
        ("drafted", TRANSLATION.replace("today", "again"), 5001)]
    assert len(w.tg.history(w.out_en)) == 1  # still only once an editor approves
    assert "Translation memory" not in w.card(3).message  # no longer waiting


async def test_a_farsi_speaking_editor_adds_and_removes_with_the_farsi_words(w):
    said = await command(w, w.mina, "/glossary افزودن en هفت تپه = Haft Tappeh")
    assert said == "به واژه‌نامهٔ en افزوده شد: هفت تپه = Haft Tappeh"
    said = await command(w, w.mina, "/glossary حذف en هفت‌تپه")
    assert said == "از واژه‌نامهٔ en حذف شد: هفت تپه = Haft Tappeh"
    usage = await command(w, w.mina, "/glossary افزودن en")
    assert "‎/glossary افزودن <زبان>" in usage and "remove" not in usage
