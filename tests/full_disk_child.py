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

import sys
from pathlib import Path

from tests.relay_child import STRIKE, relay_run
from tests.review_world import ReviewWorld

READY_AT = 30
WHILE_DOWN = 10


def main(folder: str) -> int:
    world = ReviewWorld(Path(folder))
    posted = 0

    def post(_: int = 0) -> None:
        nonlocal posted
        posted += 1
        world.tg.post(world.vahed, STRIKE.format(posted))

    code = relay_run(world, post, every=0.02, ready_at=READY_AT, say_count=True)
    print(f"stopped {code}", flush=True)
    for _ in range(WHILE_DOWN):
        post()
    print(f"posted {posted}", flush=True)
    sys.stdin.readline()
    return relay_run(world)  # the second run: nobody posts


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
