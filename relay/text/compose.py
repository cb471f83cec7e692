"""A job's translation as the messages subscribers will see: the one rendering used both for
the reviewers' preview and for publishing, so that what was approved is what goes out. Pure."""

from __future__ import annotations

import datetime as dt

from relay.config import Target
from relay.core.jobview import JobView
from relay.text.formatting import FormattedText
from relay.text.forward import forward_origin
from relay.text.links import post_link
from relay.text.render import RenderContext, render_parts
from relay.text.wording import template_for

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
    (:mod:`relay.text.wording`)."""
    origin = forward_origin(job.fwd_from)
    ctx = RenderContext(
        translation=FormattedText(job.draft_text or "", job.draft_entities),
        source_name=job.channel_name or "",
        source_link=post_link(job.channel_username, job.channel_id, job.message_id),
        date=dt.datetime.fromtimestamp(job.message_date, dt.UTC),
        translator=translator,
        credit=target.credit,
        language=target.language,
        origin_name=origin.name if origin else "",
        origin_link=origin.link if origin else "",
        via_name=(job.channel_name or "") if origin else "",
    )
    caption = has_media(job) if with_media is None else with_media
    template = template_for(target.template, target.language, forwarded=origin is not None,
                            forward_template=target.forward_template)
    return render_parts(template, ctx, caption=caption)
