"""``relay run`` through the real command line on a data folder that fills up, with only
Telegram's network replaced by the scripted Telegram, for ``tests/test_full_disk.py``.

@vahed posts every 20 ms while relay runs. The child prints ``ready N`` once N posts are
stored (the test then fills the disk), ``stopped CODE`` when `relay run` returned, and, after
@vahed posted a few more while relay was down, ``posted TOTAL``. It then waits for a line on
stdin (the test freed space) and starts `relay run` again, as a supervisor would, on the same
scripted Telegram; its exit code is the second run's.

    python -m tests.full_disk_child DIR
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import relay.service.runner as service_module
from relay.cli import main as cli
from relay.telegram.client import ReadOnlyClient
from tests.review_world import ReviewWorld
from tests.sigterm_child import stored

READY_AT = 30
WHILE_DOWN = 10


def main(folder: str) -> int:
    world = ReviewWorld(Path(folder))
    service_module.make_watcher_client = (
        lambda settings: world.tg.client(world.watcher, cls=ReadOnlyClient))
    service_module.make_bot_client = lambda settings: world.tg.client(None)
    real_run_service = service_module.run_service
    posted = 0

    def post() -> None:
        nonlocal posted
        posted += 1
        world.tg.post(world.vahed, f"کارگران شرکت واحد امروز اعتصاب کردند. شماره {posted}")

    async def run_service_while_posting(settings):
        async def feed() -> None:
            ready = False
            while True:
                post()
                if not ready and (count := stored(world.settings.storage.database)) >= READY_AT:
                    ready = True
                    print(f"ready {count}", flush=True)
                await asyncio.sleep(0.02)
        poster = asyncio.create_task(feed())
        try:
            await real_run_service(settings)
        finally:
            poster.cancel()

    argv = ["--config", str(world.settings.path), "run"]
    service_module.run_service = run_service_while_posting
    print(f"stopped {cli.main(argv)}", flush=True)
    for _ in range(WHILE_DOWN):
        post()
    print(f"posted {posted}", flush=True)
    sys.stdin.readline()
    service_module.run_service = real_run_service
    return cli.main(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
