"""Every refusal, by any path, logs one line: who, what, which job, why (issue 10)."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest

from relay.review import inbox
from relay.review.conversation import Press
from tests.review_world import said, team_with_a_card

FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."
REVIEW = Path(__file__).resolve().parents[1] / "relay" / "review"


@pytest.fixture
async def w(tmp_path):
    async with team_with_a_card(tmp_path) as world:
        yield world


def refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if "bot.refused" in r.getMessage()]


@pytest.mark.parametrize("command", ["/approve 1", "/reject 1 no", "/skip 1", "/reopen 1",
                                     "/retry 1", "/queue_post https://t.me/vahed/1",
                                     "/split 1 2"])
async def test_a_translator_sending_an_editors_command_is_refused_and_logged(w, caplog,
                                                                              command):
    desk = w.service.bot.desk
    with caplog.at_level(logging.INFO, logger="relay.bot"):
        response = await inbox.on_message(desk, said(w, 5001, command))
    assert not response.done
    [line] = refusals(caplog)
    name = command.split()[0]
    assert "user=5001" in line and f"what={name}" in line and 'reason="not editor"' in line
    if name != "/queue_post":
        assert "job=1" in line


@pytest.mark.parametrize("action", ["reject", "retry"])
async def test_a_translator_pressing_reject_or_retry_is_refused_and_logged(w, caplog, action):
    desk = w.service.bot.desk
    with caplog.at_level(logging.INFO, logger="relay.bot"):
        response = await inbox.on_press(desk, w.group.marked_id, 5001, False,
                                        Press(action, 1, 0), 1)
    assert not response.done
    [line] = refusals(caplog)
    assert "user=5001" in line and f"what={action}" in line and "job=1" in line
    assert 'reason="not an editor"' in line


async def test_answering_someone_elses_reject_prompt_is_refused_and_logged(w, caplog):
    desk = w.service.bot.desk
    w.press(w.sara, w.card(1), "claim")
    await w.settle()
    w.say(w.sara, "Vahed workers strike", reply_to=w.card(1).id)
    await w.settle()
    w.press(w.reza, w.last_from_bot(), "reject")
    await w.settle()
    prompt = w.last_from_bot()
    with caplog.at_level(logging.INFO, logger="relay.bot"):
        response = await inbox.on_message(desk, said(w, 5004, "not mine to say",
                                                     reply_to=prompt.id))
    assert not response.done
    [line] = refusals(caplog)
    assert "user=5004" in line and "job=1" in line and "the prompt was for Reza" in line


async def test_workflow_usage_and_button_refusals_are_logged_once(w, caplog):
    desk = w.service.bot.desk
    chat = w.group.marked_id
    cases = [
        inbox.on_message(desk, said(w, 5001, "/claim")),  # usage
        inbox.on_message(desk, said(w, 5001, "/frobnicate")),  # unknown command
        inbox.on_message(desk, said(w, 5002, "/approve 1")),  # wrong state
        inbox.on_message(desk, said(w, 5001, "/lang 1 xx")),  # unknown language code
        inbox.on_press(desk, chat, 5001, False, None, 1),  # forged button
        inbox.on_press(desk, chat, 5001, False, Press("claim", 1, 99), 1),  # outdated
        inbox.on_press(desk, chat, 5001, False, Press("use_yes", 1, 12345), 1),  # no question
    ]
    for case in cases:
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="relay.bot"):
            response = await case
        assert not response.done
        assert len(refusals(caplog)) == 1, refusals(caplog)
        assert "user=5001" in refusals(caplog)[0] or "user=5002" in refusals(caplog)[0]


def test_refusals_go_through_the_desk():
    """``Response.refused`` is only called by ``Desk.refuse`` (and for people not on the team,
    whom ``Desk.person_for`` logs)."""
    for path in REVIEW.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
                 and isinstance(n.func, ast.Attribute) and n.func.attr == "refused"]
        for call in calls:
            source = ast.get_source_segment(path.read_text(encoding="utf-8"), call) or ""
            assert path.name == "desk.py" or "no.not_configured" in source, (path.name, source)
