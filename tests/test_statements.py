"""One statement, one job per target (issue 11): forwards and copies over the scripted Telegram."""

from __future__ import annotations

from relay.telegram.sim.cast import VAHED
from relay.telegram.sim.forwards import forward
from tests import statement_world
from tests.statement_world import FOOTER, OTHER, STATEMENT, jobs, members, publish

w = statement_world.w  # the fixture


async def test_a_forward_of_a_configured_source_joins_its_job(w):
    original = w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    forwarded = forward(w.tg, w.vahed, original.id, w.haft)
    await w.settle()
    assert forwarded.fwd_from.channel_post == original.id
    assert [j[1] for j in await jobs(w)] == [w.vahed.id, w.vahed.id]  # en, es: no new jobs
    assert await members(w) == [(w.haft.id, "forward")]
    card = w.card(1).message
    assert "Also in: [1] @haft_tappeh (forward)" in card
    audit = await w.rows("SELECT job_id, action FROM audit WHERE action='statement_joined'")
    assert audit == [(1, "statement_joined"), (2, "statement_joined")]


async def test_copies_across_three_sources_are_published_once_per_target(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, STATEMENT + FOOTER)  # a copy with the channel's footer
    w.tg.post(w.oil, "#اعتصاب\n" + STATEMENT)  # a copy with a hashtag line
    await w.settle()
    assert len(await jobs(w)) == 2
    assert sorted(await members(w)) == sorted([(w.haft.id, "copy"), (w.oil.id, "copy")])
    assert "Also in: [1] @haft_tappeh (copy), [2] @oil_contract_workers (copy)" in w.card(1).message
    await publish(w, 1, "Vahed workers rallied.")
    assert len(w.tg.history(w.out_en)) == 1
    w.tg.post(w.haft, OTHER)  # another statement: its own jobs
    await w.settle()
    assert len(await jobs(w)) == 4


