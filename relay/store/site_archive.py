"""What the public archive site shows, read from the database as :class:`SitePublication` records.

A publication is one job (one statement in one target language) that went out, shown with the
text that went out (``jobs.published_text``, kept when a post or a correction is sent): a job
in the middle of a correction (drafted or approved again) still shows what readers saw, never
its unapproved draft.

Cost at 100,000 publications: :func:`page` walks the jobs by primary key (``id > ?``, the
published text tested per row, never a sort), and each page's outbox rows, publication parts, sibling jobs and
album media are looked up by index (``outbox_job``, ``publications_job``, the jobs' unique
``(channel_id, unit_key, target)`` and ``messages_album_members``).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from relay.site.records import Correction, MediaFile, SitePublication, Version
from relay.text.edits import strip_whitespace
from relay.text.formatting import FormattedText, entities_from_json
from relay.text.links import post_link
from relay.text.render import RenderContext, render

#: A job whose translation went out.
_SHOWN = "j.published_text IS NOT NULL"
_CHUNK = 500
_MEDIA_KINDS = {"photo": "photo", "video": "video", "animation": "video", "round": "video",
                "document": "document", "audio": "document", "voice": "document"}

_COLUMNS = (
    "SELECT j.id, j.target, j.language, j.channel_id, j.message_id, j.unit_key, j.grouped_id,"
    " j.published_text, j.published_entities, j.translator_id, COALESCE(j.draft_source_text,"
    " j.source_text), j.updated_at, c.display_name, c.title, c.username, m.date, m.text,"
    " m.entities, m.deleted_at, m.media_kind, m.media_path"
    " FROM jobs j JOIN channels c ON c.id = j.channel_id"
    " LEFT JOIN messages m ON m.channel_id = j.channel_id AND m.message_id = j.message_id"
)


#: One page of publications: job id above the first parameter, at most the second.
PAGE = _COLUMNS + f" WHERE j.id > ? AND {_SHOWN} ORDER BY j.id LIMIT ?"


@dataclass(frozen=True)
class TargetStyle:
    """How a target's posts are credited: its template, credit and language (from the
    config), and its outgoing channel's public username (for links), if any."""

    template: str
    credit: str
    language: str
    username: str | None = None


@dataclass(frozen=True)
class SiteStyle:
    """What the database does not hold: per target key its :class:`TargetStyle`, and the
    translators' names (a template may credit ``{translator}``)."""

    targets: Mapping[str, TargetStyle] = field(default_factory=dict)
    translators: Mapping[int, str] = field(default_factory=dict)


def page(conn: sqlite3.Connection, after: int, limit: int,
         style: SiteStyle) -> list[SitePublication]:
    """The publications with job id above ``after``, in id order, at most ``limit``."""
    # Walk the primary key in order and test each row: an index would collect every later
    # publication and sort them, for each page.
    rows = conn.execute(PAGE, (after, limit)).fetchall()
    return _records(conn, rows, style)


def by_ids(conn: sqlite3.Connection, ids: Sequence[int],
           style: SiteStyle) -> list[SitePublication]:
    """The publications among the jobs ``ids`` (others are left out), in id order."""
    found: list[SitePublication] = []
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start:start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = conn.execute(_COLUMNS + f" WHERE j.id IN ({marks}) AND {_SHOWN}"
                            " ORDER BY j.id", chunk).fetchall()
        found += _records(conn, rows, style)
    return found


def _stamp(seconds: int | None) -> dt.datetime | None:
    return None if seconds is None else dt.datetime.fromtimestamp(seconds, dt.UTC)


