"""``relay export``: JSON Lines and CSV from a real store, ``--since``, and no secrets."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from relay.cli.export import COLUMNS, WHAT, export, parse_since, run_export
from relay.config import Settings
from relay.core.records import MessageRow
from relay.store import messages as message_store
from relay.store.archive import SqliteArchive
from relay.store.db import Database
from relay.store.readonly import connect_readonly
from relay.text.formatting import Entity
from tests import status_store
from tests.status_store import EXTRA_SOURCES, FARSI, HOUR, NOW, OUT_EN, POLICY, VAHED, filled_store

FORWARD = '{"from_id": 4242, "from_name": "شورای هماهنگی", "date": 1749990000}'
RICH = MessageRow(channel_id=VAHED, message_id=7, date=NOW - 600, text=f"فوری: {FARSI} 🚍 t.me",
                  entities=(Entity("bold", 0, 5), Entity("text_url", 6, 5, url="https://t.me/vahed"),
                            Entity("mention_name", 12, 3, user_id=99)),
                  grouped_id=555, media_kind="photo", media_size=12345, media_name="a.jpg",
                  fwd_from=FORWARD, reply_to=3, post_author="ادمین")


def more(conn: sqlite3.Connection) -> None:
    """A post with entities, an album id, media and a forward origin, edited twice."""
    message_store.store_message(conn, RICH, "fa", 0.97, None, NOW - 600)
    for n, text in enumerate(("نسخه دوم", "نسخه سوم"), start=1):
        edit = MessageRow(VAHED, 7, NOW - 600, text, (Entity("italic", 0, 4),),
                          edit_date=NOW - 500 + n, grouped_id=555)
        message_store.store_message(conn, edit, "fa", 0.97, None, NOW - 500 + n)
    message_store.mark_deleted(conn, VAHED, [5], NOW - 100)


settings = status_store.settings  # the fixture


@pytest.fixture
async def filled(settings: Settings) -> Path:
    return await filled_store(settings, more)


def _count(path: Path, sql: str, *params: object) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchone()[0]
    finally:
        conn.close()


def _jsonl(path: Path, **kwargs) -> tuple[list[dict], dict[str, int], str]:
    out = io.StringIO()
    conn = connect_readonly(path)
    try:
        counts = export(SqliteArchive(conn), out, **kwargs)
    finally:
        conn.close()
    text = out.getvalue()
    return [json.loads(line) for line in text.splitlines()], counts, text


async def test_jsonl_round_trips_every_record_type_with_counts(filled):
    records, counts, text = _jsonl(filled)
    assert text.endswith("\n") and len(text.splitlines()) == len(records)
    assert records[0]["type"] == "export" and records[0]["format_version"] == 1
    assert records[0]["records"] == ["channel", "message", "job", "publication", "audit"]
    expected = {
        "channel": _count(filled, "SELECT COUNT(*) FROM channels"),
        "message": _count(filled, "SELECT COUNT(*) FROM messages"),
        "job": _count(filled, "SELECT COUNT(*) FROM jobs"),
        "publication": _count(filled, "SELECT COUNT(*) FROM publications"),
        "audit": _count(filled, "SELECT COUNT(*) FROM audit"),
    }
    assert counts == expected
    assert expected["message"] == 9 and expected["job"] == 12 and expected["publication"] == 2
    by_type: dict[str, list[dict]] = {}
    for record in records[1:]:
        by_type.setdefault(record["type"], []).append(record)
    assert {k: len(v) for k, v in by_type.items()} == expected
    # Types come in blocks, in order; every record has exactly its columns.
    assert [r["type"] for r in records[1:]] == sorted(
        (r["type"] for r in records[1:]), key=list(expected).index)
    for kind, items in by_type.items():
        for record in items:
            assert list(record) == ["type", *COLUMNS[kind]]


async def test_message_records_keep_farsi_entities_revisions_and_marks(filled):
    records, _, text = _jsonl(filled, what="messages")
    # Farsi is written as itself, not as \\u escapes.
    assert FARSI in text and "\\u06" not in text
    messages = {(r["channel_id"], r["message_id"]): r for r in records[1:]}
    rich = messages[(VAHED, 7)]
    assert rich["channel_username"] == "vahed" and rich["link"] == "https://t.me/vahed/7"
    assert rich["text"] == "نسخه سوم"
    assert rich["entities"] == [{"kind": "italic", "offset": 0, "length": 4}]
    assert rich["date"] == datetime.fromtimestamp(NOW - 600, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert rich["edit_date"].endswith("Z") and rich["stored_at"].endswith("Z")
    assert rich["lang"] == "fa" and rich["lang_confidence"] == 0.97
    assert rich["grouped_id"] == 555 and rich["media_kind"] == "photo"
    assert rich["media_name"] == "a.jpg" and rich["media_size"] == 12345
    assert rich["forwarded_from"] == json.loads(FORWARD)
    assert rich["reply_to"] == 3 and rich["post_author"] == "ادمین"
    assert rich["deleted_at"] is None
    first, second = rich["revisions"]
    assert first["text"] == RICH.text
    assert first["entities"] == [
        {"kind": "bold", "offset": 0, "length": 5},
        {"kind": "text_url", "offset": 6, "length": 5, "url": "https://t.me/vahed"},
        {"kind": "mention_name", "offset": 12, "length": 3, "user_id": 99}]
    assert first["edit_date"] is None and first["replaced_at"] is not None
    assert second["text"] == "نسخه دوم"
    assert messages[(VAHED, 5)]["deleted_at"] is not None
    assert messages[(VAHED, 1)]["revisions"][0]["text"] == f"{FARSI} 1"
    assert messages[(VAHED, 2)]["revisions"] == []
    # Ordered by channel, then message id.
    assert list(messages) == sorted(messages)


async def test_job_and_publication_records(filled):
    records, _, _ = _jsonl(filled, what="jobs")
    jobs = {(r["message_id"], r["target"]): r for r in records[1:]}
    stale = jobs[(1, "en")]
    assert stale["status"] == "stale" and stale["translation_outdated"] is True
    assert stale["translation"] == "The Vahed drivers' strike goes on 1"
    assert stale["translation_entities"] == []
    assert stale["source_text"].endswith("(ویرایش)")
    assert stale["source_link"] == "https://t.me/vahed/1"
    assert stale["translator_id"] == 5001 and stale["editor_id"] == 5002
    assert jobs[(1, "es")]["translation"] is None
    assert jobs[(1, "es")]["translation_entities"] is None
    assert jobs[(6, "en")]["status"] == "published"
    assert jobs[(6, "en")]["translation_outdated"] is False
    assert jobs[(3, "es")]["reason"] == "not news"

    records, counts, _ = _jsonl(filled, what="publications",
                                target_usernames={"en": "relay_en"})
    assert counts == {"publication": 2}
    pubs = records[1:]
    assert [p["message_id"] for p in pubs] == [501, 502]
    assert pubs[0]["link"] == "https://t.me/relay_en/501"
    assert pubs[0]["channel_id"] == OUT_EN and pubs[0]["kind"] == "post"
    assert pubs[0]["target"] == "en" and pubs[0]["part"] == 0
    # Without the target's username: the private-link form, which works for members.
    records, _, _ = _jsonl(filled, what="publications")
    assert records[1]["link"] == f"https://t.me/c/{OUT_EN}/501"


async def test_since_filters_each_record_type_by_its_own_date(filled):
    since = NOW - HOUR - 60
    records, counts, _ = _jsonl(filled, since=since)
    assert records[0]["since"] == "2025-06-15T14:05:40Z"
    by_type: dict[str, list[dict]] = {}
    for record in records[1:]:
        by_type.setdefault(record["type"], []).append(record)
    stamp = records[0]["since"]
    assert {(r["channel_id"], r["message_id"]) for r in by_type["message"]} == {
        (VAHED, 5), (VAHED, 6), (VAHED, 7)}
    assert all(r["date"] >= stamp for r in by_type["message"])
    assert all(r["updated_at"] >= stamp for r in by_type["job"])
    assert counts["job"] == _count(filled, "SELECT COUNT(*) FROM jobs WHERE updated_at >= ?",
                                   since) < _count(filled, "SELECT COUNT(*) FROM jobs")
    assert counts["audit"] == _count(filled, "SELECT COUNT(*) FROM audit WHERE at >= ?", since)
    assert counts["audit"] < _count(filled, "SELECT COUNT(*) FROM audit")
    assert counts["publication"] == 2
    assert counts["channel"] == 3  # channels are always all written
    assert _jsonl(filled, since=NOW + 1)[1] == {"channel": 3, "message": 0, "job": 0,
                                                "publication": 0, "audit": 0}


async def test_csv_writes_messages_by_default_with_a_header(filled):
    out = io.StringIO()
    conn = connect_readonly(filled)
    counts = export(SqliteArchive(conn), out, fmt="csv")
    conn.close()
    assert counts == {"message": 9}
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows[0] == list(COLUMNS["message"])
    assert len(rows) == 10
    table = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    rich = next(r for r in table if r["message_id"] == "7")
    assert rich["text"] == "نسخه سوم"
    assert json.loads(rich["entities"]) == [{"kind": "italic", "offset": 0, "length": 4}]
    assert [r["text"] for r in json.loads(rich["revisions"])] == [RICH.text, "نسخه دوم"]
    assert rich["deleted_at"] == ""  # NULL is an empty cell
    assert json.loads(rich["forwarded_from"])["from_name"] == "شورای هماهنگی"
    assert any(r["text"] == f"{FARSI} ۱ (ویرایش)" for r in table)


@pytest.mark.parametrize("what", ["jobs", "publications", "audit", "channels"])
async def test_csv_of_other_record_types(filled, what):
    out = io.StringIO()
    conn = connect_readonly(filled)
    counts = export(SqliteArchive(conn), out, fmt="csv", what=what, since=NOW - 2 * HOUR)
    conn.close()
    (kind,) = WHAT[what]
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert rows[0] == list(COLUMNS[kind])
    assert len(rows) - 1 == counts[kind] > 0
    if what == "jobs":
        published = next(r for r in rows[1:] if r[1] == "published")
        assert published[COLUMNS["job"].index("translation_outdated")] == "false"


async def test_newline_in_text_and_unicode_line_separators_keep_one_record_per_line(settings):
    db = await Database.open(settings.storage.database)
    await db.run(message_store.store_message,
                 MessageRow(VAHED, 1, NOW, "خط اول\nخط دوم\u2028سوم\u2029چهارم\x85پنجم\r"),
                 "fa", 0.9, POLICY, NOW)
    await db.close()
    records, counts, text = _jsonl(settings.storage.database)
    assert len(text.splitlines()) == len(records) == 1 + sum(counts.values())
    message = next(r for r in records if r["type"] == "message")
    assert message["text"] == "خط اول\nخط دوم\u2028سوم\u2029چهارم\x85پنجم\r"
    out = io.StringIO()
    conn = connect_readonly(settings.storage.database)
    export(SqliteArchive(conn), out, fmt="csv")
    conn.close()
    rows = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert len(rows) == 2 and rows[1][COLUMNS["message"].index("text")] == message["text"]


def test_no_exported_field_is_named_like_a_secret():
    for columns in COLUMNS.values():
        for column in columns:
            assert not any(word in column.lower() for word in
                           ("token", "hash", "session", "secret", "password", "api_id")), column


async def test_no_secret_value_reaches_the_export(make_settings, filled):
    secret = "123456:ABCdefGhIJKlmnOPQ_secret-bot-token"
    settings = make_settings(EXTRA_SOURCES)
    object.__setattr__(settings.secrets, "bot_token", secret)  # as if set in .env
    out = io.StringIO()
    run_export(settings, out)
    assert secret not in out.getvalue() and "api_hash" not in out.getvalue()


async def test_run_export_reads_the_configured_database_read_only(settings, filled):
    db = await Database.open(filled)  # the service holds the database meanwhile
    try:
        out = io.StringIO()
        counts = run_export(settings, out, what="publications")
    finally:
        await db.close()
    assert counts == {"publication": 2}
    # run_export passes the targets' usernames: public links.
    assert "https://t.me/relay_en/501" in out.getvalue()


async def test_bad_format_or_record_type_is_refused(filled):
    conn = connect_readonly(filled)
    with pytest.raises(ValueError, match="unknown export format 'xml'"):
        export(SqliteArchive(conn), io.StringIO(), fmt="xml")
    with pytest.raises(ValueError, match="unknown record type 'people'"):
        export(SqliteArchive(conn), io.StringIO(), what="people")
    conn.close()


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
    (" 2024-05-01 ", datetime(2024, 5, 1, tzinfo=UTC)),
    ("2024-05-01T12:30", datetime(2024, 5, 1, 12, 30, tzinfo=UTC)),
    ("2024-05-01 12:30:15", datetime(2024, 5, 1, 12, 30, 15, tzinfo=UTC)),
    ("2024-05-01T12:30:15Z", datetime(2024, 5, 1, 12, 30, 15, tzinfo=UTC)),
    ("2024-05-01T12:30:15.250z", datetime(2024, 5, 1, 12, 30, 15, tzinfo=UTC)),
    ("2024-05-01T15:00:00+03:30", datetime(2024, 5, 1, 11, 30, tzinfo=UTC)),
    ("2024-05-01T15:00:00+0330", datetime(2024, 5, 1, 11, 30, tzinfo=UTC)),
    ("2024-05-01T07:00:00-05:00", datetime(2024, 5, 1, 12, 0, tzinfo=UTC)),
])
def test_parse_since_accepts_dates_and_iso_times(text, expected):
    assert parse_since(text) == int(expected.timestamp())


@pytest.mark.parametrize("text", ["", "  ", "yesterday", "2024-13-01", "2024-02-30",
                                  "01/05/2024", "2024-5-1", "1714521600", "20240501",
                                  "2024-W18", "2024-05-01T25:00", "2024-05-01T12:00+25:00",
                                  "2024-05-01\n2024-05-02"])
def test_parse_since_rejects_anything_else_in_one_line(text):
    with pytest.raises(ValueError) as err:
        parse_since(text)
    message = str(err.value)
    assert "\n" not in message and "is not a date" in message and "YYYY-MM-DD" in message
