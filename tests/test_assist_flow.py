"""Machine drafts end to end over the scripted Telegram and a scripted LibreTranslate server
on loopback: job queued -> draft on the card -> button -> the translator corrects and sends
it -> an editor approves -> what is published is the person's text, and the audit says it
started from the machine draft. Also: forged and foreign presses, a failing engine (one
warning line, cards without drafts), the breaker closing again, the figures."""

from __future__ import annotations

import asyncio
import io
import json
import logging

from relay.assist.scripted_engine import ScriptedEngine
from tests import assist_world
from tests.assist_world import FARSI, HUMAN, MACHINE, assisted_team, drafts_done, made
from tests.review_world import ReviewWorld

engine, w = assist_world.engine, assist_world.w  # the fixtures


async def post(w: ReviewWorld, text: str = FARSI, drafts: int = 1):
    w.tg.post(w.vahed, text)
    await w.settle()
    await drafts_done(w, drafts)
    return w.card(1)


async def test_draft_on_card_button_edit_submit_approve_publishes_the_persons_text(w, engine):
    card = await post(w)
    assert engine.requests[-1]["api_key"] == "lt-secret-key"
    assert "Machine draft (LibreTranslate, fa→en) — check before submitting:" in card.message
    assert card.message.endswith(MACHINE)
    assert "✍ Send me the machine draft" in [label for label, _ in w.buttons(card)]
    assert "Machine draft" not in w.card(2).message  # Spanish: no engine configured

    answer = w.press(w.sara, card, "machine draft")
    await w.settle()
    assert "yours" in answer.message
    sent = w.group_messages()
    assert sent[-2].message.startswith("Sara, job 1: the machine draft (LibreTranslate)")
    assert "correct it and send it back as a reply" in sent[-2].message
    assert sent[-1].message == MACHINE  # plain text to copy and correct
    assert "Being translated by Sara" in w.card(1).message
    assert "Machine draft" in w.card(1).message

    w.say(w.sara, HUMAN, reply_to=sent[-1].id)
    await w.settle()
    preview = w.last_from_bot()
    assert preview.message.startswith(HUMAN)
    assert "Machine draft" not in w.card(1).message  # the card now shows the submission
    w.press(w.reza, preview, "approve")
    await w.settle()
    [published] = w.tg.history(w.out_en)
    assert published.message.startswith(HUMAN) and MACHINE not in published.message

    audit = await w.rows("SELECT actor_id, action, detail FROM audit WHERE job_id = 1 AND"
                         " to_status IS NULL ORDER BY id")
    assert audit[0][:2] == (5001, "machine_draft_sent")
    assert audit[1][:2] == (5001, "from_machine_draft")
    assert "from machine draft (LibreTranslate, fa→en)" in audit[1][2]
    assert "sent by the button" in audit[1][2]

    await w.service.drafter.score_approved()
    figures = await w.service.store.assist_figures()
    [en] = figures.engines
    assert (en.engine, en.target, en.drafts, en.failed, en.scored) == (
        "LibreTranslate", "en", 1, 0, 1)
    assert 0 < en.chrf < 100 and en.ter > 0
    assert figures.submissions_with_draft == 1 and figures.from_draft == 1
    assert figures.median_seconds_with_draft == 0  # the test's clock stands still


async def test_an_edited_post_gets_a_fresh_draft_of_its_new_text(w, engine):
    card = await post(w)
    assert card.message.endswith(MACHINE)
    edited = FARSI + " تجمع فردا برگزار می‌شود."
    engine.translations[edited] = MACHINE + " A rally is held tomorrow."
    w.tg.edit(w.vahed, 1, edited)
    await w.settle()
    await made(w, 1)
    for _ in range(200):  # the worker drafts the new text in the background
        draft = await w.service.store.machine_draft(1)
        if draft.text != MACHINE:
            break
        await asyncio.sleep(0.01)
    await w.settle()
    assert draft.text == MACHINE + " A rally is held tomorrow."
    assert w.card(1).message.endswith(MACHINE + " A rally is held tomorrow.")
    assert [r["q"] for r in engine.requests] == [FARSI, edited]


async def test_an_independent_translation_is_not_from_the_draft(w):
    card = await post(w)
    w.press(w.sara, card, "claim")
    await w.settle()
    w.say(w.sara, "Today bus drivers in Tehran stopped work: pay is months late.",
          reply_to=card.id)
    await w.settle()
    [(action, detail)] = await w.rows("SELECT action, detail FROM audit WHERE job_id = 1 AND"
                                      " action LIKE '%machine_draft'")
    assert action == "not_from_machine_draft" and "sent by the button" not in detail


async def test_forged_and_foreign_presses_are_refused_and_logged(w, caplog):
    card = await post(w)
    data = w.button(card, "machine draft")
    w.press(w.sara, card, "claim")
    await w.settle()
    caplog.set_level(logging.INFO, logger="relay.bot")
    # Omid presses the (old) button of the job Sara holds: refused, nothing sent to her
    answer = w.tg.press(w.omid, w.group, card.id, data, forge=True)
    await w.settle()
    assert answer.alert and "changed" in answer.message
    fresh = w.card(1)
    answer = w.press(w.omid, fresh, "machine draft")
    await w.settle()
    assert answer.alert and "Sara" in answer.message
    assert not [m for m in w.group_messages() if m.message == MACHINE]
    # a stranger, and button data for another job signed for this chat by nobody
    answer = w.tg.press(w.stranger, w.group, fresh.id, w.button(fresh, "machine draft"),
                        forge=True)
    await w.settle()
    assert answer.alert
    forged = callback_data_for_other_job(w, fresh)
    answer = w.tg.press(w.sara, w.group, fresh.id, forged, forge=True)
    await w.settle()
    assert answer.alert
    refusals = [r.getMessage() for r in caplog.records if "bot.refused" in r.getMessage()]
    assert any("what=machine draft" in line or "what=\"machine draft\"" in line
               for line in refusals), refusals
    assert any("not configured" in line for line in refusals)
    assert any("bad button data" in line for line in refusals)


