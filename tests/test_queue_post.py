"""Any post on demand; languages checked; the review group's language (issue 10)."""

from __future__ import annotations

import dataclasses

import pytest

from relay.core.workflow import Rules
from relay.review.cards import card_buttons, fmt_age
from relay.review.posts import parse_post
from relay.review.texts import TEXTS, t
from tests.review_world import ReviewWorld, running
from tests.test_cards import BASE, NOW

FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."
ENGLISH = "Vahed bus workers went on strike today over unpaid wages, the union said."


@pytest.fixture
async def w(tmp_path):
    async with running(ReviewWorld(tmp_path)) as world:
        world.tg.post(world.vahed, FARSI)  # 1: queued (jobs 1, 2)
        world.tg.post(world.vahed, ENGLISH)  # 2: another language: no jobs
        world.tg.post(world.vahed, "", media=world.tg.photo(b"statement"))  # 3: photo only
        await world.settle()
        yield world


async def jobs(w: ReviewWorld) -> list[tuple]:
    return await w.rows("SELECT id, message_id, target, status FROM jobs ORDER BY id")


def test_posts_are_named_by_link_or_by_channel_and_id():
    assert parse_post("https://t.me/vahed/12 en") == (("vahed", 12), "en")
    assert parse_post("t.me/c/1234567/8") == ((1234567, 8), "")
    assert parse_post("@vahed 12 es") == (("vahed", 12), "es")
    assert parse_post("-1001234567 5") == ((1234567, 5), "")
    assert parse_post("12 fa")[0] is None and parse_post("hello")[0] is None


async def test_an_editor_queues_a_post_in_another_language_by_link(w):
    w.say(w.reza, "/queue_post https://t.me/vahed/2")
    await w.settle()
    assert any("Queued https://t.me/vahed/2 for en, es: job(s) #3, #4" in m.message
               for m in w.group_messages())
    assert (await jobs(w))[2:] == [(3, 2, "en", "queued"), (4, 2, "es", "queued")]
    assert w.card(3).message.startswith("Job 3 · en → EN")  # its card is posted
    w.say(w.reza, "/queue_post https://t.me/vahed/2")
    await w.settle()
    assert "already has job(s) #3, #4" in w.last_from_bot().message


async def test_a_photo_only_statement_is_queued_for_one_target_by_channel_and_id(w):
    w.say(w.reza, f"/queue_post {w.vahed.id} 3 es")
    await w.settle()
    assert (await jobs(w))[2:] == [(3, 3, "es", "queued")]
    w.say(w.reza, f"/queue_post t.me/c/{w.vahed.id}/3")
    await w.settle()
    assert (await jobs(w))[3:] == [(4, 3, "en", "queued")]


async def test_unknown_posts_and_targets_and_translators_are_refused(w):
    for who, command, expected in [
        (w.reza, "/queue_post https://t.me/vahed/99", "No stored post https://t.me/vahed/99"),
        (w.reza, "/queue_post @vahed 2 xx", "“xx” is not a target"),
        (w.reza, "/queue_post", "Usage: /queue_post"),
        (w.sara, "/queue_post @vahed 2", "Only editors"),
    ]:
        w.say(who, command)
        await w.settle()
        assert expected in w.last_from_bot().message, command
    assert len(await jobs(w)) == 2


async def test_lang_works_on_a_post_and_accepts_only_known_codes(w):
    w.say(w.sara, "/lang https://t.me/vahed/2 ar")
    await w.settle()
    assert "language set to ar" in w.last_from_bot().message
    assert await w.rows("SELECT lang FROM messages WHERE message_id = 2") == [("ar",)]
    w.say(w.sara, "/lang https://t.me/vahed/1 ckb")  # a post with jobs: each job
    await w.settle()
    assert [s for *_, s in await jobs(w)] == ["skipped", "skipped"]
    for command in ("/lang 1 xx", "/lang https://t.me/vahed/2 zz"):
        w.say(w.sara, command)
        await w.settle()
        assert "is not a language code" in w.last_from_bot().message


async def test_queue_beyond_its_pages_says_so(w):
    w.say(w.sara, "/queue 2")
    await w.settle()
    assert w.last_from_bot().message == "There is no page 2: the queue has 1 page(s)."


def test_not_button_names_the_queued_language_and_farsi_is_farsi_throughout():
    def label(lang, queued):
        return card_buttons(BASE, Rules(), NOW, lang, queued=queued)[0][2].label
    assert label("en", ("fa",)) == "Not Farsi"
    assert label("en", ("ckb",)) == "Not Sorani Kurdish"
    assert label("en", ("fa", "ar")) == "Not Farsi or Arabic"
    assert label("fa", ("ckb",)) == "کردی سورانی نیست"
    assert fmt_age(3600 + 5 * 60, "fa") == "1 ساعت و 05 دقیقه"
    skip, reject = t("fa", "button.skip"), t("fa", "button.reject")
    assert not set(skip.split()[1:]) & set(reject.split()[1:])  # no shared word
    for key, (_english, farsi) in TEXTS.items():
        latin = [w for w in farsi.split() if w.isascii() and w.isalpha() and len(w) > 3]
        assert not latin, (key, latin)


async def test_the_review_group_language_is_configurable(tmp_path):
    world = ReviewWorld(tmp_path)
    review = dataclasses.replace(world.settings.review, language="fa")
    world.settings = dataclasses.replace(world.settings, review=review)
    async with running(world):
        world.tg.post(world.vahed, FARSI)
        await world.settle()
        card = world.cards()[0]
        assert card.message.startswith("کار 1 · fa ← EN · در صف")
        assert [label for label, _ in world.buttons(card)][1:] == ["⏭ ترجمه نشود", "فارسی نیست"]
