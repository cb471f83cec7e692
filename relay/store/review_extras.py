"""Review queries of issue 10: replies waiting for their sender's Yes/No (``reply_offers``),
which draft each chat was shown (``draft_shown``), a post's language corrected for all its
jobs at once, and any stored post queued on demand."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from relay.core.workflow import Action, Actor, Rules
from relay.store import jobs
from relay.store.transitions import Transition, apply
from relay.text.formatting import Entity, entities_from_json, entities_to_json


@dataclass(frozen=True, slots=True)
class ReplyOffer:
    """A reply the bot asked its sender about: "Use this as the translation of job N?"."""

    id: int
    job_id: int
    chat_id: int
    user_id: int
    message_id: int
    job_version: int
    text: str
    entities: tuple[Entity, ...]


def add_offer(conn: sqlite3.Connection, job_id: int, chat_id: int, user_id: int,
              message_id: int, job_version: int, text: str, entities: tuple[Entity, ...],
              now: int) -> int:
    cur = conn.execute(
        "INSERT INTO reply_offers (job_id, chat_id, user_id, message_id, job_version, text,"
        " entities, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (job_id, chat_id, user_id, message_id, job_version, text, entities_to_json(entities),
         now))
    return int(cur.lastrowid or 0)


def get_offer(conn: sqlite3.Connection, offer_id: int) -> ReplyOffer | None:
    row = conn.execute(
        "SELECT id, job_id, chat_id, user_id, message_id, job_version, text, entities"
        " FROM reply_offers WHERE id = ?", (offer_id,)).fetchone()
    if row is None:
        return None
    return ReplyOffer(int(row[0]), int(row[1]), int(row[2]), int(row[3]), int(row[4]),
                      int(row[5]), str(row[6]), entities_from_json(row[7]))


def drop_offer(conn: sqlite3.Connection, offer_id: int) -> None:
    conn.execute("DELETE FROM reply_offers WHERE id = ?", (offer_id,))


# ---------------------------------------------------------------------------- drafts shown
def mark_shown(conn: sqlite3.Connection, chat_id: int, job_id: int, version: int,
               now: int) -> None:
    conn.execute(
        "INSERT INTO draft_shown (chat_id, job_id, version, shown_at) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (chat_id, job_id) DO UPDATE SET version = excluded.version,"
        " shown_at = excluded.shown_at", (chat_id, job_id, version, now))


def shown_version(conn: sqlite3.Connection, job_id: int, chats: list[int]) -> int | None:
    """The newest version of the job shown in any of ``chats`` (None: never shown there)."""
    if not chats:
        return None
    marks = ",".join("?" * len(chats))
    row = conn.execute(f"SELECT MAX(version) FROM draft_shown WHERE job_id = ? AND chat_id IN"
                       f" ({marks})", (job_id, *chats)).fetchone()
    return row[0] if row else None


# ---------------------------------------------------------------------------- relang
def relang_unit(conn: sqlite3.Connection, job_id: int, actor: Actor, rules: Rules, now: int, *,
                code: str, keep: bool, reason: str | None,
                expected_version: int | None) -> list[tuple[int, Transition]]:
    """Correct the language of a job's post for every job of the post, in one transaction.

    The pressed job goes first, with the version its card showed: when that is out of date
    nothing at all is changed (neither the other jobs nor the post's language)."""
    first = apply(conn, job_id, Action.RELANG, actor, rules, now, expected_version=expected_version,
                  keep=keep, reason=reason, lang=code)
    done = [(job_id, first)]
    if not first.ok:
        return done
    others = [r[0] for r in conn.execute(
        "SELECT j.id FROM jobs j JOIN jobs k ON k.channel_id = j.channel_id"
        " AND k.unit_key = j.unit_key WHERE k.id = ? AND j.id != k.id ORDER BY j.id", (job_id,))]
    for other in others:
        done.append((other, apply(conn, other, Action.RELANG, actor, rules, now, keep=keep,
                                  reason=reason, lang=code)))
    return done


# ---------------------------------------------------------------------------- posts on demand
@dataclass(frozen=True, slots=True)
class StoredPost:
    """A stored post (or album) as /queue_post and /lang see it."""

    channel_id: int
    message_id: int  # the first of its album
    unit_key: str
    grouped_id: int | None
    lang: str | None
    source_text: str
    job_ids: tuple[int, ...]  # its jobs, one per target, if any


def find_post(conn: sqlite3.Connection, channel: int | str, message_id: int) -> StoredPost | None:
    """A stored post by channel id (bare) or username, and message id."""
    if isinstance(channel, str):
        row = conn.execute("SELECT id FROM channels WHERE username = ? COLLATE NOCASE",
                           (channel.lstrip("@"),)).fetchone()
        if row is None:
            return None
        channel = int(row[0])
    row = conn.execute("SELECT grouped_id, lang FROM messages WHERE channel_id = ? AND"
                       " message_id = ?", (channel, message_id)).fetchone()
    if row is None:
        return None
    grouped_id, lang = row
    if grouped_id:
        members = conn.execute(
            "SELECT message_id, text, lang FROM messages WHERE channel_id = ? AND grouped_id = ?"
            " AND deleted_at IS NULL ORDER BY message_id", (channel, grouped_id)).fetchall()
    else:
        members = [(message_id, *conn.execute(
            "SELECT text, lang FROM messages WHERE channel_id = ? AND message_id = ?",
            (channel, message_id)).fetchone())]
    first_id = members[0][0] if members else message_id
    key = f"g:{grouped_id}" if grouped_id else f"m:{message_id}"
    texts = [m[1] for m in members if (m[1] or "").strip()]
    return StoredPost(channel, first_id, key, grouped_id, lang, "\n\n".join(texts),
                      tuple(j for j, _ in jobs.jobs_of_unit(conn, channel, key)))


def queue_post(conn: sqlite3.Connection, channel: int | str, message_id: int,
               targets: list[tuple[str, str]], now: int) -> tuple[StoredPost | None, list[int]]:
    """Create the jobs of a stored post for ``targets`` ((key, language) pairs) that it has
    no job for yet, whatever its language or text: (the post, the jobs created)."""
    post = find_post(conn, channel, message_id)
    if post is None:
        return None, []
    have = {r[0] for r in conn.execute(
        "SELECT target FROM jobs WHERE channel_id = ? AND unit_key = ?",
        (post.channel_id, post.unit_key))}
    created = [jobs.create_job(conn, channel_id=post.channel_id, unit_key=post.unit_key,
                               message_id=post.message_id, grouped_id=post.grouped_id,
                               target=key, language=lang, source_text=post.source_text, now=now)
               for key, lang in targets if key not in have]
    return post, created


def set_post_language(conn: sqlite3.Connection, channel_id: int, message_id: int,
                      grouped_id: int | None, code: str) -> None:
    """/lang on a post without jobs: record the language an editor gave."""
    conn.execute(
        "UPDATE messages SET lang = ?, lang_confidence = 1.0 WHERE channel_id = ? AND"
        " (message_id = ? OR (grouped_id IS NOT NULL AND grouped_id = ?))",
        (code, channel_id, message_id, grouped_id))

