"""Reloading the configuration in a running relay (issue 12): people, sources and targets are
taken without a restart; a broken file keeps the running configuration; everything else waits
for a restart. In process, on the review team's world (real store, real Telethon, the
simulated Telegram)."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from relay.config import load_settings
from relay.telegram.sim.cast import (
    EN,
    ES,
    HAFT_TAPPEH,
    MINA,
    OMID,
    REZA,
    SARA,
    VAHED,
    CastPerson,
    config_toml,
)
from tests.review_world import BOT_TOKEN, STRIKE_FARSI, ReviewWorld

TRANSLATION = "Vahed bus workers went on strike today over unpaid wages."
STRANGER = CastPerson(6666, "Stranger", ("translator",))


def write_config(w: ReviewWorld, *, sources=(VAHED,), targets=(EN, ES),
                 people=(SARA, REZA, MINA, OMID), head: str | None = None,
                 tail: str = "") -> None:
    head = head if head is not None else (
        f'[storage]\ndata_dir = "{w.settings.storage.data_dir.as_posix()}"\n\n'
        f"[review]\nchat = {w.group.marked_id}\nclaim_minutes = 30\nfour_eyes = true\n\n")
    w.settings.path.write_text(head + config_toml(sources, targets, people) + tail,
                               encoding="utf-8")


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[ReviewWorld]:
    world = ReviewWorld(tmp_path)
    world.haft = HAFT_TAPPEH.add_to(world.tg, members=[world.watcher])
    service = await world.start()
    service.reloader.load = lambda: load_settings(world.settings.path,
                                                  env={"RELAY_BOT_TOKEN": BOT_TOKEN})
    try:
        yield world
    finally:
        await world.stop()


async def reload(w: ReviewWorld):
    change = await w.service.reloader.reload()
    await w.settle()
    return change


def reloaded_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("config.")]


async def carded_post(w: ReviewWorld, chan=None) -> int:
    w.tg.post(chan or w.vahed, STRIKE_FARSI)
    await w.settle()
    return (await w.rows("SELECT MAX(id) FROM jobs"))[0][0]


async def test_people_added_and_removed_take_effect_on_the_next_press(w, caplog):
    await carded_post(w)
    write_config(w, people=(REZA, MINA, OMID, STRANGER))  # Sara leaves, the stranger joins
    with caplog.at_level(logging.INFO, logger="relay.service"):
        change = await reload(w)
    assert change.people.added == ("Stranger (6666)",) and change.people.removed == ("Sara (5001)",)
    [line] = reloaded_lines(caplog)
    assert line.startswith("config.reloaded file=") and "people=\"+1 -1 ~0\"" in line
    assert "sources=\"+0 -0 ~0\"" in line and "targets=\"+0 -0 ~0\"" in line

    refused = w.press(w.sara, w.card(1), "claim")
    await w.settle()
    assert refused.alert and "not on this relay's team" in refused.message
    taken = w.press(w.stranger, w.card(1), "claim")
    await w.settle()
    assert "yours" in taken.message
    assert (await w.rows("SELECT claimed_by FROM jobs WHERE id = 1")) == [(6666,)]


async def test_a_role_change_is_checked_on_the_next_command(w):
    await carded_post(w)
    w.press(w.sara, w.card(1), "claim")
    await w.settle()
    w.say(w.sara, TRANSLATION, reply_to=w.card(1).id)
    await w.settle()
    preview = w.last_from_bot()
    demoted = CastPerson(REZA.id, "Reza", ("translator",))
    write_config(w, people=(SARA, demoted, MINA, OMID))
    change = await reload(w)
    assert change.people.changed == ("Reza (5002)",)
    answer = w.press(w.reza, preview, "approve")
    await w.settle()
    assert answer.alert and answer.message == "Only editors can do that."
    assert (await w.rows("SELECT status FROM jobs WHERE id = 1")) == [("drafted",)]


async def test_a_new_source_is_watched_and_a_removed_one_is_not(w, caplog):
    write_config(w, sources=(HAFT_TAPPEH,))
    with caplog.at_level(logging.INFO, logger="relay.service"):
        change = await reload(w)
    assert change.sources.added == ("@haft_tappeh",) and change.sources.removed == ("@vahed",)
    assert [x.source.ref.username for x in w.service.watcher.watched] == ["haft_tappeh"]
    w.tg.post(w.haft, "کارگران هفت تپه امروز در اعتراض به حقوق معوقه تجمع کردند.")
    w.tg.post(w.vahed, STRIKE_FARSI)
    await w.settle()
    stored = await w.rows("SELECT c.username, COUNT(*) FROM messages m "
                          "JOIN channels c ON c.id = m.channel_id GROUP BY c.username")
    assert stored == [("haft_tappeh", 1)]
    [line] = reloaded_lines(caplog)
    assert "sources=\"+1 -1 ~0\"" in line and "added_sources=@haft_tappeh" in line


async def test_a_new_source_is_caught_up_as_at_start(w):
    w.tg.post(w.haft, "کارگران هفت تپه امروز در اعتراض به حقوق معوقه تجمع کردند.")
    await w.settle()
    assert await w.rows("SELECT COUNT(*) FROM messages") == [(0,)]
    write_config(w, sources=(VAHED, HAFT_TAPPEH))
    await reload(w)
    assert await w.rows("SELECT COUNT(*) FROM messages") == [(1,)]  # posted before the reload
    assert await w.rows("SELECT COUNT(*) FROM jobs") == [(2,)]


async def test_target_changes_apply_to_the_next_publication(w):
    new_en = EN.__class__(EN.key, EN.username, EN.language, "A new credit", EN.title)
    write_config(w, targets=(new_en,))  # the Spanish target goes, the English credit changes
    change = await reload(w)
    assert change.targets.removed == ("es",) and change.targets.changed == ("en",)
    job = await carded_post(w)
    assert await w.rows("SELECT target FROM jobs") == [("en",)]  # no Spanish job any more
    w.press(w.sara, w.card(job), "claim")
    await w.settle()
    w.say(w.sara, TRANSLATION, reply_to=w.card(job).id)
    await w.settle()
    w.press(w.reza, w.last_from_bot(), "approve")
    await w.settle()
    [post] = w.tg.history(w.out_en)
    assert post.message.endswith("Translation: A new credit")


async def test_a_broken_config_keeps_the_running_one(w, caplog):
    write_config(w, people=(REZA, MINA, OMID), tail='[[people]]\nid = 7\nname = "X"\n'
                 'roles = ["boss"]\n')
    with caplog.at_level(logging.INFO, logger="relay.service"):
        assert await reload(w) is None
    [line] = reloaded_lines(caplog)
    assert line.startswith("config.reload_failed error=")
    assert "relay.toml: people[3].roles[0]: unknown role 'boss'" in line
    assert "note=\"the running configuration is kept\"" in line and "\n" not in line
    assert w.service.settings.person(SARA.id) is not None  # Sara is still on the team
    await carded_post(w)
    answer = w.press(w.sara, w.card(1), "claim")
    await w.settle()
    assert "yours" in answer.message


async def test_what_needs_a_restart_is_named_and_kept(w, caplog):
    data = w.settings.storage.data_dir.as_posix()
    write_config(w, head=f'[storage]\ndata_dir = "{data}"\ndatabase = "other.db"\n'
                 f"max_media_mb = 5\n\n[review]\nchat = {w.group.marked_id}\n"
                 "claim_minutes = 45\nfour_eyes = true\n\n"
                 '[proxy]\nurl = "socks5://127.0.0.1:1080"\n\n')
    with caplog.at_level(logging.INFO, logger="relay.service"):
        change = await reload(w)
    assert change.restart_needed == ("review.claim_minutes", "storage.database",
                                     "storage.max_media_mb", "proxy.url (RELAY_PROXY)",
                                     "proxy.bot_url (RELAY_BOT_PROXY)")
    lines = reloaded_lines(caplog)
    assert lines[0] == ('config.restart_needed keys="review.claim_minutes,storage.database,'
                        'storage.max_media_mb,proxy.url (RELAY_PROXY),proxy.bot_url '
                        '(RELAY_BOT_PROXY)" note="running values kept until relay restarts"')
    assert lines[-1] == f"config.reloaded file={w.settings.path} changes=none"
    running = w.service.settings
    assert running.review.claim_minutes == 30 and running.storage.database.name == "relay.db"
    assert running.proxy.watcher is None


async def test_sighup_reloads(w):
    import asyncio
    import os
    import signal

    w.service.install_signal_handlers()
    write_config(w, people=(SARA, REZA, MINA, OMID, STRANGER))
    before = w.service.reloader.reloads
    os.kill(os.getpid(), signal.SIGHUP)
    for _ in range(200):
        if w.service.reloader.reloads > before:
            break
        await asyncio.sleep(0.01)
    assert w.service.settings.person(6666) is not None
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        loop.remove_signal_handler(sig)


# ---------------------------------------------------------------------------- a real process
def _stored_by_channel(db: Path) -> dict[str, int]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT c.username, COUNT(*) FROM messages m JOIN channels c "
                                 "ON c.id = m.channel_id GROUP BY c.username").fetchall())
    finally:
        conn.close()


def test_relay_reload_signals_the_running_relay_which_watches_the_new_source(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`relay reload` finds the real `relay run` through the data folder's lock and sends it
    SIGHUP; the service takes the new source without a restart and logs one line."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from relay.cli.main import main

    env = {**os.environ, "RELAY_API_ID": "12345", "RELAY_API_HASH": "0123456789abcdef" * 2,
           "RELAY_BOT_TOKEN": BOT_TOKEN}
    child = subprocess.Popen([sys.executable, "-m", "tests.reload_child", str(tmp_path)],
                             cwd=Path(__file__).parent.parent, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    config = tmp_path / "relay.toml"
    try:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        assert "haft_tappeh" not in _stored_by_channel(tmp_path / "relay.db")
        config.write_text(config.read_text(encoding="utf-8") + "\n" + HAFT_TAPPEH.toml(),
                          encoding="utf-8")
        assert main(["--config", str(config), "reload"]) == 0
        said = capsys.readouterr().out
        assert said.startswith(f"asked `relay run` (pid {child.pid}) to reload {config}")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if _stored_by_channel(tmp_path / "relay.db").get("haft_tappeh", 0) >= 3:
                break
            time.sleep(0.1)
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=15)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err[-2000:]
    assert _stored_by_channel(tmp_path / "relay.db").get("haft_tappeh", 0) >= 3, err[-2000:]
    assert "Traceback" not in err
    [line] = [x for x in err.splitlines() if "config.reloaded" in x]
    assert 'people="+0 -0 ~0" sources="+1 -0 ~0" targets="+0 -0 ~0"' in line
    assert "added_sources=@haft_tappeh" in line
    assert "source.resolved source=@haft_tappeh" in err


def test_relay_reload_without_a_running_relay_is_one_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from relay.cli.main import main
    from relay.service.lock import hold

    ReviewWorld(tmp_path)  # writes relay.toml
    config = str(tmp_path / "relay.toml")
    assert main(["--config", config, "reload"]) == 1
    assert capsys.readouterr().err == (f"relay reload: no relay is running on {tmp_path} "
                                       "(nothing to reload; `relay run` reads the "
                                       "configuration when it starts)\n")
    with hold(tmp_path, "backfill"):
        assert main(["--config", config, "reload"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"relay reload: {tmp_path} is held by `relay backfill` (pid "
                          f"{os.getpid()}), not by `relay run`") and err.count("\n") == 1


def test_relay_reload_checks_the_new_config_before_signalling(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import signal

    from relay.cli.main import main
    from relay.service.lock import hold

    ReviewWorld(tmp_path)
    config = tmp_path / "relay.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[review]\nlanguage = "xx"\n',
                      encoding="utf-8")
    received: list[int] = []
    previous = signal.signal(signal.SIGHUP, lambda sig, frame: received.append(sig))
    try:
        with hold(tmp_path, "run"):  # this process stands for the running relay
            assert main(["--config", str(config), "reload"]) == 2
    finally:
        signal.signal(signal.SIGHUP, previous)
    assert received == []
    err = capsys.readouterr().err
    assert err.startswith("relay: ") and err.count("\n") == 1
