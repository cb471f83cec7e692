"""Issue 11, the edges: deleted copies, forged or stale Split and /join, hostile copies, a
statement fifty channels carry, copies arriving mid-review. Over the scripted Telegram."""

from __future__ import annotations

import re

import pytest

from relay.telegram.sim.cast import HAFT_TAPPEH, OIL_CONTRACT_WORKERS, VAHED
from relay.telegram.sim.limits import units
from tests import statement_world
from tests.statement_world import FOOTER, OTHER, STATEMENT, jobs, members, publish

THIRD = ("کارگران نیشکر هفت تپه برای دهمین روز در مقابل فرمانداری شوش تجمع کردند و خواستار"
         " بازگشت همکاران اخراجی به کار شدند.")


w = statement_world.w  # the fixture


async def approve_failing(w, job_id: int, text: str) -> None:
    """Approve while the bot is no admin of the English channel: the job stays approved (its
    publication failed), until the right is given back and someone retries."""
    w.tg.remove_admin(w.out_en, w.bot)
    await publish(w, job_id, text)
    w.tg.make_admin(w.out_en, w.bot)


def told(w, words: str) -> list[str]:
    return [m.message for m in w.group_messages() if words in (m.message or "")]


# ------------------------------------------------------------------ deleted posts
async def test_a_deleted_copy_is_marked_on_the_card_and_not_credited(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    haft = w.tg.post(w.haft, STATEMENT + FOOTER)
    w.tg.post(w.oil, "#اعتصاب\n" + STATEMENT)
    await w.settle()
    w.tg.delete(w.haft, [haft.id])
    await w.settle()
    card = w.card(1)
    assert "[1] @haft_tappeh (copy, deleted), [2] @oil_contract_workers (copy)" in card.message
    assert [label for label, _ in w.buttons(card) if "Split" in label] == [
        "✂ Split [2] @oil_contract_workers"]  # a deleted post is not split off
    await publish(w, 1, "Vahed workers rallied.")
    [en] = w.tg.history(w.out_en)
    assert f"Also published by {OIL_CONTRACT_WORKERS.name}" in en.message
    assert HAFT_TAPPEH.name not in en.message


async def test_the_leading_post_deleted_credits_the_earliest_remaining_copy(w):
    """The statement is still published by the copies: the translation credits the earliest
    of them; the deletion note waits until every post carrying the statement is gone."""
    lead = w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    haft = w.tg.post(w.haft, STATEMENT + FOOTER)
    await w.settle()
    w.tg.delete(w.vahed, [lead.id])
    await w.settle()
    assert "deleted by the channel" in w.card(1).message
    await publish(w, 1, "Vahed workers rallied.")
    [en] = w.tg.history(w.out_en)
    assert f"Source: Telegram channel of {HAFT_TAPPEH.name}" in en.message
    assert VAHED.name not in en.message
    links = [e.url for e in en.entities or [] if hasattr(e, "url")]
    assert f"https://t.me/haft_tappeh/{haft.id}" in links
    assert not told(w, "Job 1: the source post was deleted")
    w.tg.delete(w.haft, [haft.id])  # now nobody carries it: the publication is annotated
    await w.settle()
    notes = [m.message for m in w.tg.history(w.out_en) if "deleted" in m.message]
    assert len(notes) == 1 and told(w, "Job 1: the source post was deleted")
    assert "(copy, deleted)" in w.card(1).message


async def test_a_published_statement_keeps_its_publication_while_a_copy_remains(w):
    lead = w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, STATEMENT + FOOTER)
    await w.settle()
    await publish(w, 1, "Vahed workers rallied.")
    w.tg.delete(w.vahed, [lead.id])
    await w.settle()
    w.clock.now += 60
    await w.settle()
    assert len(w.tg.history(w.out_en)) == 1  # no note: @haft_tappeh still publishes it
    assert not told(w, "Job 1: the source post was deleted")


# ------------------------------------------------------------------ split, forged and stale
async def test_split_presses_forged_stale_or_by_a_translator_change_nothing(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, STATEMENT + FOOTER)
    await w.settle()
    card = w.card(1)
    data = w.button(card, "Split [1] @haft_tappeh")
    w.tg.press(w.sara, w.group, card.id, data)  # a translator
    await w.settle()
    w.tg.press(w.reza, w.group, card.id, data.replace(b"v:1:", b"v:3:"), forge=True)
    await w.settle()
    w.tg.press(w.reza, w.group, card.id, b"v:1:999:AAAAAAAAAAAA", forge=True)
    await w.settle()
    assert len(await jobs(w)) == 2 and await members(w) == [(w.haft.id, "copy")]
    w.tg.press(w.reza, w.group, card.id, data)  # the real one: split, the last member
    await w.settle()
    assert len(await jobs(w)) == 4 and await members(w) == []
    again = w.tg.press(w.reza, w.group, card.id, data, forge=True)  # an old copy of the card
    await w.settle()
    assert len(await jobs(w)) == 4
    assert "no longer part of job 1" in (again.message or "")


