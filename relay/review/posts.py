"""Any stored post on demand: /queue_post makes jobs for a post whatever its language, text or
source, and /lang corrects the language of a post as well as of a job.

A post is named by its link (``https://t.me/<channel>/<id>``, ``t.me/c/<id>/<msg>``) or by
channel and id (``@vahed 12``, ``-1001234567890 12``).
"""

from __future__ import annotations

import re

from relay.config import Person
from relay.review import actions
from relay.review.conversation import Response
from relay.review.desk import Desk
from relay.review.texts import t
from relay.text.links import bare_channel_id, post_link

#: Language codes /lang accepts: what the detector can name, and the configured languages.
DETECTOR_LANGUAGES = frozenset(
    ["af", "ar", "az", "bal", "bg", "bn", "ca", "ckb", "cs", "cy", "da", "de", "el", "en", "es", "et", "fa", "fi", "fr", "gu", "he", "hi", "hr", "hu", "id", "it", "ja", "kmr", "kn", "ko", "lt", "lv", "mk", "ml", "mr", "ne", "nl", "no", "pa", "pl", "ps", "pt", "ro", "ru", "sk", "sl", "so", "sq", "sv", "sw", "ta", "te", "th", "tl", "tr", "uk", "ur", "vi", "zh", "und"])

_LINK = re.compile(r"(?:https?://)?(?:www\.)?(?:t|telegram)\.me/(?:s/)?(?:(c)/(\d+)|"
                   r"([A-Za-z]\w{3,31}))/(\d+)(?:[/?#]\S*)?", re.IGNORECASE)
_CHANNEL = re.compile(r"@?([A-Za-z]\w{3,31})|(-?\d{1,20})")

PostRef = tuple[int | str, int]  # (bare channel id or username, message id)


def known_languages(desk: Desk) -> frozenset[str]:
    configured = {code for s in desk.settings.sources for code in s.languages}
    configured |= {target.language for target in desk.settings.targets}
    return DETECTOR_LANGUAGES | configured


def parse_post(args: str) -> tuple[PostRef | None, str]:
    """(the post named at the start of ``args``, the rest), or (None, args)."""
    text = args.strip()
    link = _LINK.match(text)
    if link:
        private, bare, username, message = link.groups()
        channel: int | str = int(bare) if private else username
        return (channel, int(message)), text[link.end():].strip()
    head, _, rest = text.partition(" ")
    number, _, rest = rest.strip().partition(" ")
    found = _CHANNEL.fullmatch(head)
    if found and number.isdecimal() and len(number) < 12:
        username, digits = found.groups()
        channel = username if username else bare_channel_id(int(digits))
        return (channel, int(number)), rest.strip()
    return None, args


def link_of(ref: PostRef) -> str:
    """The link of a post named by channel and id."""
    channel, message = ref
    if isinstance(channel, str):
        return post_link(channel, 0, message)
    return post_link(None, channel, message)


async def queue_post(desk: Desk, person: Person, args: str) -> Response | None:
    """/queue_post <post> [target ...]: jobs for the targets it has none for; None: bad usage."""
    ref, rest = parse_post(args)
    if ref is None:
        return None
    lang = person.language
    wanted = rest.lower().split() or list(desk.targets)
    unknown = [key for key in wanted if key not in desk.targets]
    if unknown:
        return desk.refuse(t(lang, "no.unknown_target", target=unknown[0][:20],
                             targets=", ".join(desk.targets)), user=person.id,
                           what="queue_post", why=f"unknown target {unknown[0][:20]}")
    targets = [(key, desk.targets[key].language) for key in wanted]
    post, created = await desk.store.queue_post(ref[0], ref[1], targets, desk.now())
    link = link_of(ref)
    if post is None:
        return desk.refuse(t(lang, "no.unknown_post", link=link), user=person.id,
                           what="queue_post", why=f"no stored post {link}")
    jobs = ", ".join(f"#{j}" for j in created or post.job_ids)
    if not created:
        return Response(answer=t(lang, "queue_post.already", link=link, jobs=jobs))
    return Response(answer=t(lang, "queue_post.done", link=link, jobs=jobs,
                             targets=", ".join(wanted)))


async def relang_post(desk: Desk, person: Person, chat_id: int, args: str) -> Response | None:
    """/lang <post> <code>: as /lang <job> for each of its jobs, or the post's own language
    when it has none; None: bad usage."""
    ref, code = parse_post(args)
    if ref is None or not code:
        return None
    post = await desk.store.find_post(ref[0], ref[1])
    link = link_of(ref)
    if post is None:
        return desk.refuse(t(person.language, "no.unknown_post", link=link), user=person.id,
                           what="lang", why=f"no stored post {link}")
    if post.job_ids:
        return await actions.relang(desk, person, chat_id, post.job_ids[0], code)
    await desk.store.set_post_language(post, code)
    return Response(answer=t(person.language, "ok.relang_post", link=link, lang=code))
