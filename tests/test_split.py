"""Splitting formatted text into Telegram-sized parts."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from relay.text.edits import apply_edits, concat, strip_whitespace
from relay.text.formatting import Entity, FormattedText, U16Map, utf16_len
from relay.text.formatting import utf16_len as u16len
from relay.text.render import DEFAULT_TEMPLATE, RenderContext, render, render_parts
from relay.text.split import join, split, split_parts

FARSI = [
    "کارگران",
    "هفت",
    "تپه",
    "اعتصاب",
    "سندیکای",
    "می‌روند",
    "دستمزد",
    "بازداشت",
    "شرکت",
    "واحد",
    "۱۴۰۳",
    "خوزستان",
]
ENGLISH = [
    "workers",
    "strike",
    "Haft",
    "Tappeh",
    "wages",
    "arrested",
    "union",
    "the",
    "of",
    "Vahed",
    "1403",
    "Khuzestan",
]
EMOJI = ["😀", "✊", "👨\u200d👩\u200d👧", "🇮🇷", "👍🏽", "❤️", "🔴", "📢"]
SEPARATORS = [" ", " ", " ", " ", "\n", "\n\n", ". ", "؟ ", "! ", "… ", "\u00a0", ", "]

word = st.one_of(
    st.sampled_from(FARSI),
    st.sampled_from(ENGLISH),
    st.sampled_from(EMOJI),
    st.lists(st.sampled_from(EMOJI + ENGLISH[:3]), min_size=1, max_size=4).map("".join),
    st.integers(10, 120).map(lambda n: "x" * n),  # a word longer than small limits
)


@st.composite
def texts(draw, max_tokens: int = 120) -> FormattedText:
    tokens = draw(
        st.lists(st.tuples(word, st.sampled_from(SEPARATORS)), min_size=1, max_size=max_tokens)
    )
    text = "".join(w + s for w, s in tokens).rstrip(" ")
    if not text:
        text = "x"
    # Entity boundaries at character boundaries, in UTF-16 units; non-overlapping.
    bounds = [0]
    for ch in text:
        bounds.append(bounds[-1] + utf16_len(ch))
    picks = sorted(set(draw(st.lists(st.sampled_from(bounds), max_size=12))))
    entities = []
    kinds = st.sampled_from(["bold", "italic", "text_url", "code", "underline"])
    for a, b in zip(picks[::2], picks[1::2], strict=False):
        if b > a:
            kind = draw(kinds)
            url = f"https://example.org/{a}" if kind == "text_url" else None
            entities.append(Entity(kind, a, b - a, url=url))
    return FormattedText(text, tuple(entities))


limits_st = st.one_of(
    st.integers(8, 400),
    st.tuples(st.integers(8, 120), st.integers(8, 400)).map(list),
)


def _limit(limits, i: int) -> int:
    if isinstance(limits, int):
        return limits
    return limits[min(i, len(limits) - 1)]


def _covered(ft: FormattedText, e: Entity) -> str:
    return ft.text.encode("utf-16-le")[2 * e.offset : 2 * e.end].decode("utf-16-le")


def _check(ft: FormattedText, limits, reserve: int = 0):
    parts = split_parts(ft, limits, reserve_last=reserve)
    assert parts
    # Concatenation with the dropped separators restores the text, and the entities.
    assert join(parts).text == ft.text
    assert join(parts).entities == tuple(sorted(ft.entities, key=lambda e: (e.offset, -e.length)))
    smallest = min([limits] if isinstance(limits, int) else limits)
    offset = 0
    placed = {}
    for i, part in enumerate(parts):
        text = part.text.text
        assert text, "no empty parts"
        text.encode("utf-16-le")  # a valid string: no lone surrogate
        assert u16len(text) <= _limit(limits, i)
        assert part.sep.strip(" \t\n\r\f\v\u2028\u2029\x1c\x1d\x1e\x1f\x85") == "", (
            "only whitespace is dropped"
        )
        assert "\u00a0" not in part.sep
        if part.sep:
            assert (
                not text[-1].isspace()
                or text[-1] == "\u00a0"
                or any(e.end == u16len(text) for e in part.text.entities)
            )
        for e in part.text.entities:
            assert e.offset >= 0 and e.length > 0 and e.end <= u16len(text)
            placed[(e.kind, e.url, offset + e.offset, e.length)] = _covered(part.text, e)
        offset += u16len(text) + u16len(part.sep)
    for e in ft.entities:
        if e.length <= smallest:  # short entities are never cut: found whole, same text
            assert placed.get((e.kind, e.url, e.offset, e.length)) == _covered(ft, e)
    return parts


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts(), limits_st)
def test_split_properties(ft, limits):
    _check(ft, limits)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts(), st.integers(30, 300), st.integers(0, 25))
def test_split_with_reserve_leaves_room_on_last_part(ft, limit, reserve):
    parts = _check(ft, limit, reserve)
    last = parts[-1].text.text
    if u16len(last) > limit - reserve and not parts[-1].text.entities:
        # The reserve is only given up when no whitespace would leave a tail that fits
        # (with entities, whitespace inside them does not count either).
        for run in re.finditer(r"[^\S\u00a0\u2007\u202f]+", last):
            if run.start() > 0 and run.end() < len(last):
                assert u16len(last[run.start() :]) > limit - reserve


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(EMOJI), min_size=1, max_size=200).map("".join), st.integers(2, 50))
def test_emoji_only_text_never_breaks_surrogates(text, limit):
    parts = split(FormattedText(text), limit)
    assert "".join(p.text for p in parts) == text
    for p in parts:
        assert utf16_len(p.text) <= limit


def test_u16_map_roundtrip():
    text = "a😀b👨\u200d👩\u200d👧c"
    m = U16Map(text)
    for i in range(len(text) + 1):
        assert m.to_index(m.to_u16(i)) == i
        assert m.to_u16(i) == utf16_len(text[:i])
    assert m.to_index(2) == 1 and m.to_index(2, round_up=True) == 2  # inside the 😀 pair


# --- preference order ----------------------------------------------------------------------


def _texts(parts):
    return [p.text for p in parts]


def test_fits_in_one_part():
    ft = FormattedText("short text", (Entity("bold", 0, 5),))
    assert split(ft, 4096) == [ft]


def test_paragraph_preferred_over_sentence_and_word():
    para1 = "First paragraph, one sentence. Then a second sentence here"  # 58 chars
    para2 = "Second paragraph. It goes on for a while with more words."
    parts = split_parts(FormattedText(para1 + "\n\n" + para2), 100)
    assert _texts(p.text for p in parts) == [para1, para2]
    assert parts[0].sep == "\n\n"


def test_line_preferred_over_sentence():
    text = (
        "Line one is here and it is long enough to count.\nLine two. Then more words follow on it."
    )
    parts = split_parts(FormattedText(text), 80)
    assert parts[0].text.text == "Line one is here and it is long enough to count."
    assert parts[0].sep == "\n"


def test_sentence_preferred_over_word():
    text = "The workers gathered at dawn today. They demanded their unpaid wages and more"
    parts = split(FormattedText(text), 60)
    assert parts[0].text == "The workers gathered at dawn today."
    assert parts[1].text == "They demanded their unpaid wages and more"


def test_persian_sentence_end():
    text = "کارگران هفت تپه امروز دوباره تجمع کردند؟ آنها دستمزدهای معوقه خود را می‌خواهند و بیشتر"
    parts = split(FormattedText(text), 60)
    assert parts[0].text.endswith("؟")
    assert "می‌خواهند" in parts[1].text  # ZWNJ kept, word whole


def test_word_boundary_when_no_sentence_end():
    text = "one two three four five six seven eight nine ten eleven twelve"
    parts = split(FormattedText(text), 20)
    assert all(len(p.text) <= 20 for p in parts)
    assert " ".join(p.text for p in parts) == text
    assert all(not p.text.startswith(" ") and not p.text.endswith(" ") for p in parts)


def test_short_first_paragraph_does_not_become_its_own_part():
    text = "Title\n\n" + "Long sentence number one goes here. " * 4 + "End"
    parts = split(FormattedText(text), 100)
    assert parts[0].text.startswith("Title\n\nLong sentence")
    assert parts[0].text.endswith(".")


def test_no_break_space_is_not_a_split_point():
    text = "aaaa\u00a0bbbb cccc"
    assert split(FormattedText(text), 10) == [
        FormattedText("aaaa\u00a0bbbb"),
        FormattedText("cccc"),
    ]


def test_hard_split_of_long_word_and_emoji():
    url = "https://example.org/" + "a" * 50
    parts = split_parts(FormattedText(url), 20)
    assert all(p.sep == "" for p in parts)
    assert "".join(p.text.text for p in parts) == url
    emoji = "😀" * 15
    parts = split(FormattedText(emoji), 7)
    assert [utf16_len(p.text) for p in parts] == [6, 6, 6, 6, 6]


def test_hard_split_keeps_zwj_sequences_and_flags_whole():
    family = "👨\u200d👩\u200d👧"  # 8 code units
    parts = split(FormattedText(family * 5), 20)
    assert [p.text for p in parts] == [family * 2, family * 2, family]
    flags = "🇮🇷" * 6  # each flag is two regional indicators, 4 units
    parts = split(FormattedText(flags), 10)
    assert all(p.text == "🇮🇷" * 2 for p in parts[:-1])


# --- entities ------------------------------------------------------------------------------


def test_split_moves_before_an_entity():
    text = "Some words here then a bold phrase that crosses"
    start = text.index("bold")
    ft = FormattedText(text, (Entity("bold", start, len(text) - start),))
    parts = split(ft, 30)
    assert parts[0].text == "Some words here then a"
    assert parts[1].text == "bold phrase that crosses"
    assert parts[1].entities == (Entity("bold", 0, 24),)


def test_entity_longer_than_limit_is_split_in_two_of_the_same_kind():
    text = "intro " + "very long linked words " * 3 + "end"
    ft = FormattedText(text, (Entity("text_url", 6, len(text) - 6 - 4, url="https://t.me/x/1"),))
    parts = split_parts(ft, 30)
    frags = [e for p in parts for e in p.text.entities]
    assert len(frags) >= 2
    assert {(e.kind, e.url) for e in frags} == {("text_url", "https://t.me/x/1")}
    assert join(parts) == ft


def test_entity_that_fits_the_next_part_is_kept_whole():
    # The first limit (caption) is too small for the entity, the next is not.
    bold = "bold " * 10
    text = "a " + bold + "tail"
    ft = FormattedText(text, (Entity("bold", 2, len(bold) - 1),))
    parts = split(ft, [20, 100])
    assert parts[0].text == "a"
    assert parts[1].entities == (Entity("bold", 0, len(bold) - 1),)


def test_entity_offsets_rebased_per_part_with_astral_chars():
    text = "😀 one. 😀 two. 😀 three."
    ft = FormattedText(text, (Entity("italic", utf16_len("😀 one. 😀 "), 3),))
    parts = split(ft, 10)
    carrying = [p for p in parts if p.entities]
    assert len(carrying) == 1
    p = carrying[0]
    e = p.entities[0]
    assert p.text.encode("utf-16-le")[2 * e.offset : 2 * e.end].decode("utf-16-le") == "two"


def test_caption_limit_for_first_part():
    text = " ".join(["word"] * 400)
    parts = split(FormattedText(text), [1024, 4096])
    assert utf16_len(parts[0].text) <= 1024
    assert len(parts) == 2


def test_reserve_last():
    text = "Para one is here.\n\nPara two is here."
    assert len(split(FormattedText(text), 40)) == 1
    parts = split(FormattedText(text), 40, reserve_last=10)
    assert [p.text for p in parts] == ["Para one is here.", "Para two is here."]
    # A word is never hard-split just to make room: the last part then keeps no reserve.
    assert split(FormattedText("x" * 40), 40, reserve_last=10) == [FormattedText("x" * 40)]


def test_bad_limits():
    with pytest.raises(ValueError):
        split(FormattedText("x"), 1)
    with pytest.raises(ValueError):
        split(FormattedText("x"), [])


# --- helpers -------------------------------------------------------------------------------


def test_apply_edits_moves_entities():
    ft = FormattedText("ab\u200bcd ef", (Entity("bold", 0, 5), Entity("italic", 6, 2)))
    out = apply_edits(ft, [(2, 3, ""), (6, 6, "!")])
    assert out.text == "abcd !ef"
    assert out.entities == (Entity("bold", 0, 4), Entity("italic", 6, 2))


def test_strip_whitespace_clips_entities():
    ft = FormattedText("  hi there \n", (Entity("bold", 0, 4), Entity("italic", 10, 2)))
    out = strip_whitespace(ft)
    assert out.text == "hi there"
    assert out.entities == (Entity("bold", 0, 2),)


def test_concat_shifts_by_utf16():
    out = concat(FormattedText("😀"), FormattedText("x", (Entity("bold", 0, 1),)))
    assert out.entities == (Entity("bold", 2, 1),)


# --- render_parts ----------------------------------------------------------------------------


def _ctx(ft: FormattedText, language: str = "en") -> RenderContext:
    return RenderContext(
        translation=ft,
        source_name="Syndicate of Workers of Tehran and Suburbs Vahed Bus Company",
        source_link="https://t.me/vahed_syndicate/77",
        date=datetime(2024, 3, 8),
        translator="Volunteer",
        credit="Shahrokh Zamani Action Campaign",
        language=language,
    )


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    texts(max_tokens=400),
    st.booleans(),
    st.sampled_from([("en", 300, 120), ("fa", 4096, 1024), ("es", 200, 200)]),
)
def test_render_parts_limits_and_attribution(ft, caption, case):
    language, text_limit, caption_limit = case
    rendered = render(DEFAULT_TEMPLATE, _ctx(ft, language))
    parts = render_parts(
        DEFAULT_TEMPLATE,
        _ctx(ft, language),
        caption=caption,
        text_limit=text_limit,
        caption_limit=caption_limit,
    )
    first = caption_limit if caption else text_limit
    assert utf16_len(parts[0].text) <= first
    assert all(utf16_len(p.text) <= text_limit for p in parts[1:])
    attribution = rendered.attribution
    # Whole, with its link entity, at the end of the last part and nowhere else.
    assert parts[-1].text.endswith(attribution.text.lstrip())
    assert all("Source: Telegram channel" not in p.text for p in parts[:-1])
    link = [
        e
        for e in parts[-1].entities
        if e.kind == "text_url" and e.url == "https://t.me/vahed_syndicate/77"
    ]
    assert len(link) == 1
    shift = u16len(parts[-1].text) - u16len(attribution.text.lstrip())
    lead = u16len(attribution.text) - u16len(attribution.text.lstrip())
    assert link[0].offset == attribution.entities[0].offset - lead + shift


def test_render_parts_caption_and_long_translation():
    paragraph = "Workers of the Haft Tappeh Sugar Cane Company gathered again today. " * 8
    ft = FormattedText("\n\n".join([paragraph.strip()] * 12))
    parts = render_parts(DEFAULT_TEMPLATE, _ctx(ft), caption=True)
    assert utf16_len(parts[0].text) <= 1024
    assert all(utf16_len(p.text) <= 4096 for p in parts)
    assert parts[-1].text.endswith("Translation: Shahrokh Zamani Action Campaign")
    assert sum(p.text.count("Source:") for p in parts) == 1


def test_attribution_gets_its_own_part_only_when_it_cannot_share():
    # A translation that is one unsplittable word filling the message.
    ft = FormattedText("x" * 4096)
    parts = render_parts(DEFAULT_TEMPLATE, _ctx(ft))
    assert parts[-1].text.startswith("Source: ")
    assert all(utf16_len(p.text) <= 4096 for p in parts)
    # A translation that can be cut keeps the attribution with its last piece.
    ft = FormattedText("A sentence here. " * 240)
    parts = render_parts(DEFAULT_TEMPLATE, _ctx(ft))
    assert len(parts) == 2
    assert parts[-1].text.startswith("A sentence here.")
    assert parts[-1].text.endswith("Action Campaign")