async def test_a_split_button_of_a_post_since_joined_elsewhere_is_refused(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, STATEMENT + FOOTER)
    await w.settle()
    old_card = w.card(1)
    data = w.button(old_card, "Split [1] @haft_tappeh")
    w.tg.post(w.oil, OTHER)  # jobs 3, 4
    await w.settle()
    w.say(w.reza, "/join 3 1")  # Vahed's statement (and its copy) joins the oil workers'
    await w.settle()
    assert await w.rows("SELECT id, status FROM jobs WHERE id IN (1, 2)") == [
        (1, "skipped"), (2, "skipped")]
    w.tg.press(w.reza, w.group, old_card.id, data, forge=True)  # the card as it was
    await w.settle()
    assert sorted(await members(w)) == sorted([(w.vahed.id, "joined"), (w.haft.id, "copy")])
    assert len(await jobs(w)) == 4


# ------------------------------------------------------------------ /join through the workflow
async def test_join_refuses_what_the_workflow_forbids_with_a_reason(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, OTHER)  # jobs 3, 4
    await w.settle()
    for bad in ("/join 1 1", "/join 1 2", "/join 1 99", "/join 99 1"):
        w.say(w.reza, bad)
        await w.settle()
    assert await members(w) == []
    await approve_failing(w, 3, "Bandar Imam workers stopped work.")  # not published
    assert (await w.rows("SELECT status FROM jobs WHERE id = 3")) == [("approved",)]
    w.say(w.reza, "/join 1 3")
    await w.settle()
    assert told(w, "job 3 (EN) is approved and waiting to be published")
    assert await members(w) == [] and (await w.rows(
        "SELECT status FROM jobs WHERE id = 3")) == [("approved",)]
    assert not await w.rows("SELECT 1 FROM outbox WHERE status = 'cancelled'")
    w.say(w.reza, "/retry 3")
    await w.settle()
    assert (await w.rows("SELECT status FROM jobs WHERE id = 3")) == [("published",)]
    w.say(w.reza, "/join 1 3")  # job 3 is out in EN, job 1 would publish it there again
    await w.settle()
    assert told(w, "job 3 is already published in EN, and job 1 would publish")
    assert await members(w) == []
    w.say(w.reza, "/join 3 1")  # the other way round: Vahed's open jobs close
    await w.settle()
    assert await w.rows("SELECT id, status, reason FROM jobs ORDER BY id") == [
        (1, "skipped", "joined into 3"), (2, "skipped", "joined into 3"),
        (3, "published", None), (4, "queued", None)]
    audit = await w.rows("SELECT job_id, from_status, to_status, actor_id FROM audit"
                         " WHERE action = 'statement_joined_into' ORDER BY job_id")
    assert audit == [(1, "queued", "skipped", w.reza.id), (2, "queued", "skipped", w.reza.id)]
    assert len(w.tg.history(w.out_en)) == 1


async def test_a_job_already_joined_stands_for_its_statement(w):
    """/join with a job whose post an earlier /join made a member acts on the statement it
    joined: the third statement's jobs must not close into a closed job."""
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, OTHER)  # jobs 3, 4
    await w.settle()
    w.tg.post(w.oil, THIRD)  # jobs 5, 6
    await w.settle()
    w.say(w.reza, "/join 1 3")
    await w.settle()
    w.say(w.reza, "/join 3 5")  # job 3 is skipped: it stands for job 1's statement
    await w.settle()
    assert await w.rows("SELECT id, status FROM jobs ORDER BY id") == [
        (1, "queued"), (2, "queued"), (3, "skipped"), (4, "skipped"), (5, "skipped"),
        (6, "skipped")]
    leads = await w.rows("SELECT DISTINCT lead_channel_id FROM statement_members")
    assert leads == [(w.vahed.id,)]
    assert "@oil_contract_workers (joined)" in w.card(1).message
    w.say(w.reza, "/join 5 1")  # the same statement now, whichever job names it
    await w.settle()
    assert told(w, "already one statement")


