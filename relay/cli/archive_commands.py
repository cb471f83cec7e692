"""`relay backfill` and `relay import`: fill the store from Telegram's history or an export."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from relay.cli.errors import EXIT_OK, CommandError, UsageError
from relay.cli.faults import check_database
from relay.cli.maintenance import exclusive
from relay.config import Settings
from relay.config.env import check_session


def parse_since_arg(args: argparse.Namespace) -> int | None:
    """The ``--since`` argument as a timestamp, or None."""
    from relay.cli.export import parse_since

    if not args.since:
        return None
    try:
        return parse_since(args.since)
    except ValueError as exc:
        raise UsageError(f"--since: {exc}") from None


def progress_line(text: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{text}\033[K", end="", file=sys.stderr, flush=True)


def run_backfill(settings: Settings, args: argparse.Namespace) -> int:
    """`relay backfill SOURCE`: fetch a source's older history into the store."""

    from relay.service.runner import make_watcher_client
    from relay.store.sqlite_store import open_store
    from relay.telegram.backfill import BackfillError, backfill, find_source

    try:  # a name that is no configured source fails here, before any connection
        find_source(settings, args.source)
    except BackfillError as exc:
        raise UsageError(str(exc)) from None
    settings.require_secrets("api_id", "api_hash", purpose="relay backfill")
    check_session(settings.secrets)
    since = parse_since_arg(args)
    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit: must be at least 1")

    check_database(settings.storage.database, write=True)

    async def go() -> str:
        db = await open_store(settings.storage.database)
        client = make_watcher_client(settings)
        try:
            await client.connect()
            if not await client.is_user_authorized():
                raise CommandError("the watcher account is not signed in: run `relay login`")
            report = await backfill(client, db, settings, args.source, since=since,
                                    limit=args.limit, queue=not args.no_queue,
                                    progress=lambda r: progress_line(
                                        f"{r.source}: {r.fetched} posts read, {r.stored} new"))
            return report.summary()
        except BackfillError as exc:
            raise CommandError(str(exc)) from None
        finally:
            await client.disconnect()
            await db.close()

    with exclusive(settings, "backfill"):
        summary = asyncio.run(go())
    progress_line("")
    print(summary)
    return EXIT_OK


def run_import(settings: Settings, args: argparse.Namespace) -> int:
    """`relay import FILE`: import a Telegram Desktop export."""

    from relay.cli.reload import tell_statements_changed
    from relay.importer.desktop_import import import_export
    from relay.importer.report import ExportFormatError
    from relay.store.sqlite_store import open_store

    path = Path(args.file)
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")

    check_database(settings.storage.database, write=True)

    async def go() -> str:
        db = await open_store(settings.storage.database)
        try:
            report = await import_export(db, settings, path, queue=not args.no_queue,
                                         progress=lambda done, total: progress_line(
                                             f"importing: {done}/{total} messages"))
            told = tell_statements_changed(settings) if report.stored else None
            return "\n".join([*report.lines(), report.summary(), *([told] if told else [])])
        except ExportFormatError as exc:
            progress_line("")
            if exc.report is not None:
                print("\n".join(exc.report.lines()))
            raise CommandError(str(exc)) from None
        finally:
            await db.close()

    summary = asyncio.run(go())
    progress_line("")
    print(summary)
    return EXIT_OK
