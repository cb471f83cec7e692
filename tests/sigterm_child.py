"""``relay run`` through the real command line, in a process of its own, with only Telegram's
network replaced by the simulated Telegram; a source channel posts every few milliseconds so
that writes are in progress when the signal comes. ``tests/test_cli.py`` sends it SIGTERM.

    python -m tests.sigterm_child DIR    (prints "ready" once posts are being stored)
"""

from __future__ import annotations

import sys
from pathlib import Path

from tests.relay_child import STRIKE, relay_run
from tests.review_world import ReviewWorld


def main(folder: str) -> int:
    world = ReviewWorld(Path(folder))
    return relay_run(world, lambda i: world.tg.post(world.vahed, STRIKE.format(i)),
                     every=0.005, ready_at=100, check_every=20)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
