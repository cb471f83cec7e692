"""The service as a whole: supervision, heartbeat and `relay health`, clean and quick stops."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time

import pytest

from relay.cli.health import check_health
from relay.cli.main import main
from relay.service.runner import HEARTBEAT_STALE_SECONDS
from relay.store.db import Database
from relay.telegram.client import ReadOnlyClient
from tests.review_world import ReviewWorld, running

FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."


async def wait_for(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


async def test_heartbeat_makes_health_pass_and_a_stop_makes_it_fail(w, caplog):
    database = w.settings.storage.database
    await wait_for(lambda: check_health(database, w.clock())[0])
    healthy, why = check_health(database, w.clock())
    assert healthy and "watcher=ok bot=ok publisher=ok" in why
    stale, why = check_health(database, w.clock() + HEARTBEAT_STALE_SECONDS + 1)
    assert not stale and "not running" in why
    await w.service.stop()
    w.service = None
    healthy, why = check_health(database, w.clock())
    assert not healthy and "stopped" in why


def test_health_command_exit_codes(settings, capsys):
    assert main(["--config", str(settings.path), "health"]) == 1
    assert "never run" in capsys.readouterr().err


async def test_a_failed_watcher_is_restarted_and_catches_up_while_the_bot_keeps_working(
        w, caplog):
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    with caplog.at_level(logging.INFO, logger="relay.service"):
        await w.service.watcher_client.disconnect()  # the watcher's connection is lost for good
        w.tg.post(w.vahed, FARSI + " ۲")  # missed: nobody is listening
        card = w.card(1)
        w.press(w.sara, card, "claim")  # the bot is unaffected
        await w.settle()
        assert (await w.rows("SELECT claimed_by FROM jobs WHERE id = 1")) == [(5001,)]
        await wait_for(lambda: w.service.health()["watcher"])
        await w.settle()
    assert "component.restart component=watcher attempt=1" in caplog.text
    assert "component.restarted component=watcher" in caplog.text
    assert (await w.rows("SELECT COUNT(*) FROM messages")) == [(2,)]
    assert w.service.health() == {"watcher": True, "bot": True, "publisher": True,
                                  "ingest": True}


async def test_a_dead_ingest_process_shows_in_the_heartbeat_and_is_restarted(
        w, caplog, monkeypatch):
    """Killed while no post comes: the supervisor sees it (not only the next post), the
    heartbeat says so, a new one is started and the posts go on being stored."""
    ingest = w.service.ingest
    first = ingest.pid
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    component = next(c for c in w.service.components if c.name == "ingest")
    gate, revive = asyncio.Event(), component.start

    async def held() -> None:  # the restart waits until the heartbeat was read
        await gate.wait()
        await revive()

    monkeypatch.setattr(component, "start", held)
    with caplog.at_level(logging.INFO):
        os.kill(first, signal.SIGKILL)
        await wait_for(lambda: not w.service.health()["ingest"])
        await w.service.beat_now()
        assert "ingest=down" in (await w.rows("SELECT detail FROM service_heartbeat"))[0][0]
        gate.set()
        await wait_for(lambda: w.service.health()["ingest"], 20)
    assert ingest.pid != first
    assert "component.restart component=ingest" in caplog.text
    assert "component.restarted component=ingest" in caplog.text
    w.tg.post(w.vahed, FARSI + " ۲")
    await w.settle()
    assert (await w.rows("SELECT COUNT(*) FROM messages")) == [(2,)]
    await w.service.beat_now()
    assert "ingest=ok" in (await w.rows("SELECT detail FROM service_heartbeat"))[0][0]


async def test_a_dead_publisher_is_restarted(w, caplog):
    with caplog.at_level(logging.WARNING, logger="relay.service"):
        task = w.service.publisher._task
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        assert not w.service.health()["publisher"]
        await wait_for(lambda: w.service.health()["publisher"])
    assert "component.restart component=publisher" in caplog.text
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    w.say(w.sara, "/tr 1 Vahed workers strike.")
    await w.settle()
    w.press(w.reza, w.last_from_bot(), "approve")
    await w.settle()
    assert len(w.tg.history(w.out_en)) == 1


async def test_restarts_back_off(w, caplog, monkeypatch):
    async def broken():
        raise ConnectionError("network unreachable")

    component = next(c for c in w.service.components if c.name == "watcher")
    monkeypatch.setattr(component, "start", broken)
    with caplog.at_level(logging.WARNING, logger="relay.service"):
        await w.service.watcher_client.disconnect()
        await asyncio.sleep(0.5)
    attempts = caplog.text.count("component.restart component=watcher")
    assert attempts == 1  # the next try is 2 s away, not every 10 ms
    assert "component.restart_failed component=watcher" in caplog.text
    assert w.service.health()["bot"]


async def test_stop_finishes_within_ten_seconds_even_mid_flood_wait(w):
    w.service.publisher.sleep = lambda s: asyncio.sleep(3600)  # a long rate-limit wait
    limiter = w.service.publisher.limiter
    limiter.per_target = 0  # every send would have to wait
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    w.say(w.sara, "/tr 1 Vahed workers strike.")
    await w.settle()
    w.press(w.reza, w.last_from_bot(), "approve")
    await w.tg.settle()
    started = time.monotonic()
    await w.service.stop()
    w.service = None
    assert time.monotonic() - started < 10


async def test_metrics_endpoint_serves_prometheus_text(tmp_path):
    world = ReviewWorld(tmp_path)
    world.settings = world.settings.__class__(**{  # port 0: any free local port
        **world.settings.__dict__,
        "metrics": world.settings.metrics.__class__(enabled=True, host="127.0.0.1", port=0)})
    async with running(world):
        world.tg.post(world.vahed, FARSI)
        await world.settle()
        port = world.service.metrics.port
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /metrics HTTP/1.0\r\n\r\n")
        body = (await reader.read()).decode()
        writer.close()
        assert body.startswith("HTTP/1.0 200 OK")
        assert "relay_ingested_total 1" in body and 'relay_jobs{state="queued"} 2' in body
        assert "relay_queue_age_seconds" in body and "relay_flood_wait_seconds_total 0" in body
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"GET /secrets HTTP/1.0\r\n\r\n")
        assert (await reader.read()).startswith(b"HTTP/1.0 404")
        writer.close()


async def test_a_failure_while_starting_disconnects_what_had_connected(tmp_path, monkeypatch):
    """The watcher connected, then the bot's start failed: the error is raised and the
    watcher's connection is not left open behind it."""
    from relay.service.runner import Service, ServiceError

    world = ReviewWorld(tmp_path)
    world.db = await Database.open(world.settings.storage.database)
    watcher = world.tg.client(world.watcher, cls=ReadOnlyClient)
    service = Service(world.settings, world.db, watcher, world.bot_client(), clock=world.clock,
                      check_seconds=0.02)

    async def refused(self) -> None:
        raise ServiceError("the bot token was refused by Telegram (ACCESS_TOKEN_INVALID)")

    monkeypatch.setattr(Service, "_start_bot_client", refused)
    try:
        with pytest.raises(ServiceError, match="refused"):
            await service.run_until_stopped()
        assert not watcher.is_connected()
    finally:
        await world.db.close()
