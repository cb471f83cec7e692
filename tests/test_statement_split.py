"""/split <job> [number|link] (issue 11): an editor splits any wrongly joined post off a
statement, also one older than the card's eight Split buttons. Over the scripted Telegram."""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from relay.telegram.sim.cast import CastSource, config_toml
from relay.telegram.sim.world import Account
from tests import statement_world
from tests.review_world import ReviewWorld, running
from tests.statement_world import FOOTER, OTHER, STATEMENT, jobs, members

#: Nine more sources, so that a statement is carried by eleven other channels.
TEACHERS = tuple(CastSource(f"teachers_coordination_{city}", f"Teachers' Council of {city.title()}",
                            f"Teachers {city.title()}")
                 for city in ("tehran", "isfahan", "mashhad", "shiraz", "tabriz", "ahvaz",
                              "rasht", "sanandaj", "kermanshah"))
TEACHERS_FOOTER = "\n\nکانال شورای هماهنگی تشکل‌های صنفی فرهنگیان"
PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")

w = statement_world.w  # the fixture with three sources


@contextlib.asynccontextmanager
async def eleven_copies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        **options: bool) -> AsyncIterator[ReviewWorld]:
    """@vahed's statement (jobs 1 and 2) and, one after the other, its copies in @haft_tappeh
    (post [1] of the statement), @oil_contract_workers ([2]) and the nine teachers' channels
    ([3] to [11]): @oil_contract_workers' is the tenth newest."""
    world = statement_world.world_with(tmp_path, monkeypatch,
                                       "\n" + config_toml(TEACHERS, format_safe=True), **options)
    teachers = [source.add_to(world.tg, members=[world.watcher]) for source in TEACHERS]
    async with running(world) as w:
        w.tg.post(w.vahed, STATEMENT)
        await w.settle()
        w.tg.post(w.haft, STATEMENT + FOOTER)
        await w.settle()
        w.tg.post(w.oil, "#اعتصاب\n" + STATEMENT)
        await w.settle()
        for chan in teachers:
            w.tg.post(chan, STATEMENT + TEACHERS_FOOTER)
            await w.settle()
        assert len(await members(w)) == 11 and len(await jobs(w)) == 2
        yield w


async def bot_answer(w: ReviewWorld, who: Account, text: str) -> str:
    """``who`` says ``text`` in the review group; the bot's answer to it (new cards the
    command made may come after it)."""
    sent = w.say(who, text)
    await w.settle()
    [reply] = [m.message for m in w.group_messages() if m._sim_author == w.bot.id
               and m.reply_to and m.reply_to.reply_to_msg_id == sent.id]
    return reply


def number_on_card(card: str, username: str) -> str:
    """The number the card's "Also in" line gives the post of @username."""
    found = re.search(rf"\[(\d+)\] @{username} ", card)
    assert found, card
    return found.group(1)


def split_labels(w: ReviewWorld, job_id: int) -> list[str]:
    return [label for label, _ in w.buttons(w.card(job_id)) if "✂" in label]


def refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "bot.refused" in r.getMessage()]


# ------------------------------------------------------------------ beyond the buttons
async def test_an_editor_splits_the_tenth_newest_copy_by_its_number_on_the_card(
        tmp_path, monkeypatch):
    async with eleven_copies(tmp_path, monkeypatch) as w:
        assert not any("@oil_contract_workers" in label for label in split_labels(w, 1))
        number = number_on_card(w.card(1).message, "oil_contract_workers")
        answer = await bot_answer(w, w.reza, f"/split 1 {number}")
        assert answer == (f"Split [{number}] @oil_contract_workers"
                          f" (https://t.me/oil_contract_workers/1) off job 1's statement:"
                          " new jobs 3, 4.")
        rows = await jobs(w)
        assert [(r[0], r[1], r[2], r[3]) for r in rows[2:]] == [
            (3, w.oil.id, "en", "queued"), (4, w.oil.id, "es", "queued")]
        assert w.card(3) and w.card(4)  # its own cards, to be translated
        assert (w.oil.id, "copy") not in await members(w) and len(await members(w)) == 10
        for job_id in (1, 2):  # every card of the statement forgets it, not only job 1's
            assert "@oil_contract_workers" not in w.card(job_id).message
        audit = await w.rows("SELECT job_id, actor_id, detail FROM audit"
                             " WHERE action='statement_split'")
        assert [(job, actor) for job, actor, _ in audit] == [(1, w.reza.id), (2, w.reza.id)]
        assert "message 1 split off: jobs 3,4" in audit[0][2]  # as the Split button audits


