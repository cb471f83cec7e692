"""/search and /stats: the bot's commands that look things up (moved out of commands.py)."""

from __future__ import annotations

from relay.review import cards
from relay.review.conversation import Response
from relay.review.desk import CommandContext
from relay.review.texts import status_name, t


async def search(ctx: CommandContext, args: str) -> Response | str:
    if not args.strip():
        return ctx.desk.refuse(t(ctx.lang, "usage", usage="/search <words>"), user=ctx.person.id,
                              what="/search", why="usage")
    words = args[:200]
    found = await ctx.desk.store.search(words, 10)
    if not found:
        return t(ctx.lang, "search.none", words=words)
    lines = [t(ctx.lang, "search.head")]
    for f in found:
        jobs = t(ctx.lang, "search.jobs", jobs=", ".join(f"#{j}" for j in f.job_ids)) \
            if f.job_ids else ""
        link = cards.post_link(f.channel_username, f.channel_id, f.message_id)
        lines.append(t(ctx.lang, "search.line", name=f.channel_name or "?",
                       date=cards.fmt_time(f.date), link=link, snippet=f.snippet, jobs=jobs))
    return "\n\n".join(lines)


async def stats(ctx: CommandContext, args: str) -> str:
    desk, lang = ctx.desk, ctx.lang
    s = await desk.store.stats()
    states = ", ".join(f"{status_name(lang, k)} {v}" for k, v in sorted(s.by_status.items()))
    lines = [t(lang, "stats.head", states=states or "0")]
    if s.oldest_queued_at:
        lines.append(t(lang, "stats.oldest", age=cards.fmt_age(desk.now() - s.oldest_queued_at,
                                                                  lang)))
    else:
        lines.append(t(lang, "stats.none_queued"))
    for uid, counts in sorted(s.per_translator.items()):
        shown = ", ".join(f"{status_name(lang, k)} {v}" for k, v in sorted(counts.items()))
        lines.append(t(lang, "stats.translator", name=desk.names.get(uid, uid), counts=shown))
    return "\n".join(lines)
