"""Render an approved translation with its attribution, ready to post.

Templates come from the operator's config; their grammar (``{field}`` placeholders and
``[link text](url)`` links) is :mod:`relay.text.template`, the same parser ``relay check`` uses.
A link becomes a ``text_url`` entity.

Field values are inserted literally: a source name or a translation that contains ``*bold*``,
``<b>``, ``[x](y)`` or ``{credit}`` is shown as written, never read as markup or as a field
(the template is parsed once, before any value is inserted, and the output is plain text plus
entities). ``date`` is the ISO date ``YYYY-MM-DD`` of :attr:`RenderContext.date`.

Right-to-left handling is described in :mod:`relay.text.bidi`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date as date_type
from datetime import datetime

from relay.text.bidi import anchor, clean, is_rtl_language, isolate, strip_controls
from relay.text.edits import concat, strip_whitespace
from relay.text.formatting import Entity, FormattedText, utf16_len
from relay.text.split import split
from relay.text.template import (  # noqa: F401  (re-exported: the names callers know)
    DEFAULT_TEMPLATE,
    FIELDS,
    LINE_FIELDS,
    Field,
    Link,
    Part,
    Template,
    TemplateError,
    parse_template,
    template_fields,
    validate_template,
    without_lines_of,
)

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
    #: For a forward: the channel that wrote the post, a link to its post ("" when the origin
    #: is not public) and the source that forwarded it. For any other post ``origin_name`` is
    #: empty and the template's origin fields show the source (``{via_name}`` nothing).
    origin_name: str = ""
    origin_link: str = ""
    via_name: str = ""
    #: A statement several sources carry (issue 11): all their names, earliest first, as one
    #: text ("" for a post no other source carries: ``{sources}`` shows the source), and the
    #: names of the sources after the first (``{also_names}``; its line is left out when "").
    sources: str = ""
    also_names: str = ""


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


# --- rendering ----------------------------------------------------------------------------


def render(template: str, ctx: RenderContext) -> Rendered:
    """Fill ``template`` for ``ctx``; see the module docstring. Raises :class:`TemplateError`
    for a template :func:`validate_template` refuses."""
    parsed = parse_template(template)
    rtl = is_rtl_language(ctx.language)
    values = {
        "source_name": clean(ctx.source_name).strip(),
        "source_link": clean(ctx.source_link).strip(),
        "date": ctx.date.strftime("%Y-%m-%d"),
        "translator": clean(ctx.translator).strip(),
        "credit": clean(ctx.credit).strip(),
        "language": clean(ctx.language).strip(),
    }
    forwarded = bool(ctx.origin_name.strip())
    values["origin_name"] = clean(ctx.origin_name).strip() if forwarded else values["source_name"]
    values["origin_link"] = clean(ctx.origin_link).strip() if forwarded else values["source_link"]
    values["via_name"] = clean(ctx.via_name).strip() if forwarded else ""
    values["sources"] = clean(ctx.sources).strip() or values["source_name"]
    values["also_names"] = clean(ctx.also_names).strip()
    empty = {name for name in LINE_FIELDS if not values[name]}
    if empty:
        parsed = Template(without_lines_of(parsed.head, empty), without_lines_of(parsed.tail, empty))
    header = anchor(_build(parsed.head, values, rtl), rtl, body=False)
    attribution = _build(parsed.tail, values, rtl)
    attribution = anchor(
        attribution, rtl, body=False, skip_first_line=not attribution.text.startswith("\n")
    )
    body = strip_whitespace(strip_controls(ctx.translation))
    continues_header = bool(header.text) and not header.text.endswith("\n")
    body = anchor(body, rtl, body=True, skip_first_line=continues_header)
    return Rendered(body=body, attribution=attribution, header=header)


def _build(parts: tuple[Part, ...], values: dict[str, str], rtl: bool) -> FormattedText:
    texts: list[str] = []
    entities: list[Entity] = []
    offset = 0
    for part in parts:
        if isinstance(part, Link):
            shown = "".join(_shown(p, values, rtl) for p in part.label)
            url = "".join(p if isinstance(p, str) else values[p.name] for p in part.url).strip()
            length = utf16_len(shown)
            if url and shown.strip():
                entities.append(Entity("text_url", offset, length, url=url))
        else:
            shown = _shown(part, values, rtl)
            length = utf16_len(shown)
        texts.append(shown)
        offset += length
    return FormattedText("".join(texts), tuple(entities))


def _shown(piece: str | Field, values: dict[str, str], rtl: bool) -> str:
    return piece if isinstance(piece, str) else isolate(values[piece.name], rtl)


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
    head_len, attr_len = utf16_len(header.text), utf16_len(attribution.text)
    if not body.text:
        whole = strip_whitespace(concat(header, attribution))
        if utf16_len(whole.text) > first_limit:
            raise ValueError("the rendered template does not fit in one message")
        return [whole]
    if head_len + 2 > first_limit:
        raise ValueError("the template text before {translation} does not fit in the first message")
    if utf16_len(attribution.text.strip()) > text_limit - 1:  # alone it may need a leading mark
        raise ValueError("the attribution does not fit in one message")
    # Parts after the first keep one unit free for the direction mark that may open them.
    limits = [first_limit - head_len, text_limit - 1]
    reserve = attr_len if attr_len + 2 <= text_limit - 1 else 0
    chunks = split(body, limits, reserve_last=reserve)
    parts = [concat(header, chunks[0])]
    parts.extend(anchor(c, rtl, body=True, first_line_only=True) for c in chunks[1:])
    last_limit = first_limit if len(parts) == 1 else text_limit
    if utf16_len(parts[-1].text) + attr_len <= last_limit:
        parts[-1] = concat(parts[-1], attribution)
    elif attribution.text.strip():
        parts.append(anchor(strip_whitespace(attribution), rtl, body=False, first_line_only=True))
    return parts