async def test_split_lists_every_post_and_takes_a_link(tmp_path, monkeypatch):
    async with eleven_copies(tmp_path, monkeypatch) as w:
        card = w.card(1).message
        assert "more (all of them: /split 1)" in card  # eleven names do not fit in one line
        assert "@teachers_coordination_kermanshah" not in card.split("\n\n")[0]
        listing = await bot_answer(w, w.reza, "/split 1")
        assert listing.startswith("Job 1: the statement's other posts, oldest first.")
        lines = listing.split("\n")[1:]
        assert len(lines) == 11
        assert lines[1].startswith("[2] @oil_contract_workers (copy) · ")
        assert lines[1].endswith(" · https://t.me/oil_contract_workers/1")
        assert lines[-1].endswith("https://t.me/teachers_coordination_kermanshah/1")
        answer = await bot_answer(w, w.reza, "/split 1 https://t.me/teachers_coordination_tehran/1")
        assert answer.startswith("Split [3] @teachers_coordination_tehran") and "new jobs 3, 4" in answer
        assert [r[2] for r in (await jobs(w))[2:]] == ["en", "es"]
        answer = await bot_answer(w, w.reza, "/split 2 t.me/haft_tappeh/1")  # the es job: the same
        assert "new jobs 5, 6" in answer
        assert len(await members(w)) == 9


# ------------------------------------------------------------------ who may
async def test_a_translator_is_refused_and_it_is_logged(w, caplog):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, STATEMENT + FOOTER)
    await w.settle()
    with caplog.at_level(logging.INFO, logger="relay.bot"):
        answer = await bot_answer(w, w.sara, "/split 1 1")
    assert answer == "Only editors can do that."  # what the Split button answers her
    [line] = refusals(caplog)
    assert "user=5001" in line and "what=/split" in line and "job=1" in line
    assert 'reason="not editor"' in line
    assert await members(w) == [(w.haft.id, "copy")] and len(await jobs(w)) == 2


async def test_help_and_menus_list_split_for_editors_only(w):
    sara = await bot_answer(w, w.sara, "/help")
    reza = await bot_answer(w, w.reza, "/help")
    mina = await bot_answer(w, w.mina, "/help")
    assert "/split" not in sara
    assert ("/split <job> [number|link] — split a wrongly joined post off a statement"
            " (without a post: list them)") in reza
    assert ("/split <job> [number|link] — جدا کردن پستی که به‌اشتباه به بیانیه پیوسته"
            " (بدون پست: فهرست آن‌ها)") in mina
    menus = {scope: [c.command for c in commands]
             for (scope, _), commands in w.tg.bot_commands.items()}
    assert "split" in menus["Peer:5002"] and "split" in menus["Peer:5003"]
    assert "split" not in menus["Peer:5001"]


# ------------------------------------------------------------------ wrong or stale names
async def test_bad_or_stale_arguments_get_one_line_answers_and_change_nothing(w, caplog):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, STATEMENT + FOOTER)  # [1] of job 1's statement
    await w.settle()
    w.tg.post(w.oil, OTHER)  # a statement of its own: jobs 3, 4
    await w.settle()
    usage = "Usage: /split <job> [number|link]"
    cases = {
        "/split": usage,
        "/split one": usage,
        "/split ² 1": usage,  # a digit int() refuses
        "/split 1 ²": usage,
        "/split 1 haft_tappeh": usage,
        "/split 1 1 2": usage,
        "/split 99 1": "There is no job 99.",
        "/split 1 999": "Job 1's statement has no post [999] (split off already, or another"
                        " job's): /split 1 lists its posts.",
        "/split 1 https://t.me/vahed/1": "https://t.me/vahed/1 is job 1's own post: only the"
                                         " statement's other posts can be split off.",
        "/split 1 https://t.me/haft_tappeh/77": "No stored post https://t.me/haft_tappeh/77:"
                                                " relay keeps only the posts of its sources.",
        "/split 1 https://t.me/oil_contract_workers/1": "https://t.me/oil_contract_workers/1 is"
                                                        " not part of job 1's statement: it has"
                                                        " jobs of its own (3, 4).",
        "/split 3 1": "Job 3's statement has no post [1] (split off already, or another job's):"
                      " /split 3 lists its posts.",
    }
    for text, expected in cases.items():
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="relay.bot"):
            answer = await bot_answer(w, w.reza, text)
        assert answer == expected, text
        assert len(refusals(caplog)) == 1, (text, refusals(caplog))
    assert await bot_answer(w, w.reza, "/split 3") == \
        "Job 3's statement has no other posts: there is nothing to split off."
    assert await members(w) == [(w.haft.id, "copy")] and len(await jobs(w)) == 4
    assert not await w.rows("SELECT 1 FROM audit WHERE action='statement_split'")


