"""``relay status`` on a real SQLite file filled through the real store functions."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from relay.cli.status import (
    JOB_STATES,
    StatusError,
    collect_status,
    format_age,
    read_status,
    render_status,
    status_json,
)
from relay.config import Settings
from relay.core.records import MessageRow
from relay.store import channels as channel_store
from relay.store import messages as message_store
from relay.store import outbox
from relay.store.db import Database
from relay.store.readonly import connect_readonly
from relay.store.reports import status_figures
from tests import status_store
from tests.status_store import (
    ARCHIVE,
    FARSI,
    HAFT,
    HOUR,
    NOW,
    VAHED,
    add_heartbeat,
    filled_store,
    job_of,
)

settings = status_store.settings  # the fixture


@pytest.fixture
async def filled(settings: Settings) -> Path:
    return await filled_store(settings)


async def test_every_configured_source_appears_with_its_warnings(settings, filled):
    status = read_status(settings, NOW)
    by_ref = {s["ref"]: s for s in status["sources"]}
    assert list(by_ref) == ["@vahed", "@haft_tappeh", "@teachers_council", "@oil_workers"]

    vahed = by_ref["@vahed"]
    assert vahed["warnings"] == []
    assert vahed["channel_id"] == VAHED and vahed["name"].startswith("Syndicate of Workers")
    assert vahed["last_message_id"] == 6
    assert vahed["last_post"]["at"] == NOW - 30 and vahed["last_post"]["age_seconds"] == 30
    assert vahed["last_stored"]["at"] == NOW  # post 6 was stored last (edits do not count)
    assert vahed["last_post"]["iso"] == "2025-06-15T15:06:10Z"

    haft = by_ref["@haft_tappeh"]
    assert haft["channel_id"] == HAFT and haft["last_message_id"] == 41
    assert haft["warnings"] == ["silent for 100h (limit 48h)"]
    assert haft["last_post"]["age"] == "4d 4h"

    teachers = by_ref["@teachers_council"]
    assert teachers["channel_id"] is None
    assert teachers["warnings"] == ['unresolvable: No user has "teachers_council" as username',
                                    "never read"]
    assert by_ref["@oil_workers"]["warnings"] == ["never read"]

    # The archive-only channel is listed apart, without warnings.
    assert [c["channel_id"] for c in status["other_channels"]] == [ARCHIVE]
    assert status["other_channels"][0]["last_message_id"] == 9

    assert "@haft_tappeh: silent for 100h (limit 48h)" in status["warnings"]
    assert "@oil_workers: never read" in status["warnings"]
    assert status["ok"] is False


async def test_silence_warning_follows_the_configured_limit(make_settings, tmp_path):
    settings = make_settings("", body=None)
    db = await Database.open(settings.storage.database)
    await db.run(channel_store.upsert_channel, VAHED, username="vahed", title="V",
                 display_name=None, is_source=True, now=NOW)
    await db.run(message_store.store_message, MessageRow(VAHED, 1, NOW - 47 * HOUR, FARSI),
                 "fa", 0.99, None, NOW)
    await db.run(channel_store.upsert_channel, HAFT, username="haft_tappeh", title="H",
                 display_name=None, is_source=True, now=NOW)
    await db.run(channel_store.set_caught_up, HAFT, 0, NOW)  # read, but nothing stored
    await db.close()
    status = read_status(settings, NOW)
    assert status["sources"][0]["warnings"] == []
    assert status["sources"][1]["warnings"] == ["no posts stored"]
    assert read_status(settings, NOW + 2 * HOUR)["sources"][0]["warnings"] == [
        "silent for 49h (limit 48h)"]


async def test_jobs_by_state_with_zeros_and_the_oldest_queued(settings, filled):
    jobs = read_status(settings, NOW)["jobs"]
    assert list(jobs["by_state"]) == list(JOB_STATES)
    assert jobs["by_state"] == {"queued": 5, "drafted": 1, "approved": 2, "published": 1,
                                "skipped": 1, "rejected": 1, "stale": 1}
    assert jobs["total"] == 12
    oldest = jobs["oldest_queued"]
    # Job 1/en went on to be published; 1/es, created with it five hours ago, is still queued.
    assert oldest["age_seconds"] == 5 * HOUR and oldest["age"] == "5h"
    conn = sqlite3.connect(filled)
    assert oldest["job_id"] == job_of(conn, 1, "es")
    conn.close()


async def test_empty_database_has_zeros_everywhere(settings):
    db = await Database.open(settings.storage.database)
    await db.close()
    status = read_status(settings, NOW)
    assert status["jobs"] == {"by_state": dict.fromkeys(JOB_STATES, 0), "total": 0,
                              "oldest_queued": None}
    assert status["outbox"]["pending"] == 0 and status["outbox"]["waits"] == []
    assert status["publications"]["count"] == 0
    assert status["database"]["messages_stored"] == 0
    assert "Jobs (0)" in render_status(status)


async def test_outbox_backlog_failures_and_flood_waits(settings, filled):
    box = read_status(settings, NOW)["outbox"]
    assert box["pending"] == 1 and box["pending_by_target"] == {"en": 1}
    assert box["failed"] == 1
    (failure,) = box["failures"]
    conn = sqlite3.connect(filled)
    assert failure["job_id"] == job_of(conn, 2, "es")
    assert failure["reason"].startswith("ChatWriteForbiddenError")
    assert failure["age_seconds"] == 20
    assert box["flood_waits_in_force"] == 1
    (wait,) = box["waits"]
    assert wait["target"] == "en" and wait["items"] == 1 and wait["job_id"] == job_of(conn, 2, "en")
    assert wait["until"] == NOW + 300 and wait["seconds_left"] == 300 and wait["left"] == "5m"
    assert wait["reason"] == "flood wait 300s"
    conn.close()
    # Once the wait is over it is no longer in force.
    later = read_status(settings, NOW + 301)["outbox"]
    assert later["waits"] == [] and later["flood_waits_in_force"] == 0


async def test_failures_listed_are_the_five_latest(settings, filled):
    db = await Database.open(settings.storage.database)

    def many_failures(conn):
        job_id = job_of(conn, 5, "en")
        for n in range(7):
            outbox_id = outbox.enqueue(conn, job_id, "en", "post", NOW - 100 + n)
            outbox.fail(conn, outbox.get_item(conn, outbox_id), f"error {n}", NOW - 100 + n)

    await db.run(many_failures)
    await db.close()
    box = read_status(settings, NOW)["outbox"]
    assert box["failed"] == 8
    assert [f["reason"] for f in box["failures"]] == [
        "ChatWriteForbiddenError: the bot is not an admin of @relay_es",
        "error 6", "error 5", "error 4", "error 3"]


async def test_publications_and_message_count(settings, filled):
    status = read_status(settings, NOW)
    assert status["publications"]["count"] == 2
    assert status["publications"]["last"]["age_seconds"] == HOUR // 2
    conn = sqlite3.connect(filled)
    assert status["database"]["messages_stored"] == conn.execute(
        "SELECT COUNT(*) FROM messages").fetchone()[0] == 8
    conn.close()


async def test_heartbeat_age_and_a_stale_heartbeat_warns(settings, filled):
    status = read_status(settings, NOW)
    heartbeat = status["service"]["heartbeat"]
    assert heartbeat["age_seconds"] == 30 and heartbeat["pid"] == 4242
    assert heartbeat["state"] == "running" and heartbeat["detail"].startswith("watcher ok")
    assert not [w for w in status["warnings"] if w.startswith("service:")]
    later = read_status(settings, NOW + 600)
    assert "service: last heartbeat 10m ago (pid 4242): not running" in later["warnings"]


@pytest.mark.parametrize(("state", "warning"), [
    ("stopped", "service: stopped 30s ago"),
    ("degraded", "service: degraded (watcher ok, bot ok, publisher ok)"),
])
async def test_heartbeat_state_warnings_match_relay_health(settings, filled, state, warning):
    conn = sqlite3.connect(filled)
    add_heartbeat(conn, NOW - 30, state)
    conn.commit()
    conn.close()
    status = read_status(settings, NOW)
    assert warning in status["warnings"]
    assert status["service"]["heartbeat"]["state"] == state


def test_stale_heartbeat_limit_is_the_services():
    from relay.cli import status
    from relay.service import runner as service

    assert status.HEARTBEAT_STALE_SECONDS == service.HEARTBEAT_STALE_SECONDS


async def test_missing_heartbeat_table_or_row_is_reported_not_an_error(settings, filled):
    conn = sqlite3.connect(filled)
    conn.execute("DELETE FROM service_heartbeat")
    conn.commit()
    status = read_status(settings, NOW)
    assert status["service"]["heartbeat"] is None
    assert "not run" in status["service"]["note"]
    conn.execute("DROP TABLE service_heartbeat")
    conn.commit()
    conn.close()
    status = read_status(settings, NOW)
    assert status["service"] == {"heartbeat": None,
                                 "note": "no heartbeat table (database schema before 4)"}
    assert any(w.startswith("service: no heartbeat table") for w in status["warnings"])
    assert "no heartbeat table" in render_status(status)


async def test_json_is_stable_and_parses(settings, filled):
    status = read_status(settings, NOW)
    text = status_json(status)
    back = json.loads(text)
    assert back == status
    assert list(back) == ["now", "now_iso", "database", "service", "sources", "other_channels",
                          "jobs", "outbox", "publications", "warnings", "ok"]
    assert set(back["sources"][0]) == {
        "ref", "name", "channel_id", "username", "title", "last_message_id", "last_post",
        "last_stored", "last_catch_up", "checked_at", "error", "warnings"}
    assert set(back["outbox"]) == {"pending", "pending_by_target", "failed", "failures",
                                   "flood_waits_in_force", "waits"}
    assert back["database"]["path"] == str(filled)
    # Names stay readable in the JSON (ensure_ascii=False).
    assert "Syndicate of Workers" in text


async def test_human_table_has_one_section_per_topic_and_aligned_columns(settings, filled):
    text = render_status(read_status(settings, NOW))
    for section in ("Service", "Sources (4 configured)", "Other channels in the database",
                    "Jobs (12)", "Outbox", "Publications", "Warnings ("):
        assert any(line.startswith(section) for line in text.splitlines()), section
    lines = text.splitlines()
    header = next(i for i, line in enumerate(lines) if line.lstrip().startswith("SOURCE"))
    table = lines[header:header + 5]
    assert [line.split()[0] for line in table[1:]] == ["@vahed", "@haft_tappeh",
                                                       "@teachers_council", "@oil_workers"]
    column = table[0].index("LAST POST")
    assert all(line[column - 2:column] == "  " for line in table[1:])
    assert "silent for 100h (limit 48h)" in text
    assert "unresolvable: No user has" in text
    assert "last heartbeat 30s ago" in text
    assert "pending 1 (en 1)" in text and "failed 1" in text
    assert "flood waits in force 1" in text and "flood wait 300s" in text
    assert "2 posted, last 30m ago" in text


async def test_status_reads_while_the_service_holds_the_database(settings, filled):
    db = await Database.open(filled)  # the service's connection, open
    try:
        await db.run(lambda c: c.execute("UPDATE channels SET updated_at = ?", (NOW,)))
        status = read_status(settings, NOW)
        assert status["jobs"]["total"] == 12
        conn = connect_readonly(filled)
        with pytest.raises(sqlite3.OperationalError, match="readonly|read-only|query_only"):
            conn.execute("DELETE FROM jobs")
        conn.close()
    finally:
        await db.close()


def test_missing_database_is_a_one_line_error(make_settings):
    settings = make_settings()
    with pytest.raises(StatusError, match="no database at .*relay.db"):
        read_status(settings, NOW)


def test_a_file_that_is_not_a_relay_database_is_refused(make_settings):
    settings = make_settings()
    settings.storage.database.parent.mkdir(parents=True, exist_ok=True)
    sqlite3.connect(settings.storage.database).close()
    with pytest.raises(StatusError, match="not a relay database"):
        read_status(settings, NOW)


async def test_every_query_uses_an_index_or_a_small_table(settings, filled):
    conn = connect_readonly(filled)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    collect_status(status_figures(conn, NOW), settings, NOW)
    conn.set_trace_callback(None)
    plans = {}
    for sql in statements:
        if not sql.lstrip().upper().startswith("SELECT") or "sqlite_master" in sql:
            continue
        plans[sql] = [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    conn.close()
    small = ("channels", "source_status", "schema_migrations", "service_heartbeat")
    for sql, plan in plans.items():
        for step in plan:
            if step.startswith("SCAN") and "INDEX" not in step:
                assert any(f"SCAN {t}" == step for t in small), (sql, plan)
        assert not any("messages" in step and "SCAN" in step for step in plan), (sql, plan)


def test_format_age():
    assert [format_age(s) for s in (0, 59, 60, 3599, 3600, 3660, 86399, 86400, 90000)] == [
        "0s", "59s", "1m", "59m", "1h", "1h 1m", "23h 59m", "1d", "1d 1h"]
    assert format_age(-300) == "in 5m"
    assert format_age(None) is None
