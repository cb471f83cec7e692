"""What a job card says and which buttons it carries, for a given state. Pure.

A card must always tell the truth about its job, so it is re-rendered from the stored job
every time the job changes, and edited in place.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Iterable, Sequence

from relay.core.jobview import JobView, Member
from relay.core.workflow import Rules, Status, claim_active, claim_expiry
from relay.review.conversation import ButtonSpec
from relay.review.publish_errors import explain
from relay.review.texts import language_names, status_name, t
from relay.text.formatting import Entity, FormattedText, utf16_len, utf16_to_index
from relay.text.forward import forward_origin
from relay.text.links import post_link

CARD_SOURCE_UNITS = 2800  # room left in 4096 for the header, status lines and notes
ALSO_IN_UNITS = 400  # the "Also in" list of a statement's other posts, cut beyond (issue 11)
SPLIT_BUTTONS = 8  # "Split" buttons on one card at most (issue 11)


def fmt_time(ts: int | None) -> str:
    if ts is None:
        return "?"
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(ts))


def fmt_age(seconds: float, lang: str = "en") -> str:
    seconds = max(0, int(seconds))
    if seconds < 3600:
        return t(lang, "age.minutes", m=seconds // 60)
    if seconds < 86400:
        return t(lang, "age.hours", h=seconds // 3600, m=f"{(seconds % 3600) // 60:02d}")
    return t(lang, "age.days", d=seconds // 86400, h=(seconds % 86400) // 3600)


def change_summary(old: str, new: str, limit: int = 300) -> str:
    """A short word-level account of what changed between two versions of a text."""
    a, b = old.split(), new.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            parts.append("−[" + " ".join(a[i1:i2]) + "]")
        if op in ("insert", "replace"):
            parts.append("+[" + " ".join(b[j1:j2]) + "]")
    text = " ".join(parts) or "(whitespace only)"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def source_link(job: JobView) -> str:
    return post_link(job.channel_username, job.channel_id, job.message_id)


def forward_lines(job: JobView, lang: str = "en") -> list[str]:
    """For a forward: "Forwarded from <origin> by <source>" and the link to the original post
    when the origin is public (the source's link is the line above); nothing otherwise."""
    origin = forward_origin(job.fwd_from)
    if origin is None:
        return []
    said = t(lang, "card.forwarded", origin=origin.name, source=job.channel_name or "?")
    return [said, origin.link] if origin.link else [said]


def render_card(job: JobView, names: dict[int, str], rules: Rules, now: int, lang: str = "en",
                publication_link: str | None = None, failure: str | None = None, *,
                hints: Sequence[str] = ()) -> FormattedText:
    """The card's text: header (bold), source, status, notes, ``hints`` (issue 14: glossary
    terms, translation memory), then the original text."""
    def name(uid: int | None) -> str:
        return names.get(uid, str(uid)) if uid is not None else "relay"

    title = t(lang, "card.title", job=job.id, lang=job.lang or "?", target=job.target.upper(),
              status=status_name(lang, job.status).upper())
    lines = [
        t(lang, "card.source", name=job.channel_name or "?", date=fmt_time(job.message_date)),
        source_link(job),
        *forward_lines(job, lang),
        t(lang, "card.detected", lang=job.lang or "?",
          confidence=f"{job.lang_confidence or 0:.2f}",
          media=job.media_kind or t(lang, "card.no_media")),
        _status_line(job, name, rules, now, lang, publication_link),
    ]
    if job.also_in:
        lines.append(also_in_line(job.also_in, lang, job.id))
    if job.source_deleted:
        lines.append(t(lang, "card.deleted"))
    if job.status in (Status.DRAFTED, Status.APPROVED) and job.draft_outdated:
        lines.append(t(lang, "card.outdated",
                       diff=change_summary(job.draft_source_text or "", job.source_text)))
    if job.status == Status.STALE and job.draft_source_text is not None:
        lines.append(t(lang, "card.stale",
                       diff=change_summary(job.draft_source_text, job.source_text)))
        lines.append(t(lang, "card.stale_hint"))
    if failure and job.status == Status.APPROVED:
        lines.append(t(lang, "card.failed", reason=explain(failure, lang), job=job.id))
    lines += hints
    source = job.source_text
    if utf16_len(source) > CARD_SOURCE_UNITS:  # Telegram counts UTF-16 units, not characters
        cut = source[:utf16_to_index(source, CARD_SOURCE_UNITS)]
        source = (cut.rsplit(" ", 1)[0] if " " in cut else cut) + " " + t(
            lang, "card.truncated", job=job.id)
    body = "\n".join(lines) + "\n\n" + source
    text = title + "\n" + body
    return FormattedText(text, (Entity("bold", 0, utf16_len(title)),))


def _member_name(member: Member) -> str:
    return f"@{member.channel_username}" if member.channel_username else (
        member.channel_name or str(member.channel_id))


def copy_label(member: Member, width: int = 64) -> str:
    """"[17] @haft_tappeh": a post of the statement as the card, its Split button and
    ``/split`` name it. The number is its member id: it never changes while the post stays in
    the statement, so a number read from an old card cannot name another post."""
    return f"[{member.id}] {_member_name(member)[:width]}"


def how_text(member: Member, lang: str) -> str:
    """"copy", "forward, deleted", ...: how the post carries the statement."""
    how = t(lang, "how." + member.how)
    return t(lang, "how.deleted", how=how) if member.deleted else how


def also_in_line(members: Iterable[Member], lang: str, job_id: int) -> str:
    """"Also in: [3] @a (copy), [4] @b (copy, deleted), ... +N more (all of them: /split 12)":
    the statement's other posts, numbered for ``/split``, a deleted one marked, cut at
    ALSO_IN_UNITS so that a statement pasted into fifty channels still leaves the card within
    Telegram's 4096 (issue 11)."""
    sep = "، " if lang == "fa" else ", "
    shown: list[str] = []
    members = list(members)
    for k, m in enumerate(members):
        entry = f"{copy_label(m)} ({how_text(m, lang)})"
        if utf16_len(sep.join([*shown, entry])) > ALSO_IN_UNITS:
            return t(lang, "card.also_in", sources=sep.join(shown) + " " + t(
                lang, "card.also_more", count=len(members) - k, job=job_id))
        shown.append(entry)
    return t(lang, "card.also_in", sources=sep.join(shown))


def split_buttons(job: JobView, lang: str) -> list[list[ButtonSpec]]:
    """One "Split" button per copy or forward an editor may split off (issue 11): not for a
    deleted post, and at most SPLIT_BUTTONS (Telegram takes 100 buttons; a card with fifty
    would bury its own): the newest, since a wrong match is found when it arrives. Any other
    is split with ``/split <job> <number>``."""
    splittable = [m for m in job.also_in if m.how != "joined" and not m.deleted]
    return [[ButtonSpec(t(lang, "button.split", name=copy_label(m, 48)), "split", m.id)]
            for m in splittable[-SPLIT_BUTTONS:]]


def _status_line(job: JobView, name: Callable[[int | None], str], rules: Rules, now: int,
                 lang: str, publication_link: str | None) -> str:
    if job.status == Status.QUEUED:
        claim_ends = claim_expiry(job.state, rules, now)
        if claim_ends is not None:
            return t(lang, "card.claimed", name=name(job.claimed_by), until=fmt_time(claim_ends))
        if job.reason and job.translator_id:
            return t(lang, "card.rejected", name=name(job.editor_id), reason=job.reason) \
                + "\n" + t(lang, "card.open")
        return t(lang, "card.open")
    if job.status == Status.DRAFTED:
        return t(lang, "card.drafted", name=name(job.translator_id))
    if job.status == Status.APPROVED:
        return t(lang, "card.approved", editor=name(job.editor_id), name=name(job.translator_id))
    if job.status in (Status.PUBLISHED, Status.STALE):
        if publication_link:
            return t(lang, "card.published", link=publication_link)
        return t(lang, "card.published_nolink")
    if job.status == Status.SKIPPED:
        return t(lang, "card.skipped", name=name(job.editor_id), reason=job.reason or "")
    return status_name(lang, job.status)


def card_buttons(job: JobView, rules: Rules, now: int, lang: str = "en",
                 failure: str | None = None,
                 queued: Iterable[str] = ("fa",)) -> list[list[ButtonSpec]]:
    """The buttons a card shows in the job's current state; "Not ..." names the languages
    the job's source queues (``queued``)."""
    def b(action: str) -> ButtonSpec:
        return ButtonSpec(t(lang, f"button.{action}"), action)

    if job.status == Status.QUEUED:
        first = b("release") if claim_active(job.state, rules, now) else b("claim")
        queued = tuple(queued)
        label = t(lang, "button.notfa") if queued == ("fa",) else t(
            lang, "button.not_lang", lang=language_names(lang, queued))
        not_lang = ButtonSpec(label, "notfa")
        return [[first, b("skip"), not_lang], *split_buttons(job, lang)]
    if job.status == Status.SKIPPED:
        return [[b("reopen")]]
    if job.status == Status.STALE:
        return [[b("edit"), b("keep")]]
    if job.status == Status.APPROVED and failure:
        return [[b("retry")]]
    return []


def preview_buttons(lang: str = "en", *, approve: bool = True) -> list[list[ButtonSpec]]:
    """Approve / Edit / Reject; without Approve for a translator-editor's own draft."""
    row = [ButtonSpec(t(lang, "button.approve"), "approve")] if approve else []
    return [[*row, ButtonSpec(t(lang, "button.edit"), "edit"),
             ButtonSpec(t(lang, "button.reject"), "reject")]]


def offer_buttons(lang: str = "en") -> list[list[ButtonSpec]]:
    """Yes / No under "Use this as the translation of job N?"."""
    return [[ButtonSpec(t(lang, "button.use_yes"), "use_yes"),
             ButtonSpec(t(lang, "button.use_no"), "use_no")]]


def confirm_buttons(lang: str = "en") -> list[list[ButtonSpec]]:
    return [[ButtonSpec(t(lang, "button.confirm"), "confirm")]]
