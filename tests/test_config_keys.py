"""Each configuration key is declared once; the example file and the settings agree with it."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from relay.config import (
    Logging,
    Metrics,
    Person,
    Publish,
    Review,
    Source,
    Target,
    WatcherSettings,
)
from relay.config.keys import ARRAY_SECTIONS, KEYS, REQUIRED, TABLE_SECTIONS, Key, section_keys
from relay.core.workflow import Rules

EXAMPLE = Path(__file__).resolve().parent.parent / "config" / "relay.example.toml"
SECTION_CLASSES = {
    "sources": Source,
    "targets": Target,
    "people": Person,
    "review": Review,
    "watcher": WatcherSettings,
    "publish": Publish,
    "logging": Logging,
    "metrics": Metrics,
}
_HEADER = re.compile(r"^\[\[?(\w+)\]\]?\s*$")
_KEY_LINE = re.compile(r"^(#\s?)?(\w+) = ")


def _example_lines() -> dict[str, list[tuple[int, bool, list[str]]]]:
    """For each ``section.name``: (line number, commented out, the comment block above it)
    of each line that sets it, real or commented (``# name = ...``)."""
    found: dict[str, list[tuple[int, bool, list[str]]]] = {}
    section = None
    comments: list[str] = []
    for number, line in enumerate(EXAMPLE.read_text(encoding="utf-8").splitlines(), 1):
        if header := _HEADER.match(line):
            section, comments = header.group(1), []
            continue
        if not line.strip():
            comments = []
            continue
        setting = _KEY_LINE.match(line)
        if section and setting and (setting.group(1) is None or setting.group(2) in
                                    section_keys(section)):
            entry = (number, setting.group(1) is not None, list(comments))
            found.setdefault(f"{section}.{setting.group(2)}", []).append(entry)
        elif line.startswith("#"):
            comments.append(line)
    return found


def _first_value(data: dict[str, Any], key: Key) -> Any:
    if key.section in ARRAY_SECTIONS:
        return next(t[key.name] for t in data[key.section] if key.name in t)
    return data[key.section][key.name]


def test_every_declared_key_is_in_the_example_documented_with_its_default() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    lines = _example_lines()
    for key in KEYS:
        assert key.path in lines, f"{key.path} is declared but not in {EXAMPLE.name}"
        _number, commented, comments = lines[key.path][0]
        assert comments, f"{key.path}: no comment documents it in {EXAMPLE.name}"
        if key.required:
            assert not commented and any("required" in c for c in comments), key.path
        elif commented:
            assert key.default is None, f"{key.path}: commented out, but has a default"
        elif key.default is not None:
            value = _first_value(data, key)
            expected = list(key.default) if isinstance(key.default, tuple) else key.default
            assert value == expected, f"{key.path}: the example shows {value!r}, not the default"


def test_the_example_sets_no_undeclared_key() -> None:
    data = tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert set(data) <= set(TABLE_SECTIONS) | set(ARRAY_SECTIONS)
    for section, value in data.items():
        tables = value if section in ARRAY_SECTIONS else [value]
        for table in tables:
            assert set(table) <= set(section_keys(section)), section
    for path, entries in _example_lines().items():
        section = path.split(".")[0]
        assert path.split(".")[1] in section_keys(section), f"{path} (line {entries[0][0]})"


def test_declarations_are_complete_and_one_line() -> None:
    assert len({k.path for k in KEYS}) == len(KEYS)
    for key in KEYS:
        assert key.section in TABLE_SECTIONS + ARRAY_SECTIONS
        assert key.doc and "\n" not in key.doc, key.path
        assert key.kind in {"integer", "number", "boolean", "text", "choice", "text_list",
                            "channel"}, key.path
        if key.kind == "choice":
            assert key.default in key.choices, key.path


@pytest.mark.parametrize("section", sorted(SECTION_CLASSES))
def test_settings_defaults_are_the_declared_ones(section: str) -> None:
    fields = {f.name: f for f in dataclasses.fields(SECTION_CLASSES[section])}
    for key in KEYS:
        if key.section != section or key.name not in fields:
            continue
        field = fields[key.name]
        if key.default is REQUIRED or (key.default is None and key.name == "key"):
            # required, or computed by the reader (a target's key defaults to its language)
            assert field.default is dataclasses.MISSING, key.path
        else:
            assert field.default == key.default, key.path


def test_review_rules_default_to_the_review_settings() -> None:
    assert Rules().claim_seconds == Review().claim_minutes * 60 == 7200
    assert Rules().four_eyes is Review().four_eyes is True
