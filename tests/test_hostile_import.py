"""`relay import` of an export holding hostile values (issue 12): each bad message is skipped and
counted, the rest of its batch is kept, and nothing already stored is lost. Run through the real
command line on a real SQLite file.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from relay.cli.main import main
from tests.cli_helpers import command_place

GOOD_DATE = "1704103200"

#: Each a message element as JSON text, written as an attacker would (not through json.dumps).
HOSTILE = {
    "id above 2^63": '{"id": 99999999999999999999, "type": "message", '
                     f'"date_unixtime": "{GOOD_DATE}", "text": "x"}}',
    "id above 2^31": '{"id": 4294967296, "type": "message", '
                     f'"date_unixtime": "{GOOD_DATE}", "text": "x"}}',
    "date above 2^63": '{"id": 900, "type": "message", '
                       '"date_unixtime": "99999999999999999999999", "text": "x"}',
    "iso date past 9999": '{"id": 901, "type": "message", "date": "99999-01-01T10:00:00", '
                          '"text": "x"}',
    "5,000-digit id": '{"id": ' + "9" * 5000 + ', "type": "message", '
                      f'"date_unixtime": "{GOOD_DATE}", "text": "x"}}',
    "5,000-digit date": '{"id": 902, "type": "message", "date_unixtime": "' + "9" * 5000
                        + '", "text": "x"}',
    "5,000-digit number deep inside": '{"id": 903, "type": "message", '
                                      f'"date_unixtime": "{GOOD_DATE}", "text": "x", '
                                      '"poll": {"total_voters": ' + "7" * 5000 + '}}',
    "lone surrogate in text": '{"id": 904, "type": "message", '
                              f'"date_unixtime": "{GOOD_DATE}", "text": "a\\ud800b"}}',
    "lone surrogate in a part": '{"id": 905, "type": "message", '
                                f'"date_unixtime": "{GOOD_DATE}", '
                                '"text": [{"type": "text_link", "text": "x", '
                                '"href": "https://e.org/\\udfff"}]}',
    "lone surrogate in the author": '{"id": 906, "type": "message", '
                                    f'"date_unixtime": "{GOOD_DATE}", "text": "x", '
                                    '"author": "\\ud83d"}',
    "nested 5,000 deep": '{"id": 907, "type": "message", '
                         f'"date_unixtime": "{GOOD_DATE}", "text": '
                         + "[" * 5000 + "]" * 5000 + '}',
    "objects nested 3,000 deep": '{"id": 908, "type": "message", '
                                 f'"date_unixtime": "{GOOD_DATE}", "x": '
                                 + '{"a": ' * 3000 + "1" + "}" * 3000 + ', "text": "y"}',
    "wrong types": '{"id": [1], "type": "message", "date_unixtime": {"a": 1}, "text": 7}',
    "id a float past any bound": '{"id": 1e400, "type": "message", '
                                 f'"date_unixtime": "{GOOD_DATE}", "text": "x"}}',
    "a string, not a message": '"\\ud800"',
    "a bare 5,000-digit number": "9" * 5000,
}


def good(mid: int) -> str:
    return json.dumps({"id": mid, "type": "message", "date_unixtime": GOOD_DATE,
                       "text": f"post {mid}"})


def export(messages: list[str], *, chat_id: str = "12345", name: str = '"Vahed"') -> str:
    return ('{"name": ' + name + ', "type": "public_channel", "id": ' + chat_id
            + ', "messages": [' + ", ".join(messages) + "]}")


@pytest.fixture
def place(tmp_path, monkeypatch):
    config, data = command_place(tmp_path, monkeypatch, api=False)
    return tmp_path, config, data / "relay.db"


def stored(db: Path) -> dict[int, str]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT message_id, text FROM messages"))
    finally:
        conn.close()


def run_import(config: Path, file: Path, capsys) -> tuple[int, str, str]:
    code = main(["--config", str(config), "import", "--no-queue", str(file)])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_hostile_message_is_skipped_and_counted_and_the_rest_kept(place, capsys):
    tmp, config, db = place
    first = tmp / "first.json"
    first.write_text(export([good(1), good(2)]), encoding="utf-8")
    assert run_import(config, first, capsys)[0] == 0
    assert stored(db) == {1: "post 1", 2: "post 2"}

    file = tmp / "result.json"
    body = [good(3)] + list(HOSTILE.values()) + [good(4), good(5)]
    file.write_text(export(body), encoding="utf-8")
    code, out, err = run_import(config, file, capsys)
    assert code == 0, err
    assert "Traceback" not in err
    assert f"{len(HOSTILE)} unusable" in out, out
    assert "3 new" in out and "2 already present" not in out  # the batch's good posts kept
    assert stored(db) == {n: f"post {n}" for n in range(1, 6)}  # nothing stored was lost


@pytest.mark.parametrize("case", list(HOSTILE))
def test_each_hostile_value_alone_costs_only_its_message(place, capsys, case):
    tmp, config, db = place
    file = tmp / "result.json"
    file.write_text(export([good(1), HOSTILE[case], good(2)]), encoding="utf-8")
    code, out, err = run_import(config, file, capsys)
    assert code == 0 and "1 unusable" in out, (out, err)
    assert stored(db) == {1: "post 1", 2: "post 2"}


@pytest.mark.parametrize(("chat_id", "name"), [
    ("9" * 5000, '"Vahed"'),
    ("99999999999999999999", '"Vahed"'),
    ("[" * 5000 + "]" * 5000, '"Vahed"'),
    ("12345", '"Va\\ud800hed"'),
    ("12345", "[" * 5000 + "]" * 5000),
])
def test_a_hostile_chat_header_is_one_line_or_imported_never_a_traceback(place, capsys,
                                                                         chat_id, name):
    tmp, config, db = place
    file = tmp / "result.json"
    file.write_text(export([good(1)], chat_id=chat_id, name=name), encoding="utf-8")
    code, out, err = run_import(config, file, capsys)
    assert code in (0, 1, 2) and "Traceback" not in err and len(err.splitlines()) <= 1, err
    if code == 0:
        assert "not a channel id" in out or stored(db) == {1: "post 1"}, out
