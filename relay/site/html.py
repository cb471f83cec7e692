"""Formatted text to safe HTML, and the headline and lead of a translation.

Every character of a text is escaped; markup comes only from entities, mapped to a fixed set
of tags. Links are kept only for ``http``, ``https``, ``tg`` and ``mailto`` addresses; any
other link (``javascript:``, ``data:``, ...) is shown as plain text. Bidi control characters
(embeddings, overrides, isolates, marks) are dropped first, so a text cannot reorder the page
around it.

Headline rule (:func:`split_headline`): an explicit headline given by the translator wins;
otherwise, if the translation's first line starts with ``# ``, that line (without the ``# ``)
is the headline and is removed from the body; otherwise the headline is the first line, or its
first sentence when the line is longer than :data:`HEADLINE_MAX` characters, cut at a word and
ended with an ellipsis if still too long. Only the ``# `` form removes text from the body.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from markupsafe import Markup, escape

from relay.text.bidi import clean, strip_controls
from relay.text.edits import apply_edits
from relay.text.formatting import Entity, FormattedText, U16Map

HEADLINE_MAX = 120
LEAD_MAX = 320
SAFE_SCHEMES = frozenset({"http", "https", "tg", "mailto"})

_SIMPLE_TAGS = {
    "bold": ("<strong>", "</strong>"),
    "italic": ("<em>", "</em>"),
    "underline": ("<u>", "</u>"),
    "strike": ("<s>", "</s>"),
    "spoiler": ('<span class="spoiler">', "</span>"),
    "code": ("<code>", "</code>"),
    "pre": ("<pre><code>", "</code></pre>"),
    "blockquote": ("<blockquote>", "</blockquote>"),
}
_LINK_CLOSE = "</a>"
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s")


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s), tg or mailto address without spaces or control
    characters, else ``None``."""
    if not url:
        return None
    url = url.strip()
    if any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url) or clean(url) != url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in SAFE_SCHEMES:
        return None
    if scheme in ("http", "https") and not parts.netloc:
        return None
    return url


def _entity_href(kind: str, shown: str, entity: Entity) -> str | None:
    if kind == "text_url":
        return safe_url(entity.url)
    if kind == "url":
        return safe_url(shown if "://" in shown else f"https://{shown}")
    if kind == "email":
        return safe_url(f"mailto:{shown}")
    if kind == "mention" and re.fullmatch(r"@[A-Za-z0-9_]{4,32}", shown):
        return f"https://t.me/{shown[1:]}"
    return None


def _open_tag(entity: Entity, shown: str) -> tuple[str, str] | None:
    if entity.kind in _SIMPLE_TAGS:
        return _SIMPLE_TAGS[entity.kind]
    href = _entity_href(entity.kind, shown, entity)
    if href is None:
        return None
    return f'<a href="{escape(href)}" rel="nofollow noopener noreferrer">', _LINK_CLOSE


def to_html(ft: FormattedText) -> Markup:
    """Escaped HTML of ``ft`` with its entities as tags. Newlines stay newlines (the page shows
    text with ``white-space: pre-wrap``). Overlapping entities are closed and reopened so that
    tags always nest."""
    ft = strip_controls(ft)
    text = ft.text
    if not ft.entities:
        return Markup(escape(text))
    m = U16Map(text)
    spans: list[tuple[int, int, str, str]] = []
    for e in ft.entities:
        start, end = m.to_index(e.offset), m.to_index(e.end, round_up=True)
        end = min(end, len(text))
        if start >= end:
            continue
        tags = _open_tag(e, text[start:end])
        if tags:
            spans.append((start, end, tags[0], tags[1]))
    points = sorted({0, len(text)} | {s for s, *_ in spans} | {e for _, e, *_ in spans})
    starts: dict[int, list[tuple[int, int, str, str]]] = {}
    for span in spans:
        starts.setdefault(span[0], []).append(span)
    out: list[str] = []
    stack: list[tuple[int, int, str, str]] = []
    for i, pos in enumerate(points):
        if any(s[1] == pos for s in stack):
            reopen = []
            while any(s[1] == pos for s in stack):
                span = stack.pop()
                out.append(span[3])
                if span[1] != pos:
                    reopen.append(span)
            for span in reversed(reopen):
                out.append(span[2])
                stack.append(span)
        for span in sorted(starts.get(pos, []), key=lambda s: -s[1]):
            out.append(span[2])
            stack.append(span)
        if i + 1 < len(points):
            out.append(str(escape(text[pos : points[i + 1]])))
    out.extend(span[3] for span in reversed(stack))
    return Markup("".join(out))


def _cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
    return (cut or text[:limit]) + "…"


class Headed(NamedTuple):
    """A translation split for display: ``headline``, ``body`` (formatted, shown on the page)
    and ``lead`` (plain text for the index: the text after the headline, first paragraph)."""

    headline: str
    body: FormattedText
    lead: str


def split_headline(ft: FormattedText, given: str | None = None) -> Headed:
    """Headline, body and lead of a translation (the rule is in the module docstring)."""
    ft = strip_controls(ft)
    first, _, rest = ft.text.partition("\n")
    if first.startswith("# "):
        cut = len(first) + 1 if len(ft.text) > len(first) else len(first)
        body = apply_edits(ft, [(0, cut, "")])
        body = apply_edits(body, [(0, len(body.text) - len(body.text.lstrip()), "")])
        headline = clean(given or first[2:]).strip()
        return Headed(_cap(headline, HEADLINE_MAX), body, _lead(body.text))
    if given:
        return Headed(_cap(clean(given).strip(), HEADLINE_MAX), ft, _lead(ft.text))
    line = first.strip()
    if len(line) > HEADLINE_MAX:
        sentence = _SENTENCE_END.split(line, 1)[0]
        rest = line[len(sentence) :] + "\n" + rest
        line = sentence
        if len(line) > HEADLINE_MAX:
            return Headed(_cap(line, HEADLINE_MAX), ft, _lead(ft.text))
    return Headed(line, ft, _lead(rest))


def _lead(text: str) -> str:
    """The first paragraph of ``text``, whitespace folded, capped at :data:`LEAD_MAX`."""
    for paragraph in re.split(r"\n\s*\n", clean(text)):
        flat = " ".join(paragraph.split())
        if flat:
            return _cap(flat, LEAD_MAX)
    return ""
