"""Print the fault matrix (command x fault -> exit code and the one line), for the closing note
of issue 12: ``.venv/bin/python -m tests.fault_matrix_report``. The same faults as the tests
(tests/test_fault_matrix.py, test_read_only.py, test_network_faults.py, test_check_catches.py),
made for real in a scratch folder.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

import relay.service.runner as runner
import relay.telegram.login as login_module
from relay.cli.main import main
from tests import test_fault_matrix as db_faults
from tests import test_read_only as ro
from tests.loopback_peer import MODES, peer, session_file, string_session

API = {"RELAY_API_ID": "12345", "RELAY_API_HASH": "0123456789abcdef0123456789abcdef"}


def _scratch() -> tuple[Path, Path, Path]:
    tmp = Path(tempfile.mkdtemp(prefix="relay-matrix-"))
    data = tmp / "data"
    data.mkdir()
    config = tmp / "relay.toml"
    config.write_text(db_faults.CONFIG.format(data=data.as_posix()), encoding="utf-8")
    (tmp / "result.json").write_text(json.dumps({"name": "Vahed", "type": "public_channel",
                                                 "id": 1, "messages": []}), encoding="utf-8")
    return tmp, config, data / "relay.db"


def _run(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(argv)
    lines = [line for line in err.getvalue().splitlines() if not line.startswith("ts=")]
    return code, (lines[-1] if lines else "")


def rows() -> list[tuple[str, str, int, str]]:
    out: list[tuple[str, str, int, str]] = []
    os.environ.update(API)
    for name in ("RELAY_SESSION", "RELAY_BOT_TOKEN", "RELAY_CONFIG"):
        os.environ.pop(name, None)
    for fault, make in db_faults.FAULTS.items():
        for command, argv in db_faults.COMMANDS.items():
            tmp, config, db = _scratch()
            make(db)
            argv = [a.replace("EXPORT", str(tmp / "result.json"))
                    .replace("COPY", str(tmp / "copy.db")) for a in argv]
            out.append((command, fault, *_run(["--config", str(config), *argv])))
            shutil.rmtree(tmp, ignore_errors=True)
    for mode in MODES:
        # refused: Telethon's own retries end it; the others need the start-up bound
        runner.START_TIMEOUT_SECONDS = login_module.CONNECT_TIMEOUT_SECONDS = \
            30.0 if mode == "refused" else 3.0
        for command in ("run", "login"):
            tmp, config, db = _scratch()
            with peer(mode) as port:
                if command == "run":
                    os.environ["RELAY_SESSION"] = string_session(port)
                else:
                    session_file(str(db.parent / "watcher.session"), port)
                with contextlib.redirect_stdout(io.StringIO()):
                    sys.stdin = io.StringIO("+989121234567\n1\n")
                    out.append((command, f"network: {mode}",
                                *_run(["--config", str(config), command])))
                os.environ.pop("RELAY_SESSION", None)
            shutil.rmtree(tmp, ignore_errors=True)
    os.environ["RELAY_SESSION"] = "1BVtsOKABu" + "Qx7" * 40
    for command, argv in (("run", ["run"]), ("login", ["login"]), ("check", ["check"]),
                          ("backfill", ["backfill", "@vahed"])):
        tmp, config, db = _scratch()
        out.append((command, "mangled RELAY_SESSION", *_run(["--config", str(config), *argv])))
        shutil.rmtree(tmp, ignore_errors=True)
    os.environ.pop("RELAY_SESSION")
    for fault in ro.FAULTS:
        for command, (_, argv) in ro.COMMANDS.items():
            if command == "login" and fault == "read-only database":
                continue
            gen = ro.place.__wrapped__()
            tmp, data = next(gen)
            ro.make_fault(fault, data)
            result = ro.relay_obeying_permissions(tmp, *(a.format(tmp=tmp) for a in argv))
            lines = result.stderr.strip().splitlines()
            out.append((command, fault, result.returncode, lines[-1] if lines else "(ok)"))
            with contextlib.suppress(StopIteration):
                next(gen)
    return out


def main_report() -> None:
    print("| command | fault | exit | line |")
    print("|---|---|---|---|")
    for command, fault, code, line in rows():
        shown = re.sub(r"/tmp/relay-(matrix|ro)-[^/]+", "TMP", line).replace("|", "\\|")
        print(f"| {command} | {fault} | {code} | {shown or '(ok)'} |")


if __name__ == "__main__":
    main_report()
