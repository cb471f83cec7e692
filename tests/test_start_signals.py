"""`relay reload` (SIGHUP) and `relay import` (SIGUSR1) signal whatever holds the data folder's
lock as `relay run`; the lock is taken before the service installs its handlers (the database
is opened and migrated in between, which can take a while), and both signals end a process by
default. Sent in that window, they must not kill relay."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from relay.config import Settings

SCRIPT = textwrap.dedent("""
    import os, signal, sys
    import relay.cli.main as cli
    from relay.cli.errors import CommandError

    def held_by_run(settings, command):  # the moment the lock says `relay run`
        os.kill(os.getpid(), signal.SIGHUP)   # `relay reload`
        os.kill(os.getpid(), signal.SIGUSR1)  # `relay import`
        print("alive after the signals", flush=True)
        raise CommandError("stopped here by the test")

    cli.exclusive = held_by_run
    sys.exit(cli.main(["--config", sys.argv[1], "run"]))
""")


def test_reload_and_import_signals_while_relay_starts_do_not_kill_it(settings: Settings,
                                                                     tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELAY_")}
    env.update(RELAY_API_ID="12345", RELAY_API_HASH="0123456789abcdef" * 2)
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(settings.path)], env=env,
                          cwd=Path(__file__).parent.parent, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 1, (done.returncode, done.stderr[-2000:])  # not -SIGHUP
    assert "alive after the signals" in done.stdout
    assert "stopped here by the test" in done.stderr
