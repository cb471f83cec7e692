"""Operating relay: back-fill, online checks, secrets kept out of logs, the container recipe."""

from __future__ import annotations

import datetime as dt
import io
import logging
import re
import site
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from relay.cli.demo import run_demo
from relay.logs import setup_logging
from relay.store.sqlite_store import SqliteStore
from relay.telegram.backfill import BackfillError, backfill
from relay.telegram.check_online import check_bot, check_watcher
from tests.review_world import BOT_TOKEN, ReviewWorld

REPO = Path(__file__).resolve().parents[1]
FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."


async def test_backfill_is_resumable_and_respects_since_and_queue_rules(world, db, settings):
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for day in range(250):
        text = FARSI if day % 2 else f"English post {day}"
        world.tg.post(world.vahed, f"{text} {day}", date=start + dt.timedelta(days=day))
    client = world.watcher_client()
    await client.connect()
    first = await backfill(client, SqliteStore(db), settings, "@vahed", limit=120)
    assert (first.fetched, first.stored, first.finished) == (120, 120, False)
    ids = await db.read(lambda c: [r[0] for r in c.execute(
        "SELECT message_id FROM messages ORDER BY message_id")])
    assert ids == list(range(131, 251))  # the newest 120
    since = int((start + dt.timedelta(days=60)).timestamp())
    second = await backfill(client, SqliteStore(db), settings, "Syndicate of Workers of Tehran and Suburbs "
                            "Vahed Bus Company", since=since)
    assert second.finished and second.stored == 250 - 120 - 60
    oldest = await db.read(lambda c: c.execute("SELECT MIN(message_id) FROM messages").fetchone())
    assert oldest[0] == 61
    jobs = await db.read(lambda c: c.execute("SELECT COUNT(*) FROM jobs").fetchone()[0])
    farsi = await db.read(lambda c: c.execute(
        "SELECT COUNT(*) FROM messages WHERE lang = 'fa'").fetchone()[0])
    assert jobs == 2 * farsi  # queued by the source's rules, one job per target
    again = await backfill(client, SqliteStore(db), settings, "@vahed", since=since)
    assert again.stored == 0  # nothing twice
    await client.disconnect()


async def test_archive_only_backfill_queues_nothing(world, db, settings):
    world.tg.post(world.haft, FARSI)
    client = world.watcher_client()
    await client.connect()
    report = await backfill(client, SqliteStore(db), settings, "@haft_tappeh", queue=False)
    await client.disconnect()
    assert report.stored == 1 and report.jobs == 0


async def test_backfill_waits_out_a_flood_wait_and_goes_on(world, db, settings):
    from telethon.tl import functions as fn

    for i in range(150):
        world.tg.post(world.vahed, f"{FARSI} {i}")
    world.tg.fail_next("FLOOD_WAIT_120", request=fn.messages.GetHistoryRequest, times=1)
    slept: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        slept.append(seconds)

    client = world.watcher_client()
    await client.connect()
    client.flood_sleep_threshold = 0
    report = await backfill(client, SqliteStore(db), settings, "@vahed", sleep=fake_sleep)
    await client.disconnect()
    assert slept == [120] and report.finished and report.flood_waits == 1
    count = await db.read(lambda c: c.execute("SELECT COUNT(*) FROM messages").fetchone()[0])
    assert count == 150


async def test_backfill_of_an_unknown_source_is_a_clear_error(world, db, settings):
    client = world.watcher_client()
    await client.connect()
    with pytest.raises(BackfillError, match="'@nobody' is not a configured source"):
        await backfill(client, SqliteStore(db), settings, "@nobody")
    await client.disconnect()


async def test_check_online_reports_what_works_and_what_does_not(tmp_path):
    world = ReviewWorld(tmp_path)
    world.tg.remove_admin(world.out_es, world.bot)
    world.tg.make_admin(world.out_es, world.bot, post=False)
    watcher = world.tg.client(world.watcher)
    await watcher.connect()
    findings = await check_watcher(watcher, world.settings)
    bot = world.tg.client(None)
    await bot.start(bot_token=BOT_TOKEN)
    findings += await check_bot(bot, world.settings)
    await watcher.disconnect()
    await bot.disconnect()
    lines = [f.line() for f in findings]
    assert any(line.startswith("ok    source @vahed") for line in lines)
    assert any(line.startswith("ok    target en @relay_en: the bot may post and edit")
               for line in lines)
    assert any(line.startswith("FAIL  target es @relay_es: the bot is not an admin")
               for line in lines)
    assert any(line.startswith("ok    review chat") for line in lines)
    assert sum(not f.ok for f in findings) == 1


