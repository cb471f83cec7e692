"""Stale buttons and commands never act on what the person did not see (issue 10)."""

from __future__ import annotations

import pytest

from relay.review import actions
from relay.review.cards import preview_buttons
from tests.review_world import ReviewWorld, running, team_with_a_card

FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."
TRANSLATION = "Vahed bus workers went on strike today over unpaid wages."


@pytest.fixture
async def w(tmp_path):
    async with team_with_a_card(tmp_path) as world:
        yield world


async def rows(w, sql, *params):
    return await w.rows(sql, *params)


async def test_an_outdated_not_farsi_button_changes_nothing_at_all(w):
    card = w.card(2)  # the Spanish job's card, as it was first shown
    old_button = w.button(card, "not farsi")
    w.press(w.sara, w.card(2), "claim")  # job 2 changes: its old card is out of date
    await w.settle()
    answer = w.tg.press(w.reza, w.group, card.id, old_button, forge=True)  # not yet updated
    await w.settle()
    assert answer.alert
    assert await rows(w, "SELECT id, status FROM jobs ORDER BY id") == [(1, "queued"),
                                                                       (2, "queued")]
    assert await rows(w, "SELECT lang FROM messages") == [("fa",)]
    fresh = w.press(w.reza, w.card(2), "not farsi")
    await w.settle()
    assert not fresh.alert
    assert await rows(w, "SELECT id, status FROM jobs ORDER BY id") == [(1, "skipped"),
                                                                       (2, "skipped")]


async def test_the_loser_of_a_claim_race_is_told_who_claimed_first(w):
    card = w.card(1)
    old_claim = w.button(card, "claim")
    w.press(w.sara, card, "claim")
    await w.settle()
    late = w.tg.press(w.omid, w.group, card.id, old_claim, forge=True)  # still showed Claim
    await w.settle()
    assert late.alert and "Sara claimed job 1 first" in late.message


async def drafted(w, who=None):
    who = who or w.sara
    w.press(who, w.card(1), "claim")
    await w.settle()
    w.say(who, TRANSLATION, reply_to=w.card(1).id)
    await w.settle()
    return w.last_from_bot()


async def test_approve_command_approves_only_the_draft_the_editor_was_shown(w):
    await drafted(w)
    # The draft changes between what Reza saw and his /approve (a new version arriving as he
    # types): made here in the store, so that nobody has been shown it.
    desk = w.service.bot.desk
    await w.db.run(lambda c: c.execute("UPDATE jobs SET draft_text = 'Sneaky', version ="
                                       " version + 1 WHERE id = 1"))
    w.say(w.reza, "/approve 1")
    await w.settle()
    assert (await rows(w, "SELECT status FROM jobs WHERE id = 1")) == [("drafted",)]
    said = [m for m in w.group_messages() if m._sim_author == w.bot.id]
    preview, answer = said[-2], said[-1]
    assert preview.message.startswith("Sneaky")
    assert [label for label, _ in w.buttons(preview)][0] == "✅ Approve"
    assert "changed since you last saw it" in answer.message
    w.say(w.reza, "/approve 1")  # now Reza has seen it
    await w.settle()
    assert (await rows(w, "SELECT status FROM jobs WHERE id = 1")) == [("published",)]
    assert desk is w.service.bot.desk


async def test_approve_command_works_for_a_draft_shown_in_the_group(w):
    await drafted(w)
    w.say(w.reza, "/approve 1")
    await w.settle()
    assert (await rows(w, "SELECT status FROM jobs WHERE id = 1")) == [("published",)]


async def test_a_translator_editor_sees_no_approve_on_their_own_draft(tmp_path):
    assert [b.action for b in preview_buttons(approve=False)[0]] == ["edit", "reject"]
    async with running(ReviewWorld(tmp_path, group=False)) as world:
        world.tg.post(world.vahed, FARSI)
        await world.settle()
        desk = world.service.bot.desk
        mina = desk.people[5003]
        await actions.act(desk, mina, mina.id, 1, actions.Action.CLAIM)
        response = await actions.submit(desk, mina, mina.id, 1, TRANSLATION, (), reply_to=None)
        own = [s for s in response.messages if getattr(s, "chat", None) == mina.id
               and s.buttons]
        assert own and [b.action for b in own[-1].buttons[0]] == ["edit", "reject"]
        reza = [s for s in response.messages if getattr(s, "chat", None) == 5002 and s.buttons]
        assert [b.action for b in reza[-1].buttons[0]] == ["approve", "edit", "reject"]
