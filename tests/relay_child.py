"""``relay run`` through the real command line, in a process of its own, with only Telegram's
network replaced by the simulated Telegram, while channels post: what tests/sigterm_child.py,
tests/reload_child.py and tests/full_disk_child.py have in common."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from pathlib import Path

import relay.service.runner as service_module
from relay.cli import main as cli
from relay.telegram.client import ReadOnlyClient
from tests.review_world import ReviewWorld

#: A post of @vahed's, numbered.
STRIKE = "کارگران شرکت واحد امروز اعتصاب کردند. شماره {}"


def stored(path: Path) -> int:
    """The posts stored in the database at ``path`` (0 before it exists)."""
    if not path.exists():
        return 0
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0
    finally:
        conn.close()


def relay_run(world: ReviewWorld, post: Callable[[int], object] | None = None, *,
              every: float = 0.02, ready_at: int = 1, check_every: int = 1,
              say_count: bool = False) -> int:
    """``relay run`` on the world's config file, its watcher and bot clients the world's; its
    exit code. With ``post``: while relay runs, ``post(i)`` for i = 0, 1, 2, ... every
    ``every`` seconds, and once ``ready_at`` posts are stored (counted at every
    ``check_every``-th post) a line ``ready`` on stdout (``ready N``, N the posts stored, with
    ``say_count``)."""
    service_module.make_watcher_client = (
        lambda settings: world.tg.client(world.watcher, cls=ReadOnlyClient))
    service_module.make_bot_client = lambda settings: world.tg.client(None)
    argv = ["--config", str(world.settings.path), "run"]
    if post is None:
        return cli.main(argv)
    real_run_service = service_module.run_service

    async def run_service_while_posting(settings):
        async def feed() -> None:
            ready = False
            for i in range(1_000_000):
                post(i)
                if not ready and i % check_every == 0 and (
                        count := stored(world.settings.storage.database)) >= ready_at:
                    ready = True
                    print(f"ready {count}" if say_count else "ready", flush=True)
                await asyncio.sleep(every)
        poster = asyncio.create_task(feed())
        try:
            await real_run_service(settings)
        finally:
            poster.cancel()

    service_module.run_service = run_service_while_posting
    try:
        return cli.main(argv)
    finally:
        service_module.run_service = real_run_service
