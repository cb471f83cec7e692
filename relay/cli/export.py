"""``relay export``: the archive as JSON Lines or CSV, for researchers and for backup.

Record types: ``channel``, ``message`` (with its earlier revisions), ``job`` (source text and
translation), ``publication`` (what was posted where, with a link) and ``audit`` (who did what
to which job, when).

JSONL (the default) writes every type, one object per line, each with a ``type`` field: first
one ``export`` line describing the file (format version, time, filter, schema version), then the
channels, messages, jobs, publications and audit rows, in that order. ``what`` narrows it to one
type.

CSV holds one record type per file, with a header row, so ``fmt="csv"`` writes messages unless
``what`` names another type (``channels``, ``messages``, ``jobs``, ``publications``,
``audit``); ``what="all"`` means messages there. Lists and objects (entities, revisions,
forward origin) are JSON strings inside their cells; empty cells are NULL.

Machine drafts (issue 14): ``what="machine_drafts"`` writes every ``machine_draft`` (the draft,
its chrF and TER against the approved text, its job's first submission and the seconds from
card to it), then the ``draft_figure`` records: per engine and target language the drafts made
and missed and the mean chrF and TER, and the first submissions with and without a draft on
the card with the median seconds from card to submission (the figures of ``relay status``).
In CSV it writes the drafts; ``what="draft_figures"`` writes the figures.

``since`` (unix seconds) keeps messages dated on or after it, jobs updated on or after it,
publications posted and audit rows written on or after it; channels are always all written
(they are few and give the rest their names). A channel's ``is_source`` says relay read it as a
source at some time; ``watched`` whether it is a source in the current configuration (false for
one removed from it: its stored posts are kept and exported all the same).

Records are read by the store's archive reader (:mod:`relay.store.archive`) and streamed
straight to ``out``; nothing is held in memory beyond one row. Everything is read in one
snapshot (``Store.read_archive``), so a backup taken while the service runs is one
consistent snapshot. Farsi stays readable (``ensure_ascii=False``). Times are ISO-8601 UTC
(``2024-05-01T12:00:00Z``); entity offsets and lengths are in UTF-16 code units, as Telegram
counts them. No secret is ever written: none lives in the database, and no exported column is
named like one (checked at import and by the tests). People appear by Telegram user id only.
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, TextIO

from relay.cli.status import iso
from relay.config import Settings, Source
from relay.store.api import ArchiveReader
from relay.store.archive import COLUMNS
from relay.store.sqlite_store import read_only

__all__ = ["COLUMNS", "FORMATS", "WHAT", "export", "parse_since", "run_export"]

EXPORT_FORMAT_VERSION = 1
FORMATS = ("jsonl", "csv")

#: ``what`` -> the record types written, in order.
WHAT: dict[str, tuple[str, ...]] = {
    "all": ("channel", "message", "job", "publication", "audit"),
    "channels": ("channel",),
    "messages": ("message",),
    "jobs": ("job",),
    "publications": ("publication",),
    "audit": ("audit",),
    # issue 14: every draft (its scores, its job's first submission), then the figures per
    # engine and language and card to submission with and without a draft (CSV: the drafts)
    "machine_drafts": ("machine_draft", "draft_figure"),
    "draft_figures": ("draft_figure",),
}

_SECRET_LIKE = re.compile(r"token|hash|session|secret|password|api_id", re.IGNORECASE)
assert not [c for cols in COLUMNS.values() for c in cols if _SECRET_LIKE.search(c)], \
    "an exported column is named like a secret"

# Lines must survive readers that split on every Unicode line break (str.splitlines); JSON
# escapes the others already.
_LINE_BREAKS = (("\u2028", "\\u2028"), ("\u2029", "\\u2029"), ("\x85", "\\u0085"))


# ------------------------------------------------------------------------------ --since
def parse_since(text: str) -> int:
    """``YYYY-MM-DD`` (midnight UTC) or ISO-8601 date-time -> unix seconds. Naive = UTC.

    Raises ``ValueError`` with a one-line message on anything else.
    """
    raw = (text or "").strip()
    problem = (f"{text!r} is not a date; expected YYYY-MM-DD or ISO-8601"
               " such as 2024-05-01T12:00:00Z")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][0-9:.,]+)?(Z|[+-]\d{2}(:?\d{2})?)?", raw,
                        re.IGNORECASE):
        raise ValueError(problem)
    try:
        moment = datetime.fromisoformat(raw[:-1] + "+00:00" if raw[-1] in "zZ" else raw)
    except ValueError:
        raise ValueError(problem) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


# ------------------------------------------------------------------------------ writing
def _line(record: dict[str, Any]) -> str:
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _LINE_BREAKS:
        if char in line:  # rare: test first, str.replace/translate cost more than `in`
            line = line.replace(char, escaped)
    return line


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value


def export(archive: ArchiveReader, out: TextIO, *, fmt: str = "jsonl",
           since: int | None = None, what: str = "all",
           target_usernames: Mapping[str, str | None] | None = None,
           sources: Sequence[Source] | None = None) -> dict[str, int]:
    """Write the archive to ``out``; return how many records of each type were written.

    ``fmt``: ``jsonl`` or ``csv``; ``what``: a key of :data:`WHAT` (CSV: ``all`` = messages);
    ``since``: unix seconds (see the module docstring); ``target_usernames``: target key ->
    public username of its outgoing channel, for publication links (else the channel's row in
    ``channels``, else a ``t.me/c/`` link, which works for members). ``sources``: the
    configured sources, for each channel's ``watched`` (None when not given).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}")
    if what not in WHAT:
        raise ValueError(f"unknown record type {what!r}; expected one of {', '.join(WHAT)}")
    kinds = WHAT["messages" if fmt == "csv" and what == "all" else what]
    if fmt == "csv":  # one record type per file: the first the choice names
        kinds = kinds[:1]
    usernames = dict(target_usernames or {})
    counts = dict.fromkeys(kinds, 0)
    if fmt == "jsonl":
        out.write(_line({
            "type": "export", "format_version": EXPORT_FORMAT_VERSION,
            "exported_at": iso(time.time()), "since": iso(since), "records": list(kinds),
            "schema_version": archive.schema_version(),
            "notes": "times are UTC; entity offsets and lengths are UTF-16 code units",
        }) + "\n")
        for kind in kinds:
            for record in _marked(archive.records(kind, since, usernames), kind, sources):
                out.write(_line({"type": kind, **record}) + "\n")
                counts[kind] += 1
    else:
        (kind,) = kinds
        columns = COLUMNS[kind]
        writer = csv.writer(out)
        writer.writerow(columns)
        for record in _marked(archive.records(kind, since, usernames), kind, sources):
            writer.writerow([_cell(record[c]) for c in columns])
            counts[kind] += 1
    return counts


def _marked(records: Iterable[dict[str, Any]], kind: str,
            sources: Sequence[Source] | None) -> Iterable[dict[str, Any]]:
    """Channel records with ``watched`` set from the configured sources."""
    if kind != "channel" or sources is None:
        return records
    ids = {s.ref.id for s in sources if s.ref.id is not None}
    names = {s.ref.username.lower() for s in sources if s.ref.username}
    return ({**r, "watched": r["channel_id"] in ids or (r["username"] or "").lower() in names}
            for r in records)


def run_export(settings: Settings, out: TextIO, *, fmt: str = "jsonl", since: int | None = None,
               what: str = "all") -> dict[str, int]:
    """Export ``settings.storage.database`` (opened read-only, one snapshot) to ``out``."""
    usernames = {t.key: t.ref.username for t in settings.targets}
    return read_only(settings.storage.database, lambda store: store.read_archive(
        lambda archive: export(archive, out, fmt=fmt, since=since, what=what,
                               target_usernames=usernames, sources=settings.sources)))
