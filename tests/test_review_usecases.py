"""The review use cases without Telegram: commands declared once, plain values in, plain
responses out (relay.review.commands, inbox, actions, board)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from relay.config import Person
from relay.review import actions, board, inbox
from relay.review.commands import (
    BY_NAME,
    COMMAND_HELP,
    COMMANDS,
    Access,
    commands_for,
    run_command,
)
from relay.review.conversation import Press, RefreshCards, Response, Say
from relay.review.desk import Desk
from relay.review.texts import t
from tests.review_world import command as ask
from tests.review_world import said, team_with_a_card

REVIEW = Path(__file__).resolve().parents[1] / "relay" / "review"
FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."

SARA = Person(5001, "Sara", frozenset({"translator"}))
REZA = Person(5002, "Reza", frozenset({"editor"}))
MINA = Person(5003, "Mina", frozenset({"translator", "editor"}), "fa")


# ---------------------------------------------------------------- one declaration per command
def test_command_names_are_unique_and_every_one_has_a_handler_usage_and_help():
    assert len(BY_NAME) == len(COMMANDS)
    for command in COMMANDS:
        assert command.usage.startswith(f"/{command.name}")
        assert all(command.help) and callable(command.handler)


def test_menus_per_role_are_built_from_the_declarations():
    names = {who: [c.name for c in commands_for(person)]
             for who, person in (("anyone", None), ("sara", SARA), ("reza", REZA))}
    assert names["anyone"] == ["whoami"]
    assert names["sara"] == ["help", "queue", "show", "claim", "tr", "lang", "search", "stats",
                             "whoami"]
    assert names["reza"] == ["help", "queue", "show", "claim", "tr", "approve", "reject", "skip",
                             "reopen", "retry", "join", "split", "lang", "queue_post", "search", "stats", "glossary",
                             "whoami"]
    assert [c.name for c in commands_for(MINA)] == names["reza"]
    assert "start" not in COMMAND_HELP and set(COMMAND_HELP) == set(names["reza"])


def test_menu_description_and_usage_come_from_one_place():
    approve = BY_NAME["approve"]
    assert approve.usage == "/approve <job>"
    assert approve.description("en") == "<job> approve a translation"
    assert approve.description("fa") == "<job> تأیید ترجمه"
    assert BY_NAME["stats"].description("en") == "queue and translator figures"
    assert COMMAND_HELP["reject"] == ("<job> <reason> send a translation back",
                                      "<job> <reason> برگرداندن ترجمه")


def test_access_decides_who_and_names_the_refusal():
    assert Access.EVERYONE.allows(None) and not Access.TRANSLATOR.allows(None)
    assert Access.TRANSLATOR.allows(SARA) and not Access.EDITOR.allows(SARA)
    assert Access.EDITOR.allows(REZA) and Access.EDITOR.allows(MINA)
    assert Access.EDITOR.refusal == "no.not_editor"
    assert Access.TRANSLATOR.refusal == "no.not_translator"


def test_desk_name_of_knows_the_team_and_falls_back(settings):
    desk = Desk(object(), settings)  # the store is not used for names
    person = settings.people[0]
    assert desk.name_of(person.id, "?") == person.name
    assert desk.name_of(424242, "?") == "?"
    assert desk.name_of(None, "relay") == "relay"


def test_refused_takes_any_sequence_of_messages():
    said = (Say.plain(1, "hi"),)
    response = Response.refused("no", said)
    assert response.messages == list(said) and response.answer == "no" and not response.done
    assert Response.refused("no").messages == []


def test_review_layer_imports_no_telegram():
    for path in REVIEW.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert not name.startswith(("telethon", "relay.telegram")), (path.name, name)


# ---------------------------------------------------------------- use cases over the store
@pytest.fixture
async def w(tmp_path):
    async with team_with_a_card(tmp_path) as world:
        yield world


async def test_help_lists_exactly_the_commands_of_the_role(w):
    desk = w.service.bot.desk
    sara = (await run_command(desk, desk.people[5001], said(w, 5001, "/help"))).answer
    reza = (await run_command(desk, desk.people[5002], said(w, 5002, "/help"))).answer
    assert "/tr <job> <translation> — submit a translation" in sara
    assert "/approve" not in sara and "/approve <job> — approve a translation" in reza
    mina = (await run_command(desk, desk.people[5003], said(w, 5003, "/start"))).answer
    assert "/approve <job> — تأیید ترجمه" in mina and mina.startswith("ربات بازبینی رله")


async def test_a_command_answers_with_plain_text_and_sends_nothing_itself(w):
    desk = w.service.bot.desk
    before = len(w.group_messages())
    response = await inbox.on_message(desk, said(w, 5001, "/queue"))
    assert isinstance(response, Response) and response.messages == []
    assert response.answer.startswith("Queue: 2 job(s) waiting")
    assert len(w.group_messages()) == before  # the adapter sends; the use case only says what


async def test_refusals_for_roles_and_unknown_commands(w):
    desk = w.service.bot.desk
    skip = await inbox.on_message(desk, said(w, 5001, "/skip 1"))
    assert not skip.done and skip.answer == t("en", "no.not_editor")
    unknown = await inbox.on_message(desk, said(w, 5002, "/frobnicate"))
    assert not unknown.done and "Unknown command" in unknown.answer
    other_bot = await inbox.on_message(desk, said(w, 5001, "/queue@some_other_bot"))
    assert other_bot is None
    stranger = await inbox.on_message(desk, said(w, 6666, "/queue"))
    assert not stranger.done and "not on this relay's team" in stranger.answer
    chatter = await inbox.on_message(desk, said(w, 5001, "hello all"))
    assert chatter is None


async def test_a_press_returns_the_answer_and_which_cards_to_refresh(w):
    desk = w.service.bot.desk
    response = await inbox.on_press(desk, w.group.marked_id, 5001, False, Press("claim", 1, 0),
                                    message_id=1)
    assert response.done and "yours" in response.answer
    assert response.messages == [RefreshCards(1)]
    again = await inbox.on_press(desk, w.group.marked_id, 5004, False, Press("claim", 1, 0), 1)
    assert not again.done and "out of date" in again.answer  # version 0 is gone
    forged = await inbox.on_press(desk, w.group.marked_id, 5001, False, None, 1)
    assert not forged.done and "not valid" in forged.answer


async def test_submit_says_thanks_then_the_preview_then_refreshes_the_card(w):
    desk = w.service.bot.desk
    card = w.card(1)
    await actions.act(desk, desk.people[5001], w.group.marked_id, 1, actions.Action.CLAIM)
    response = await inbox.on_message(desk, said(w, 5001, "Vahed workers strike.",
                                                 reply_to=card.id))
    thanks, *preview, refresh = response.messages
    assert isinstance(thanks, Say) and thanks.text.text.startswith("Thank you. Job 1")
    assert thanks.reply_to == 900
    assert preview and all(p.remember == "preview" and p.job_id == 1 for p in preview)
    assert [b.action for b in preview[-1].buttons[0]] == ["approve", "edit", "reject"]
    assert refresh == RefreshCards(1)
    assert response.answer is None


async def test_approval_wakes_the_publisher_and_tells_the_translator(w):
    desk = w.service.bot.desk
    await actions.act(desk, desk.people[5001], w.group.marked_id, 1, actions.Action.CLAIM)
    await actions.submit(desk, desk.people[5001], w.group.marked_id, 1, "Strike.", (),
                         reply_to=None)
    response = await actions.act(desk, desk.people[5002], w.group.marked_id, 1,
                                 actions.Action.APPROVE)
    assert response.done and response.wake_publisher
    refresh, told = response.messages
    assert refresh == RefreshCards(1)
    assert told.chat == 5001 and "approved by Reza" in told.text.text
    assert told.on_failure == "bot.tell_failed" and told.fallback == w.group.marked_id


async def test_cards_are_described_for_every_review_chat(w):
    desk = w.service.bot.desk
    [card] = await board.new_card(desk, 1)
    assert card.chat == w.group.marked_id and card.remember == "card"
    assert card.text.text.startswith("Job 1 · fa → EN · QUEUED")
    [edit] = await board.card_edits(desk, 1)
    assert edit.message_id == w.card(1).id and edit.text == card.text
    assert await board.new_card(desk, 999) == []


async def test_a_superscript_digit_is_no_job_number(w):
    """str.isdigit() takes "²", which int() refuses: the command died with a traceback and
    nobody was answered."""
    assert await ask(w, w.reza, "/show ²") == "Usage: /show <job>"
    assert await ask(w, w.reza, "/queue_post @vahed ²") == \
        "Usage: /queue_post <post link> [target ...]"