def callback_data_for_other_job(w: ReviewWorld, card) -> bytes:
    data = w.button(card, "machine draft")
    code, job, version, sig = data.decode().split(":")
    return f"{code}:{int(job) + 1}:{version}:{sig}".encode()


async def test_a_failing_engine_means_cards_without_drafts_and_one_warning(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="relay.assist")
    with ScriptedEngine() as engine:
        engine.mode, engine.status = "fail", 503
        async with assisted_team(tmp_path, engine) as world:
            for i in range(4):
                world.tg.post(world.vahed, f"{FARSI} {i}")
            await world.settle()
            await drafts_done(world, 2)
            await asyncio.sleep(0.2)
            rows = await world.rows("SELECT error FROM machine_drafts")
            assert rows == [("http",), ("http",)]  # then the breaker is open: no requests
            assert len(engine.requests) == 2
            assert all("Machine draft" not in c.message for c in world.cards())
            down = [r for r in caplog.records if "assist.engine_down" in r.getMessage()]
            assert len(down) == 1 and r"lt-secret-key" not in down[0].getMessage()

            engine.mode = "ok"  # the engine is back; after the cooldown one draft tries it
            world.clock.now += 61
            world.service.drafter.wake()
            await drafts_done(world, 4)
            await made(world, 4)
            drafted = await world.rows("SELECT job_id FROM machine_drafts WHERE text IS NOT"
                                       " NULL ORDER BY job_id")
            # issue 14 (done when): the jobs whose draft failed get one too once the engine
            # is back (this pinned [(5,), (7,)]: the two failed jobs stayed without a draft)
            assert drafted == [(1,), (3,), (5,), (7,)]
            # the trial is the oldest job without a draft; once it succeeds, the rest in order
            asked = [r["q"][-1] for r in engine.requests[2:]]
            assert asked == ["0", "1", "2", "3"]
            assert [r for r in caplog.records if "assist.engine_up" in r.getMessage()]
            warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
            assert len(warnings) == 1  # one warning line for the whole outage
            assert all("Machine draft" in world.card(job).message for job in (1, 3, 5, 7))


async def test_status_and_export_show_the_figures(w, tmp_path):
    from relay.cli.export import run_export
    from relay.cli.status import read_status, render_status

    card = await post(w)
    w.press(w.sara, card, "claim")
    await w.settle()
    w.say(w.sara, MACHINE, reply_to=card.id)  # copied from the card as it is
    await w.settle()
    w.press(w.reza, w.last_from_bot(), "approve")
    await w.settle()
    await w.service.drafter.score_approved()
    status = read_status(w.settings, now=w.clock.now)
    [row] = status["machine_drafts"]["engines"]
    assert row["engine"] == "LibreTranslate" and row["chrf"] == 100.0 and row["ter"] == 0.0
    assert status["machine_drafts"]["submissions"]["from_draft"] == 1
    assert "Machine drafts" in render_status(status)
    out = io.StringIO()
    counts = run_export(w.settings, out, what="machine_drafts")
    # issue 14: the figures too (this pinned {"machine_draft": 1}: the drafts only)
    assert counts == {"machine_draft": 1, "draft_figure": 3}
    [record, distance, with_draft, without] = [
        json.loads(line) for line in out.getvalue().splitlines()][1:]
    assert record["type"] == "machine_draft" and record["from_draft"] is True
    assert record["chrf"] == 100.0 and record["machine_draft"] == MACHINE
    assert (distance["type"], distance["figure"], distance["engine"], distance["target"],
            distance["chrf"], distance["ter"], distance["drafts"]) == (
        "draft_figure", "distance", "LibreTranslate", "en", 100.0, 0.0, 1)
    assert (with_draft["figure"], with_draft["with_draft"], with_draft["submissions"],
            with_draft["from_draft"], with_draft["median_seconds_card_to_submission"]) == (
        "card_to_submission", True, 1, 1, 0)
    assert (without["with_draft"], without["submissions"],
            without["median_seconds_card_to_submission"]) == (False, 0, None)
    out = io.StringIO()
    assert run_export(w.settings, out, fmt="csv", what="draft_figures") == {"draft_figure": 3}
    header, *rows = out.getvalue().splitlines()
    assert header.startswith("figure,engine,target,drafts,failed,scored,chrf,ter,with_draft")
    assert rows[0].startswith("distance,LibreTranslate,en,1,0,1,100.0,0.0,")
    out = io.StringIO()
    assert run_export(w.settings, out, fmt="csv", what="machine_drafts") == {"machine_draft": 1}


async def test_the_figures_count_a_submission_without_a_draft(w, engine):
    from relay.cli.export import run_export

    engine.mode, engine.status = "fail", 400  # the engine cannot do the pair: no draft
    card = await post(w)
    assert "Machine draft" not in card.message
    w.clock.now += 90
    w.press(w.sara, card, "claim")
    await w.settle()
    w.say(w.sara, HUMAN, reply_to=card.id)
    await w.settle()
    out = io.StringIO()
    run_export(w.settings, out, what="draft_figures")
    figures = [json.loads(line) for line in out.getvalue().splitlines()][1:]
    without = next(f for f in figures if f["with_draft"] is False)
    assert without["submissions"] == 1 and without["median_seconds_card_to_submission"] == 90
