"""``relay glossary import FILE.csv`` and ``relay glossary export [FILE]`` (issue 14).

The CSV has a header row naming its columns: ``language``, ``term``, ``translation`` (required)
and ``note`` (optional); export also writes ``added_by`` and ``added_at`` (ignored on import).
UTF-8, with or without a byte-order mark. A bad row is one line on stderr naming the file and
the row; the good rows are imported all the same (in one transaction), and the command then
exits 1. Importing a file twice changes nothing; a term already in the glossary (any spelling)
gets the file's translation and note. Safe while the service runs: the bot sees the change at
its next card.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import re
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from relay.cli.errors import EXIT_FAILURE, EXIT_OK, CommandError, UsageError
from relay.config import Settings
from relay.core.glossary import Term, term_key

if TYPE_CHECKING:  # the store is loaded when the command runs, not for `relay --help`
    from relay.store.glossary import GlossaryEntry

REQUIRED = ("language", "term", "translation")
COLUMNS = (*REQUIRED, "note", "added_by", "added_at")
MAX_CHARS = 300
_LANGUAGE = re.compile(r"[a-z]{2,3}")


def add_glossary_parser(sub: Any) -> None:
    """``relay glossary`` and its two actions, on the main parser's subcommands."""
    glossary = sub.add_parser("glossary", help="import or export the glossary as CSV",
                              description="The glossary of agreed translations per target "
                              "language, as CSV (columns: language, term, translation, note).")
    actions = glossary.add_subparsers(dest="glossary_command", metavar="ACTION")
    actions.required = True
    imp = actions.add_parser("import", help="add the terms of a CSV file",
                             description="Add or update the terms of FILE (UTF-8 CSV with a "
                             "header row). Bad rows are reported, one line each; the good "
                             "rows are kept.")
    imp.add_argument("file", help="the CSV file")
    exp = actions.add_parser("export", help="write the glossary as CSV",
                             description="Write every term, by language, to FILE (default: "
                             "standard output).")
    exp.add_argument("file", nargs="?", help="where to write (default: standard output)")


def run_glossary(settings: Settings, args: argparse.Namespace,
                 say: Callable[[str], None]) -> int:
    if args.glossary_command == "import":
        return import_file(settings, Path(args.file), say)
    return export_file(settings, Path(args.file) if args.file else None, say)


# ---------------------------------------------------------------------- import
def read_rows(path: Path) -> tuple[list[Term], list[str]]:
    """The terms of a CSV file and one line per bad row ("FILE:ROW: why")."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 (byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"{path}: {exc.strerror or exc}") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise UsageError(f"{path}: the header row lacks column(s) {', '.join(missing)}"
                         f" (columns: {', '.join(COLUMNS[:4])})")
    reader.fieldnames = header
    terms: list[Term] = []
    bad: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for row in reader:
        line = reader.line_num
        try:
            term = _term(row)
        except ValueError as exc:
            bad.append(f"{path}:{line}: {exc}")
            continue
        key = (term.language, term_key(term.term))
        if key in seen:
            bad.append(f"{path}:{line}: {term.term} repeats row {seen[key]}")
            continue
        seen[key] = line
        terms.append(term)
    return terms, bad


def _term(row: dict[str | Any, str | Any]) -> Term:
    if None in row:
        raise ValueError("more fields than the header has")
    values = {k: (row.get(k) or "").strip() for k in ("language", "term", "translation",
                                                        "note")}
    for name in REQUIRED:
        if not values[name]:
            raise ValueError(f"no {name}")
    if not _LANGUAGE.fullmatch(values["language"].lower()):
        raise ValueError(f"language {values['language'][:20]!r} is not a language code")
    for name, value in values.items():
        if len(value) > MAX_CHARS:
            raise ValueError(f"{name} longer than {MAX_CHARS} characters")
        if any(ord(ch) < 32 for ch in value):
            raise ValueError(f"{name} holds a control character")
    if not term_key(values["term"]):
        raise ValueError("the term has no word")
    return Term(values["term"], values["translation"], values["language"].lower(),
                values["note"] or None)


def import_file(settings: Settings, path: Path, say: Callable[[str], None]) -> int:
    terms, bad = read_rows(path)
    for line in bad:
        print(line, file=sys.stderr)

    async def write() -> dict[str, int]:
        from relay.store.sqlite_store import open_store

        store = await open_store(settings.storage.database)
        try:
            return await store.glossary_add_many(terms, None, int(time.time()), path.name)
        finally:
            await store.close()

    counts = asyncio.run(write()) if terms else {"added": 0, "replaced": 0, "unchanged": 0}
    say(f"glossary: {counts['added']} added, {counts['replaced']} replaced, "
        f"{counts['unchanged']} unchanged, {len(bad)} bad row(s) from {path}")
    return EXIT_FAILURE if bad else EXIT_OK


# ---------------------------------------------------------------------- export
def write_csv(entries: Iterable[GlossaryEntry], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for e in entries:
        added = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(e.added_at))
        writer.writerow([e.language, e.term, e.translation, e.note or "",
                         "" if e.added_by is None else e.added_by, added])
        count += 1
    return count


def export_file(settings: Settings, path: Path | None, say: Callable[[str], None]) -> int:
    database = settings.storage.database
    if not Path(database).exists():
        raise CommandError(f"no database at {database}: nothing to export")
    from relay.store.sqlite_store import read_only

    entries = read_only(database, lambda store: store.glossary_terms())
    if path is None:
        count = write_csv(entries, sys.stdout)
        print(f"exported {count} glossary term(s)", file=sys.stderr)
        return EXIT_OK
    try:
        with path.open("w", encoding="utf-8", newline="") as out:
            count = write_csv(entries, out)
    except OSError as exc:
        raise CommandError(f"{path}: {exc.strerror or exc}") from None
    say(f"exported {count} glossary term(s) to {path}")
    return EXIT_OK
