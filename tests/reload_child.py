"""``relay run`` through the real command line, in a process of its own, with only Telegram's
network replaced by the simulated Telegram, for ``tests/test_reload.py``: two channels post
every few milliseconds, @vahed a source from the start and @haft_tappeh not (until the
configuration is reloaded with it).

    python -m tests.reload_child DIR    (prints "ready" once @vahed's posts are being stored)
"""

from __future__ import annotations

import sys
from pathlib import Path

from relay.telegram.sim.cast import HAFT_TAPPEH
from tests.relay_child import STRIKE, relay_run
from tests.review_world import ReviewWorld


def main(folder: str) -> int:
    world = ReviewWorld(Path(folder))
    haft = HAFT_TAPPEH.add_to(world.tg, members=[world.watcher])

    def post(i: int) -> None:
        world.tg.post(world.vahed, STRIKE.format(i))
        world.tg.post(haft, f"کارگران هفت تپه امروز تجمع کردند. شماره {i}")

    return relay_run(world, post, every=0.02, ready_at=5, check_every=10)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