async def test_a_claimed_job_is_closed_by_join_but_a_copy_never_disturbs_a_claim(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.press(w.sara, w.card(1), "Claim")
    await w.settle()
    w.tg.post(w.haft, STATEMENT + FOOTER)  # a copy while Sara translates
    await w.settle()
    assert (await w.rows("SELECT status, claimed_by FROM jobs WHERE id = 1")) == [
        ("queued", w.sara.id)]
    assert "Being translated by" in w.card(1).message and "@haft_tappeh (copy)" in w.card(1).message


async def test_a_copy_after_approval_before_publication_is_credited_once(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    await approve_failing(w, 1, "Vahed workers rallied.")
    assert w.tg.history(w.out_en) == []
    w.tg.post(w.haft, STATEMENT + FOOTER)
    await w.settle()
    assert len(await jobs(w)) == 2 and not told(w, "a copy of this published")
    w.say(w.reza, "/retry 1")
    await w.settle()
    [en] = w.tg.history(w.out_en)
    assert f"Also published by {HAFT_TAPPEH.name}" in en.message


# ------------------------------------------------------------------ hostile copies
HOSTILE = [
    "🔥✊" * 1000,  # only emoji, near Telegram's limit
    " ".join(f"https://t.me/c/{i}/{i}" for i in range(150)),  # only links
    "\u200b\u200c\u200d\u2060\ufeff" * 800,  # a zero-width flood
    "\u202e" + OTHER + "\u202c",  # another statement under a right-to-left override
    ("اعتصاب " * 580).strip(),  # one word, 4000 characters
]


async def test_hostile_copies_neither_merge_unrelated_statements_nor_stop_the_watcher(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    for text in HOSTILE:
        w.tg.post(w.haft, text)
    await w.settle()
    assert (w.haft.id, "copy") not in await members(w)  # nothing hostile joined Vahed's
    # the watcher still works, and invisible characters do not hide a copy
    w.tg.post(w.oil, "\u200c".join(STATEMENT.split(" ")) + "\u200b" * 2000)
    await w.settle()
    assert await members(w) == [(w.oil.id, "copy")]
    assert all(units(card.message) <= 4096 for card in w.cards())


# ------------------------------------------------------------------ fifty copies
async def test_a_statement_fifty_channels_carry_keeps_its_card_within_telegram_limits(w):
    long_statement = "\n".join([STATEMENT, OTHER, THIRD] * 10)[:3900]
    w.tg.post(w.vahed, long_statement)
    await w.settle()

    def fifty(conn):
        for k in range(50):
            conn.execute("INSERT INTO channels (id, username, title, updated_at)"
                         " VALUES (?, ?, ?, 0)",
                         (9000 + k, f"workers_council_number_{k:02d}_x", "کانال " * 20))
            conn.execute(
                "INSERT INTO statement_members (channel_id, unit_key, message_id,"
                " lead_channel_id, lead_unit_key, how, joined_at) VALUES (?,?,?,?,?,?,?)",
                (9000 + k, "m:1", 1, w.vahed.id, "m:1", "copy", 0))
    await w.db.run(fifty)
    w.tg.post(w.haft, long_statement + FOOTER)  # the 51st: the cards are drawn again
    await w.settle()
    card = w.card(1)
    assert units(card.message) <= 4096
    assert "@workers_council_number_00_x (copy)" in card.message
    assert "more (all of them: /split 1)" in card.message  # the rest, with their numbers
    assert "@haft_tappeh" not in card.message.split("\n\n")[0]  # beyond the cut
    splits = [label for label, _ in w.buttons(card) if "Split" in label]
    assert len(splits) == 8 and "✂ Split [51] @haft_tappeh" in splits  # the newest are offered
    assert len(w.buttons(card)) <= 100


def test_farsi_texts_of_statements_read_in_farsi():
    from relay.review.texts import TEXTS
    for key in ("card.also_in", "how.copy", "how.forward", "how.joined", "how.deleted",
                "card.also_more", "button.split", "told.copy_published", "told.copy_left",
                "ok.split", "no.split_gone", "ok.join", "no.join", "no.join_pending",
                "no.join_published"):
        english, farsi = TEXTS[key]
        assert farsi and any("\u0600" <= ch <= "\u06ff" for ch in farsi), key
        assert set(re.findall(r"\{(\w+)\}", farsi)) == set(re.findall(r"\{(\w+)\}", english)), key


def test_the_scripted_telegram_refuses_more_than_a_hundred_buttons():
    from telethon import errors
    from telethon.tl import types

    from relay.telegram.sim.limits import check_markup

    def markup(rows: int, per_row: int) -> types.ReplyInlineMarkup:
        return types.ReplyInlineMarkup([types.KeyboardButtonRow(
            [types.KeyboardButton("x", types.InlineButtonTypeCallback(b"d"))
             for _ in range(per_row)])
            for _ in range(rows)])
    check_markup(markup(100, 1))
    check_markup(markup(12, 8))
    for too_long in (markup(101, 1), markup(1, 9)):
        with pytest.raises(errors.ReplyMarkupTooLongError):
            check_markup(too_long)


def test_the_scripted_telegram_refuses_a_keyboard_over_ten_kilobytes():
    from telethon import errors
    from telethon.tl import types

    from relay.telegram.sim.limits import check_markup, markup_bytes

    def markup(buttons: int, label: str) -> types.ReplyInlineMarkup:
        return types.ReplyInlineMarkup([types.KeyboardButtonRow(
            [types.KeyboardButton(label, types.InlineButtonTypeCallback(b"x" * 60))])
            for _ in range(buttons)])
    short, long_farsi = markup(60, "کانال" * 4), markup(60, "کانال" * 12)
    assert markup_bytes(short) < 10_240 < markup_bytes(long_farsi)  # 100 buttons are allowed
    check_markup(short)
    with pytest.raises(errors.ReplyMarkupTooLongError):
        check_markup(long_farsi)