async def test_check_online_flags_unjoined_and_missing_sources(world, make_settings):
    settings = make_settings("""
        [[sources]]
        channel = "@not_joined"
        name = "Teachers' council"
    """)
    world.tg.add_channel("Teachers", username="not_joined")
    client = world.tg.client(world.watcher)
    await client.connect()
    findings = await check_watcher(client, settings)
    await client.disconnect()
    failed = {f.what: f.detail for f in findings if not f.ok}
    assert "has not joined" in failed["source @not_joined (Teachers' council)"]


async def test_a_full_demo_run_never_logs_a_secret(tmp_path, monkeypatch):
    from telethon.crypto import AuthKey
    from telethon.sessions import StringSession

    from relay.cli import demo as demo_module

    session = StringSession()
    session.set_dc(2, "149.154.167.51", 443)
    session.auth_key = AuthKey(bytes(range(256)))
    secrets = {"RELAY_API_ID": "123456", "RELAY_API_HASH": "0123456789abcdef0123456789abcdef",
               "RELAY_SESSION": session.save()}
    buffer = io.StringIO()
    original = demo_module.setup_logging
    monkeypatch.setattr(demo_module, "setup_logging",
                        lambda level, fmt, values: original("DEBUG", "kv", values, buffer))
    logging.getLogger("telethon").setLevel(logging.DEBUG)
    try:
        await run_demo(tmp_path / "demo", quiet=True, secrets=secrets)
    finally:
        setup_logging("WARNING", "kv", (), sys.stderr)
    logs = buffer.getvalue()
    assert "service.started" in logs and "publish.done" in logs and len(logs) > 5000
    for secret in (demo_module.DEMO_BOT_TOKEN, secrets["RELAY_API_HASH"],
                   secrets["RELAY_SESSION"]):
        assert secret not in logs
    assert demo_module.DEMO_BOT_TOKEN.split(":")[1] not in logs


def test_redaction_covers_messages_arguments_and_tracebacks():
    buffer = io.StringIO()
    setup_logging("DEBUG", "json", ["s3cr3t-api-hash", "1ApWapzMBu-session"], buffer)
    log = logging.getLogger("relay.test")
    log.info("hash is %s", "s3cr3t-api-hash")
    try:
        raise ValueError("session 1ApWapzMBu-session leaked")
    except ValueError:
        log.exception("failed")
    setup_logging("WARNING", "kv", (), sys.stderr)
    out = buffer.getvalue()
    assert "s3cr3t" not in out and "1ApWapzMBu" not in out and out.count("<redacted>") >= 2


def test_dockerfile_keeps_its_promises():
    text = (REPO / "Dockerfile").read_text()
    base = re.search(r"^FROM\s+(\S+)", text, re.M).group(1)
    assert re.fullmatch(r"python:\d+\.\d+\.\d+-slim(-\w+)?(@sha256:[0-9a-f]{64})?", base), base
    users = re.findall(r"^USER\s+(\S+)", text, re.M)
    assert users and users[-1] not in ("root", "0", "0:0")
    assert re.search(r"^VOLUME\s+\[?\"?/data", text, re.M)
    assert re.search(r"^HEALTHCHECK\b.*relay\"?,?\s*\"?health", text, re.M | re.S)
    assert not re.search(r"^ENV\s+.*(TOKEN|HASH|SESSION)", text, re.M)
    assert not re.search(r"^COPY\s+.*\.env", text, re.M)
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["relay"] == "relay.cli.main:main"
    from relay.cli.main import _COMMANDS

    assert {"run", "health"} <= set(_COMMANDS)


def test_the_images_install_step_works_in_a_fresh_virtualenv(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True,
                   timeout=120)
    # No network in tests: the new environment borrows this one's packages (pip, setuptools,
    # and relay's dependencies) through a .pth file, and builds relay itself from source.
    site_dir = next(venv.glob("lib/python3*/site-packages"))
    (site_dir / "borrowed.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-cache-dir", "--no-deps",
           "--no-build-isolation", "--quiet", str(REPO)]
    subprocess.run(pip, check=True, timeout=300, cwd=tmp_path)
    relay = venv / "bin" / "relay"
    out = subprocess.run([str(relay), "--help"], capture_output=True, text=True, timeout=60,
                         cwd=tmp_path)
    assert out.returncode == 0 and "health" in out.stdout


async def test_check_online_refuses_a_review_chat_that_is_a_target_given_by_username(tmp_path):
    """Offline, `relay check` can compare only numeric ids; online, the names are resolved."""
    from dataclasses import replace

    world = ReviewWorld(tmp_path)
    settings = replace(world.settings,
                       review=replace(world.settings.review, chat=world.out_en.marked_id))
    bot = world.tg.client(None)
    await bot.start(bot_token=BOT_TOKEN)
    findings = await check_bot(bot, settings)
    await bot.disconnect()
    [failed] = [f for f in findings if not f.ok]
    assert failed.what == f"review chat {world.out_en.marked_id}"
    assert "is the target channel 'en'" in failed.detail
