"""``relay run`` through the real command line, in a process of its own, with only Telegram's
network replaced by the simulated Telegram, for ``tests/test_reload.py``: two channels post
every few milliseconds, @vahed a source from the start and @haft_tappeh not (until the
configuration is reloaded with it).

    python -m tests.reload_child DIR    (prints "ready" once @vahed's posts are being stored)
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import relay.service.runner as service_module
from relay.cli import main as cli
from relay.telegram.client import ReadOnlyClient
from relay.telegram.sim.cast import HAFT_TAPPEH
from tests.review_world import ReviewWorld
from tests.sigterm_child import stored


def main(folder: str) -> int:
    world = ReviewWorld(Path(folder))
    haft = HAFT_TAPPEH.add_to(world.tg, members=[world.watcher])
    service_module.make_watcher_client = (
        lambda settings: world.tg.client(world.watcher, cls=ReadOnlyClient))
    service_module.make_bot_client = lambda settings: world.tg.client(None)
    real_run_service = service_module.run_service

    async def run_service_while_posting(settings):
        async def feed() -> None:
            ready = False
            for i in range(1_000_000):
                world.tg.post(world.vahed, f"کارگران شرکت واحد امروز اعتصاب کردند. شماره {i}")
                world.tg.post(haft, f"کارگران هفت تپه امروز تجمع کردند. شماره {i}")
                if not ready and i % 10 == 0 and stored(world.settings.storage.database) >= 5:
                    ready = True
                    print("ready", flush=True)
                await asyncio.sleep(0.02)
        poster = asyncio.create_task(feed())
        try:
            await real_run_service(settings)
        finally:
            poster.cancel()

    service_module.run_service = run_service_while_posting
    return cli.main(["--config", str(world.settings.path), "run"])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
