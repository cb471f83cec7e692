"""A review team whose machine drafts come from a scripted LibreTranslate server on loopback,
for tests/test_assist_flow.py and tests/test_assist_tries.py. A test module uses the fixtures
by naming them: ``engine, w = assist_world.engine, assist_world.w``."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from relay.assist.scripted_engine import ScriptedEngine
from relay.config import load_settings
from tests.review_world import BOT_TOKEN, ReviewWorld, running

FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."
MACHINE = "The workers of the Vahed company today went to strike in protest of wages delayed."
HUMAN = "The workers of the Vahed bus company went on strike today in protest at delayed wages."


def with_engine(world: ReviewWorld, engine: ScriptedEngine, **keys: object) -> None:
    path = world.settings.path
    extra = {"libretranslate": '["en"]', "url": f'"{engine.url}"', "retries": 0,
             "breaker_failures": 2, "breaker_cooldown_seconds": 60, "timeout_seconds": 2}
    extra.update({k: str(v) for k, v in keys.items()})
    path.write_text(path.read_text(encoding="utf-8") + "\n[translation]\n" + "".join(
        f"{k} = {v}\n" for k, v in extra.items()), encoding="utf-8")
    world.settings = load_settings(path, env={"RELAY_BOT_TOKEN": BOT_TOKEN,
                                              "RELAY_TRANSLATE_API_KEY": "lt-secret-key"})


@contextlib.asynccontextmanager
async def assisted_team(tmp: Path, engine: ScriptedEngine) -> AsyncIterator[ReviewWorld]:
    """A running review team whose English drafts come from ``engine``."""
    world = ReviewWorld(tmp)
    with_engine(world, engine)
    async with running(world):
        yield world


@pytest.fixture
def engine() -> Iterator[ScriptedEngine]:
    """The scripted engine, translating :data:`FARSI` to :data:`MACHINE`."""
    with ScriptedEngine({FARSI: MACHINE}) as scripted:
        yield scripted


@pytest.fixture
async def w(tmp_path: Path, engine: ScriptedEngine) -> AsyncIterator[ReviewWorld]:
    async with assisted_team(tmp_path, engine) as world:
        yield world


async def drafts_done(w: ReviewWorld, count: int) -> None:
    """Until ``count`` drafts were attempted (the worker runs in the background)."""
    for _ in range(500):
        if (await w.rows("SELECT COUNT(*) FROM machine_drafts"))[0][0] >= count:
            break
        await asyncio.sleep(0.01)
    await w.settle()


async def made(w: ReviewWorld, count: int) -> None:
    """Until ``count`` drafts exist (not failures), and the cards show them."""
    for _ in range(500):
        if (await w.rows("SELECT COUNT(*) FROM machine_drafts WHERE text IS NOT NULL")
                )[0][0] >= count:
            break
        await asyncio.sleep(0.01)
    await w.settle()
