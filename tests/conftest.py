"""Shared fixtures: a simulated Telegram, a real SQLite file, settings written as TOML, a running
watcher and a running review team."""

from __future__ import annotations

import contextlib
import logging
import textwrap
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from relay.config import Settings, load_settings
from relay.store.db import Database
from relay.store.sqlite_store import SqliteStore
from relay.telegram.client import ReadOnlyClient
from relay.telegram.sim.cast import HAFT_TAPPEH, REZA, SARA, TARGETS, VAHED, WATCHER, config_toml
from relay.telegram.sim.world import Account, Chan, SimTelegram
from relay.telegram.watcher import Watcher
from tests.review_world import ReviewWorld, running

_SETTINGS = """\
[storage]
data_dir = "{data}"
max_media_mb = 1

[watcher]
catch_up_seconds = 3600
silent_warning_hours = 48
first_catch_up_posts = {first}

"""
# The usual cast (relay/telegram/sim/cast.py); ``{data}`` and ``{first}`` are filled in.
BASE_CONFIG = _SETTINGS + config_toml((VAHED, HAFT_TAPPEH), TARGETS, (SARA, REZA),
                                      format_safe=True)


@pytest.fixture
def make_settings(tmp_path: Path) -> Callable[..., Settings]:
    def make(extra: str = "", *, first: int = 50, body: str | None = None,
             env: dict[str, str] | None = None) -> Settings:
        path = tmp_path / "relay.toml"
        text = body if body is not None else BASE_CONFIG.format(data=tmp_path.as_posix(),
                                                                first=first)
        path.write_text(text + textwrap.dedent(extra), encoding="utf-8")
        return load_settings(path, env=env or {})

    return make


@pytest.fixture(autouse=True)
def _relay_logging_undone() -> Iterator[None]:
    """A command run in-process (``main([...])``) installs relay's handler on the root logger,
    often on a stream pytest closes after the test, and sets the levels: later tests then
    logged into a closed file through relay's secret filter, and passed or failed by order."""
    root, telethon = logging.getLogger(), logging.getLogger("telethon")
    before, level, telethon_level = set(root.handlers), root.level, telethon.level
    yield
    for handler in [h for h in root.handlers if getattr(h, "_relay", False) and h not in before]:
        root.removeHandler(handler)
    root.setLevel(level)
    telethon.setLevel(telethon_level)


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = await Database.open(settings.storage.database)
    yield database
    await database.close()


class World:
    """The usual cast: a watcher account, two source channels and one unrelated channel (not a
    source, so not in the cast)."""

    def __init__(self) -> None:
        self.tg = SimTelegram()
        self.watcher = WATCHER.add_user(self.tg)
        self.vahed: Chan = VAHED.add_to(self.tg, members=[self.watcher])
        self.haft: Chan = HAFT_TAPPEH.add_to(self.tg, members=[self.watcher])
        self.other: Chan = self.tg.add_channel("Unrelated", username="unrelated",
                                               members=[self.watcher])

    def watcher_client(self, account: Account | None = None) -> ReadOnlyClient:
        return self.tg.client(account or self.watcher, cls=ReadOnlyClient)


@pytest.fixture
def world() -> World:
    return World()


@contextlib.asynccontextmanager
async def watching(world: World, db: Database, settings: Settings) -> AsyncIterator[Watcher]:
    """A watcher on the world's watcher account, started; stopped and disconnected at the
    end."""
    client = world.watcher_client()
    await client.connect()
    watcher = Watcher(client, SqliteStore(db), settings)
    await watcher.start()
    try:
        yield watcher
    finally:
        await watcher.stop()
        await client.disconnect()


@pytest.fixture
async def running_watcher(world: World, db: Database,
                          settings: Settings) -> AsyncIterator[Watcher]:
    async with watching(world, db, settings) as watcher:
        yield watcher


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[ReviewWorld]:
    """A running review team (tests/review_world.py). A module whose tests need another team
    defines a ``w`` of its own."""
    async with running(ReviewWorld(tmp_path)) as world:
        yield world


def rows(db_path: Path, sql: str, *params: object) -> list[tuple]:
    """Read the database file directly, as an operator with sqlite3 would."""
    import sqlite3

    conn = sqlite3.connect(db_path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()
