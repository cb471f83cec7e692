"""The ``relay`` command.

Exit codes: 0 success, 1 a failure while working (Telegram, the database, a signal), 2 bad
input (configuration, arguments). Errors are one line on stderr; never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from dotenv import dotenv_values

from relay import __version__
from relay.config import ConfigError, Settings, load_settings, resolve_config_path

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A command failed for a reason the operator can act on; ``str`` is one line."""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="relay",
        description="Watch worker organisations' Telegram channels, queue Farsi posts for "
        "translation, review them in Telegram and publish them with attribution.",
    )
    parser.add_argument("--version", action="version", version=f"relay {__version__}")
    parser.add_argument("--config", metavar="PATH",
                        help="configuration file (default: $RELAY_CONFIG or config/relay.toml)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    sub.add_parser("run", help="run the service (watcher, bot, publisher) until stopped",
                   description="Run relay as a long-lived service. SIGTERM or SIGINT stops it "
                   "cleanly.")
    login = sub.add_parser("login", help="sign the watcher account in (interactive)",
                           description="Sign the watcher user account in: phone number, the "
                           "code Telegram sends, and the two-step password if one is set. "
                           "Writes the session file (mode 0600), or with --string prints a "
                           "string session to put in RELAY_SESSION.")
    login.add_argument("--string", action="store_true",
                       help="print a string session instead of writing the session file")
    sub.add_parser("check", help="validate the configuration without connecting",
                   description="Load and validate config and secrets; print a summary. "
                   "Exit 2 with a one-line error when something is wrong.")
    sub.add_parser("health", help="exit 0 only if the service is alive and connected",
                   description="Read the running service's heartbeat from the database: exit 0 "
                   "when it is recent and every part is connected, 1 otherwise. Used by the "
                   "Docker HEALTHCHECK.")
    demo = sub.add_parser("demo", help="run relay against a simulated Telegram",
                          description="Run the real watcher, store, language detection and "
                          "queue against a simulated Telegram fed sample posts. No "
                          "credentials or network needed.")
    demo.add_argument("--data", metavar="DIR", default="demo-data",
                      help="folder for the demo database and files (default: demo-data)")
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    # RELAY_CONFIG may sit in ./.env like the secrets; the real environment wins.
    env = {**dotenv_values(".env"), **os.environ} if Path(".env").is_file() else os.environ
    path = resolve_config_path(args.config, {k: v for k, v in env.items() if v is not None})
    return load_settings(path)


def _cmd_check(args: argparse.Namespace) -> int:
    settings = _settings(args)
    print(f"configuration ok: {settings.path}")
    print(f"  sources: {len(settings.sources)}  "
          + ", ".join(f"{s.ref} ({s.name})" for s in settings.sources))
    print(f"  targets: {len(settings.targets)}  "
          + ", ".join(f"{t.key} -> {t.ref}" for t in settings.targets))
    roles = {"translator": 0, "editor": 0, "admin": 0}
    for person in settings.people:
        for role in person.roles:
            roles[role] += 1
    print("  people: " + ", ".join(f"{n} {r}(s)" for r, n in roles.items()))
    print(f"  database: {settings.storage.database}")
    secrets = settings.secrets
    print(f"  secrets: api id {'set' if secrets.api_id else 'missing'}, api hash "
          f"{'set' if secrets.api_hash else 'missing'}, bot token "
          f"{'set' if secrets.bot_token else 'missing'}, session "
          f"{'string' if secrets.session_string else 'file'}")
    if settings.targets and not any(p.is_editor for p in settings.people):
        print("  warning: targets are configured but no person is an editor: nothing can be "
              "approved", file=sys.stderr)
    return EXIT_OK


def _cmd_run(args: argparse.Namespace) -> int:
    from relay.logs import setup_logging
    from relay.service import ServiceError, run_service

    settings = _settings(args)
    setup_logging(settings.logging.level, settings.logging.format, settings.secrets.values())
    try:
        asyncio.run(run_service(settings))
    except ServiceError as exc:
        raise CommandError(str(exc)) from None
    return EXIT_OK


def _cmd_login(args: argparse.Namespace) -> int:
    from relay.login import login

    settings = _settings(args)
    asyncio.run(login(settings, as_string=args.string))
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from relay.demo import run_demo

    asyncio.run(run_demo(Path(args.data)))
    return EXIT_OK


def _cmd_health(args: argparse.Namespace) -> int:
    from relay.health import check_health

    healthy, why = check_health(_settings(args).storage.database)
    print(why, file=sys.stdout if healthy else sys.stderr)
    return EXIT_OK if healthy else EXIT_FAILURE


_COMMANDS = {"run": _cmd_run, "login": _cmd_login, "check": _cmd_check, "demo": _cmd_demo,
             "health": _cmd_health}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except ConfigError as exc:
        print(f"relay: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CommandError as exc:
        print(f"relay {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print(f"relay {args.command}: interrupted", file=sys.stderr)
        return EXIT_FAILURE
    except OSError as exc:
        print(f"relay {args.command}: {exc.strerror or exc}"
              + (f": {exc.filename}" if getattr(exc, "filename", None) else ""), file=sys.stderr)
        return EXIT_FAILURE


if __name__ == "__main__":
    sys.exit(main())
