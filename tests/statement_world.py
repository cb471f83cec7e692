"""A review team with three sources that carry the same statements (issue 11), for
tests/test_statements.py, tests/test_statement_rules.py and tests/test_statement_edges.py. A
test module uses the fixture by naming it: ``w = statement_world.w``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from relay.telegram.sim.cast import HAFT_TAPPEH, OIL_CONTRACT_WORKERS, TARGETS, VAHED, config_toml
from tests import review_world
from tests.review_world import ReviewWorld, running

STATEMENT = ("کارگران شرکت واحد امروز در اعتراض به حقوق معوقه و شرایط سخت کار در مقابل"
             " وزارت کار تجمع کردند و خواستار پرداخت فوری دستمزدها شدند.")
FOOTER = "\n\n@haft_tappeh کانال سندیکای هفت تپه"
OTHER = ("کارگران پتروشیمی بندر امام برای سومین روز پیاپی دست از کار کشیدند و خواستار"
         " اجرای طبقه‌بندی مشاغل و افزایش حقوق شدند.")


def world_with(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, extra: str = "",
               **options: bool) -> ReviewWorld:
    """The review team with @vahed, @haft_tappeh (``world.haft``) and @oil_contract_workers
    (``world.oil``) as sources, ``extra`` added to its config file, ``options`` given to
    :class:`ReviewWorld` (``group=False``: cards in private chats); not started."""
    sources = (VAHED, HAFT_TAPPEH, OIL_CONTRACT_WORKERS)
    monkeypatch.setattr(review_world, "CONFIG", review_world._SETTINGS + config_toml(
        sources, TARGETS, review_world.PEOPLE, format_safe=True) + extra)
    world = ReviewWorld(tmp_path, **options)
    world.haft = HAFT_TAPPEH.add_to(world.tg, members=[world.watcher])
    world.oil = OIL_CONTRACT_WORKERS.add_to(world.tg, members=[world.watcher])
    return world


@pytest.fixture
async def w(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[ReviewWorld]:
    async with running(world_with(tmp_path, monkeypatch)) as world:
        yield world


async def jobs(w):
    return await w.rows("SELECT id, channel_id, target, status FROM jobs ORDER BY id")


async def members(w):
    return await w.rows("SELECT channel_id, how FROM statement_members ORDER BY id")


async def publish(w, job_id: int, text: str) -> None:
    w.say(w.sara, f"/tr {job_id} {text}")
    await w.settle()
    w.press(w.reza, w.last_from_bot(), "approve")
    await w.settle()
