"""Jinja2 rendering: the environment (package templates, overridable by the operator) and the
views the templates get. Autoescape is on: every value is escaped unless it is ``Markup`` made
by :func:`relay.site.html.to_html`."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
)
from markupsafe import Markup

import relay.site.i18n as i18n
from relay.site.html import safe_url, split_headline, to_html
from relay.site.media import SiteMedia
from relay.site.paths import feed_path, listing_front, post_path, relative
from relay.site.records import SitePublication, SiteSettings
from relay.text.bidi import clean

#: Pages without search run no script at all.
CSP_PAGE = (
    "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'"
)
#: The search page runs Pagefind from the site's own /pagefind/ folder; its WebAssembly needs
#: 'wasm-unsafe-eval' (compiling WebAssembly only, not JavaScript eval); its stylesheet draws
#: its search icon as a data: SVG image.
CSP_SEARCH = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data:; "
    "object-src 'none'; "
    "base-uri 'none'; form-action 'self'"
)


@functools.lru_cache(maxsize=8)
def make_environment(template_dir: Any = None) -> Environment:
    """Templates from ``template_dir`` first (an operator's overrides), then the package's.
    Cached: a long-lived service compiles each template once (Jinja reloads a template whose
    file changed)."""
    loaders: list[BaseLoader] = []
    if template_dir:
        loaders.append(FileSystemLoader(str(template_dir)))
    loaders.append(PackageLoader("relay.site", "templates"))
    return Environment(
        loader=ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


@dataclass(frozen=True, slots=True)
class Card:
    """One publication on an index page."""

    path: str
    headline: str
    lead: str
    date: str
    date_iso: str
    place: str | None
    source_name: str


def iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def card_view(pub: SitePublication) -> Card:
    headed = split_headline(pub.translation, pub.headline)
    return Card(
        path=post_path(pub.target, pub.id),
        headline=headed.headline,
        lead=headed.lead,
        date=i18n.format_date(pub.original_date, pub.language),
        date_iso=iso(pub.original_date),
        place=clean(pub.place) if pub.place else None,
        source_name=clean(pub.source_name),
    )


def _source_link(pub: SitePublication) -> str | None:
    if pub.source_link:
        return safe_url(pub.source_link)
    if pub.source_username:
        return f"https://t.me/{pub.source_username.lstrip('@')}"
    return None


class Renderer:
    """Renders the site's pages with one environment and the site's settings."""

    def __init__(self, settings: SiteSettings) -> None:
        self.settings = settings
        self.env = make_environment(settings.template_dir)
        base = settings.base_url if settings.base_url.endswith("/") else settings.base_url + "/"
        self.base_url = base
        self.base_path = urlsplit(base).path or "/"
        self.host = urlsplit(base).hostname or "localhost"

    def absolute(self, path: str) -> str:
        return urljoin(self.base_url, path)

    def render(
        self,
        template: str,
        path: str,
        *,
        language: str,
        target: str | None,
        search: bool = False,
        **context: Any,
    ) -> str:
        def url(to: str) -> str:
            return relative(path, to)

        return self.env.get_template(template).render(
            site=self.settings,
            url=url,
            lang=language,
            dir=i18n.direction(language),
            t=i18n.strings(language),
            csp=CSP_SEARCH if search else CSP_PAGE,
            target=target,
            home_path=listing_front(target, "all", "") if target else "index.html",
            feed_path=feed_path(target),
            base_path=self.base_path,
            **context,
        )

    def post(self, pub: SitePublication, media: list[SiteMedia]) -> str:
        headed = split_headline(pub.translation, pub.headline)
        t = i18n.strings(pub.language)
        notes = []
        stamps = sorted({c.at: c.note for c in pub.corrections}.items())
        if pub.corrected_at and all(at != pub.corrected_at for at, _ in stamps):
            stamps.append((pub.corrected_at, ""))
        for at, note in stamps:
            text = t["corrected"].format(date=i18n.format_date(at, pub.language))
            notes.append(f"{text}: {clean(note)}" if note else text)
        deleted = None
        if pub.source_deleted_at:
            deleted = t["deleted"].format(
                date=i18n.format_date(pub.source_deleted_at, pub.language)
            )
        show_original = (
            self.settings.show_originals
            and pub.original is not None
            and i18n.base_language(pub.language) != "fa"  # a Farsi page needs no Farsi beside it
        )
        versions = [
            {"path": post_path(v.target, v.id), "language": v.language,
             "name": i18n.language_name(v.language)}
            for v in sorted(pub.versions, key=lambda v: (v.target, v.id))
        ]
        own = post_path(pub.target, pub.id)
        alternates = [{"language": pub.language, "absolute": self.absolute(own)}] + [
            {"language": v["language"], "absolute": self.absolute(v["path"])} for v in versions
        ]
        view = {
            "headline": headed.headline,
            "body_html": to_html(headed.body),
            "original_html": to_html(pub.original) if show_original and pub.original else None,
            "credit_html": to_html(pub.credit) if pub.credit.text else Markup(""),
            "date": i18n.format_date(pub.original_date, pub.language),
            "date_iso": iso(pub.original_date),
            "place": clean(pub.place) if pub.place else None,
            "source_name": clean(pub.source_name),
            "source_path": listing_front(pub.target, "source", pub.source_key),
            "source_link": _source_link(pub),
            "original_link": safe_url(pub.original_link) or "#",
            "original_date_line": t["original_date"].format(
                date=i18n.format_date(pub.original_date, pub.language)
            ),
            "telegram_link": safe_url(pub.telegram_link),
            "published_line": t["posted"].format(
                date=i18n.format_date(pub.published_at, pub.language)
            ),
            "corrections": notes,
            "deleted": deleted,
            "media": media,
            "versions": versions,
            "alternates": alternates if versions else [],
        }
        return self.render("post.html", own, language=pub.language, target=pub.target, post=view)
