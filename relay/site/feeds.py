"""Atom 1.0 feeds (RFC 4287): one per target language and one for all.

Ids are ``tag:`` URIs that never change (``tag:<host>,<tag_year>:publication/<id>``), so a
reader never sees an entry twice; ``updated`` moves when a publication is corrected or its
source deletes the original. Entries are the most recently updated publications, newest first.
Each entry links to its page (``alternate``), to the post in the outgoing Telegram channel
(``related``) and to the original post (``via``), carries the credit line in its content, and
lists copied media as ``enclosure`` links with length and type.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime

import relay.site.i18n as i18n
from relay.site.html import safe_url, split_headline, to_html
from relay.site.media import SiteMedia
from relay.site.pages import Renderer
from relay.site.paths import feed_path, listing_front, post_path
from relay.site.records import SitePublication
from relay.text.bidi import clean

ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

ET.register_namespace("", ATOM_NS)


def _xml_text(value: str) -> str:
    """Drop characters XML 1.0 cannot carry (ElementTree would write them as they are)."""
    return _XML_ILLEGAL.sub("", value)


def rfc3339(value: datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", {k: _xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _xml_text(text)
    return el


def publication_id(renderer: Renderer, pub_id: int) -> str:
    return f"tag:{renderer.host},{renderer.settings.tag_year}:publication/{pub_id}"


def _content(pub: SitePublication, media: Sequence[SiteMedia], renderer: Renderer) -> str:
    headed = split_headline(pub.translation, pub.headline)
    t = i18n.strings(pub.language)
    parts = []
    if pub.source_deleted_at:
        date = i18n.format_date(pub.source_deleted_at, pub.language)
        parts.append(f"<p><em>{t['deleted'].format(date=date)}</em></p>")
    stamps = sorted({c.at for c in pub.corrections}
                    | ({pub.corrected_at} if pub.corrected_at is not None else set()))
    for at in stamps:
        parts.append(f"<p><em>{t['corrected'].format(date=i18n.format_date(at, pub.language))}</em></p>")
    body = str(to_html(headed.body)).replace("\n", "<br>\n")
    parts.append(f"<div>{body}</div>")
    if pub.credit.text:
        parts.append(f"<p>{str(to_html(pub.credit)).replace(chr(10), '<br>')}</p>")
    for m in media:
        if m.kind == "photo":
            parts.append(f'<p><img src="{renderer.absolute(m.path)}" alt=""></p>')
    return "\n".join(parts)


def build_feed(
    renderer: Renderer,
    target: str | None,
    language: str,
    entries: Sequence[tuple[SitePublication, Sequence[SiteMedia]]],
    contents: dict[int, str] | None = None,
) -> bytes:
    """The Atom document for ``target`` (``None``: all targets), entries newest first.
    ``contents`` caches entries' HTML across the feeds of one build."""
    contents = {} if contents is None else contents
    settings = renderer.settings
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {XML_LANG: language})
    suffix = target or "all"
    _sub(feed, "id", f"tag:{renderer.host},{settings.tag_year}:feed/{suffix}")
    name = i18n.language_name(language) if target else ""
    _sub(feed, "title", f"{settings.title} ({name})" if name else settings.title)
    updated = max((p.updated_at for p, _ in entries), default=datetime(settings.tag_year, 1, 1, tzinfo=UTC))
    _sub(feed, "updated", rfc3339(updated))
    author = _sub(feed, "author")
    _sub(author, "name", settings.title)
    _sub(feed, "link", rel="self", type="application/atom+xml",
         href=renderer.absolute(feed_path(target)))
    home = listing_front(target, "all", "") if target else "index.html"
    _sub(feed, "link", rel="alternate", type="text/html", href=renderer.absolute(home))
    _sub(feed, "generator", "relay")
    for pub, media in entries:
        entry = _sub(feed, "entry", **{XML_LANG: pub.language})
        _sub(entry, "id", publication_id(renderer, pub.id))
        _sub(entry, "title", split_headline(pub.translation, pub.headline).headline or "…")
        _sub(entry, "updated", rfc3339(pub.updated_at))
        _sub(entry, "published", rfc3339(pub.published_at))
        entry_author = _sub(entry, "author")
        _sub(entry_author, "name", clean(pub.source_name))
        _sub(entry, "link", rel="alternate", type="text/html",
             href=renderer.absolute(post_path(pub.target, pub.id)))
        telegram = safe_url(pub.telegram_link)
        if telegram:
            _sub(entry, "link", rel="related", type="text/html", href=telegram)
        original = safe_url(pub.original_link)
        if original:
            _sub(entry, "link", rel="via", type="text/html", href=original)
        for m in media:
            _sub(entry, "link", rel="enclosure", type=m.mime, length=str(m.size),
                 href=renderer.absolute(m.path))
        _sub(entry, "category", term=pub.language)
        if pub.id not in contents:
            contents[pub.id] = _content(pub, media, renderer)
        _sub(entry, "content", contents[pub.id], type="html")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"
