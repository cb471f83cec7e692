"""Issue 11, the rules left: credit when several sources carry a statement, the window as a
config key, /join in the editors' menus, backfill and import matching, edits of member posts.
Over the scripted Telegram (and pure tests of the template fields)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest

from relay.config import ChannelRef, ConfigError, Target, load_settings
from relay.core.jobview import Member
from relay.importer import import_export
from relay.telegram.backfill import backfill
from relay.telegram.client import ReadOnlyClient
from relay.telegram.sim.cast import HAFT_TAPPEH, OIL_CONTRACT_WORKERS, TARGETS, VAHED, config_toml
from relay.text.compose import compose
from relay.text.template import FIELDS, Field, parse_template, without_lines_of
from relay.text.wording import LANGUAGES, default_template, wording
from tests import review_world, statement_world
from tests.review_world import running
from tests.statement_world import FOOTER, OTHER, STATEMENT, jobs, members, publish, world_with
from tests.test_wording import BASE

DAY = 86400


w = statement_world.w  # the fixture


def at(days: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(1_800_000_000 + days * DAY, dt.UTC)


# ------------------------------------------------------------------ credit: several sources
async def test_the_earliest_source_is_credited_and_the_others_named_in_each_language(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, STATEMENT + FOOTER)
    w.tg.post(w.oil, "#اعتصاب\n" + STATEMENT)
    await w.settle()
    await publish(w, 1, "Vahed workers rallied.")
    await publish(w, 2, "Los trabajadores de Vahed se concentraron.")
    [en] = w.tg.history(w.out_en)
    [es] = w.tg.history(w.out_es)
    assert f"Source: Telegram channel of {VAHED.name}" in en.message
    assert (f"Also published by {HAFT_TAPPEH.name}, {OIL_CONTRACT_WORKERS.name}"
            in en.message)
    assert f"También publicado por {HAFT_TAPPEH.name}, {OIL_CONTRACT_WORKERS.name}" in es.message
    assert "Also published" not in es.message


async def test_a_copy_arriving_after_publication_is_not_added_to_the_credit(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, STATEMENT + FOOTER)
    await w.settle()
    await publish(w, 1, "Vahed workers rallied.")
    w.tg.post(w.oil, STATEMENT)
    await w.settle()
    [en] = w.tg.history(w.out_en)
    assert f"Also published by {HAFT_TAPPEH.name}" in en.message
    assert OIL_CONTRACT_WORKERS.name not in en.message


async def test_a_statement_only_one_source_carries_has_no_also_line(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    await publish(w, 1, "Vahed workers rallied.")
    [en] = w.tg.history(w.out_en)
    assert "Also published" not in en.message and en.message.endswith(
        "Translation: Shahrokh Zamani Action Campaign")


def target(template: str | None = None, language: str = "en") -> Target:
    extra = {"template": template} if template else {}
    return Target(key=language, ref=ChannelRef("relay_" + language, None), language=language,
                  credit="Campaign", **extra)  # type: ignore[arg-type]


SEVERAL = replace(BASE, also_in=(
    Member(1, 111, "vahed", "Vahed Syndicate", 5, "copy", BASE.message_date + 60),
    Member(2, 222, None, "Oil Council", 8, "copy", BASE.message_date + 120),
    Member(3, 111, "vahed", "Vahed Syndicate", 6, "joined", BASE.message_date + 180)))


def only_text(job, tgt) -> str:
    [part] = compose(job, tgt, "Sara")
    return part.text


def test_the_template_decides_first_source_or_all():
    first = "{translation}\n\nSource: {source_name}"
    every = "{translation}\n\nSources: {sources}"
    also = "{translation}\n\nBy {source_name}\nAlso: {also_names}\nThanks: {credit}"
    assert only_text(SEVERAL, target(first)).endswith("Source: Haft Tappeh Union")
    assert only_text(SEVERAL, target(every)).endswith(
        "Sources: Haft Tappeh Union, Vahed Syndicate, Oil Council")  # each channel once
    assert only_text(SEVERAL, target(also)).endswith(
        "By Haft Tappeh Union\nAlso: Vahed Syndicate, Oil Council\nThanks: Campaign")
    # alone: {sources} is the source, and the line showing {also_names} is left out
    assert only_text(BASE, target(every)).endswith("Sources: Haft Tappeh Union")
    assert only_text(BASE, target(also)).endswith("By Haft Tappeh Union\nThanks: Campaign")


def test_a_copy_published_earlier_is_the_one_credited():
    earlier = replace(BASE, also_in=(
        Member(1, 111, "vahed", "Vahed Syndicate", 5, "copy", BASE.message_date - DAY),))
    text = only_text(earlier, target())
    assert "Source: Telegram channel of Vahed Syndicate" in text
    assert text.endswith("Also published by Haft Tappeh Union")
    [part] = compose(earlier, target(), "Sara")
    links = [e.url for e in part.entities if e.url]
    assert links == ["https://t.me/vahed/5"]


def test_the_also_line_is_in_every_built_in_language():
    assert {"sources", "also_names"} <= set(FIELDS)
    seen = set()
    for language in LANGUAGES:
        words = wording(language)
        assert "{names}" in words.also
        seen.add(words.also)
        text = only_text(SEVERAL, target(language=language))
        assert words.also.format(names=words.list_separator.join(
            ["Vahed Syndicate", "Oil Council"])) in text.replace("\u2068", "").replace(
            "\u2069", ""), language
        parse_template(default_template(language, several=True))
        parse_template(default_template(language, forwarded=True, several=True))
    assert len(seen) == len(LANGUAGES)
    assert wording("fa").list_separator == "، " and wording("es").list_separator == ", "


def test_lines_showing_an_empty_field_are_left_out():
    parsed = parse_template("{translation}\nA {also_names}\nB {credit}")
    assert without_lines_of(parsed.tail, {"also_names"}) == ("\nB ", Field("credit"))
    head = parse_template("Also: {also_names}\nTop\n{translation}").head
    assert without_lines_of(head, {"also_names"}) == ("Top\n",)


def test_relay_check_knows_the_new_fields(tmp_path):
    from relay.text.template import validate_template
    validate_template("{translation}\n{sources} / {also_names}")
    with pytest.raises(ValueError, match="also_name"):
        validate_template("{translation}\n{also_name}")


# ------------------------------------------------------------------ the window
async def test_the_window_is_a_config_key(tmp_path, monkeypatch):
    world = world_with(tmp_path, monkeypatch, "\n[watcher]\nstatement_window_days = 2\n")
    assert world.settings.watcher.statement_window_days == 2
    async with running(world):
        world.tg.post(world.vahed, STATEMENT, date=at(0))
        await world.settle()
        world.tg.post(world.haft, STATEMENT + FOOTER, date=at(1.5))  # inside: joins
        # more than 2 days after every post carrying it (a copy of a copy counts): its own jobs
        world.tg.post(world.oil, STATEMENT, date=at(4))
        await world.settle()
        assert await members(world) == [(world.haft.id, "copy")]
        assert [r[1] for r in await jobs(world)] == [world.vahed.id] * 2 + [world.oil.id] * 2


@pytest.mark.parametrize("value", ["0", "-3", "\"soon\""])
def test_the_window_must_be_positive_days(tmp_path, value):
    path = tmp_path / "relay.toml"
    path.write_text(review_world._SETTINGS.format(data=tmp_path.as_posix(), review_chat="",
                                                  four_eyes="true")
                    + config_toml((VAHED,), TARGETS, review_world.PEOPLE)
                    + f"\n[watcher]\nstatement_window_days = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="statement_window_days"):
        load_settings(path, env={"RELAY_BOT_TOKEN": "1:x"})


# ------------------------------------------------------------------ /join in the menus
async def test_join_is_in_the_editors_menus_and_help(w):
    menus = {key: [c.command for c in commands] for key, commands in w.tg.bot_commands.items()}
    reza = [names for (scope, _), names in menus.items() if scope.endswith(str(w.reza.id))]
    sara = [names for (scope, _), names in menus.items() if scope.endswith(str(w.sara.id))]
    assert reza and all("join" in names for names in reza)
    assert sara and not any("join" in names for names in sara)
    w.say(w.reza, "/help")
    await w.settle()
    assert "/join <job> <job>" in w.last_from_bot().message
    w.tg.post(w.haft, OTHER)
    await w.settle()
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.say(w.reza, "/join 1 3")
    await w.settle()
    audit = await w.rows("SELECT job_id, actor_id, action FROM audit WHERE action LIKE"
                         " 'statement_joined%' ORDER BY id")
    assert (1, w.reza.id, "statement_joined") in audit
    assert (3, w.reza.id, "statement_joined_into") in audit


# ------------------------------------------------------------------ edits of member posts
async def test_an_edited_copy_that_no_longer_matches_leaves_and_editors_are_told(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    copy = w.tg.post(w.haft, STATEMENT + FOOTER)
    await w.settle()
    assert await members(w) == [(w.haft.id, "copy")]
    w.tg.edit(w.haft, copy.id, OTHER)  # the channel pasted the wrong text and fixed it
    await w.settle()
    assert await members(w) == []
    rows = await jobs(w)
    assert [r[1] for r in rows] == [w.vahed.id] * 2 + [w.haft.id] * 2
    assert "Also in" not in w.card(1).message and w.card(3)
    told = [m.message for m in w.group_messages() if "no longer this statement" in m.message]
    assert told and told[0].startswith("Job 1:") and "haft_tappeh" in told[0] and "3, 4" in told[0]
    audit = await w.rows("SELECT job_id FROM audit WHERE action = 'statement_left'")
    assert audit == [(1,), (2,)]
    w.tg.post(w.oil, STATEMENT)  # a later copy of the statement still joins the statement...
    w.tg.post(w.vahed, OTHER + "\n\n#کارگران")  # ...and one of the new text joins the copy's
    await w.settle()
    assert sorted(await members(w)) == sorted([(w.oil.id, "copy"), (w.vahed.id, "copy")])
    leads = await w.rows("SELECT channel_id, lead_channel_id FROM statement_members ORDER BY id")
    assert sorted(leads) == sorted([(w.oil.id, w.vahed.id), (w.vahed.id, w.haft.id)])


async def test_an_edited_copy_that_still_matches_changes_only_its_text(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    copy = w.tg.post(w.haft, STATEMENT + FOOTER)
    await w.settle()
    w.tg.edit(w.haft, copy.id, STATEMENT + "\n\n@haft_tappeh")  # a footer changed
    await w.settle()
    assert await members(w) == [(w.haft.id, "copy")]
    assert len(await jobs(w)) == 2
    assert await w.rows("SELECT text FROM messages WHERE channel_id = ?", w.haft.id) == [
        (STATEMENT + "\n\n@haft_tappeh",)]
    assert not [m for m in w.group_messages() if "no longer this statement" in m.message]
    assert await w.rows("SELECT 1 FROM audit WHERE action = 'statement_left'") == []


async def test_the_leading_post_edited_updates_the_statement_and_keeps_its_copies(w):
    lead = w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, STATEMENT + FOOTER)
    await w.settle()
    w.tg.edit(w.vahed, lead.id, OTHER)
    await w.settle()
    assert await members(w) == [(w.haft.id, "copy")]  # copies stay; editors may split
    assert await w.rows("SELECT source_text FROM jobs WHERE id = 1") == [(OTHER,)]


# ------------------------------------------------------------------ backfill and import
NO_FIRST_CATCH_UP = "\n[watcher]\nfirst_catch_up_posts = 0\n"


@pytest.fixture
async def quiet(tmp_path, monkeypatch):
    """A world whose watcher fetches no history at its first start: that is for backfill."""
    world = world_with(tmp_path, monkeypatch, NO_FIRST_CATCH_UP)
    yield world
    await world.stop()


async def test_a_copy_fetched_by_backfill_joins_its_statement_and_is_credited_first(quiet):
    w = quiet
    w.tg.post(w.haft, STATEMENT + FOOTER, date=at(-1))  # history the watcher never read
    w.tg.post(w.haft, OTHER, date=at(-0.5))
    await w.start()
    w.tg.post(w.vahed, STATEMENT, date=at(0))
    await w.settle()
    assert len(await jobs(w)) == 2
    client = w.tg.client(w.watcher, cls=ReadOnlyClient)
    await client.connect()
    try:
        report = await backfill(client, w.service.store, w.settings, "@haft_tappeh")
    finally:
        await client.disconnect()
    assert report.stored == 2 and report.jobs == 2  # OTHER got its own jobs, the copy none
    assert await members(w) == [(w.haft.id, "copy")]
    assert [r[1] for r in await jobs(w)] == [w.vahed.id] * 2 + [w.haft.id] * 2
    w.service.bot.notify([1])  # the service learns of it as of any change (cards refreshed)
    await w.settle()
    await publish(w, 1, "Vahed workers rallied.")
    [en] = w.tg.history(w.out_en)
    assert f"Source: Telegram channel of {HAFT_TAPPEH.name}" in en.message  # it was earlier
    assert f"Also published by {VAHED.name}" in en.message


async def test_a_copy_in_an_import_joins_its_statement(quiet, tmp_path):
    w = quiet
    await w.start()
    w.tg.post(w.vahed, STATEMENT, date=at(0))
    await w.settle()
    messages = [
        {"id": 7, "type": "message", "date": "2027-01-15T08:00:00",
         "date_unixtime": str(int(at(1).timestamp())), "from": "Haft Tappeh",
         "from_id": f"channel{w.haft.id}", "text": "#اعتصاب\n" + STATEMENT},
        {"id": 8, "type": "message", "date": "2027-01-15T09:00:00",
         "date_unixtime": str(int(at(1.1).timestamp())), "from": "Haft Tappeh",
         "from_id": f"channel{w.haft.id}", "text": STATEMENT + "!"},  # the same copy again
    ]
    export = {"chats": {"list": [{"name": HAFT_TAPPEH.name, "type": "public_channel",
                                  "id": w.haft.id, "messages": messages}]}}
    path = tmp_path / "result.json"
    path.write_text(json.dumps(export, ensure_ascii=False), encoding="utf-8")
    report = await import_export(w.service.store, w.settings, path)
    assert report.chats[0].stored == 2 and report.chats[0].jobs_created == 0
    assert await members(w) == [(w.haft.id, "copy"), (w.haft.id, "copy")]
    assert len(await jobs(w)) == 2
