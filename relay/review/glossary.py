"""The glossary in the review bot (issue 14): ``/glossary`` for editors, the card's "Glossary"
lines, and the preview's warning when an agreed translation is missing.

The glossary is read from the store once and kept per desk (:func:`current`); it is read again
when the store's glossary revision changes (a term added in the bot, or ``relay glossary
import`` while the service runs), which costs one indexed query per card.
"""

from __future__ import annotations

import logging
from weakref import WeakKeyDictionary

from relay.core.glossary import Glossary, Term, missing_translations
from relay.core.jobview import JobView
from relay.core.sanitize import InputError, clean_reason
from relay.logs import event
from relay.review.conversation import Response
from relay.review.desk import CommandContext, Desk
from relay.review.texts import t
from relay.store.glossary import ADDED, REPLACED, GlossaryEntry
from relay.store.glossary_store import GlossaryStore
from relay.text.formatting import utf16_len

log = logging.getLogger("relay.bot")

USAGE = "[<lang> [page]] | add <lang> <term> = <translation> [| note] | remove <lang> <term>"
HELP = ("the agreed translations of names and terms", "ترجمه‌های توافق‌شدهٔ نام‌ها و اصطلاحات")
PAGE_UNITS = 3500  # a page of /glossary stays well inside Telegram's 4096 UTF-16 units
CARD_TERMS = 8  # terms listed on a card at most
CARD_UNITS = 500  # room the card's glossary lines may take
MAX_TERM_CHARS = 200



# ---------------------------------------------------------------------- the desk's glossary
class _Cached:
    def __init__(self) -> None:
        self.revision = -1
        self.book = Glossary()


_CACHE: WeakKeyDictionary[Desk, _Cached] = WeakKeyDictionary()


def cached(desk: Desk) -> Glossary:
    """The glossary as last read (for synchronous callers: the preview)."""
    return _CACHE.setdefault(desk, _Cached()).book


async def current(desk: Desk) -> Glossary:
    """The glossary, read again from the store when it changed."""
    cache = _CACHE.setdefault(desk, _Cached())
    revision = await desk.store.glossary_revision()
    if revision != cache.revision:
        entries = await desk.store.glossary_terms()
        cache.book = Glossary(e.as_term() for e in entries)
        cache.revision = revision
        log.info(event("glossary.loaded", terms=len(cache.book), revision=revision))
    return cache.book


def _pair(term: Term) -> str:
    return f"{term.term} → {term.translation}"


def card_lines(book: Glossary, job: JobView, lang: str) -> list[str]:
    """"Glossary (en): شرکت واحد → Vahed Company, ..." for the terms found in the source."""
    found = book.find(job.source_text, job.language)
    if not found:
        return []
    shown: list[str] = []
    units = 0
    for term in found[:CARD_TERMS]:
        pair = _pair(term) + (f" ({term.note})" if term.note else "")
        units += utf16_len(pair) + 2
        if units > CARD_UNITS and shown:
            break
        shown.append(pair)
    line = t(lang, "glossary.card", lang=job.language, terms=" · ".join(shown))
    if len(found) > len(shown):
        line += t(lang, "glossary.card_more", count=len(found) - len(shown))
    return [line]


async def card_hint(desk: Desk, job: JobView, lang: str) -> list[str]:
    return card_lines(await current(desk), job, lang)


def preview_warning(desk: Desk, job: JobView, lang: str) -> str | None:
    """The warning shown before a preview whose translation lacks an agreed translation."""
    if not job.draft_text:
        return None
    found = cached(desk).find(job.source_text, job.language)
    missing = missing_translations(found, job.draft_text)
    if not missing:
        return None
    return t(lang, "glossary.missing", job=job.id, terms=", ".join(f"“{m.translation}” ({m.term})"
                                                           for m in missing))


# ---------------------------------------------------------------------- /glossary
def _languages(desk: Desk) -> list[str]:
    return sorted({target.language for target in desk.targets.values()})


def _refuse(ctx: CommandContext, key: str, why: str, **fields: object) -> Response:
    lang = ctx.person.language
    langs = ", ".join(_languages(ctx.desk)) or "-"
    return ctx.desk.refuse(t(lang, f"glossary.{key}", langs=langs, **fields), user=ctx.person.id,
                           what="/glossary", why=why)


#: The sub-commands in Farsi too, as the Farsi usage line shows them.
_VERBS = {"افزودن": "add", "حذف": "remove"}


