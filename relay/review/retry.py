"""``/retry``: publish again what failed, once its cause is fixed: one job (``/retry 12``), every
failed post (``/retry all``) or those of one target (``/retry en`` or ``/retry @relay_en``)."""

from __future__ import annotations

import logging
from typing import Protocol

from relay.config import Person
from relay.logs import event
from relay.review import actions
from relay.review.conversation import RefreshCards, Response
from relay.review.desk import Desk
from relay.review.publish_errors import where_of

log = logging.getLogger("relay.bot")

USAGE = "<job> | all | <target>"

_TEXTS: dict[str, tuple[str, str]] = {
    "usage": ("Usage: /retry <job>, /retry all, or /retry <target> ({targets})",
              "طرز استفاده: ‎/retry <کار>، ‎/retry all یا ‎/retry <مقصد> ({targets})"),
    "none": ("Nothing failed to publish{scope}.", "هیچ انتشار ناموفقی نیست{scope}."),
    "done": ("Publishing of {count} failed post(s){scope} will be tried again: jobs {jobs}.",
             "انتشار {count} پست ناموفق{scope} دوباره امتحان می‌شود: کارهای {jobs}."),
    "scope": (" in {where}", " در {where}"),
}


def _t(lang: str, key: str, **fields: object) -> str:
    english, farsi = _TEXTS[key]
    return (farsi if lang == "fa" else english).format(**fields)


class _Context(Protocol):
    @property
    def desk(self) -> Desk: ...

    @property
    def person(self) -> Person: ...


def _target_key(desk: Desk, word: str) -> str | None:
    word = word.strip().lower()
    for key, target in desk.targets.items():
        if word in {key.lower(), where_of(target).lower(), where_of(target).lower().lstrip("@")}:
            return key
    return None


async def retry_command(ctx: _Context, args: str) -> Response:
    desk, person, lang = ctx.desk, ctx.person, ctx.person.language
    word = args.strip().split(" ", 1)[0].lstrip("#")
    if word.isdigit() and len(word) < 12:
        return await actions.retry(desk, person, int(word))
    targets = ", ".join(where_of(t) for t in desk.targets.values())
    if not word:
        return desk.refuse(_t(lang, "usage", targets=targets), user=person.id, what="retry",
                           why="no job or target named")
    key = None
    if word.lower() != "all":
        key = _target_key(desk, word)
        if key is None:
            return desk.refuse(_t(lang, "usage", targets=targets), user=person.id,
                               what="retry", why=f"unknown target {word!r}")
    scope = _t(lang, "scope", where=where_of(desk.targets[key])) if key else ""
    jobs = await desk.store.retry_all_failed(key, desk.now())
    if not jobs:
        return desk.refuse(_t(lang, "none", scope=scope), user=person.id, what="retry",
                           why="nothing failed")
    log.info(event("publish.retry_requested", jobs=len(jobs), target=key or "all",
                   user=person.id))
    return Response([RefreshCards(j) for j in jobs],
                    _t(lang, "done", count=len(jobs), scope=scope,
                       jobs=", ".join(f"#{j}" for j in jobs)), wake_publisher=True)
