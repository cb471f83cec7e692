"""A job's translation as the messages subscribers will see: the one rendering used both for
the reviewers' preview and for publishing, so that what was approved is what goes out. Pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from relay.config import Target
from relay.core.jobview import JobView
from relay.text.formatting import FormattedText
from relay.text.forward import forward_origin
from relay.text.links import post_link
from relay.text.render import RenderContext, render_parts
from relay.text.wording import template_for, wording

#: Media that go out again with the translation as caption.
REPOSTED_MEDIA = ("photo", "video", "document", "audio", "animation", "voice", "round")


def has_media(job: JobView) -> bool:
    kinds = (job.media_kind or "").split(",")
    return any(k in REPOSTED_MEDIA for k in kinds)


def compose(job: JobView, target: Target, translator: str, *,
            with_media: bool | None = None) -> list[FormattedText]:
    """The parts to post, in order: the first is the caption when the post has media.

    A forward is credited to its origin, with its source named as the channel it came through
    (:mod:`relay.text.forward`); the default template is the target language's
    (:mod:`relay.text.wording`). A statement other sources carry too (issue 11) credits the
    earliest of them, and names the others as the template says (``{also_names}``,
    ``{sources}``): those carrying it when the job is loaded, i.e. at publication."""
    origin = forward_origin(job.fwd_from)
    first, others = statement_sources(job, origin is not None)
    separator = wording(target.language).list_separator
    ctx = RenderContext(
        translation=FormattedText(job.draft_text or "", job.draft_entities),
        source_name=first.name,
        source_link=first.link,
        date=dt.datetime.fromtimestamp(job.message_date, dt.UTC),
        translator=translator,
        credit=target.credit,
        language=target.language,
        origin_name=origin.name if origin else "",
        origin_link=origin.link if origin else "",
        via_name=(job.channel_name or "") if origin else "",
        sources=separator.join([first.name, *others]) if others else "",
        also_names=separator.join(others),
    )
    caption = has_media(job) if with_media is None else with_media
    template = template_for(target.template, target.language, forwarded=origin is not None,
                            forward_template=target.forward_template, several=bool(others))
    return render_parts(template, ctx, caption=caption)


@dataclass(frozen=True, slots=True)
class Credited:
    """A source credited for a statement: its name and a link to its post."""

    name: str
    link: str


def statement_sources(job: JobView, forwarded: bool = False) -> tuple[Credited, list[str]]:
    """The source credited first, and the names of the other sources carrying the statement,
    in the order they published it, each channel once.

    The job's own post is the statement's first unless a copy joined later was published
    earlier (fetched by ``relay backfill`` or ``relay import``); a forward keeps its own post
    first, since its origin is credited (:mod:`relay.text.forward`). A post its channel
    deleted is never credited; when the job's own post was deleted, the earliest remaining
    copy is credited instead (only when every post is gone is the deleted one named: the
    publication then gets the deletion note, ``[publish] on_source_deleted``)."""
    own = (job.message_date, 0, job.channel_id,
           Credited(job.channel_name or "", post_link(job.channel_username, job.channel_id,
                                                      job.message_id)))
    posts = [own] + [
        (m.date or job.message_date, 1 + k, m.channel_id,
         Credited(m.channel_name or m.channel_username or "", post_link(
             m.channel_username, m.channel_id, m.message_id)))
        for k, m in enumerate(job.also_in) if not m.deleted]
    if job.source_deleted and not forwarded and len(posts) > 1:
        posts.remove(own)
    ordered = sorted(posts, key=lambda p: p[:2])
    if forwarded:
        ordered.remove(own)
        ordered.insert(0, own)
    seen = {ordered[0][2]}
    others = []
    for _, _, channel_id, credited in ordered[1:]:
        if channel_id not in seen and credited.name:
            seen.add(channel_id)
            others.append(credited.name)
    return ordered[0][3], others
