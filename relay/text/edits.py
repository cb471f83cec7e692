"""Edit formatted text while its entities follow: join, replace ranges, trim whitespace.

Offsets are UTF-16 code units (see :mod:`relay.text.formatting`); edits are given as Python
string indexes and mapped to units here.
"""

from __future__ import annotations

from collections.abc import Sequence

from relay.text.formatting import Entity, FormattedText, U16Map, utf16_len


def concat(*parts: FormattedText) -> FormattedText:
    """Join formatted texts, shifting each one's entities by the length before it."""
    parts = tuple(p for p in parts if p.text)
    if len(parts) == 1:
        return parts[0]
    texts: list[str] = []
    entities: list[Entity] = []
    offset = 0
    for part in parts:
        texts.append(part.text)
        entities.extend(e.shifted(offset) if offset else e for e in part.entities)
        offset += utf16_len(part.text)
    return FormattedText("".join(texts), tuple(entities))


def apply_edits(ft: FormattedText, edits: Sequence[tuple[int, int, str]]) -> FormattedText:
    """Replace ``text[start:end]`` by ``new`` for each edit (Python indexes, sorted, disjoint).

    Entities follow the text: an insertion at an entity's start goes before the entity, one at
    its end goes after it, one strictly inside widens it; deleted text shrinks entities, and an
    entity left empty is dropped.
    """
    if not edits:
        return ft
    text = ft.text
    out: list[str] = []
    prev = 0
    for start, end, new in edits:
        out.append(text[prev:start])
        out.append(new)
        prev = end
    out.append(text[prev:])
    new_text = "".join(out)
    if not ft.entities:
        return FormattedText(new_text, ())
    m = U16Map(text)
    units = [(m.to_u16(s), m.to_u16(e), utf16_len(new)) for s, e, new in edits]
    entities = []
    for ent in ft.entities:
        start = _map_pos(units, ent.offset, is_end=False)
        end = _map_pos(units, ent.end, is_end=True)
        if end > start:
            entities.append(
                Entity(ent.kind, start, end - start, ent.url, ent.language, ent.user_id)
            )
    return FormattedText(new_text, tuple(entities))


def _map_pos(units: list[tuple[int, int, int]], pos: int, *, is_end: bool) -> int:
    delta = 0
    for a, b, n in units:
        if a == b:  # insertion
            if pos > a or (pos == a and not is_end):
                delta += n
                continue
            break
        if pos >= b:
            delta += n - (b - a)
        elif pos > a:
            return a + delta + (n if is_end else 0)
        else:
            break
    return pos + delta


def strip_whitespace(
    ft: FormattedText, *, leading: bool = True, trailing: bool = True
) -> FormattedText:
    """Drop leading and/or trailing whitespace, clipping entities."""
    text = ft.text
    start = len(text) - len(text.lstrip()) if leading else 0
    end = len(text.rstrip()) if trailing else len(text)
    if end <= start:
        return FormattedText("", ())
    edits = []
    if start:
        edits.append((0, start, ""))
    if end < len(text):
        edits.append((end, len(text), ""))
    return apply_edits(ft, edits)
