"""The attribution-template grammar: one parser for ``relay check``, previews and publishing.

A template is text with ``{field}`` placeholders (``str.format`` style: ``{{`` and ``}}`` are
literal braces; no attributes, indexes, conversions or format specs) and one piece of markup,
a link ``[link text](url)``:

* ``{translation}`` appears exactly once, outside any link;
* every other field is one of :data:`FIELDS`;
* a link's text is not blank (a field counts as text) and holds no ``[``, ``]`` or newline;
* a link's url holds no whitespace or parentheses and starts with ``http://``, ``https://``
  or ``tg://`` (and something after it), or with ``{source_link}`` or ``{origin_link}``
  (the fields whose value is a link);
* a ``[`` that does not open a link is literal text, but a ``](`` outside a link is an error
  (it is a link that failed to parse, e.g. one whose url holds a space).

A statement several sources carry (issue 11) is credited as the template says: ``{source_name}``
is the earliest source, ``{sources}`` all of them (earliest first) and ``{also_names}`` the
others; a template line that shows ``{also_names}`` is left out when no other source carries the
statement (see :func:`without_lines_of`), so "Also published by {also_names}" never dangles.

:func:`parse_template` turns a template into a :class:`Template`: the parts before and after
``{translation}``, each a literal string, a :class:`Field` or a :class:`Link`. Whatever it
accepts renders; whatever it refuses raises :class:`TemplateError`.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from string import Formatter

__all__ = [
    "DEFAULT_TEMPLATE",
    "FIELDS",
    "LINE_FIELDS",
    "URL_FIELDS",
    "URL_SCHEMES",
    "Field",
    "Link",
    "Template",
    "TemplateError",
    "parse_template",
    "template_fields",
    "validate_template",
    "without_lines_of",
]

DEFAULT_TEMPLATE = (
    "{translation}\n\nSource: [Telegram channel of {source_name}]({source_link})\n"
    "Translation: {credit}"
)
FIELDS = ("translation", "source_name", "source_link", "date", "translator", "credit", "language",
          "origin_name", "origin_link", "via_name", "sources", "also_names")
#: Fields whose whole template line is left out when they are empty.
LINE_FIELDS = ("also_names",)
#: A link's url starts with one of these (any case), or with one of the fields below.
URL_SCHEMES = ("https://", "http://", "tg://")
URL_FIELD = "source_link"
#: The fields whose value is a link (``origin_link`` is empty for an origin with no public post).
URL_FIELDS = (URL_FIELD, "origin_link")

_LINK = re.compile(r"\[([^\[\]\n]*)\]\(([^()\s]*)\)")
_MASK = "\x00"  # stands for one field while links are found


class TemplateError(ValueError):
    """A template that cannot be published.

    ``str(e)`` is one line that names the template (for previews and publishing);
    ``e.problem`` is one line for use after a config key path, which already names it.
    """

    def __init__(self, problem: str, *, message: str | None = None) -> None:
        self.problem = _one_line(problem)
        super().__init__(_one_line(message) if message else self.problem)


def _one_line(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


@dataclass(frozen=True, slots=True)
class Field:
    """A ``{name}`` placeholder."""

    name: str


Piece = str | Field  # literal text (braces already unescaped) or a field


@dataclass(frozen=True, slots=True)
class Link:
    """``[label](url)``; both are sequences of pieces."""

    label: tuple[Piece, ...]
    url: tuple[Piece, ...]


Part = str | Field | Link


@dataclass(frozen=True, slots=True)
class Template:
    """A parsed template: the parts before ``{translation}`` and those after it."""

    head: tuple[Part, ...]
    tail: tuple[Part, ...]


def validate_template(template: str) -> None:
    """Raise :class:`TemplateError` (one line) if ``template`` cannot be published."""
    parse_template(template)


def template_fields(template: str) -> set[str]:
    """The field names a template uses (known or not). Raises ``TemplateError`` on bad braces."""
    return set(_scan(template)[1])


@functools.lru_cache(maxsize=64)
def parse_template(template: str) -> Template:
    """Parse and check ``template``; see the module docstring."""
    masked, names = _scan(template)
    _check_fields(names)
    parts: list[Part] = []
    fields = iter(names)
    pos = 0
    for m in _LINK.finditer(masked):
        parts.extend(_pieces(_outside_links(masked, pos, m.start(), names), fields))
        label, url = m.group(1), m.group(2)
        shown = _show(masked, m.start(), m.end(), names)
        if not label.strip():
            raise TemplateError(f"empty link text: {shown}")
        if not url:
            raise TemplateError(f"empty link URL: {shown}")
        link = Link(tuple(_pieces(label, fields)), tuple(_pieces(url, fields)))
        if Field("translation") in link.label + link.url:
            raise TemplateError(f"{{translation}} cannot be inside a link: {shown}")
        _check_url(link.url, shown)
        parts.append(link)
        pos = m.end()
    parts.extend(_pieces(_outside_links(masked, pos, len(masked), names), fields))
    at = parts.index(Field("translation"))
    return Template(head=tuple(parts[:at]), tail=tuple(parts[at + 1 :]))


def _scan(template: str) -> tuple[str, list[str]]:
    """The template with braces unescaped and each field replaced by a mark, and the field
    names in order."""
    if _MASK in template:
        raise TemplateError(
            "must not contain NUL characters", message="template must not contain NUL characters"
        )
    try:
        tokens = list(Formatter().parse(template))
    except ValueError as exc:
        hint = "(write {{ or }} for a literal brace)"
        raise TemplateError(
            f"malformed braces: {exc} {hint}", message=f"malformed braces in template: {exc} {hint}"
        ) from None
    masked: list[str] = []
    names: list[str] = []
    for literal, name, spec, conversion in tokens:
        masked.append(literal)
        if name is None:
            continue
        if spec or conversion:
            shown = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise TemplateError(
                f"placeholder {{{shown}}}: conversions and format specs are not supported",
                message=f"field {{{shown}}} in template: format specs and conversions are not "
                "supported",
            )
        if not name.strip():
            raise TemplateError(
                "empty placeholder {} (name a field, e.g. {translation})",
                message=f"empty field {{}} in template; valid fields: {_valid()}",
            )
        masked.append(_MASK)
        names.append(name)
    return "".join(masked), names


def _valid() -> str:
    return ", ".join(f"{{{f}}}" for f in FIELDS)


def _check_fields(names: list[str]) -> None:
    for name in names:
        if name in FIELDS:
            continue
        base = re.split(r"[.\[]", name.strip(), maxsplit=1)[0]
        if base in FIELDS and base != name.strip():
            raise TemplateError(
                f"placeholder {{{name}}}: attribute and index access are not supported",
                message=f"field {{{name}}} in template: attribute and index access are not "
                "supported",
            )
        close = difflib.get_close_matches(base, FIELDS, n=1, cutoff=0.6)
        hint = f"did you mean {{{close[0]}}}?" if close else f"valid fields: {_valid()}"
        keyed = f" ({hint}); valid fields: {_valid()}" if close else f"; {hint}"
        raise TemplateError(
            f"unknown field {{{name}}}{keyed}", message=f"unknown field {{{name}}} in template; {hint}"
        )
    count = names.count("translation")
    if count == 0:
        raise TemplateError(
            "must contain {translation} exactly once (it is missing)",
            message="template must contain {translation} exactly once (found 0)",
        )
    if count > 1:
        raise TemplateError(
            f"must contain {{translation}} exactly once (found {count} times)",
            message=f"template must contain {{translation}} exactly once (found {count})",
        )


def _outside_links(masked: str, start: int, end: int, names: list[str]) -> str:
    """Template text between links; a ``](`` there is a link that failed to parse."""
    text = masked[start:end]
    k = text.find("](")
    if k >= 0:
        opening = text.rfind("[", 0, k)
        snippet = _show(masked, start + max(0, opening), min(end, start + k + 12), names)
        raise TemplateError(
            f"malformed link near {snippet}: write [link text](url), "
            "with no spaces or parentheses in the url"
        )
    return text


def _pieces(masked: str, fields: Iterator[str]) -> list[Piece]:
    pieces: list[Piece] = []
    for k, text in enumerate(masked.split(_MASK)):
        if k:
            pieces.append(Field(next(fields)))
        if text:
            pieces.append(text)
    return pieces


def _check_url(url: tuple[Piece, ...], shown: str) -> None:
    first = url[0]
    if isinstance(first, Field) and first.name in URL_FIELDS:
        return
    if isinstance(first, str):
        lowered = first.lower()
        for scheme in URL_SCHEMES:
            if lowered.startswith(scheme) and (len(first) > len(scheme) or len(url) > 1):
                return
    schemes = ", ".join(URL_SCHEMES)
    raise TemplateError(
        f"link {shown}: the url must start with {schemes} (followed by an address) "
        f"or {{{URL_FIELD}}} or {{origin_link}}"
    )


def _show(masked: str, start: int, end: int, names: list[str]) -> str:
    """``masked[start:end]`` as the operator wrote it (fields restored), quoted."""
    index = masked.count(_MASK, 0, start)
    out = []
    for ch in masked[start:end]:
        if ch == _MASK:
            out.append(f"{{{names[index]}}}")
            index += 1
        else:
            out.append(ch)
    return repr("".join(out))


def without_lines_of(parts: tuple[Part, ...], names: set[str]) -> tuple[Part, ...]:
    """``parts`` with every line that shows one of the fields ``names`` left out, with the line
    break before it (the line break after it for a first line)."""
    lines: list[list[Part]] = [[]]
    for part in parts:
        if isinstance(part, str):
            first, *rest = part.split("\n")
            if first:
                lines[-1].append(first)
            lines.extend([piece] if piece else [] for piece in rest)
        else:
            lines[-1].append(part)
    kept = [line for line in lines if not any(_shows(part, names) for part in line)]
    out: list[Part] = []
    for k, line in enumerate(kept):
        if k:
            out.append("\n")
        out.extend(line)
    return tuple(_merged(out))


def _shows(part: Part, names: set[str]) -> bool:
    pieces = (*part.label, *part.url) if isinstance(part, Link) else (part,)
    return any(isinstance(p, Field) and p.name in names for p in pieces)


def _merged(parts: list[Part]) -> Iterator[Part]:
    """Adjacent literal strings joined, empty ones dropped."""
    text = ""
    for part in parts:
        if isinstance(part, str):
            text += part
            continue
        if text:
            yield text
            text = ""
        yield part
    if text:
        yield text
