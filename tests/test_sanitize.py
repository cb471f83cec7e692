"""Cleaning typed translations (relay.core.sanitize): invisible characters go, entities
keep covering the same visible text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from relay.core.sanitize import (
    MAX_REASON_CHARS,
    MAX_TRANSLATION_CHARS,
    Cleaned,
    InputError,
    clean_reason,
    clean_text,
    is_invisible,
)
from relay.text.formatting import Entity, utf16_len, utf16_to_index

ZWNJ = "\u200c"
ZWJ = "\u200d"
ZERO_WIDTH = ["\u200b", "\u2060", "\ufeff", "\u00ad"]
#: Unicode's Bidi_Control characters (PropList.txt): all of them can reorder text.
BIDI_CONTROLS = ["\u061c", "\u200e", "\u200f", *map(chr, range(0x202A, 0x202F)),
                 *map(chr, range(0x2066, 0x206A))]
C0_C1 = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\r", "\x1b", "\x1f", "\x7f", "\x85",
         "\x9f"]


def u16(text: str) -> int:
    return utf16_len(text)


def covered(text: str, entity: Entity) -> str:
    """The part of ``text`` an entity covers (offsets in UTF-16 units)."""
    return text[utf16_to_index(text, entity.offset):utf16_to_index(text, entity.end)]


def span(text: str, part: str, kind: str = "bold", **extra) -> Entity:
    """An entity over the first occurrence of ``part`` in ``text``."""
    index = text.index(part)
    return Entity(kind, u16(text[:index]), u16(part), **extra)


def covers(cleaned: Cleaned) -> list[str]:
    return [covered(cleaned.text, e) for e in cleaned.entities]


# ---------------------------------------------------------------- what is dropped and kept


@pytest.mark.parametrize("ch", ZERO_WIDTH, ids=lambda c: f"U+{ord(c):04X}")
def test_zero_width_characters_removed(ch):
    assert clean_text(f"a{ch}b{ch}").text == "ab"


@pytest.mark.parametrize("ch", BIDI_CONTROLS, ids=lambda c: f"U+{ord(c):04X}")
def test_bidi_controls_removed(ch):
    assert clean_text(f"سلام {ch}world{ch} جهان").text == "سلام world جهان"


@pytest.mark.parametrize("ch", C0_C1, ids=lambda c: f"U+{ord(c):04X}")
def test_control_characters_removed(ch):
    assert clean_text(f"a{ch}b").text == "ab"


#: Characters that hide text and are not on any short list (issue 10): tags, invisible
#: operators, the Mongolian vowel separator, deprecated format controls, reserved
#: default-ignorables, the combining grapheme joiner, Hangul fillers, variation selectors.
HIDDEN_BY_PROPERTY = [
    "\U000e0001", "\U000e0041", "\U000e0020", "\U000e007f", "\U000e0000", "\U000e0100",
    "\u2062", "\u2063", "\u2064", "\u180e", *map(chr, range(0x206A, 0x2070)),
    *map(chr, range(0xFFF0, 0xFFF9)), "\u034f", "\u3164", "\u115f", "\u1160", "\uffa0",
    "\u17b4", "\u17b5", "\u180b", "\ufe00", "\u2065",
]


@pytest.mark.parametrize("ch", HIDDEN_BY_PROPERTY, ids=lambda c: f"U+{ord(c):04X}")
def test_every_default_ignorable_character_removed(ch):
    assert clean_text(f"strike{ch} at{ch} Haft Tappeh").text == "strike at Haft Tappeh"


def test_text_hidden_in_tag_characters_is_removed():
    hidden = "".join(chr(0xE0000 + ord(c)) for c in "click evil.example")
    assert clean_text(f"Workers rally{hidden} today").text == "Workers rally today"


def test_emoji_tag_sequence_flag_kept_and_lone_tags_dropped():
    scotland = "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    assert clean_text(f"Solidarity {scotland}!").text == f"Solidarity {scotland}!"
    unterminated = "\U0001f3f4\U000e0067\U000e0062"
    assert clean_text(f"a {unterminated} b").text == "a \U0001f3f4 b"


def test_emoji_presentation_selectors_and_arabic_number_signs_kept():
    assert clean_text("\u2764\ufe0f \u263a\ufe0e").text == "\u2764\ufe0f \u263a\ufe0e"
    assert clean_text("\u0600\u0661\u0662 \u06dd\u0663").text == "\u0600\u0661\u0662 \u06dd\u0663"


@given(st.characters(categories=["Cf"]))
def test_no_format_character_survives_except_the_kept_ones(ch):
    kept = {"\u200c", "\u200d", *map(chr, (*range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890,
                                              0x0891, 0x08E2, 0x110BD, 0x110CD))}
    out = clean_text(f"a{ch}b").text
    assert out == (f"a{ch}b" if ch in kept else "ab")


def test_zwnj_newline_and_tab_kept():
    text = f"می{ZWNJ}روم\n\tکتاب{ZWNJ}ها"
    assert clean_text(text).text == text


def test_zwj_kept_in_emoji_sequences():
    """U+200D joins emoji sequences (a family, a rainbow flag): removing it splits them."""
    family = f"👨{ZWJ}👩{ZWJ}👧"
    flag = f"🏳️{ZWJ}🌈"
    text = f"{family} and {flag}"
    cleaned = clean_text(text, (span(text, family), span(text, flag, "italic")))
    assert cleaned.text == text
    assert covers(cleaned) == [family, flag]


def test_ordinary_text_unchanged():
    text = "Vahed bus workers went on strike ✊ — ۱۴۰۳ 😀 «اعتصاب»"
    cleaned = clean_text(text, (span(text, "strike"),))
    assert cleaned.text == text
    assert covers(cleaned) == ["strike"]


def test_crlf_becomes_lf():
    assert clean_text("one\r\ntwo").text == "one\ntwo"


# ---------------------------------------------------------------- entity offsets


def test_entity_after_removed_characters_shifts_left():
    text = "\u200bHi\u202e there bold end"
    cleaned = clean_text(text, (span(text, "bold"),))
    assert cleaned.text == "Hi there bold end"
    assert cleaned.entities == (Entity("bold", 9, 4),)
    assert covers(cleaned) == ["bold"]


def test_entity_with_removed_characters_inside_shrinks():
    text = "see b\u200bo\u2066l\u2069d here"
    cleaned = clean_text(text, (span(text, "b\u200bo\u2066l\u2069d"),))
    assert cleaned.text == "see bold here"
    assert covers(cleaned) == ["bold"]


def test_entity_starting_or_ending_on_a_removed_character():
    text = "x \u200fword\u200f y"
    starts = Entity("italic", 2, 5)  # "\u200fword"
    ends = Entity("bold", 3, 5)  # "word\u200f"
    both = Entity("underline", 2, 6)
    cleaned = clean_text(text, (starts, ends, both))
    assert cleaned.text == "x word y"
    assert covers(cleaned) == ["word", "word", "word"]
    assert [e.kind for e in cleaned.entities] == ["italic", "bold", "underline"]


def test_entity_over_only_removed_characters_is_dropped():
    text = "left \u200b\u200e\u2066 right"
    cleaned = clean_text(text, (Entity("bold", 5, 3), span(text, "right", "italic")))
    assert cleaned.text == "left  right"
    assert cleaned.entities == (Entity("italic", 6, 5),)


def test_entity_attributes_survive():
    text = "\u200bread the report and this code"
    link = span(text, "the report", "text_url", url="https://example.org/r")
    pre = span(text, "code", "pre", language="python")
    who = span(text, "read", "mention_name", user_id=5001)
    cleaned = clean_text(text, (link, pre, who))
    assert cleaned.entities == (
        Entity("text_url", 5, 10, url="https://example.org/r"),
        Entity("pre", 25, 4, language="python"),
        Entity("mention_name", 0, 4, user_id=5001),
    )
    assert covers(cleaned) == ["the report", "code", "read"]


def test_nested_entities():
    text = "\u200ea \u200bbold and italic\u200b b"
    outer = span(text, "\u200bbold and italic\u200b")
    inner = span(text, "italic", "italic")
    cleaned = clean_text(text, (outer, inner))
    assert covers(cleaned) == ["bold and italic", "italic"]


# ---------------------------------------------------------------- trimming


def test_whitespace_trimmed_and_entities_rebased():
    text = "  \n\t Hello bold world \n  "
    cleaned = clean_text(text, (span(text, "bold"), span(text, "world", "italic")))
    assert cleaned.text == "Hello bold world"
    assert cleaned.entities == (Entity("bold", 6, 4), Entity("italic", 11, 5))


def test_entity_reaching_into_trimmed_whitespace_is_clipped():
    text = "   Hello world   "
    cleaned = clean_text(text, (Entity("bold", 0, 8), Entity("italic", 9, 8)))
    assert cleaned.text == "Hello world"
    assert covers(cleaned) == ["Hello", "world"]


def test_entity_only_over_trimmed_whitespace_is_dropped():
    text = "   Hello   "
    cleaned = clean_text(text, (Entity("bold", 0, 3), Entity("italic", 8, 3)))
    assert cleaned == Cleaned("Hello", ())


def test_leading_invisibles_and_whitespace_together():
    text = "\u200b \u202b\n  Farsi: سلام"
    cleaned = clean_text(text, (span(text, "سلام"),))
    assert cleaned.text == "Farsi: سلام"
    assert covers(cleaned) == ["سلام"]


def test_leading_emoji_after_whitespace():
    text = "  😀 bold"
    cleaned = clean_text(text, (span(text, "😀"), span(text, "bold", "italic")))
    assert cleaned.text == "😀 bold"
    assert cleaned.entities == (Entity("bold", 0, 2), Entity("italic", 3, 4))


# ---------------------------------------------------------------- emoji and UTF-16


def test_emoji_before_removed_characters():
    text = "😀😀 \u200bx\u200byz 🇮🇷"
    xyz = span(text, "x\u200byz")
    assert xyz.offset == 6  # two surrogate pairs, a space and the removed character
    flag = span(text, "🇮🇷", "italic")
    cleaned = clean_text(text, (xyz, flag))
    assert cleaned.text == "😀😀 xyz 🇮🇷"
    assert cleaned.entities == (Entity("bold", 5, 3), Entity("italic", 9, 4))
    assert covers(cleaned) == ["xyz", "🇮🇷"]


def test_entity_over_emoji_with_removed_characters_around():
    text = "a\u200b😀\u200b😃\u200bb"
    cleaned = clean_text(text, (span(text, "😀\u200b😃"),))
    assert cleaned.text == "a😀😃b"
    assert cleaned.entities == (Entity("bold", 1, 4),)
    assert covers(cleaned) == ["😀😃"]


def test_entity_running_past_the_end_is_clipped():
    cleaned = clean_text("ab😀", (Entity("bold", 1, 50),))
    assert cleaned.entities == (Entity("bold", 1, 3),)
    cleaned = clean_text("e\u0301😀", (Entity("bold", 0, 50),))  # and while composing
    assert cleaned == Cleaned("\u00e9😀", (Entity("bold", 0, 3),))


# ---------------------------------------------------------------- normalisation


def test_nfc_normalisation_applied():
    assert clean_text("cafe\u0301").text == "caf\u00e9"


@pytest.mark.parametrize(("text", "part"), [
    ("cafe\u0301 bold", "bold"),  # e + combining acute -> é
    ("\u0627\u0653\u0628 \u062f\u0631\u06cc\u0627", "\u062f\u0631\u06cc\u0627"),  # alef + madda -> آ
    ("\u0648\u0654\u0644 \u0646\u0627\u0646", "\u0646\u0627\u0646"),  # waw + hamza above -> ؤ
])
def test_entities_follow_nfc_normalisation(text, part):
    """Typed text may arrive decomposed (Telegram does not normalise); the entity offsets
    Telegram sent count the decomposed text, so composing must move them too."""
    cleaned = clean_text(text, (span(text, part),))
    assert cleaned.text == unicodedata.normalize("NFC", text)
    assert covers(cleaned) == [part]


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize("text", ["", " ", "\n\t ", "\u200b", "\u200f \u202e\u2069", "\x00\r\n",
                                  "\u00a0\u3000"])
def test_empty(text):
    with pytest.raises(InputError) as info:
        clean_text(text, (Entity("bold", 0, len(text)),))
    assert info.value.code == "empty"
    assert str(info.value) == "empty"
    assert isinstance(info.value, ValueError)


def test_too_long_reports_limit_and_length():
    with pytest.raises(InputError) as info:
        clean_text("a" * 11, max_chars=10)
    assert info.value.code == "too_long"
    assert info.value.fields == {"limit": 10, "got": 11}


def test_exactly_the_limit_is_accepted():
    assert clean_text("a" * 10, max_chars=10).text == "a" * 10
    assert clean_text("  " + "a" * 10 + "  ", max_chars=10).text == "a" * 10


def test_limit_counts_what_remains():
    """Invisible characters and surrounding whitespace do not count against the limit."""
    text = "\u200b" * 5 + "a" * 10 + " " * 5
    assert clean_text(text, max_chars=10).text == "a" * 10


def test_huge_input_refused_before_work():
    text = "a" * (2 * MAX_TRANSLATION_CHARS + 1)
    with pytest.raises(InputError) as info:
        clean_text(text)
    assert info.value.code == "too_long"
    assert info.value.fields == {"limit": MAX_TRANSLATION_CHARS, "got": len(text)}


def test_default_limit():
    assert clean_text("a" * MAX_TRANSLATION_CHARS).text == "a" * MAX_TRANSLATION_CHARS
    with pytest.raises(InputError) as info:
        clean_text("a" * (MAX_TRANSLATION_CHARS + 1))
    assert info.value.fields == {"limit": MAX_TRANSLATION_CHARS,
                                 "got": MAX_TRANSLATION_CHARS + 1}


def test_clean_reason():
    assert clean_reason("  \u202etoo\u200b literal \n") == "too literal"
    assert clean_reason("x" * MAX_REASON_CHARS) == "x" * MAX_REASON_CHARS
    with pytest.raises(InputError) as info:
        clean_reason("x" * (MAX_REASON_CHARS + 1))
    assert info.value.code == "too_long" and info.value.fields["limit"] == MAX_REASON_CHARS
    with pytest.raises(InputError) as info:
        clean_reason("\u200b ")
    assert info.value.code == "empty"


# ---------------------------------------------------------------- property

DROPPED = ZERO_WIDTH + BIDI_CONTROLS + C0_C1
VISIBLE = st.one_of(
    st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs"]),
    st.sampled_from([ZWNJ, ZWJ, "\n", "\t", " ", "😀", "🇮", "🇷", "👍", "ی", "ک", "گ"]),
)


@st.composite
def marked_up(draw):
    """(original text, whether each code point is visible, entities over the original)."""
    base = draw(st.lists(VISIBLE, min_size=1, max_size=40))
    chars: list[tuple[str, bool]] = []
    for ch in base:
        chars.extend((c, False) for c in draw(st.lists(st.sampled_from(DROPPED), max_size=2)))
        chars.append((ch, True))
    chars.extend((c, False) for c in draw(st.lists(st.sampled_from(DROPPED), max_size=2)))
    # non-overlapping entities on code point boundaries
    cuts = sorted(draw(st.lists(st.integers(0, len(chars)), max_size=8)))
    bounds = list(zip(cuts[::2], cuts[1::2], strict=False))
    return chars, [(a, b) for a, b in bounds if b > a]


@settings(max_examples=400, deadline=None)
@given(marked_up(), st.sampled_from(["bold", "italic", "text_url"]))
def test_entities_cover_the_same_visible_text(sample, kind):
    chars, bounds = sample
    original = "".join(c for c, _ in chars)
    assume(unicodedata.is_normalized("NFC", original))  # composition: see the property below
    visible = "".join(c for c, keep in chars if keep)
    assume(visible.strip())
    starts = [u16("".join(c for c, _ in chars[:i])) for i in range(len(chars) + 1)]
    entities = tuple(Entity(kind, starts[a], starts[b] - starts[a]) for a, b in bounds)

    cleaned = clean_text(original, entities)

    assert cleaned.text == visible.strip()
    lead = len(visible) - len(visible.lstrip())
    # for each code point of the original: its index in the cleaned text, if it is there
    where: list[int | None] = []
    index = -lead
    for _, keep in chars:
        where.append(index if keep and 0 <= index < len(cleaned.text) else None)
        index += keep
    expected = []
    for a, b in bounds:
        kept = [w for w in where[a:b] if w is not None]
        if kept:
            expected.append((kept[0], "".join(cleaned.text[w] for w in kept)))
    assert len(cleaned.entities) == len(expected)
    for entity, (first, text) in zip(cleaned.entities, expected, strict=True):
        assert entity.kind == kind
        assert entity.offset == u16(cleaned.text[:first])
        assert covered(cleaned.text, entity) == text
        assert entity.offset >= 0 and entity.end <= u16(cleaned.text)


COMPOSING = st.one_of(
    st.sampled_from(["e", "a", "o", "\u0627", "\u0648", "\u064a", "\u0301", "\u0308",
                     "\u0653", "\u0654", "\u0655", "\u1100", "\u1161", "\u11a8", "😀", " "]),
    # Letters and marks that show something: the default-ignorable ones among them (Hangul
    # fillers, variation selectors, the grapheme joiner) are dropped on purpose (issue 10).
    st.characters(codec="utf-8", categories=["L", "Mn"]).filter(lambda c: not is_invisible(c)),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(COMPOSING, min_size=1, max_size=30),
       st.lists(st.tuples(st.integers(0, 32), st.integers(0, 32)), max_size=6))
def test_normalisation_keeps_what_each_entity_covers(chars, cuts):
    """Composed or not, the text and every entity (even overlapping ones) keep covering
    canonically the same characters."""
    text = "<" + "".join(chars) + ">"  # visible ends: nothing to trim
    points = len(text)
    bounds = [(min(a, b) % points, max(a, b) % points) for a, b in cuts]
    bounds = [(a, b) for a, b in bounds if b > a]
    entities = tuple(Entity("bold", u16(text[:a]), u16(text[a:b])) for a, b in bounds)

    cleaned = clean_text(text, entities)

    nfc = unicodedata.normalize
    assert nfc("NFC", cleaned.text) == nfc("NFC", text)
    assert len(cleaned.entities) == len(bounds)
    for entity, (a, b) in zip(cleaned.entities, bounds, strict=True):
        assert nfc("NFC", covered(cleaned.text, entity)) == nfc("NFC", text[a:b])
        assert entity.end <= u16(cleaned.text)
