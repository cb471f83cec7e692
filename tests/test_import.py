"""`relay import`: Telegram Desktop JSON exports into the store, on a real SQLite file."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from relay.config import Settings
from relay.core.records import MessageRow, QueuePolicy
from relay.importer import (
    ExportFormatError,
    import_export,
    message_row,
    message_text,
    needs_write,
    text_from_parts,
)
from relay.importer.desktop_messages import match_source, not_importable, unix_time
from relay.store import channels as channel_store
from relay.store import messages as message_store
from relay.store.sqlite_store import SqliteStore
from relay.text.formatting import Entity, entities_to_json
from tests.conftest import rows

OIL_ID = 1234567890
VAHED_ID = 1111111111
OTHER_ID = 2222222222
OIL_NAME = "Organising Council of Oil Contract Workers' Protests"
VAHED_NAME = "Syndicate of Workers of Tehran and Suburbs Vahed Bus Company"

EXTRA_SOURCES = f"""
[[sources]]
channel = -100{OIL_ID}
name = "{OIL_NAME}"
"""

STRIKE = "کارگران پیمانی نفت در عسلویه از امروز دست به اعتصاب زدند."
ARREST = "بازداشت سه تن از اعضای سندیکا را محکوم می‌کنیم و خواستار آزادی فوری آنان هستیم."
WAGES = "کارگران شرکت واحد در اعتراض به دستمزدهای معوقه مقابل وزارت کار تجمع کردند."
HUNGER = "اعتصاب غذای کارگر زندانی وارد دهمین روز شد."
ENGLISH = "Dockworkers in Rotterdam send their solidarity to the striking oil workers."
T0 = 1_682_936_430


@pytest.fixture
def settings(make_settings) -> Settings:
    return make_settings(EXTRA_SOURCES)


def msg(mid: int, text: Any = "", **extra: Any) -> dict[str, Any]:
    return {"id": mid, "type": "message", "date": "2023-05-01T10:20:30",
            "date_unixtime": str(T0 + 60 * mid), "from": "Channel",
            "from_id": "channel1", "text": text, **extra}


def service(mid: int) -> dict[str, Any]:
    return {"id": mid, "type": "service", "date": "2023-05-01T10:00:00",
            "date_unixtime": str(T0), "actor": "Channel", "action": "pin_message",
            "message_id": 1, "text": ""}


def chat(name: str, chat_id: int, messages: list[dict], chat_type: str = "public_channel"):
    return {"name": name, "type": chat_type, "id": chat_id, "messages": messages}


def write(tmp_path: Path, data: Any, name: str = "result.json") -> Path:
    path = tmp_path / name
    # Telegram Desktop writes indented UTF-8, not \u escapes.
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def utf16_slice(text: str, entity: Entity) -> str:
    raw = text.encode("utf-16-le")
    return raw[2 * entity.offset:2 * entity.end].decode("utf-16-le")


def oil_messages() -> list[dict]:
    return [
        msg(1, STRIKE),
        service(2),
        msg(3, ENGLISH),
        msg(4, [{"type": "bold", "text": "فوری: "}, ARREST]),
        msg(5, ""),  # a photo without caption
    ]


def db_file(settings: Settings) -> Path:
    return settings.storage.database


# --------------------------------------------------------------------------------------------
# Pure conversion


def test_text_parts_give_entities_with_utf16_offsets_over_emoji_and_farsi():
    parts = [
        "✊🏽 ",
        {"type": "bold", "text": "اعتصاب"},
        " کارگران ",
        {"type": "hashtag", "text": "#هفت_تپه"},
        " 🚌 ",
        {"type": "text_link", "text": "بیانیه", "href": "https://example.org/s"},
        "\n",
        {"type": "strikethrough", "text": "لغو"},
        {"type": "custom_emoji", "text": "🔥", "document_id": "files/x.webp"},
        {"type": "mention_name", "text": "رضا", "user_id": 5002},
        " ",
        {"type": "link", "text": "https://t.me/vahed/9"},
        {"type": "pre", "text": "code()", "language": "python"},
        {"type": "plain", "text": " پایان"},
    ]
    formatted = text_from_parts(parts)
    assert formatted.text == ("✊🏽 اعتصاب کارگران #هفت_تپه 🚌 بیانیه\nلغو🔥رضا "
                              "https://t.me/vahed/9code() پایان")
    covered = [(e.kind, utf16_slice(formatted.text, e)) for e in formatted.entities]
    assert covered == [
        ("bold", "اعتصاب"),
        ("hashtag", "#هفت_تپه"),
        ("text_url", "بیانیه"),
        ("strike", "لغو"),
        ("mention_name", "رضا"),
        ("url", "https://t.me/vahed/9"),
        ("pre", "code()"),
    ]
    # "✊🏽 " is 4 UTF-16 units: the skin-tone modifier is outside the BMP.
    assert formatted.entities[0].offset == 4
    assert formatted.entities[2].url == "https://example.org/s"
    assert formatted.entities[4].user_id == 5002
    assert formatted.entities[6].language == "python"


def test_adjacent_parts_of_one_style_merge_but_tokens_stay_apart():
    formatted = text_from_parts([{"type": "bold", "text": "اعتصاب "},
                                 {"type": "bold", "text": "سراسری"},
                                 {"type": "hashtag", "text": "#نفت"},
                                 {"type": "hashtag", "text": "#کارگران"}])
    assert [(e.kind, e.offset, e.length) for e in formatted.entities] == [
        ("bold", 0, 13), ("hashtag", 13, 4), ("hashtag", 17, 8)]


def test_text_entities_are_preferred_and_odd_text_is_tolerated():
    message = {"text": "ignored", "text_entities": [{"type": "plain", "text": "سلام "},
                                                    {"type": "italic", "text": "رفقا"}]}
    formatted = message_text(message)
    assert formatted.text == "سلام رفقا"
    assert formatted.entities == (Entity("italic", 5, 4),)
    assert message_text({"text": STRIKE}).text == STRIKE
    assert message_text({}).text == ""
    assert message_text({"text": [None, 3, {"type": "bold"}, "x"]}).text == "x"
    # A link without its address, a mention without its user: text kept, entity dropped.
    assert text_from_parts([{"type": "text_link", "text": "a"},
                            {"type": "mention_name", "text": "b"}]).entities == ()


def test_message_row_reads_dates_edits_forwards_replies_and_media():
    row = message_row(msg(7, "متن", edited="2023-05-01T11:00:00", edited_unixtime=str(T0 + 999),
                          forwarded_from="اتحادیه آزاد کارگران", reply_to_message_id=3,
                          photo="photos/photo_1@01-05-2023_10-20-30.jpg",
                          photo_file_size=52311, author="Reza"), OIL_ID)
    assert row == MessageRow(
        channel_id=OIL_ID, message_id=7, date=T0 + 420, text="متن", edit_date=T0 + 999,
        media_kind="photo", media_size=52311, media_name="photo_1@01-05-2023_10-20-30.jpg",
        fwd_from='{"date":null,"from_name":"اتحادیه آزاد کارگران"}', reply_to=3,
        post_author="Reza")
    kinds = {
        "video_file": "video", "voice_message": "voice", "audio_file": "audio",
        "animation": "animation", "sticker": "sticker", "video_message": "round",
    }
    for media_type, kind in kinds.items():
        r = message_row(msg(8, file="files/clip.bin", media_type=media_type, file_size=10),
                        OIL_ID)
        assert (r.media_kind, r.media_size, r.media_name) == (kind, 10, "clip.bin")
    doc = message_row(msg(9, file="files/report.pdf", mime_type="application/pdf"), OIL_ID)
    assert (doc.media_kind, doc.media_name) == ("document", "report.pdf")
    missing = message_row(msg(10, file="(File not included. Change data exporting settings to "
                                       "download.)", media_type="video_file"), OIL_ID)
    assert (missing.media_kind, missing.media_name) == ("video", None)
    assert message_row(msg(11, poll={"question": "?"}), OIL_ID).media_kind == "poll"
    plain = message_row(msg(12, "x"), OIL_ID)
    assert (plain.media_kind, plain.fwd_from, plain.reply_to, plain.edit_date) == (
        None, None, None, None)
    hidden = message_row(msg(13, "x", forwarded_from=None, forwarded_from_id="channel42"),
                         OIL_ID)
    assert json.loads(hidden.fwd_from) == {"date": None, "from_id": -1000000000042}
    elsewhere = message_row(msg(14, "x", reply_to_message_id=5, reply_to_peer_id="channel42"),
                            OIL_ID)
    assert elsewhere.reply_to is None
    with pytest.raises(ValueError):
        message_row({"type": "message", "text": "no id"}, OIL_ID)
    with pytest.raises(ValueError):
        message_row({"id": 3, "text": "no date"}, OIL_ID)


def test_dates_prefer_unixtime_and_read_naive_iso_as_utc():
    assert unix_time("1682936430", "1999-01-01T00:00:00") == 1682936430
    assert unix_time(None, "2023-05-01T10:20:30") == 1682936430
    assert unix_time(None, "2023-05-01T13:50:30+03:30") == 1682936430
    assert unix_time(None, "yesterday") is None


def test_sources_match_by_id_then_by_name_or_username(settings):
    assert match_source(settings.sources, OIL_ID, "renamed").name == OIL_NAME
    assert match_source(settings.sources, 999, "  syndicate of workers of TEHRAN and "
                                                "suburbs vahed bus company").ref.username == "vahed"
    assert match_source(settings.sources, 999, "@Haft_Tappeh").ref.username == "haft_tappeh"
    # Same name as a source configured by id, but another id: a namesake.
    assert match_source(settings.sources, 999, OIL_NAME) is None
    assert match_source(settings.sources, None, OIL_NAME).ref.id == OIL_ID
    assert match_source(settings.sources, 999, "Unrelated") is None
    # A source configured by username, whose id the watcher resolved: matched by that id.
    known = {"@vahed": VAHED_ID}
    assert match_source(settings.sources, VAHED_ID, "سندیکا", known).ref.username == "vahed"
    assert match_source(settings.sources, 999, VAHED_NAME, known) is None


def test_only_channels_and_supergroups_are_importable():
    assert not_importable("public_channel") is None
    assert not_importable("private_supergroup") is None
    assert not_importable(None) is None
    assert "personal chat" in not_importable("personal_chat")
    assert "basic group" in not_importable("private_group")


def test_stored_posts_change_only_for_a_newer_edit():
    row = MessageRow(channel_id=1, message_id=1, date=T0, text="b", edit_date=T0 + 5)
    assert needs_write(None, row)
    assert not needs_write(("b", "[]", None), row)
    assert needs_write(("a", "[]", T0 + 1), row)
    assert not needs_write(("a", "[]", T0 + 9), row)  # the store has a later version
    flattened = MessageRow(channel_id=1, message_id=1, date=T0, text="b")
    bold = entities_to_json((Entity("bold", 0, 1),))
    assert not needs_write(("b", bold, None), flattened)


# --------------------------------------------------------------------------------------------
# Into the store


async def test_single_chat_matched_by_id_is_stored_and_farsi_posts_queued(db, settings,
                                                                          tmp_path):
    path = write(tmp_path, chat("نام قدیمی کانال", OIL_ID, oil_messages()))
    report = await import_export(SqliteStore(db), settings, path, clock=lambda: T0 + 10_000)
    [c] = report.chats
    assert (c.name, c.channel_id, c.source, c.queued) == ("نام قدیمی کانال", OIL_ID,
                                                            f"id {OIL_ID}", True)
    assert (c.seen, c.stored, c.present, c.updated, c.skipped, c.jobs_created) == (
        5, 4, 0, 0, 1, 4)
    stored = rows(db_file(settings), "SELECT message_id, date, text, lang, entities"
                  " FROM messages ORDER BY message_id")
    assert stored == [
        (1, T0 + 60, STRIKE, "fa", "[]"),
        (3, T0 + 180, ENGLISH, "en", "[]"),
        (4, T0 + 240, "فوری: " + ARREST, "fa", '[{"k":"bold","o":0,"l":6}]'),
        (5, T0 + 300, "", "und", "[]"),
    ]
    jobs = rows(db_file(settings), "SELECT message_id, target FROM jobs ORDER BY message_id,"
                " target")
    assert jobs == [(1, "en"), (1, "es"), (4, "en"), (4, "es")]
    channel = rows(db_file(settings), "SELECT id, title, display_name, is_source,"
                   " last_message_id FROM channels")
    assert channel == [(OIL_ID, "نام قدیمی کانال", OIL_NAME, 1, 5)]
    assert report.summary() == (
        f"{path}: 1 chat, 5 messages read: 4 new, 0 already present, 0 updated, "
        "1 service skipped; 4 jobs queued")
    assert "\n" not in report.summary()


async def test_single_chat_matched_by_name(db, settings, tmp_path):
    path = write(tmp_path, chat(VAHED_NAME, VAHED_ID, [msg(1, WAGES), msg(2, HUNGER)]))
    report = await import_export(SqliteStore(db), settings, path)
    [c] = report.chats
    assert (c.source, c.stored, c.jobs_created) == ("@vahed", 2, 4)
    assert rows(db_file(settings), "SELECT id, username, display_name, is_source FROM channels"
                ) == [(VAHED_ID, "vahed", VAHED_NAME, 1)]


async def test_a_source_the_watcher_resolved_is_matched_by_its_id(db, settings, tmp_path):
    await db.run(channel_store.set_source_status, "@vahed", channel_id=VAHED_ID, error=None,
                 now=T0)
    path = write(tmp_path, chat("سندیکای کارگران شرکت واحد", VAHED_ID, [msg(1, WAGES)]))
    report = await import_export(SqliteStore(db), settings, path)
    assert (report.chats[0].source, report.chats[0].jobs_created) == ("@vahed", 2)
    assert rows(db_file(settings), "SELECT username, title, display_name FROM channels") == [
        ("vahed", "سندیکای کارگران شرکت واحد", VAHED_NAME)]


async def test_full_export_with_unmatched_and_personal_chats(db, settings, tmp_path):
    data = {
        "about": "Here is the data you requested.",
        "personal_information": {"user_id": 5001, "first_name": "Sara"},
        "contacts": {"about": "", "list": [{"first_name": "Reza", "phone_number": "+98"}]},
        "chats": {"about": "", "list": [
            chat("Sara & Reza", 5002, [msg(1, "سلام، جلسه فردا ساعت ده است.")],
                 chat_type="personal_chat"),
            chat(OIL_NAME, OIL_ID, oil_messages(), chat_type="private_channel"),
            chat("اخبار کارگری", OTHER_ID, [msg(10, STRIKE), msg(11, WAGES)]),
            chat("Basic group", 77, [msg(1, "hi")], chat_type="private_group"),
        ]},
        "left_chats": {"about": "", "list": [
            chat(VAHED_NAME, VAHED_ID, [msg(30, HUNGER)], chat_type="public_supergroup"),
        ]},
    }
    path = write(tmp_path, data)
    report = await import_export(SqliteStore(db), settings, path)
    by_name = {c.name: c for c in report.chats}
    assert by_name["Sara & Reza"].not_imported and by_name["Basic group"].not_imported
    assert by_name["Sara & Reza"].seen == 0
    archive = by_name["اخبار کارگری"]
    assert (archive.source, archive.queued, archive.stored, archive.jobs_created) == (
        None, False, 2, 0)
    assert by_name[OIL_NAME].jobs_created == 4
    assert by_name[VAHED_NAME].jobs_created == 2
    assert rows(db_file(settings), "SELECT id, display_name, is_source FROM channels ORDER BY id"
                ) == [(VAHED_ID, VAHED_NAME, 1), (OIL_ID, OIL_NAME, 1),
                      (OTHER_ID, "اخبار کارگری", 0)]
    assert rows(db_file(settings), "SELECT DISTINCT channel_id FROM jobs ORDER BY 1") == [
        (VAHED_ID,), (OIL_ID,)]
    assert rows(db_file(settings), "SELECT COUNT(*) FROM messages WHERE channel_id IN (5002, 77)"
                ) == [(0,)]
    summary = report.summary()
    assert "3 chats" in summary and "1 chat archive-only" in summary
    assert "2 chats not imported" in summary
    assert len(report.lines()) == 5


async def test_importing_twice_adds_nothing(db, settings, tmp_path):
    path = write(tmp_path, chat(OIL_NAME, OIL_ID, oil_messages()))
    await import_export(SqliteStore(db), settings, path)
    query = ("SELECT (SELECT COUNT(*) FROM messages), (SELECT COUNT(*) FROM message_revisions),"
             " (SELECT COUNT(*) FROM jobs), (SELECT COUNT(*) FROM audit)")
    before = rows(db_file(settings), query)
    again = await import_export(SqliteStore(db), settings, path)
    assert rows(db_file(settings), query) == before == [(4, 0, 4, 4)]
    [c] = again.chats
    assert (c.seen, c.stored, c.present, c.updated, c.skipped, c.jobs_created) == (
        5, 0, 4, 0, 1, 0)


async def test_newer_edit_in_a_later_export_is_applied_and_the_old_text_kept(db, settings,
                                                                             tmp_path):
    await import_export(SqliteStore(db), settings, write(tmp_path, chat(OIL_NAME, OIL_ID, [msg(1, STRIKE)])))
    edited = msg(1, STRIKE + " (اصلاحیه)", edited="2023-05-02T09:00:00",
                 edited_unixtime=str(T0 + 86_400))
    report = await import_export(SqliteStore(db), settings, write(tmp_path, chat(OIL_NAME, OIL_ID, [edited]),
                                                     "later.json"))
    assert report.chats[0].updated == 1
    assert rows(db_file(settings), "SELECT text, edit_date FROM messages") == [
        (STRIKE + " (اصلاحیه)", T0 + 86_400)]
    assert rows(db_file(settings), "SELECT text FROM message_revisions") == [(STRIKE,)]
    assert rows(db_file(settings), "SELECT DISTINCT source_text FROM jobs") == [
        (STRIKE + " (اصلاحیه)",)]
    # The first, older export again: it must not roll the post back.
    old = await import_export(SqliteStore(db), settings, tmp_path / "result.json")
    assert (old.chats[0].present, old.chats[0].updated) == (1, 0)
    assert rows(db_file(settings), "SELECT text FROM messages") == [(STRIKE + " (اصلاحیه)",)]


async def test_a_post_the_watcher_stored_with_richer_formatting_is_left_alone(db, settings,
                                                                              tmp_path):
    nested = MessageRow(channel_id=OIL_ID, message_id=1, date=T0 + 60, text=STRIKE,
                        entities=(Entity("bold", 0, 7), Entity("italic", 0, 4)))
    policy = QueuePolicy(languages=frozenset({"fa"}), targets=(("en", "en"),))
    await db.run(message_store.store_message, nested, "fa", 0.99, policy, T0)
    report = await import_export(SqliteStore(db), settings, write(tmp_path, chat(OIL_NAME, OIL_ID, [
        msg(1, [{"type": "bold", "text": STRIKE[:7]}, STRIKE[7:]])])))
    assert report.chats[0].present == 1
    assert rows(db_file(settings), "SELECT COUNT(*) FROM message_revisions") == [(0,)]


async def test_forward_reply_and_media_are_stored(db, settings, tmp_path):
    messages = [
        msg(1, STRIKE, photo="photos/photo_1@01-05-2023_10-20-30.jpg"),
        msg(2, ARREST, forwarded_from="سندیکای کارگران شرکت واحد", reply_to_message_id=1),
        msg(3, "", file="voice_messages/audio_1.ogg", media_type="voice_message",
            mime_type="audio/ogg", duration_seconds=12, file_size=4096),
        msg(4, "گزارش کامل", file="files/report.pdf", file_name="گزارش.pdf"),
    ]
    await import_export(SqliteStore(db), settings, write(tmp_path, chat(OIL_NAME, OIL_ID, messages)))
    assert rows(db_file(settings), "SELECT message_id, media_kind, media_name, media_size,"
                " fwd_from, reply_to FROM messages ORDER BY message_id") == [
        (1, "photo", "photo_1@01-05-2023_10-20-30.jpg", None, None, None),
        (2, None, None, None, '{"date":null,"from_name":"سندیکای کارگران شرکت واحد"}', 1),
        (3, "voice", "audio_1.ogg", 4096, None, None),
        (4, "document", "گزارش.pdf", None, None, None),
    ]


async def test_queue_false_stores_a_source_without_jobs(db, settings, tmp_path):
    path = write(tmp_path, chat(OIL_NAME, OIL_ID, oil_messages()))
    report = await import_export(SqliteStore(db), settings, path, queue=False)
    c = report.chats[0]
    assert (c.source, c.queued, c.stored, c.jobs_created) == (f"id {OIL_ID}", False, 4, 0)
    assert rows(db_file(settings), "SELECT COUNT(*) FROM jobs") == [(0,)]
    assert rows(db_file(settings), "SELECT is_source FROM channels") == [(1,)]


async def test_progress_counts_up_to_the_total(db, settings, tmp_path):
    data = {"chats": {"list": [chat(OIL_NAME, OIL_ID, oil_messages()),
                               chat("x", 5, [msg(1, "hi")], chat_type="personal_chat"),
                               chat("اخبار", OTHER_ID, [msg(1, STRIKE), msg(2, WAGES)])]}}
    calls: list[tuple[int, int]] = []
    await import_export(SqliteStore(db), settings, write(tmp_path, data),
                        progress=lambda done, total: calls.append((done, total)),
                        batch_size=2)
    assert calls[0] == (0, 7)
    assert calls[-1] == (7, 7)
    done = [d for d, _ in calls]
    assert done == sorted(set(done)) and {t for _, t in calls} == {7}
    assert len(calls) == 1 + 3 + 1  # start, batches of 2 + 2 + 1, then one batch of 2


async def test_truncated_file_keeps_what_came_before_and_names_the_position(db, settings,
                                                                            tmp_path):
    messages = [msg(i, f"{STRIKE} ({i})") for i in range(1, 9)]
    full = json.dumps(chat(OIL_NAME, OIL_ID, messages), ensure_ascii=False, indent=1)
    cut = full.index('"id": 6')  # inside the messages array, in the middle of message 6
    cut = full.index("کارگران", cut) + 3
    path = tmp_path / "result.json"
    path.write_text(full[:cut], encoding="utf-8")
    with pytest.raises(ExportFormatError) as caught:
        await import_export(SqliteStore(db), settings, path, batch_size=2)
    error = caught.value
    message = str(error)
    assert "\n" not in message
    line = full[:cut].count("\n") + 1
    assert re.fullmatch(
        re.escape(str(path)) + rf": line {line}, column \d+ \(byte offset "
        rf"{len(full[:cut].encode())}\): the file ends in the middle of the export "
        r"\(truncated download or copy\?\) — 5 messages imported before the damage are kept",
        message), message
    assert (error.line, error.imported) == (line, 5)
    assert error.report is not None and error.report.chats[0].jobs_created == 10
    assert rows(db_file(settings), "SELECT message_id FROM messages ORDER BY 1") == [
        (1,), (2,), (3,), (4,), (5,)]
    # Fixed file (the complete export) afterwards: the rest comes in, nothing twice.
    path.write_text(full, encoding="utf-8")
    report = await import_export(SqliteStore(db), settings, path)
    assert (report.chats[0].stored, report.chats[0].present) == (3, 5)


async def test_file_cut_inside_a_farsi_character_is_truncation_too(db, settings, tmp_path):
    full = json.dumps(chat(OIL_NAME, OIL_ID, [msg(1, STRIKE), msg(2, ARREST)]),
                      ensure_ascii=False, indent=1).encode()
    cut = full.index("بازداشت".encode()) + 3  # in the middle of a two-byte letter
    path = tmp_path / "result.json"
    path.write_bytes(full[:cut])
    with pytest.raises(ExportFormatError, match=r"truncated.*1 message imported before the "
                                                r"damage is kept"):
        await import_export(SqliteStore(db), settings, path)
    assert rows(db_file(settings), "SELECT message_id FROM messages") == [(1,)]


async def test_damaged_json_and_bad_bytes_in_the_middle_are_named(db, settings, tmp_path):
    good = json.dumps(chat(OIL_NAME, OIL_ID, [msg(1, STRIKE), msg(2, ARREST), msg(3, WAGES)]),
                      ensure_ascii=False, indent=1)
    broken = good.replace('"id": 3,', '"id": 3 "oops",')
    path = tmp_path / "result.json"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ExportFormatError, match=r"line \d+, column \d+ \(byte offset \d+\): "
                                                r"invalid JSON: expecting ',' delimiter — 2 "
                                                "messages imported"):
        await import_export(SqliteStore(db), settings, path)
    raw = good.encode()
    bad = raw.index("دستمزدهای".encode())
    path.write_bytes(raw[:bad] + b"\xff" + raw[bad:])
    with pytest.raises(ExportFormatError, match=rf"\(byte offset {bad}\): invalid UTF-8 byte "
                                                "0xff"):
        await import_export(SqliteStore(db), settings, path)
    assert rows(db_file(settings), "SELECT COUNT(*) FROM messages") == [(2,)]


@pytest.mark.parametrize(("content", "expected"), [
    (b"", "the file is empty"),
    (b"hello, comrades", r"line 1, column 1 \(byte offset 0\): not a Telegram Desktop JSON "
                         r"export: invalid JSON: expected '\{', found 'h'"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "invalid UTF-8 byte 0x89"),
    (b"<!DOCTYPE html><html>", "HTML export"),
    (b'{"name": "x", "members": []}', 'neither "messages" nor "chats"'),
    (b"[1, 2, 3]", "expected '\\{'"),
])
async def test_files_that_are_not_exports_are_refused(db, settings, tmp_path, content,
                                                      expected):
    path = tmp_path / "result.json"
    path.write_bytes(content)
    with pytest.raises(ExportFormatError, match=expected) as caught:
        await import_export(SqliteStore(db), settings, path)
    assert str(caught.value).startswith(f"{path}: ")
    assert "\n" not in str(caught.value)
    assert rows(db_file(settings), "SELECT COUNT(*) FROM channels") == [(0,)]


async def test_missing_file_and_export_folder(db, settings, tmp_path):
    with pytest.raises(ExportFormatError, match="file not found"):
        await import_export(SqliteStore(db), settings, tmp_path / "nope.json")
    folder = tmp_path / "ChatExport_2023-05-01"
    folder.mkdir()
    with pytest.raises(ExportFormatError, match="folder without a result.json"):
        await import_export(SqliteStore(db), settings, folder)
    write(folder, chat(OIL_NAME, OIL_ID, [msg(1, STRIKE)]))
    report = await import_export(SqliteStore(db), settings, folder)
    assert report.file == str(folder / "result.json") and report.chats[0].stored == 1


async def test_unusable_elements_are_counted_not_fatal(db, settings, tmp_path):
    messages = [msg(1, STRIKE), "not a message", {"type": "message", "text": "no id"},
                msg(2, WAGES)]
    report = await import_export(SqliteStore(db), settings, write(tmp_path, chat(OIL_NAME, OIL_ID,
                                                                    messages)))
    c = report.chats[0]
    assert (c.seen, c.stored, c.invalid) == (4, 2, 2)
    assert "2 unusable" in report.summary()