async def test_a_post_split_deleted_or_joined_is_refused_and_nothing_changes(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, STATEMENT + FOOTER)  # [1]
    oil = w.tg.post(w.oil, "#اعتصاب\n" + STATEMENT)  # [2]
    await w.settle()
    assert "off job 1's statement: new jobs 3, 4" in await bot_answer(w, w.reza, "/split 1 1")
    assert await bot_answer(w, w.reza, "/split 1 1") == (
        "Job 1's statement has no post [1] (split off already, or another job's): /split 1"
        " lists its posts.")
    assert await bot_answer(w, w.omid, "/split 1 https://t.me/haft_tappeh/1") == (
        "https://t.me/haft_tappeh/1 is not part of job 1's statement: it has jobs of its own"
        " (3, 4).")
    w.tg.delete(w.oil, [oil.id])
    await w.settle()
    assert await bot_answer(w, w.reza, "/split 1 2") == (
        "[2] @oil_contract_workers was deleted by its channel: there is nothing to translate,"
        " so it is not split off.")
    await bot_answer(w, w.reza, "/join 1 3")  # the split post's statement joins again: [3]
    assert await bot_answer(w, w.reza, "/split 1 [3]") == (
        "[3] @haft_tappeh was joined to job 1's statement by an editor with /join, not matched"
        " by relay: it is not split off.")
    assert sorted(await members(w)) == sorted([(w.oil.id, "copy"), (w.haft.id, "joined")])
    assert len(await jobs(w)) == 4
    splits = await w.rows("SELECT count(*) FROM audit WHERE action='statement_split'")
    assert splits == [(2,)]  # the one split, on jobs 1 and 2


# ------------------------------------------------------------------ in Farsi
async def test_a_farsi_speaking_editor_splits_from_her_farsi_card(tmp_path, monkeypatch):
    async with eleven_copies(tmp_path, monkeypatch, group=False) as w:
        [card] = [m.message for m in w.tg.private_history(w.mina, w.bot)
                  if m.message.startswith("کار 1 ")]
        assert "همچنین در: [1] @haft_tappeh (رونوشت)، [2] @oil_contract_workers (رونوشت)" in card
        assert "(همه: /split 1)" in card
        number = number_on_card(card, "oil_contract_workers")

        async def says(text: str) -> str:  # the bot's answer, before any new card
            before = len(w.bot_said_to(w.mina))
            w.tg.send_private(w.mina, w.bot, text)
            await w.settle()
            return w.bot_said_to(w.mina)[before]

        assert await says("/split") == "طرز استفاده: /split <job> [number|link]"
        listing = await says("/split ۱")
        assert listing.startswith("کار 1: پست‌های دیگر این بیانیه، قدیمی‌ترین اول.")
        assert f"[{number}] @oil_contract_workers (رونوشت) · " in listing
        assert await says("/split ۱ ۹۹۹") == ("بیانیهٔ کار 1 پست [999] ندارد (پیش‌تر جدا شده، یا"
                                            " از کار دیگری است)؛ فهرست پست‌ها: /split 1")
        answer = await says(f"/split ۱ {number.translate(PERSIAN_DIGITS)}")  # Persian digits
        assert answer == (f"[{number}] @oil_contract_workers"
                          " (https://t.me/oil_contract_workers/1) از بیانیهٔ کار 1 جدا شد:"
                          " کارهای تازه 3, 4.")
        assert [r[1] for r in (await jobs(w))[2:]] == [w.oil.id, w.oil.id]
        assert await says("/split 1 2") == ("بیانیهٔ کار 1 پست [2] ندارد (پیش‌تر جدا شده، یا"
                                           " از کار دیگری است)؛ فهرست پست‌ها: /split 1")



async def test_a_split_button_pressed_after_its_post_was_deleted_changes_nothing(w):
    """The card drops the button when the copy is deleted; a copy of the card kept it."""
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    haft = w.tg.post(w.haft, STATEMENT + FOOTER)
    await w.settle()
    card = w.card(1)
    data = w.button(card, "Split [1] @haft_tappeh")
    w.tg.delete(w.haft, [haft.id])
    await w.settle()
    pressed = w.tg.press(w.reza, w.group, card.id, data, forge=True)
    await w.settle()
    assert pressed.message == ("[1] @haft_tappeh was deleted by its channel: there is nothing"
                               " to translate, so it is not split off.")
    assert await members(w) == [(w.haft.id, "copy")] and len(await jobs(w)) == 2


async def test_a_number_read_before_a_split_never_names_a_post_that_joined_since(w):
    """Two editors split [2] from the same card; meanwhile another copy joined. The second
    editor's /split 1 2 must not split that copy off: numbers are never given out twice."""
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, STATEMENT + FOOTER)  # [1]
    w.tg.post(w.oil, "#اعتصاب\n" + STATEMENT)  # [2], the newest
    await w.settle()
    assert "new jobs 3, 4" in await bot_answer(w, w.reza, "/split 1 2")
    w.tg.post(w.oil, STATEMENT + "\n\n#کارگران_نفت")  # the oil workers post the statement again
    await w.settle()
    assert number_on_card(w.card(1).message, "oil_contract_workers") == "3"
    assert await bot_answer(w, w.omid, "/split 1 2") == (
        "Job 1's statement has no post [2] (split off already, or another job's): /split 1"
        " lists its posts.")
    assert sorted(await members(w)) == sorted([(w.haft.id, "copy"), (w.oil.id, "copy")])
    assert len(await jobs(w)) == 4
