"""The glossary's queries (issue 14): terms per target language, added, replaced, removed.

A term is unique per language by its folded form (``relay.core.glossary.term_key``), so "شركت
واحد" and "شرکت‌واحد" are one term. Nothing is deleted: removing or replacing a term stamps the
old row with who and when. Every change bumps ``revision`` (the glossary's version, read by
:func:`revision`) and writes an audit row (``job_id`` NULL).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from relay.core.glossary import Term, term_key
from relay.store import audit


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One live glossary row."""

    id: int
    language: str
    term: str
    translation: str
    note: str | None
    added_by: int | None
    added_at: int

    def as_term(self) -> Term:
        return Term(self.term, self.translation, self.language, self.note)


#: What :func:`add` did: a new term, a term whose translation or note changed, or nothing.
ADDED, REPLACED, UNCHANGED = "added", "replaced", "unchanged"

_COLUMNS = "id, language, term, translation, note, added_by, added_at"


def _entry(row: Sequence[object]) -> GlossaryEntry:
    return GlossaryEntry(int(row[0]), str(row[1]), str(row[2]), str(row[3]),  # type: ignore[call-overload]
                         None if row[4] is None else str(row[4]),
                         None if row[5] is None else int(row[5]),  # type: ignore[call-overload]
                         int(row[6]))  # type: ignore[call-overload]


def _next_revision(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COALESCE(MAX(revision), 0) + 1 FROM glossary").fetchone()[0])


def _live(conn: sqlite3.Connection, language: str, key: str) -> GlossaryEntry | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM glossary WHERE language=? AND term_key=?"
                       " AND removed_at IS NULL", (language, key)).fetchone()
    return None if row is None else _entry(row)


def _put(conn: sqlite3.Connection, term: Term, actor_id: int | None, now: int) -> str:
    """Add or replace one term; no audit row (the callers write theirs)."""
    key = term_key(term.term)
    if not key:
        raise ValueError("the term has no word")
    old = _live(conn, term.language, key)
    if old is not None and (old.translation, old.note) == (term.translation, term.note):
        return UNCHANGED
    revision = _next_revision(conn)
    if old is not None:
        conn.execute("UPDATE glossary SET removed_by=?, removed_at=?, revision=? WHERE id=?",
                     (actor_id, now, revision, old.id))
    conn.execute(
        "INSERT INTO glossary (language, term, term_key, translation, note, added_by, added_at,"
        " revision) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (term.language, term.term, key, term.translation, term.note, actor_id, now, revision))
    return REPLACED if old is not None else ADDED


def add(conn: sqlite3.Connection, term: Term, actor_id: int | None, now: int) -> str:
    """Add ``term`` (or give an existing one its new translation): ADDED, REPLACED, UNCHANGED."""
    done = _put(conn, term, actor_id, now)
    if done != UNCHANGED:
        audit.record(conn, job_id=None, actor_id=actor_id, action="glossary_add" if done == ADDED else "glossary_replace",
                     from_status=None, to_status=None, at=now,
                     detail=f"{term.language}: {term.term} = {term.translation}")
    return done


def add_many(conn: sqlite3.Connection, terms: Sequence[Term], actor_id: int | None, now: int,
             source: str) -> dict[str, int]:
    """Import: every term in one transaction; how many were added, replaced, unchanged. One
    audit row names the ``source`` (a file) and the counts."""
    counts = {ADDED: 0, REPLACED: 0, UNCHANGED: 0}
    for term in terms:
        counts[_put(conn, term, actor_id, now)] += 1
    if counts[ADDED] or counts[REPLACED]:
        audit.record(conn, job_id=None, actor_id=actor_id, action="glossary_import",
                     from_status=None, to_status=None, at=now,
                     detail=f"{source}: {counts[ADDED]} added, {counts[REPLACED]} replaced")
    return counts


def remove(conn: sqlite3.Connection, language: str, term: str, actor_id: int | None,
           now: int) -> GlossaryEntry | None:
    """Remove the live term of ``language`` written ``term`` (any spelling); it, or None."""
    old = _live(conn, language, term_key(term))
    if old is None:
        return None
    conn.execute("UPDATE glossary SET removed_by=?, removed_at=?, revision=? WHERE id=?",
                 (actor_id, now, _next_revision(conn), old.id))
    audit.record(conn, job_id=None, actor_id=actor_id, action="glossary_remove",
                 from_status=None, to_status=None, at=now,
                 detail=f"{language}: {old.term} = {old.translation}")
    return old


def terms(conn: sqlite3.Connection, language: str | None = None) -> list[GlossaryEntry]:
    """The live terms (of one language, or of all), by language then term."""
    where, params = ("AND language=?", (language,)) if language else ("", ())
    return [_entry(r) for r in conn.execute(
        f"SELECT {_COLUMNS} FROM glossary WHERE removed_at IS NULL {where}"
        " ORDER BY language, term_key", params)]


def revision(conn: sqlite3.Connection) -> int:
    """The glossary's version: changes whenever a term is added, replaced or removed."""
    return int(conn.execute("SELECT COALESCE(MAX(revision), 0) FROM glossary").fetchone()[0])


# ---------------------------------------------------------------------- translation memory
@dataclass(frozen=True, slots=True)
class Remembered:
    """An approved translation, as translation memory indexes it."""

    audit_id: int  # the approval's audit row: read on from here next time
    job_id: int
    language: str
    source_text: str
    approved_at: int


def approved_since(conn: sqlite3.Connection, after: int,
                   limit: int) -> tuple[list[Remembered], int]:
    """Jobs approved since audit row ``after`` that are still approved or published, at most
    ``limit``, and the audit row to read on from next time."""
    rows = [Remembered(int(r[0]), int(r[1]), str(r[2]), str(r[3]), int(r[4]))
            for r in conn.execute(
                # CROSS JOIN keeps audit outside: read on from ``after`` by rowid (a few new
                # rows), not every approved job joined to its audit rows (62 ms at 100k jobs)
                "SELECT a.id, j.id, j.language, j.source_text, a.at FROM audit a CROSS JOIN"
                " jobs j ON j.id = a.job_id WHERE a.id > ? AND a.action = 'approve'"
                " AND j.status IN ('approved', 'published') AND j.draft_text IS NOT NULL"
                " ORDER BY a.id LIMIT ?", (after, limit))]
    if len(rows) == limit:
        return rows, rows[-1].audit_id
    newest = conn.execute("SELECT COALESCE(MAX(id), 0) FROM audit").fetchone()[0]
    return rows, max(after, int(newest))