def _records(conn: sqlite3.Connection, rows: list[tuple],
             style: SiteStyle) -> list[SitePublication]:
    if not rows:
        return []
    ids = [r[0] for r in rows]
    marks = ",".join("?" * len(ids))
    posted: dict[int, tuple[int, int, int]] = {}  # job -> (channel, message id, posted at)
    for job_id, channel_id, message_id, posted_at in conn.execute(
            "SELECT p.job_id, p.channel_id, p.message_id, p.posted_at FROM publications p"
            " JOIN outbox o ON o.id = p.outbox_id"
            f" WHERE p.job_id IN ({marks}) AND o.kind = 'post'"
            " ORDER BY p.job_id, p.outbox_id, p.part", ids):
        posted.setdefault(job_id, (channel_id, message_id, posted_at))
    corrections: dict[int, list[Correction]] = {}
    for job_id, at in conn.execute(
            f"SELECT job_id, updated_at FROM outbox WHERE job_id IN ({marks})"
            " AND kind = 'correction' AND status = 'sent' ORDER BY job_id, id", ids):
        corrections.setdefault(job_id, []).append(Correction(_stamp(at) or _EPOCH))
    return [_record(conn, row, style, posted.get(row[0]), tuple(corrections.get(row[0], ())))
            for row in rows]


_EPOCH = dt.datetime.fromtimestamp(0, dt.UTC)


def _record(conn: sqlite3.Connection, row: tuple, style: SiteStyle,
            posted: tuple[int, int, int] | None,
            corrections: tuple[Correction, ...]) -> SitePublication:
    (job_id, target, language, channel_id, message_id, unit_key, grouped_id, draft_text,
     draft_entities, translator_id, source_text, updated_at, display_name, title, username,
     date, message_text, message_entities, deleted_at, media_kind, media_path) = row
    target_style = style.targets.get(target)
    source_name = display_name or title or (f"@{username}" if username else str(channel_id))
    original_link = post_link(username, channel_id, message_id)
    original_date = _stamp(date) or _stamp(updated_at) or _EPOCH
    credit = FormattedText("")
    if target_style is not None:
        ctx = RenderContext(
            translation=FormattedText(""), source_name=source_name, source_link=original_link,
            date=original_date, translator=style.translators.get(translator_id or 0, ""),
            credit=target_style.credit, language=target_style.language)
        credit = strip_whitespace(render(target_style.template, ctx).attribution)
    original_entities = entities_from_json(message_entities) if (
        grouped_id is None and message_text == source_text) else ()
    telegram_link = None
    if posted is not None:
        telegram_link = post_link(target_style.username if target_style else None,
                                  posted[0], posted[1])
    return SitePublication(
        id=job_id,
        target=target,
        language=language,
        translation=FormattedText(draft_text or "", entities_from_json(draft_entities)),
        source_name=source_name,
        source_channel_id=channel_id,
        original_message_id=message_id,
        original_link=original_link,
        original_date=original_date,
        published_at=(_stamp(posted[2]) if posted else None) or original_date,
        credit=credit,
        source_username=username,
        source_link=f"https://t.me/{username}" if username else None,
        telegram_link=telegram_link,
        original=FormattedText(source_text or "", original_entities) if source_text else None,
        corrected_at=corrections[-1].at if corrections else None,
        corrections=corrections,
        source_deleted_at=_stamp(deleted_at),
        media=_media(conn, channel_id, grouped_id, media_kind, media_path),
        versions=_versions(conn, job_id, channel_id, unit_key),
    )


def _media(conn: sqlite3.Connection, channel_id: int, grouped_id: int | None,
           media_kind: str | None, media_path: str | None) -> tuple[MediaFile, ...]:
    if grouped_id is None:
        found = [(media_kind, media_path)]
    else:
        found = conn.execute(
            "SELECT media_kind, media_path FROM messages WHERE channel_id = ? AND"
            " grouped_id = ? AND media_path IS NOT NULL ORDER BY message_id",
            (channel_id, grouped_id)).fetchall()
    return tuple(MediaFile(Path(path), _MEDIA_KINDS[kind]) for kind, path in found
                 if path and kind in _MEDIA_KINDS)


def _versions(conn: sqlite3.Connection, job_id: int, channel_id: int,
              unit_key: str) -> tuple[Version, ...]:
    return tuple(Version(i, target, language) for i, target, language in conn.execute(
        "SELECT id, target, language FROM jobs WHERE channel_id = ? AND unit_key = ?"
        " AND id != ? AND published_text IS NOT NULL ORDER BY target", (channel_id, unit_key, job_id)))
