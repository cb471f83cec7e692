"""The `relay` command: exit codes, one-line errors, check, demo, login, clean stop."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from telethon.sessions import StringSession

from relay.cli.main import main
from relay.service.runner import Service, ServiceError
from relay.store.db import Database
from relay.telegram.client import ReadOnlyClient
from relay.telegram.login import login

ENV_CLEAN = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}


def run_cli(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "relay", *args], capture_output=True, text=True,
                          cwd=cwd, env=env or ENV_CLEAN, timeout=120)


def test_help_for_every_command():
    for args in ([], ["run"], ["login"], ["check"], ["demo"]):
        out = run_cli(*args, "--help")
        assert out.returncode == 0, out.stderr
        assert "usage: relay" in out.stdout


def test_check_valid_config(settings, capsys):
    assert main(["--config", str(settings.path), "check"]) == 0
    out = capsys.readouterr().out
    assert "configuration ok" in out and "@vahed" in out and "en -> @relay_en" in out


def test_check_bad_config_is_one_line_exit_2_no_traceback(tmp_path):
    bad = tmp_path / "relay.toml"
    bad.write_text('[[sources]]\nchannel = "@vahed"\nname = "V"\n[review]\nclaim_minuts = 5\n')
    out = run_cli("--config", str(bad), "check", cwd=tmp_path)
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert str(bad) in lines[0] and "review.claim_minuts" in lines[0] and "claim_minutes" in lines[0]


def test_missing_config_file_is_exit_2(tmp_path):
    out = run_cli("--config", str(tmp_path / "nope.toml"), "check", cwd=tmp_path)
    assert out.returncode == 2 and len(out.stderr.strip().splitlines()) == 1
    assert "nope.toml" in out.stderr


def test_run_without_credentials_names_the_variable(settings, tmp_path):
    out = run_cli("--config", str(settings.path), "run", cwd=tmp_path)
    assert out.returncode == 2
    assert "RELAY_API_ID" in out.stderr and "relay run" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_demo_runs_and_leaves_a_database(tmp_path):
    out = run_cli("demo", "--data", str(tmp_path / "demo"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "SIMULATED" in out.stdout
    conn = sqlite3.connect(tmp_path / "demo" / "relay.db")
    langs = dict(conn.execute("SELECT lang, COUNT(*) FROM messages GROUP BY lang").fetchall())
    jobs = dict(conn.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall())
    revisions = conn.execute("SELECT COUNT(*) FROM message_revisions").fetchone()[0]
    deleted = conn.execute("SELECT COUNT(*) FROM messages WHERE deleted_at IS NOT NULL").fetchone()
    published = conn.execute("SELECT COUNT(DISTINCT job_id) FROM publications").fetchone()[0]
    drafted = conn.execute("SELECT job_id, text IS NOT NULL FROM machine_drafts"
                           " WHERE target = 'en' AND job_id IN (1, 9) ORDER BY job_id").fetchall()
    memory_job = conn.execute("SELECT MAX(id) FROM jobs WHERE language = 'en'").fetchone()
    conn.close()
    assert {"fa", "en", "ar", "ckb"} <= set(langs)
    # the Spanish job awaits a correction; the syndicate's repeated post is 2 queued jobs more
    assert jobs == {"queued": 7, "published": 2, "stale": 1}
    assert revisions == 1 and deleted == (1,)
    assert published == 3
    assert "@no_such_channel_demo could not be resolved" in out.stdout
    # issue 14: a machine draft (scripted engine, labelled), a glossary hint and a memory hint
    assert "SCRIPTED LibreTranslate-compatible engine" in out.stdout
    assert out.stdout.count("Machine draft (LibreTranslate, fa→en) — check before submitting") == 2
    assert "Glossary (en): شرکت واحد → Vahed Company" in out.stdout
    assert "Translation memory: job 1 (approved " in out.stdout
    assert "Sent: job 1's translation, to correct and send back." in out.stdout
    assert drafted == [(1, 1), (9, 1)] and memory_job == (9,)
    assert "@worker_news_en_demo — what subscribers see:" in out.stdout
    # issue 11: the demo's Spanish channel credits in Spanish (this pinned "Translation: ...")
    assert "Traducción: Campaña Shahrokh Zamani" in out.stdout
    assert "Translation: Campaña Shahrokh Zamani" not in out.stdout
    # the README's excerpt is what the demo prints: each whole line of it (dates and cut
    # lines, which end in "…", aside) is a line of the output
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    excerpt = readme.split("Here is an excerpt of what it prints", 1)[1].split("\n\n", 2)[1]
    printed = {line.strip() for line in out.stdout.splitlines()}
    for line in excerpt.splitlines():
        if line.strip() not in ("...", "│") and not line.rstrip().endswith("…"):
            assert line.strip() in printed, line


async def test_login_with_phone_and_code_prints_a_string_session(world, settings, monkeypatch,
                                                                 capsys):
    world.tg.add_user("Operator", phone="989121234567")
    answers = io.StringIO("+989121234567\n12345\n")
    monkeypatch.setattr(sys, "stdin", answers)
    secrets = settings.secrets.__class__(1, "sim-api-hash", None, None)
    settings = settings.__class__(**{**settings.__dict__, "secrets": secrets})
    client = world.tg.client(None, cls=ReadOnlyClient, session=StringSession())
    value = await login(settings, as_string=True, client=client)
    assert value and capsys.readouterr().out.strip() == value
    sent = {r.name for r in world.tg.requests}
    assert {"SendCodeRequest", "SignInRequest"} <= sent


async def test_service_refuses_to_start_when_watcher_is_not_signed_in(world, db, settings):
    client = world.tg.client(None, cls=ReadOnlyClient)
    service = Service(settings, db, client)
    with pytest.raises(ServiceError, match="relay login"):
        await service.start()
    await client.disconnect()


async def test_sigterm_stops_the_service_cleanly(world, settings):
    db = await Database.open(settings.storage.database)
    client = world.watcher_client()
    service = Service(settings, db, client)
    service.install_signal_handlers()
    task = asyncio.create_task(service.run_until_stopped())
    await asyncio.sleep(0.05)
    for i in range(20):
        world.tg.post(world.vahed, f"اعتصاب کارگران شماره {i}")
    os.kill(os.getpid(), signal.SIGTERM)
    await asyncio.wait_for(task, 10)
    loop = asyncio.get_running_loop()
    loop.remove_signal_handler(signal.SIGTERM)
    loop.remove_signal_handler(signal.SIGINT)
    assert not client.is_connected()
    stored = await db.read(lambda c: c.execute(
        "SELECT COUNT(*), (SELECT COUNT(*) FROM jobs) FROM messages").fetchone())
    check = await db.read(lambda c: c.execute("PRAGMA integrity_check").fetchone()[0])
    await db.close()
    assert check == "ok"
    assert stored[1] == 2 * stored[0]  # every stored post has its jobs: nothing half-written


def test_a_database_from_a_newer_relay_is_one_line_not_a_traceback(settings, tmp_path):
    import json

    path = settings.storage.database
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY,"
                 " applied_at INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_migrations VALUES (999, 0)")
    conn.commit()
    conn.close()
    export = tmp_path / "result.json"
    export.write_text(json.dumps({"name": "x", "type": "public_channel", "id": 1,
                                  "messages": []}))
    out = run_cli("--config", str(settings.path), "import", str(export), cwd=tmp_path)
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and "newer than this relay" in out.stderr


def test_relay_run_exits_0_within_ten_seconds_of_sigterm_with_nothing_half_written(tmp_path):
    import time
    from pathlib import Path

    env = {**os.environ, "RELAY_API_ID": "12345", "RELAY_API_HASH": "0123456789abcdef" * 2,
           "RELAY_BOT_TOKEN": "123456:SIM-bot-token-for-tests"}
    child = subprocess.Popen([sys.executable, "-m", "tests.sigterm_child", str(tmp_path)],
                             cwd=Path(__file__).parent.parent, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        sent = time.monotonic()
        child.send_signal(signal.SIGTERM)
        out, err = child.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err[-2000:]
    assert took < 10
    assert "Traceback" not in err and "service.stopped" in err
    conn = sqlite3.connect(tmp_path / "relay.db")
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored, jobs = conn.execute("SELECT COUNT(*), (SELECT COUNT(*) FROM jobs) FROM messages"
                                ).fetchone()
    state = conn.execute("SELECT state FROM service_heartbeat").fetchone()
    conn.close()
    assert stored > 100 and jobs == 2 * stored  # every stored post has both its jobs
    assert state == ("stopped",)
