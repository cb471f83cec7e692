"""The bot's slash commands, each declared once: name, who may use it, usage, help in English
and Farsi, handler. Routing (:func:`run_command`), the per-role Telegram menus
(:mod:`relay.telegram.menu`) and /help are all built from :data:`COMMANDS`.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum

from relay.config import Person
from relay.core.workflow import Action, Status
from relay.review import actions, cards, glossary, lookups, parts, posts, retry, statements
from relay.review.conversation import Incoming, Response, Say
from relay.review.desk import CommandContext, Desk
from relay.review.texts import t, term
from relay.text.formatting import FormattedText, utf16_len
from relay.text.render import TEXT_LIMIT
from relay.text.split import split

QUEUE_PAGE = 10
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
_TWO_WORDS = re.compile(r"\s*\S+\s+\S+\s*")


class Access(Enum):
    """Who may use a command."""

    EVERYONE = "everyone"
    TRANSLATOR = "translator"  # translators and editors
    EDITOR = "editor"

    def allows(self, person: Person | None) -> bool:
        if self is Access.EVERYONE:
            return True
        if person is None:
            return False
        return person.is_editor if self is Access.EDITOR else person.is_translator

    @property
    def refusal(self) -> str:
        """The text key that tells someone else why not."""
        return "no.not_editor" if self is Access.EDITOR else "no.not_translator"


Handler = Callable[[CommandContext, str], Awaitable["Response | str"]]


@dataclass(frozen=True)
class Command:
    name: str
    access: Access
    args: str  # what follows the name, e.g. "<job> <reason>"
    help: tuple[str, str]  # (English, Farsi)
    handler: Handler
    in_menu: bool = True

    @property
    def usage(self) -> str:
        return f"/{self.name} {self.args}".rstrip()

    def summary(self, lang: str) -> str:
        english, farsi = self.help
        return farsi if lang == "fa" else english

    def description(self, lang: str) -> str:
        """The line Telegram shows beside the command in the menu."""
        return f"{self.args} {self.summary(lang)}".lstrip()


def parse(text: str, bot_username: str | None) -> tuple[str, str]:
    """('claim', '12') from '/claim@relay_bot 12'; a command for another bot gives ('', '')."""
    head, rest = _first_word(text)  # a space or a newline ends it (issue 10)
    name, _, addressed = head[1:].partition("@")
    if addressed and bot_username and addressed.lower() != bot_username.lower():
        return "", ""
    return name.lower(), rest.strip()


def _first_word(text: str) -> tuple[str, str]:
    """The text up to the first whitespace (space or newline), and the rest."""
    words = text.split(None, 1)
    return (words[0], words[1]) if len(words) == 2 else ((words[0], "") if words else ("", ""))


def job_and_rest(args: str) -> tuple[int | None, str]:
    head, rest = _first_word(args)
    head = head.lstrip("#")
    # isdecimal, not isdigit: "²" is a digit that int() refuses; Persian "۱۲" is decimal
    return (int(head), rest.strip()) if head.isdecimal() and len(head) < 12 else (None, rest)


async def run_command(desk: Desk, person: Person, msg: Incoming) -> Response | None:
    """Handle one command; None when it was addressed to another bot."""
    name, args = parse(msg.text, desk.bot_username)
    if not name:
        return None
    command = BY_NAME.get(name)
    if command is None:
        return desk.refuse(t(person.language, "unknown_command"), user=person.id,
                           what=f"/{name[:32]}", why="unknown command")
    if not command.access.allows(person):
        job_id, _ = job_and_rest(args)
        return desk.refuse(t(person.language, command.access.refusal), user=person.id,
                           what=f"/{name}", job=job_id, why=f"not {command.access.value}")
    result = await command.handler(CommandContext(desk, person, msg), args)
    return Response(answer=result) if isinstance(result, str) else result


def commands_for(person: Person | None) -> list[Command]:
    """The menu of a person (None: anyone who writes to the bot), in declaration order."""
    return [c for c in COMMANDS if c.in_menu and c.access.allows(person)]


def _usage(ctx: CommandContext, name: str) -> Response:
    return ctx.desk.refuse(t(ctx.lang, "usage", usage=BY_NAME[name].usage), user=ctx.person.id,
                           what=f"/{name}", why="usage")


# ---------------------------------------------------------------------- handlers
async def _help(ctx: CommandContext, args: str) -> str:
    lang, person = ctx.lang, ctx.person
    lines = [t(lang, "help.head", roles=roles_text(lang, person))]
    if person.is_translator:
        lines.append(t(lang, "help.translator"))
    if person.is_editor:
        lines.append(t(lang, "help.editor"))
    lines.append("\n".join(t(lang, "help.line", usage=c.usage, help=c.summary(lang))
                           for c in commands_for(person)))
    return "\n\n".join(lines)


async def _whoami(ctx: CommandContext, args: str) -> str:
    return t(ctx.lang, "whoami", name=ctx.person.name, user=ctx.person.id,
             roles=roles_text(ctx.lang, ctx.person), lang=ctx.person.language)


def roles_text(lang: str, person: Person) -> str:
    return "، ".join(term(lang, "role", r) for r in sorted(person.roles)) if lang == "fa" \
        else ", ".join(term(lang, "role", r) for r in sorted(person.roles))


async def queue_text(desk: Desk, lang: str, page: int) -> str:
    total, jobs = await desk.store.queue_page(page, QUEUE_PAGE)
    if total == 0:
        return t(lang, "queue.empty")
    pages = (total + QUEUE_PAGE - 1) // QUEUE_PAGE
    if page >= pages:
        return t(lang, "queue.no_page", page=page + 1, pages=pages)
    now = desk.now()
    lines = [t(lang, "queue.head", total=total, page=page + 1, pages=pages)]
    for job in jobs:
        claim = ""
        if job.claimed_by and cards.claim_active(job.state, desk.rules, now):
            claim = t(lang, "queue.claimed", name=desk.names.get(job.claimed_by, job.claimed_by))
        lines.append(t(lang, "queue.line", job=job.id, target=job.target,
                       name=job.channel_name or "?", age=cards.fmt_age(now - job.created_at, lang),
                       claim=claim))
    if page + 1 < pages:
        lines.append(t(lang, "queue.more", next=page + 2))
    return "\n".join(lines)


async def _queue(ctx: CommandContext, args: str) -> Response | str:
    page = 0
    if args:
        if not args.isdigit() or int(args) < 1:
            return _usage(ctx, "queue")
        page = int(args) - 1
    return await queue_text(ctx.desk, ctx.lang, page)


async def _show(ctx: CommandContext, args: str) -> Response | str:
    job_id, _ = job_and_rest(args)
    if job_id is None:
        return _usage(ctx, "show")
    desk, chat = ctx.desk, ctx.chat_id
    job = await desk.job(job_id)
    if job is None:
        return ctx.desk.refuse(t(ctx.lang, "no.unknown_job", job=job_id), user=ctx.person.id,
                               what="/show", job=job_id, why="unknown job")
    link, failure = await desk.card_info(job)
    card = cards.render_card(job, desk.names, desk.rules, desk.now(), ctx.lang, link, failure)
    head = card.text.split("\n\n", 1)[0]
    said = [Say(chat, FormattedText(head, card.entities), reply_to=ctx.message.message_id,
                job_id=job.id, remember="show")]
    said += long_text(chat, FormattedText(t(ctx.lang, "show.source") + "\n" + job.source_text),
                      job.id)
    if job.draft_text:
        label = t(ctx.lang, "show.draft", name=desk.name_of(job.translator_id, "?")) + "\n"
        shift = utf16_len(label)
        said += long_text(chat, FormattedText(
            label + job.draft_text, tuple(e.shifted(shift) for e in job.draft_entities)),
            job.id, job.version)  # the draft was shown at this version
    return Response(list(said))


def long_text(chat_id: int, text: FormattedText, job_id: int | None = None,
              version: int = 0) -> list[Say]:
    """A text of any length, in as many messages as Telegram needs (tied to ``job_id``, so
    that a reply to it finds the job)."""
    return [Say(chat_id, part, job_id=job_id, version=version,
                remember="show" if job_id is not None else None)
            for part in split(text, TEXT_LIMIT)]


async def _tr(ctx: CommandContext, args: str) -> Response:
    job_id, rest = job_and_rest(args)
    if job_id is None or not rest:
        return _usage(ctx, "tr")
    text = ctx.message.text
    words = _TWO_WORDS.match(text)  # the translation starts after "/tr <job>" and a space/newline
    start = words.end() if words else len(text) - len(rest)
    shift = utf16_len(text[:start])
    entities = tuple(e.shifted(-shift) for e in ctx.message.entities
                     if e.offset >= shift and e.kind != "bot_command")
    # issue 10 (r10a): a translation, or one part of a longer one
    return await parts.receive(ctx.desk, ctx.person, ctx.chat_id, job_id,
                               FormattedText(text[start:], entities),
                               message_id=ctx.message.message_id)


async def _done(ctx: CommandContext, args: str) -> Response:
    """issue 10 (r10a): the parts of a long translation are complete."""
    job_id, _ = job_and_rest(args)
    if job_id is None:
        return _usage(ctx, "done")
    return await parts.done(ctx.desk, ctx.person, ctx.chat_id, job_id,
                            reply_to=ctx.message.message_id)


def _simple(action: Action) -> Handler:
    async def handler(ctx: CommandContext, args: str) -> Response:
        job_id, _ = job_and_rest(args)
        if job_id is None:
            return _usage(ctx, action.value)
        return await actions.act(ctx.desk, ctx.person, ctx.chat_id, job_id, action)
    return handler


async def _approve(ctx: CommandContext, args: str) -> Response:
    """/approve approves only the draft this editor was shown: when it changed since (or was
    never shown to them), the answer is the preview with its Approve button."""
    job_id, _ = job_and_rest(args)
    if job_id is None:
        return _usage(ctx, "approve")
    desk, person = ctx.desk, ctx.person
    job = await desk.job(job_id)
    if job is None or job.status != Status.DRAFTED:  # the workflow says why not
        return await actions.act(desk, person, ctx.chat_id, job_id, Action.APPROVE)
    seen = await desk.store.draft_shown_version(job_id, desk.chats_seen_by(person))
    if seen != job.version:
        lang = desk.chat_lang(ctx.chat_id, person)
        viewer = None if ctx.chat_id == desk.review_chat else person
        return desk.refuse(
            t(ctx.lang, "approve.show_first", job=job_id), user=person.id, what="/approve",
            job=job_id, why="draft not seen" if seen is None else "draft changed since seen",
            messages=actions.preview(desk, ctx.chat_id, job, lang, viewer=viewer,
                                     reply_to=ctx.message.message_id))
    return await actions.act(desk, person, ctx.chat_id, job_id, Action.APPROVE,
                             expected_version=seen)


async def _reject(ctx: CommandContext, args: str) -> Response:
    job_id, reason = job_and_rest(args)
    if job_id is None or not reason:
        return _usage(ctx, "reject")
    return await actions.reject(ctx.desk, ctx.person, ctx.chat_id, job_id, reason)


async def _lang(ctx: CommandContext, args: str) -> Response:
    """/lang <job|post> <code>: only a known language code."""
    job_id, code = job_and_rest(args)
    if job_id is None:
        code = args.strip().rpartition(" ")[2]
    if not code or not args.strip().count(" "):
        return _usage(ctx, "lang")
    code = code.strip().lower()
    if not _LANGUAGE_CODE.fullmatch(code) or code not in posts.known_languages(ctx.desk):
        return ctx.desk.refuse(t(ctx.lang, "no.bad_language", code=code[:20]),
                               user=ctx.person.id, what="/lang", job=job_id,
                               why=f"unknown language code {code[:20]!r}")
    if job_id is None:
        response = await posts.relang_post(ctx.desk, ctx.person, ctx.chat_id, args)
        return response or _usage(ctx, "lang")
    return await actions.relang(ctx.desk, ctx.person, ctx.chat_id, job_id, code)


async def _queue_post(ctx: CommandContext, args: str) -> Response:
    return await posts.queue_post(ctx.desk, ctx.person, args) or _usage(ctx, "queue_post")


async def _join(ctx: CommandContext, args: str) -> Response:
    first, rest = job_and_rest(args)
    second, _ = job_and_rest(rest)
    if first is None or second is None:
        return _usage(ctx, "join")
    return await statements.join(ctx.desk, ctx.person, first, second)


async def _split(ctx: CommandContext, args: str) -> Response:
    job_id, name = job_and_rest(args)
    if job_id is None:
        return _usage(ctx, "split")
    return await statements.split_command(ctx.desk, ctx.person, ctx.chat_id, job_id, name,
                                          reply_to=ctx.message.message_id) \
        or _usage(ctx, "split")


# ---------------------------------------------------------------------- the commands
_E, _T, _X = Access.EVERYONE, Access.TRANSLATOR, Access.EDITOR

#: Every command, in menu order.
COMMANDS: tuple[Command, ...] = (
    Command("start", _E, "", ("start", "شروع"), _help, in_menu=False),
    Command("help", _T, "", ("what I can do", "راهنما"), _help),
    Command("queue", _T, "[page]", ("jobs waiting, oldest first", "کارهای در انتظار"), _queue),
    Command("show", _T, "<job>", ("show a job", "نمایش یک کار"), _show),
    Command("claim", _T, "<job>", ("take a job to translate", "برداشتن کار برای ترجمه"),
            _simple(Action.CLAIM)),
    Command("tr", _T, "<job> <translation>", ("submit a translation", "فرستادن ترجمه"), _tr),
    Command("done", _T, "<job>", ("finish a translation sent in parts", "پایان ترجمهٔ چندبخشی"),
            _done, in_menu=False),  # named in the "part received" answer, beside its button
    Command("approve", _X, "<job>", ("approve a translation", "تأیید ترجمه"), _approve),
    Command("reject", _X, "<job> <reason>", ("send a translation back", "برگرداندن ترجمه"),
            _reject),
    Command("skip", _X, "<job>", ("do not translate this post", "کنار گذاشتن پست"),
            _simple(Action.SKIP)),
    Command("reopen", _X, "<job>", ("put a skipped job back in the queue", "بازگرداندن به صف"),
            _simple(Action.REOPEN)),
    Command("retry", _X, retry.USAGE, ("publish again what failed, once fixed",
                                      "انتشار دوبارهٔ آنچه ناموفق بود، پس از رفع مشکل"),
            retry.retry_command),
    Command("join", _X, "<job> <job>", ("the same statement: join the second into the first",
                                        "یک بیانیه: پیوستن دومی به اولی"), _join),
    Command("split", _X, "<job> [number|link]",
            ("split a wrongly joined post off a statement (without a post: list them)",
             "جدا کردن پستی که به‌اشتباه به بیانیه پیوسته (بدون پست: فهرست آن‌ها)"), _split),
    Command("lang", _T, "<job|post> <code>", ("correct the detected language", "اصلاح زبان"),
            _lang),
    Command("queue_post", _X, "<post link> [target ...]",
            ("queue any stored post for translation", "قرار دادن هر پست ذخیره‌شده در صف"),
            _queue_post),
    Command("search", _T, "<words>", ("search the archive", "جستجو در آرشیو"), lookups.search),
    Command("stats", _T, "", ("queue and translator figures", "آمار صف و مترجمان"),
            lookups.stats),
    Command("glossary", _X, glossary.USAGE, glossary.HELP, glossary.glossary_command),
    Command("whoami", _E, "", ("your roles", "نقش‌های شما"), _whoami),
)
BY_NAME = {c.name: c for c in COMMANDS}

#: name -> (English, Farsi) menu description, for every command in a menu.
COMMAND_HELP = {c.name: (c.description("en"), c.description("fa")) for c in COMMANDS
                if c.in_menu}