async def glossary_command(ctx: CommandContext, args: str) -> Response | str:
    words = args.split(None, 2)
    if not words:
        return await _summary(ctx)
    head = _VERBS.get(words[0].lower(), words[0].lower())
    if head in ("add", "remove"):
        if len(words) < 3:
            return _refuse(ctx, "usage", "usage")
        code = words[1].lower()
        if code not in _languages(ctx.desk):
            return _refuse(ctx, "bad_lang", "unknown language", code=code[:20])
        if head == "add":
            return await _add(ctx, code, words[2])
        return await _remove(ctx, code, words[2])
    if head not in _languages(ctx.desk):
        return _refuse(ctx, "bad_lang", "unknown language", code=head[:20])
    page = 1
    if len(words) > 1:
        if not words[1].isdigit() or int(words[1]) < 1 or len(words) > 2:
            return _refuse(ctx, "usage", "usage")
        page = int(words[1])
    return await _list(ctx, head, page)


async def _summary(ctx: CommandContext) -> str:
    counts: dict[str, int] = {code: 0 for code in _languages(ctx.desk)}
    for entry in await ctx.desk.store.glossary_terms():
        counts[entry.language] = counts.get(entry.language, 0) + 1
    shown = ", ".join(f"{code} {n}" for code, n in sorted(counts.items())) or "-"
    return t(ctx.person.language, "glossary.summary", counts=shown)


def pages_of(entries: list[GlossaryEntry], units: int = PAGE_UNITS) -> list[list[str]]:
    """The lines of a language's glossary cut into pages of at most ``units`` UTF-16 units."""
    pages: list[list[str]] = [[]]
    size = 0
    for e in entries:
        line = f"• {e.term} → {e.translation}" + (f" ({e.note})" if e.note else "")
        cost = utf16_len(line) + 1
        if pages[-1] and size + cost > units:
            pages.append([])
            size = 0
        pages[-1].append(line)
        size += cost
    return pages


async def _list(ctx: CommandContext, code: str, page: int) -> str:
    lang = ctx.person.language
    entries = await ctx.desk.store.glossary_terms(code)
    if not entries:
        return t(lang, "glossary.empty", lang=code)
    pages = pages_of(entries)
    if page > len(pages):
        return t(lang, "glossary.no_page", lang=code, pages=len(pages))
    lines = [t(lang, "glossary.head", lang=code, count=len(entries), page=page, pages=len(pages)),
             *pages[page - 1]]
    if page < len(pages):
        lines.append(t(lang, "glossary.more", lang=code, next=page + 1))
    return "\n".join(lines)


def parse_pair(text: str) -> tuple[str, str, str | None] | None:
    """(term, translation, note) from "term = translation | note"; None when malformed."""
    term, sep, rest = text.partition("=")
    if not sep:
        return None
    translation, _, note = rest.partition("|")
    try:
        cleaned = [clean_reason(part) if part.strip() else "" for part in (term, translation,
                                                                          note)]
    except InputError:
        return None
    term, translation, note = (c.strip() for c in cleaned)
    if not term or not translation or max(len(term), len(translation)) > MAX_TERM_CHARS:
        return None
    return term, translation, note or None


async def _add(ctx: CommandContext, code: str, text: str) -> Response | str:
    desk, person, lang = ctx.desk, ctx.person, ctx.person.language
    parsed = parse_pair(text)
    if parsed is None or not Glossary([Term(parsed[0], parsed[1], code)]):
        if "=" not in text:
            return _refuse(ctx, "usage", "usage")
        return _refuse(ctx, "bad_term", "bad term", max=MAX_TERM_CHARS)
    term = Term(parsed[0], parsed[1], code, parsed[2])
    done = await desk.store.glossary_add(term, person.id, desk.now())
    if done in (ADDED, REPLACED):
        log.info(event(f"glossary.{done}", user=person.id, lang=code))
    return t(lang, f"glossary.{done}", lang=code, term=term.term, translation=term.translation)


async def _remove(ctx: CommandContext, code: str, text: str) -> Response | str:
    desk, person = ctx.desk, ctx.person
    removed = await desk.store.glossary_remove(code, text.strip(), person.id, desk.now())
    if removed is None:
        return desk.refuse(t(person.language, "glossary.not_found", lang=code, term=text.strip()[:100]),
                           user=person.id, what="/glossary", why="no such term")
    log.info(event("glossary.removed", user=person.id, lang=code))
    return t(person.language, "glossary.removed", lang=code, term=removed.term,
              translation=removed.translation)


# ---------------------------------------------------------------------- the demo
#: A few terms of the demo's posts (relay/telegram/sim/demo_data.py), in each demo language.
DEMO_TERMS = (
    Term("شرکت واحد", "Vahed Company", "en", "the Tehran bus company"),
    Term("هفت تپه", "Haft Tappeh", "en"),
    Term("اعتصاب", "strike", "en"),
    Term("شرکت واحد", "Compañía Vahed", "es"),
    Term("اعتصاب", "huelga", "es"),
)


async def seed_demo_terms(store: GlossaryStore, now: int) -> int:
    """Put the demo's glossary in the store (``relay demo`` calls this); how many added."""
    counts = await store.glossary_add_many(DEMO_TERMS, None, now, "demo")
    return counts[ADDED]
