"""The bot's slash commands: parse, check, act, and say what happened in the person's language."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from relay.config import Person
from relay.core.workflow import Action
from relay.review import cards
from relay.review.texts import status_name, t
from relay.store import review_queries as store
from relay.telegram.entities import from_telethon
from relay.telegram.menu import commands_for
from relay.text.formatting import FormattedText, utf16_len
from relay.text.split import split

if TYPE_CHECKING:
    from relay.telegram.bot import ReviewBot

QUEUE_PAGE = 10
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
USAGE = {
    "show": "/show <job>",
    "claim": "/claim <job>",
    "tr": "/tr <job> <translation>",
    "approve": "/approve <job>",
    "reject": "/reject <job> <reason>",
    "skip": "/skip <job>",
    "reopen": "/reopen <job>",
    "retry": "/retry <job>",
    "lang": "/lang <job> <code>",
    "search": "/search <words>",
    "queue": "/queue [page]",
}


@dataclass
class CommandContext:
    bot: ReviewBot
    person: Person
    chat_id: int
    message: Any

    @property
    def lang(self) -> str:
        return self.person.language


def parse(text: str, bot_username: str | None) -> tuple[str, str]:
    """('claim', '12') from '/claim@relay_bot 12'; a command for another bot gives ('', '')."""
    head, _, rest = text.partition(" ")
    name, _, addressed = head[1:].partition("@")
    if addressed and bot_username and addressed.lower() != bot_username.lower():
        return "", ""
    return name.lower(), rest.strip()


def job_and_rest(args: str) -> tuple[int | None, str]:
    head, _, rest = args.partition(" ")
    head = head.lstrip("#")
    return (int(head), rest.strip()) if head.isdigit() and len(head) < 12 else (None, rest)


async def run_command(ctx: CommandContext) -> str | None:
    """Handle one command; return the reply, or None when the handler replied itself."""
    me = ctx.bot.me
    name, args = parse(ctx.message.message or "", me.username if me else None)
    if not name:
        return None
    if name not in commands_for(ctx.person) and name != "start":
        if name in _HANDLERS:
            return t(ctx.lang, "no.not_editor" if name in ("approve", "reject", "skip", "reopen",
                                                          "retry")
                     else "no.not_translator")
        return t(ctx.lang, "unknown_command")
    return await _HANDLERS[name](ctx, args)


def _usage(ctx: CommandContext, name: str) -> str:
    return t(ctx.lang, "usage", usage=USAGE[name])


async def _help(ctx: CommandContext, args: str) -> str:
    roles = ", ".join(sorted(ctx.person.roles))
    lines = [t(ctx.lang, "help.head", roles=roles)]
    if ctx.person.is_translator:
        lines.append(t(ctx.lang, "help.translator"))
    if ctx.person.is_editor:
        lines.append(t(ctx.lang, "help.editor"))
    lines.append(t(ctx.lang, "help.all"))
    return "\n\n".join(lines)


async def _whoami(ctx: CommandContext, args: str) -> str:
    return t(ctx.lang, "whoami", name=ctx.person.name, user=ctx.person.id,
             roles=", ".join(sorted(ctx.person.roles)), lang=ctx.person.language)


async def queue_text(bot: ReviewBot, lang: str, page: int) -> str:
    total, jobs = await bot.db.read(store.queue_page, page, QUEUE_PAGE)
    if total == 0:
        return t(lang, "queue.empty")
    pages = (total + QUEUE_PAGE - 1) // QUEUE_PAGE
    now = bot.now()
    lines = [t(lang, "queue.head", total=total, page=page + 1, pages=pages)]
    for job in jobs:
        claim = ""
        if job.claimed_by and cards.claim_active(job.state, bot.rules, now):
            claim = t(lang, "queue.claimed", name=bot.names.get(job.claimed_by, job.claimed_by))
        lines.append(t(lang, "queue.line", job=job.id, target=job.target,
                       name=job.channel_name or "?", age=cards.fmt_age(now - job.created_at),
                       claim=claim))
    if page + 1 < pages:
        lines.append(t(lang, "queue.more", next=page + 2))
    return "\n".join(lines)


async def _queue(ctx: CommandContext, args: str) -> str:
    page = 0
    if args:
        if not args.isdigit() or int(args) < 1:
            return _usage(ctx, "queue")
        page = int(args) - 1
    return await queue_text(ctx.bot, ctx.lang, page)


async def _show(ctx: CommandContext, args: str) -> str | None:
    job_id, _ = job_and_rest(args)
    if job_id is None:
        return _usage(ctx, "show")
    bot = ctx.bot
    job = await bot.db.read(store.load_job, job_id)
    if job is None:
        return t(ctx.lang, "no.unknown_job", job=job_id)
    link, failure = await bot.card_info(job)
    card = cards.render_card(job, bot.names, bot.rules, bot.now(), ctx.lang, link, failure)
    head = card.text.split("\n\n", 1)[0]
    await bot.send(ctx.chat_id, FormattedText(head, card.entities), reply_to=ctx.message.id)
    await send_long(bot, ctx.chat_id,
                    FormattedText(t(ctx.lang, "show.source") + "\n" + job.source_text))
    if job.draft_text:
        label = t(ctx.lang, "show.draft", name=bot.names.get(job.translator_id, "?")) + "\n"
        shift = utf16_len(label)
        await send_long(bot, ctx.chat_id, FormattedText(
            label + job.draft_text, tuple(e.shifted(shift) for e in job.draft_entities)))
    return None


async def send_long(bot: ReviewBot, chat_id: int, text: FormattedText) -> None:
    for part in split(text, 4096):
        await bot.send(chat_id, part)


async def _claim(ctx: CommandContext, args: str) -> str:
    job_id, _ = job_and_rest(args)
    if job_id is None:
        return _usage(ctx, "claim")
    return (await ctx.bot.act(ctx.person, ctx.chat_id, job_id, Action.CLAIM))[1]


async def _tr(ctx: CommandContext, args: str) -> str | None:
    job_id, rest = job_and_rest(args)
    if job_id is None or not rest:
        return _usage(ctx, "tr")
    text = ctx.message.message or ""
    start = text.index(rest)  # the translation starts after "/tr <job> "
    shift = utf16_len(text[:start])
    entities = tuple(e.shifted(-shift) for e in from_telethon(ctx.message.entities)
                     if e.offset >= shift and e.kind != "bot_command")
    await ctx.bot.submit(ctx.person, ctx.chat_id, job_id, text[start:], entities,
                         reply_to=ctx.message.id)
    return None


def _simple(action: Action, usage: str) -> Callable[[CommandContext, str], Awaitable[str]]:
    async def handler(ctx: CommandContext, args: str) -> str:
        job_id, _ = job_and_rest(args)
        if job_id is None:
            return _usage(ctx, usage)
        return (await ctx.bot.act(ctx.person, ctx.chat_id, job_id, action))[1]
    return handler


async def _reject(ctx: CommandContext, args: str) -> str | None:
    job_id, reason = job_and_rest(args)
    if job_id is None or not reason:
        return _usage(ctx, "reject")
    await ctx.bot.reject(ctx.person, ctx.chat_id, job_id, reason, reply_to=ctx.message.id)
    return None


async def _retry(ctx: CommandContext, args: str) -> str:
    job_id, _ = job_and_rest(args)
    if job_id is None:
        return _usage(ctx, "retry")
    return (await ctx.bot.retry(ctx.person, job_id))[1]


async def _lang(ctx: CommandContext, args: str) -> str:
    job_id, code = job_and_rest(args)
    if job_id is None or not code:
        return _usage(ctx, "lang")
    code = code.strip().lower()
    if not _LANGUAGE_CODE.fullmatch(code):
        return t(ctx.lang, "no.bad_language", code=code[:20])
    return (await ctx.bot.relang(ctx.person, ctx.chat_id, job_id, code))[1]


async def _search(ctx: CommandContext, args: str) -> str:
    if not args.strip():
        return _usage(ctx, "search")
    words = args[:200]
    found = await ctx.bot.db.run(store.search, words, 10)
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


async def _stats(ctx: CommandContext, args: str) -> str:
    bot = ctx.bot
    s = await bot.db.read(store.stats)
    states = ", ".join(f"{status_name(ctx.lang, k)} {v}" for k, v in sorted(s.by_status.items()))
    lines = [t(ctx.lang, "stats.head", states=states or "0")]
    if s.oldest_queued_at:
        lines.append(t(ctx.lang, "stats.oldest", age=cards.fmt_age(bot.now() - s.oldest_queued_at)))
    else:
        lines.append(t(ctx.lang, "stats.none_queued"))
    for uid, counts in sorted(s.per_translator.items()):
        shown = ", ".join(f"{status_name(ctx.lang, k)} {v}" for k, v in sorted(counts.items()))
        lines.append(t(ctx.lang, "stats.translator", name=bot.names.get(uid, uid), counts=shown))
    return "\n".join(lines)


_HANDLERS: dict[str, Callable[[CommandContext, str], Awaitable[str | None]]] = {
    "start": _help,
    "help": _help,
    "whoami": _whoami,
    "queue": _queue,
    "show": _show,
    "claim": _claim,
    "tr": _tr,
    "approve": _simple(Action.APPROVE, "approve"),
    "reject": _reject,
    "skip": _simple(Action.SKIP, "skip"),
    "reopen": _simple(Action.REOPEN, "reopen"),
    "retry": _retry,
    "lang": _lang,
    "search": _search,
    "stats": _stats,
}
