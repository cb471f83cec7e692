"""The ``relay`` command.

Exit codes: 0 success, 1 a failure while working (Telegram, the database, a signal), 2 bad
input (configuration, arguments). Errors are one line on stderr; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from relay import __version__
from relay.cli.archive_commands import parse_since_arg
from relay.cli.errors import EXIT_FAILURE, EXIT_OK, EXIT_USAGE, CommandError, UsageError
from relay.cli.faults import check_database
from relay.cli.glossary import add_glossary_parser, run_glossary
from relay.cli.maintenance import exclusive, run_backup, run_restore
from relay.cli.site import add_site_parser, run_site
from relay.config import ConfigError, Settings, load_settings, resolve_config_path
from relay.config.env import check_session
from relay.store.migrations import SchemaTooNew


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
                   "cleanly; SIGHUP (or `relay reload`) re-reads the configuration; SIGUSR1 "
                   "(sent by `relay import`) re-reads the statement index.")
    login = sub.add_parser("login", help="sign the watcher account in (interactive)",
                           description="Sign the watcher user account in: phone number, the "
                           "code Telegram sends, and the two-step password if one is set. "
                           "Writes the session file (mode 0600), or with --string prints a "
                           "string session to put in RELAY_SESSION.")
    login.add_argument("--string", action="store_true",
                       help="print a string session instead of writing the session file")
    check = sub.add_parser("check", help="validate the configuration (and, online, the accounts)",
                           description="Load and validate config and secrets; print a summary. "
                           "Exit 2 with a one-line error when something is wrong. With "
                           "--online, also sign in and check every source, target and the "
                           "review chat (exit 1 if anything fails).")
    check.add_argument("--online", action="store_true",
                       help="connect with the real accounts and check what relay needs")
    status = sub.add_parser("status", help="sources, queue, outbox and the service's heartbeat",
                            description="What relay knows now, from the database (works while "
                            "the service runs).")
    status.add_argument("--json", action="store_true", help="machine-readable output")
    backfill = sub.add_parser("backfill", help="fetch a source's older history into the store",
                              description="Read a source's history, newest to oldest, into the "
                              "store. Resumable: run it again to continue. Stop the service "
                              "first when the watcher uses a session file.")
    backfill.add_argument("source", help="a configured source: @username, id, link or name")
    backfill.add_argument("--since", metavar="DATE", help="go back to this date (YYYY-MM-DD)")
    backfill.add_argument("--limit", metavar="N", type=int, help="read at most N posts")
    backfill.add_argument("--no-queue", action="store_true",
                          help="archive only: queue nothing for translation")
    imp = sub.add_parser("import", help="import a Telegram Desktop export (result.json)",
                         description="Import a Telegram Desktop JSON export (one chat, or a "
                         "full export) into the store; importing twice adds nothing.")
    imp.add_argument("file", help="the export's result.json")
    imp.add_argument("--no-queue", action="store_true",
                     help="archive only: queue nothing for translation")
    exp = sub.add_parser("export", help="export messages, jobs, translations, publications",
                         description="Write the archive (channels, messages, jobs, "
                         "translations, publications, audit) to standard output as JSON lines "
                         "or CSV, for researchers and other tools. It cannot be restored: "
                         "`relay backup FILE` copies the database.")
    exp.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    exp.add_argument("--since", metavar="DATE", help="only records from this date (YYYY-MM-DD)")
    exp.add_argument("--what", choices=("all", "channels", "messages", "jobs", "publications",
                                        "audit", "machine_drafts", "draft_figures"),
                     default="all", help="which records (csv: one kind; default messages)")
    backup = sub.add_parser("backup", help="copy the database to FILE (safe while relay runs)",
                            description="Copy the database with SQLite's online backup: "
                            "consistent while the service runs, checked with an integrity "
                            "check before FILE is written.")
    backup.add_argument("file", help="where to write the copy")
    restore = sub.add_parser("restore", help="replace the database with a backup FILE",
                             description="Check the backup, keep the current database beside "
                             "it, and put the backup in its place. Refused while relay runs.")
    restore.add_argument("file", help="a file written by `relay backup`")
    sub.add_parser("reload", help="make the running service re-read the configuration",
                   description="Check the configuration, then send the running `relay run` "
                   "(found through the data folder's lock) SIGHUP: it takes the new [[people]], "
                   "[[sources]] and [[targets]] without a restart and logs what changed; other "
                   "changes wait for a restart. Exit 1 when no relay is running.")
    sub.add_parser("health", help="exit 0 only if the service is alive and connected",
                   description="Read the running service's heartbeat from the database: exit 0 "
                   "when it is recent and every part is connected, 1 otherwise. Used by the "
                   "Docker HEALTHCHECK.")
    demo = sub.add_parser("demo", help="run relay against a simulated Telegram",
                          description="Run the real watcher, store, language detection, queue, "
                          "review bot (with simulated volunteers) and publisher against a "
                          "simulated Telegram fed sample posts. No credentials or network "
                          "needed.")
    demo.add_argument("--data", metavar="DIR", default="demo-data",
                      help="folder for the demo database and files (default: demo-data)")
    add_site_parser(sub)
    add_glossary_parser(sub)
    return parser


#: Commands that use no secret: an empty or malformed one (a .env copied from .env.example)
#: does not stop them.
NO_SECRETS = frozenset({"status", "export", "health", "backup", "restore", "import", "site"})


def _settings(args: argparse.Namespace) -> Settings:
    # RELAY_CONFIG may sit in ./.env like the secrets; the real environment wins.
    from relay.config.env import read_env

    env = read_env(None, None).values
    path = resolve_config_path(args.config, {k: v for k, v in env.items() if v is not None})
    return load_settings(path, secrets_needed=args.command not in NO_SECRETS)


def _cmd_check(args: argparse.Namespace) -> int:
    from relay.cli.check import run_check

    return run_check(_settings(args), online=args.online)


def _cmd_backfill(args: argparse.Namespace) -> int:
    from relay.cli.archive_commands import run_backfill

    return run_backfill(_settings(args), args)


def _cmd_import(args: argparse.Namespace) -> int:
    from relay.cli.archive_commands import run_import

    return run_import(_settings(args), args)


def _cmd_run(args: argparse.Namespace) -> int:
    import asyncio
    import signal

    from relay.logs import setup_logging
    from relay.service.runner import ServiceError, run_service

    settings = _settings(args)
    check_session(settings.secrets)  # a mangled RELAY_SESSION: one line naming it
    setup_logging(settings.logging.level, settings.logging.format, settings.secret_values())
    check_database(settings.storage.database, write=True)
    # Once the lock names `relay run`, `relay reload` (SIGHUP) and `relay import` (SIGUSR1)
    # signal it; both would end the process until the service's own handlers are in place.
    for name in ("SIGHUP", "SIGUSR1"):
        signal.signal(getattr(signal, name), signal.SIG_IGN)
    with exclusive(settings, "run"):
        try:
            asyncio.run(run_service(settings))
        except ServiceError as exc:
            raise CommandError(str(exc)) from None
    return EXIT_OK


def _cmd_login(args: argparse.Namespace) -> int:
    import asyncio

    from relay.telegram.login import login

    settings = _settings(args)
    with exclusive(settings, "login"):
        asyncio.run(login(settings, as_string=args.string))
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    import asyncio

    from relay.cli.demo import DemoFolderRefused, run_demo

    try:
        asyncio.run(run_demo(Path(args.data)))
    except DemoFolderRefused as exc:
        raise UsageError(str(exc)) from None
    return EXIT_OK


def _cmd_status(args: argparse.Namespace) -> int:
    from relay.cli.status import StatusError, read_status, render_status, status_json

    settings = _settings(args)
    try:
        status = read_status(settings)
    except StatusError as exc:
        raise CommandError(str(exc)) from None
    print(status_json(status) if args.json else render_status(status))
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from relay.cli.export import run_export
    from relay.cli.status import StatusError

    settings = _settings(args)
    since = parse_since_arg(args)
    try:
        counts = run_export(settings, sys.stdout, fmt=args.format, since=since, what=args.what)
    except StatusError as exc:
        raise CommandError(str(exc)) from None
    print("exported " + ", ".join(f"{n} {kind}" for kind, n in counts.items()), file=sys.stderr)
    return EXIT_OK


def _cmd_backup(args: argparse.Namespace) -> int:
    run_backup(_settings(args), args.file, print)
    return EXIT_OK


def _cmd_restore(args: argparse.Namespace) -> int:
    run_restore(_settings(args), args.file, print)
    return EXIT_OK


def _cmd_reload(args: argparse.Namespace) -> int:
    from relay.cli.reload import run_reload

    run_reload(_settings(args), print)
    return EXIT_OK


def _cmd_health(args: argparse.Namespace) -> int:
    from relay.cli.health import check_health

    settings = _settings(args)
    healthy, why = check_health(settings.storage.database,
                                failing_after=settings.publish.failing_alert_minutes * 60)
    print(why, file=sys.stdout if healthy else sys.stderr)
    return EXIT_OK if healthy else EXIT_FAILURE


_COMMANDS = {"run": _cmd_run, "login": _cmd_login, "check": _cmd_check, "demo": _cmd_demo,
             "health": _cmd_health, "status": _cmd_status, "backfill": _cmd_backfill,
             "import": _cmd_import, "export": _cmd_export, "backup": _cmd_backup,
             "restore": _cmd_restore, "reload": _cmd_reload,
             "site": lambda args: run_site(_settings(args), args, print),
             "glossary": lambda args: run_glossary(_settings(args), args, print)}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except ConfigError as exc:
        print(f"relay: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(f"relay {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CommandError as exc:
        print(f"relay {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except SchemaTooNew as exc:
        print(f"relay {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        print(f"relay {args.command}: interrupted", file=sys.stderr)
        return EXIT_FAILURE
    except Exception as exc:  # noqa: BLE001 - one line, never a traceback (cli/faults.py)
        from relay.cli.faults import describe

        code, line = describe(exc)
        print(f"relay {args.command}: {line}", file=sys.stderr)
        return code


if __name__ == "__main__":
    sys.exit(main())
