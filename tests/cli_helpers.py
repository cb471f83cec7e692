"""The real command line's surroundings for the tests that run ``relay.cli.main.main`` in this
process: a working folder, a config file, and none of the shell's RELAY_ variables."""

from __future__ import annotations

from pathlib import Path

import pytest

#: A config file with one source and nothing else; ``{data}`` is filled in.
ONE_SOURCE = """\
[storage]
data_dir = "{data}"

[[sources]]
channel = "@vahed"
name = "Vahed"
"""
API_ID = "12345"
API_HASH = "0123456789abcdef0123456789abcdef"
#: What a shell may have set that would change what a command does.
RELAY_VARIABLES = ("RELAY_SESSION", "RELAY_BOT_TOKEN", "RELAY_CONFIG", "RELAY_API_ID",
                   "RELAY_API_HASH")


def command_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str = ONE_SOURCE, *,
                  api: bool = True, **fields: object) -> tuple[Path, Path]:
    """``tmp_path`` the working folder, none of :data:`RELAY_VARIABLES` set but the API id and
    hash (with ``api``), and ``tmp_path/relay.toml`` written from ``text`` (``{data}`` the data
    folder, which is not created, and any other ``fields``); the config file and the data
    folder."""
    monkeypatch.chdir(tmp_path)
    for name in RELAY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    if api:
        monkeypatch.setenv("RELAY_API_ID", API_ID)
        monkeypatch.setenv("RELAY_API_HASH", API_HASH)
    data = tmp_path / "data"
    config = tmp_path / "relay.toml"
    config.write_text(text.format(data=data.as_posix(), **fields), encoding="utf-8")
    return config, data
