"""``relay run`` through the real command line, in a process of its own, with only Telegram's
network replaced by the simulated Telegram; a source channel posts every few milliseconds so
that writes are in progress when the signal comes. ``tests/test_cli.py`` sends it SIGTERM.

    python -m tests.sigterm_child DIR    (prints "ready" once posts are being stored)
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

import relay.service.runner as service_module
from relay.cli import main as cli
from relay.telegram.client import ReadOnlyClient
from tests.review_world import ReviewWorld


def stored(path: Path) -> int:
    if not path.exists():
        return 0
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM messages").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet
        return 0
    finally:
        conn.close()


def main(folder: str) -> int:
    world = ReviewWorld(Path(folder))
    service_module.make_watcher_client = (
        lambda settings: world.tg.client(world.watcher, cls=ReadOnlyClient))
    service_module.make_bot_client = lambda settings: world.tg.client(None)
    real_run_service = service_module.run_service

    async def run_service_while_posting(settings):
        async def feed() -> None:
            ready = False
            for i in range(1_000_000):
                world.tg.post(world.vahed, f"کارگران شرکت واحد امروز اعتصاب کردند. شماره {i}")
                if not ready and i % 20 == 0 and stored(world.settings.storage.database) >= 100:
                    ready = True
                    print("ready", flush=True)
                await asyncio.sleep(0.005)
        poster = asyncio.create_task(feed())
        try:
            await real_run_service(settings)
        finally:
            poster.cancel()

    service_module.run_service = run_service_while_posting
    return cli.main(["--config", str(world.settings.path), "run"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