async def test_a_copy_after_publication_tells_editors_and_posts_nothing(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    await publish(w, 1, "Vahed workers rallied.")
    assert len(w.tg.history(w.out_en)) == 1
    w.tg.post(w.haft, STATEMENT + FOOTER)
    await w.settle()
    assert len(await jobs(w)) == 2
    assert len(w.tg.history(w.out_en)) == 1
    told = [m.message for m in w.group_messages() if "a copy of this published" in m.message]
    assert told and "Job 1:" in told[0] and "haft_tappeh" in told[0]


async def test_an_editor_splits_a_false_match(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, STATEMENT + FOOTER)
    await w.settle()
    assert len(await jobs(w)) == 2
    w.press(w.reza, w.card(1), "Split [1] @haft_tappeh")
    await w.settle()
    rows = await jobs(w)
    assert [r[1] for r in rows] == [w.vahed.id] * 2 + [w.haft.id] * 2
    assert await members(w) == []
    assert "Also in" not in w.card(1).message
    assert w.card(3)  # the split post has its own cards
    audit = await w.rows("SELECT job_id, actor_id FROM audit WHERE action='statement_split'")
    assert audit == [(1, w.reza.id), (2, w.reza.id)]
    w.tg.post(w.oil, STATEMENT + FOOTER)  # the split post's text no longer attracts copies
    await w.settle()
    assert (w.oil.id, "copy") in await members(w)


async def test_join_two_jobs_by_command(w):
    w.tg.post(w.vahed, STATEMENT)
    await w.settle()
    w.tg.post(w.haft, OTHER)
    await w.settle()
    w.tg.post(w.oil, OTHER)
    await w.settle()
    assert len(await jobs(w)) == 4  # two statements, two jobs each
    w.say(w.reza, "/join 1 3")
    await w.settle()
    assert await w.rows("SELECT id, status, reason FROM jobs WHERE id IN (3, 4)") == [
        (3, "skipped", "joined into 1"), (4, "skipped", "joined into 1")]
    assert sorted(await members(w)) == sorted([(w.haft.id, "joined"), (w.oil.id, "copy")])
    card = w.card(1).message
    assert "@haft_tappeh (joined)" in card and "@oil_contract_workers (copy)" in card
    w.say(w.sara, "/join 1 2")  # a translator may not
    await w.settle()
    assert (await w.rows("SELECT status FROM jobs WHERE id = 2")) == [("queued",)]


async def test_a_channel_posting_its_own_text_again_makes_a_new_post(w):
    w.tg.post(w.vahed, STATEMENT)
    w.tg.post(w.vahed, STATEMENT + " ۲")
    await w.settle()
    assert len(await jobs(w)) == 4 and await members(w) == []


async def test_a_forward_from_an_unconfigured_public_channel_credits_its_origin(w):
    """Telegram sends the origin channel along: the card names it, and the outgoing post
    credits it with a link to the original, via the forwarding source (issue 11)."""
    steel = w.tg.add_channel("Ahvaz Steel Workers", username="ahvaz_steel")
    original = w.tg.post(steel, OTHER)
    forward(w.tg, steel, original.id, w.haft)
    await w.settle()
    fwd = (await w.rows("SELECT fwd_from FROM messages WHERE channel_id = ?", w.haft.id))[0][0]
    assert '"title":"Ahvaz Steel Workers"' in fwd and '"username":"ahvaz_steel"' in fwd
    assert "Forwarded from Ahvaz Steel Workers" in w.card(1).message
    await publish(w, 1, "Bandar Imam petrochemical workers stopped work for a third day.")
    [post] = w.tg.history(w.out_en)
    assert "Ahvaz Steel Workers" in post.message
    links = [e.url for e in post.entities or [] if hasattr(e, "url")]
    assert f"https://t.me/ahvaz_steel/{original.id}" in links


async def test_a_forward_from_a_private_channel_is_credited_as_telegram_shows_it(w):
    hidden = w.tg.add_channel("Secret Council")  # private, the watcher is not a member
    original = w.tg.post(hidden, OTHER)
    forward(w.tg, hidden, original.id, w.haft)
    await w.settle()
    fwd = (await w.rows("SELECT fwd_from FROM messages WHERE channel_id = ?", w.haft.id))[0][0]
    assert "Secret Council" not in fwd  # Telegram did not show it: never invented


async def test_a_statement_relay_import_stores_while_relay_runs_is_joined_by_live_copies(
        w, tmp_path, capsys, caplog):
    """`relay import` writes beside the running service: it tells it (SIGUSR1, found through
    the data folder's lock), the ingest process reads its statement index again, and a live
    copy of the imported statement joins it instead of getting jobs of its own."""
    import asyncio
    import json
    import logging
    import os
    import signal
    import time

    from relay.cli.main import main
    from relay.cli.maintenance import exclusive

    when = int(time.time()) - 60
    export = tmp_path / "result.json"
    export.write_text(json.dumps({"name": VAHED.name, "type": "public_channel",
                                  "id": w.vahed.id, "messages": [
                                      {"id": 900, "type": "message", "date": "2026-01-01T00:00:00",
                                       "date_unixtime": str(when), "from": VAHED.name,
                                       "from_id": f"channel{w.vahed.id}", "text": OTHER}]},
                                 ensure_ascii=False), encoding="utf-8")
    w.service.install_signal_handlers()
    try:
        with caplog.at_level(logging.INFO), exclusive(w.settings, "run"):  # as `relay run` does
            code = await asyncio.to_thread(
                main, ["--config", str(w.settings.path), "import", str(export)])
            for _ in range(500):
                if "statements.reindexed" in caplog.text:
                    break
                await asyncio.sleep(0.01)
    finally:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGUSR1):
            loop.remove_signal_handler(sig)
    assert code == 0
    assert f"told the running relay (pid {os.getpid()}) to read the statements again" in (
        capsys.readouterr().out)
    assert "statements.reindexed posts=1" in caplog.text
    assert [(c, t) for _, c, t, _ in await jobs(w)] == [(w.vahed.id, "en"), (w.vahed.id, "es")]
    w.tg.post(w.haft, OTHER + FOOTER)  # a live copy of the imported statement
    await w.settle()
    assert await members(w) == [(w.haft.id, "copy")]
    assert len(await jobs(w)) == 2
