"""The parts of a translation sent in several messages, kept until the translator says Done."""

from __future__ import annotations

import sqlite3

from relay.text.formatting import FormattedText, entities_from_json, entities_to_json


def add_draft_part(conn: sqlite3.Connection, job_id: int, user_id: int, chat_id: int,
                   text: FormattedText, now: int) -> int:
    """Append a part; its number (1 for the first)."""
    (last,) = conn.execute(
        "SELECT COALESCE(MAX(part), 0) FROM draft_parts WHERE job_id = ? AND user_id = ?",
        (job_id, user_id)).fetchone()
    conn.execute(
        "INSERT INTO draft_parts (job_id, user_id, part, chat_id, text, entities, created_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (job_id, user_id, last + 1, chat_id, text.text, entities_to_json(text.entities), now))
    return int(last) + 1


def draft_parts(conn: sqlite3.Connection, job_id: int, user_id: int) -> list[FormattedText]:
    """The parts received so far, in order."""
    rows = conn.execute(
        "SELECT text, entities FROM draft_parts WHERE job_id = ? AND user_id = ? ORDER BY part",
        (job_id, user_id)).fetchall()
    return [FormattedText(text, entities_from_json(entities)) for text, entities in rows]


def drop_draft_parts(conn: sqlite3.Connection, job_id: int, user_id: int) -> None:
    conn.execute("DELETE FROM draft_parts WHERE job_id = ? AND user_id = ?", (job_id, user_id))
