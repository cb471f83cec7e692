"""Render an approved translation with its attribution, ready to post.

Templates come from the operator's config. They use ``{field}`` placeholders (``str.format``
style; ``{{`` and ``}}`` are literal braces) and one piece of markup, a link
``[link text](url)``, where both parts may hold fields; the link becomes a ``text_url`` entity.
A ``[`` that does not open such a link is literal text.

Field values are inserted literally: a source name or a translation that contains ``*bold*``,
``<b>``, ``[x](y)`` or ``{credit}`` is shown as written, never read as markup or as a field
(the template is parsed once, before any value is inserted, and the output is plain text plus
entities). ``date`` is the ISO date ``YYYY-MM-DD`` of :attr:`RenderContext.date`.

Right-to-left handling is described in :mod:`relay.text.bidi`.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from datetime import date as date_type
from datetime import datetime
from string import Formatter
from typing import NamedTuple

from relay.text.bidi import anchor, clean, is_rtl_language, isolate, strip_controls
from relay.text.formatting import Entity, FormattedText
from relay.text.split import concat, split, strip_whitespace, u16len

DEFAULT_TEMPLATE = "{translation}\n\nSource: [Telegram channel of {source_name}]({source_link})\nTranslation: {credit}"

FIELDS = ("translation", "source_name", "source_link", "date", "translator", "credit", "language")

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024


@dataclass(frozen=True)
class RenderContext:
    """Everything a template may show. ``language`` is the target language code."""

    translation: FormattedText
    source_name: str
    source_link: str
    date: datetime | date_type
    translator: str
    credit: str
    language: str


@dataclass(frozen=True)
class Rendered:
    """The translation and the template text around it.

    ``header`` is the template text before ``{translation}`` (usually empty), ``attribution``
    the text after it, including the whitespace that separates it from the translation.
    """

    body: FormattedText
    attribution: FormattedText
    header: FormattedText = FormattedText("")

    def joined(self) -> FormattedText:
        """The whole message, unsplit."""
        return concat(self.header, self.body, self.attribution)


# --- templates ----------------------------------------------------------------------------


class _Field(NamedTuple):
    name: str


_Items = tuple[str | _Field, ...]
_Segment = tuple[_Items, _Items | None]  # (shown text, link url or None)

_LINK = re.compile(r"\[([^\[\]\n]*)\]\(([^()\s]*)\)")
_MASK = "\x00"


def template_fields(template: str) -> set[str]:
    """The field names a template uses (known or not). Raises ``ValueError`` on bad braces."""
    return set(_scan(template)[1])


def validate_template(template: str) -> None:
    """Raise ``ValueError`` with a one-line message if ``template`` cannot be rendered."""
    _parse(template)


def _scan(template: str) -> tuple[str, list[str]]:
    """The template with each field replaced by NUL (and ``{{``/``}}`` resolved), and the
    field names in order."""
    if _MASK in template:
        raise ValueError("template must not contain NUL characters")
    try:
        tokens = list(Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(
            f"malformed braces in template: {exc} (write {{{{ or }}}} for a literal brace)"
        ) from None
    masked: list[str] = []
    fields: list[str] = []
    for literal, name, spec, conversion in tokens:
        masked.append(literal)
        if name is None:
            continue
        if spec or conversion:
            shown = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise ValueError(
                f"field {{{shown}}} in template: format specs and conversions are not supported"
            )
        if not name.strip():
            raise ValueError(f"empty field {{}} in template; valid fields: {_valid()}")
        masked.append(_MASK)
        fields.append(name)
    return "".join(masked), fields


def _valid() -> str:
    return ", ".join(f"{{{f}}}" for f in FIELDS)


def _check_fields(fields: list[str]) -> None:
    for name in fields:
        if name not in FIELDS:
            close = difflib.get_close_matches(
                name.strip().split(".")[0].split("[")[0], FIELDS, n=1, cutoff=0.5
            )
            hint = f"did you mean {{{close[0]}}}?" if close else f"valid fields: {_valid()}"
            raise ValueError(f"unknown field {{{name}}} in template; {hint}")
    count = fields.count("translation")
    if count != 1:
        raise ValueError(f"template must contain {{translation}} exactly once (found {count})")


@functools.lru_cache(maxsize=64)
def _parse(template: str) -> tuple[tuple[_Segment, ...], tuple[_Segment, ...]]:
    """Validate and split a template into the segments before and after ``{translation}``."""
    masked, fields = _scan(template)
    _check_fields(fields)
    names = iter(fields)
    segments: list[_Segment] = []
    pos = 0
    for m in _LINK.finditer(masked):
        segments.append((_items(_plain(masked[pos : m.start()]), names), None))
        text, url = m.group(1), m.group(2)
        if not text.strip():
            raise ValueError(f"empty link text in template: {_show(m.group(0))}")
        if not url:
            raise ValueError(f"empty link URL in template: {_show(m.group(0))}")
        segments.append((_items(text, names), _items(url, names)))
        pos = m.end()
    segments.append((_items(_plain(masked[pos:]), names), None))
    return _split_at_translation(segments)


def _plain(text: str) -> str:
    """Template text outside links; a leftover ``](`` means a link that failed to parse."""
    k = text.find("](")
    if k >= 0:
        snippet = text[max(0, text.rfind("[", 0, k)) : k + 12]
        raise ValueError(
            f"malformed link in template near {_show(snippet)}: write [link text](url), URL without spaces"
        )
    return text


def _show(snippet: str) -> str:
    return repr(snippet.replace(_MASK, "{…}"))


def _items(masked: str, names) -> _Items:
    pieces = masked.split(_MASK)
    items: list[str | _Field] = []
    for k, piece in enumerate(pieces):
        if k:
            items.append(_Field(next(names)))
        if piece:
            items.append(piece)
    return tuple(items)


def _split_at_translation(
    segments: list[_Segment],
) -> tuple[tuple[_Segment, ...], tuple[_Segment, ...]]:
    target = _Field("translation")
    for k, (text, url) in enumerate(segments):
        if target in text:
            if url is not None:
                raise ValueError("{translation} cannot be inside a link")
            at = text.index(target)
            head = (*segments[:k], (text[:at], None))
            tail = ((text[at + 1 :], None), *segments[k + 1 :])
            return head, tail
        if url is not None and target in url:
            raise ValueError("{translation} cannot be inside a link")
    raise AssertionError("unreachable: {translation} was counted")


# --- rendering ----------------------------------------------------------------------------


def render(template: str, ctx: RenderContext) -> Rendered:
    """Fill ``template`` for ``ctx``; see the module docstring."""
    head_segments, tail_segments = _parse(template)
    rtl = is_rtl_language(ctx.language)
    values = {
        "source_name": clean(ctx.source_name).strip(),
        "source_link": clean(ctx.source_link).strip(),
        "date": ctx.date.strftime("%Y-%m-%d"),
        "translator": clean(ctx.translator).strip(),
        "credit": clean(ctx.credit).strip(),
        "language": clean(ctx.language).strip(),
    }
    header = anchor(_build(head_segments, values, rtl), rtl, body=False)
    attribution = _build(tail_segments, values, rtl)
    attribution = anchor(
        attribution, rtl, body=False, skip_first_line=not attribution.text.startswith("\n")
    )
    body = strip_whitespace(strip_controls(ctx.translation))
    continues_header = bool(header.text) and not header.text.endswith("\n")
    body = anchor(body, rtl, body=True, skip_first_line=continues_header)
    return Rendered(body=body, attribution=attribution, header=header)


def _build(segments: tuple[_Segment, ...], values: dict[str, str], rtl: bool) -> FormattedText:
    texts: list[str] = []
    entities: list[Entity] = []
    offset = 0
    for text_items, url_items in segments:
        shown = "".join(
            it if isinstance(it, str) else isolate(values[it.name], rtl) for it in text_items
        )
        length = u16len(shown)
        if url_items is not None:
            url = "".join(
                it if isinstance(it, str) else values[it.name] for it in url_items
            ).strip()
            if url and shown.strip():
                entities.append(Entity("text_url", offset, length, url=url))
        texts.append(shown)
        offset += length
    return FormattedText("".join(texts), tuple(entities))


def render_parts(
    template: str,
    ctx: RenderContext,
    *,
    caption: bool = False,
    text_limit: int = TEXT_LIMIT,
    caption_limit: int = CAPTION_LIMIT,
) -> list[FormattedText]:
    """The messages to post, in order.

    With ``caption=True`` the first part fits ``caption_limit`` (it goes under the media) and
    the others ``text_limit``. The header (template text before ``{translation}``) opens the
    first part; the attribution sits whole at the end of the last part, or, if it cannot share
    a message with the last piece of the translation, forms a last part of its own. Raises
    ``ValueError`` if the header or the attribution alone cannot fit.
    """
    return assemble(
        render(template, ctx),
        rtl=is_rtl_language(ctx.language),
        caption=caption,
        text_limit=text_limit,
        caption_limit=caption_limit,
    )


def assemble(
    rendered: Rendered,
    *,
    rtl: bool,
    caption: bool = False,
    text_limit: int = TEXT_LIMIT,
    caption_limit: int = CAPTION_LIMIT,
) -> list[FormattedText]:
    """Split a :class:`Rendered` into parts; see :func:`render_parts`."""
    header, body, attribution = rendered.header, rendered.body, rendered.attribution
    first_limit = caption_limit if caption else text_limit
    head_len, attr_len = u16len(header.text), u16len(attribution.text)
    if not body.text:
        whole = strip_whitespace(concat(header, attribution))
        if u16len(whole.text) > first_limit:
            raise ValueError("the rendered template does not fit in one message")
        return [whole]
    if head_len + 2 > first_limit:
        raise ValueError("the template text before {translation} does not fit in the first message")
    if u16len(attribution.text.strip()) > text_limit - 1:  # alone it may need a leading mark
        raise ValueError("the attribution does not fit in one message")
    # Parts after the first keep one unit free for the direction mark that may open them.
    limits = [first_limit - head_len, text_limit - 1]
    reserve = attr_len if attr_len + 2 <= text_limit - 1 else 0
    chunks = split(body, limits, reserve_last=reserve)
    parts = [concat(header, chunks[0])]
    parts.extend(anchor(c, rtl, body=True, first_line_only=True) for c in chunks[1:])
    last_limit = first_limit if len(parts) == 1 else text_limit
    if u16len(parts[-1].text) + attr_len <= last_limit:
        parts[-1] = concat(parts[-1], attribution)
    elif attribution.text.strip():
        parts.append(anchor(strip_whitespace(attribution), rtl, body=False, first_line_only=True))
    return parts
