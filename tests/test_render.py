"""Rendering translations with attribution: templates, literal values, RTL safety."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from relay.text.bidi import FSI, LRM, PDI, RLM, is_rtl_language
from relay.text.formatting import Entity, FormattedText, utf16_len
from relay.text.links import post_link
from relay.text.render import (
    DEFAULT_TEMPLATE,
    RenderContext,
    render,
    render_parts,
    template_fields,
    validate_template,
)

HAFT_TAPPEH = "Syndicate of Workers of Haft Tappeh Sugar Cane Company"
CAMPAIGN = "Shahrokh Zamani Action Campaign"
LINK = "https://t.me/haft_tappeh_syndicate/1234"

EN = (
    "Haft Tappeh workers strike for the fourth day\n\n"
    "Workers of the Haft Tappeh Sugar Cane Company in Shush, Khuzestan, gathered again this "
    "morning in front of the company's administration building. They demand two months of "
    "unpaid wages and the return of their dismissed colleagues."
)
ES = (
    "Cuarto día de huelga de los trabajadores de Haft Tappeh\n\n"
    "Los trabajadores de la Compañía Azucarera de Haft Tappeh en Shush, Juzestán, se "
    "concentraron de nuevo esta mañana frente al edificio de la administración. Exigen el pago "
    "de dos meses de salarios atrasados y la readmisión de sus compañeros despedidos."
)


def ctx(
    translation: FormattedText | str,
    *,
    language: str = "en",
    source_name: str = HAFT_TAPPEH,
    source_link: str = LINK,
    credit: str = CAMPAIGN,
    translator: str = "Maryam",
) -> RenderContext:
    if isinstance(translation, str):
        translation = FormattedText(translation)
    return RenderContext(
        translation=translation,
        source_name=source_name,
        source_link=source_link,
        date=datetime(2024, 5, 1, 9, 30),
        translator=translator,
        credit=credit,
        language=language,
    )


def covered(ft: FormattedText, e: Entity) -> str:
    return ft.text.encode("utf-16-le")[2 * e.offset : 2 * e.end].decode("utf-16-le")


# --- golden outputs ----------------------------------------------------------------------------


def test_golden_english_default_template():
    translation = FormattedText(EN, (Entity("bold", 0, 45),))
    parts = render_parts(DEFAULT_TEMPLATE, ctx(translation))
    assert parts == [
        FormattedText(
            "Haft Tappeh workers strike for the fourth day\n\n"
            "Workers of the Haft Tappeh Sugar Cane Company in Shush, Khuzestan, gathered again this "
            "morning in front of the company's administration building. They demand two months of "
            "unpaid wages and the return of their dismissed colleagues.\n\n"
            "Source: Telegram channel of Syndicate of Workers of Haft Tappeh Sugar Cane Company\n"
            "Translation: Shahrokh Zamani Action Campaign",
            (
                Entity("bold", 0, 45),
                Entity("text_url", 287, 74, url="https://t.me/haft_tappeh_syndicate/1234"),
            ),
        )
    ]
    assert covered(parts[0], parts[0].entities[1]) == f"Telegram channel of {HAFT_TAPPEH}"


def test_golden_spanish_default_template():
    translation = FormattedText(ES, (Entity("bold", 0, 55),))
    parts = render_parts(DEFAULT_TEMPLATE, ctx(translation, language="es"))
    assert parts == [
        FormattedText(
            "Cuarto día de huelga de los trabajadores de Haft Tappeh\n\n"
            "Los trabajadores de la Compañía Azucarera de Haft Tappeh en Shush, Juzestán, se "
            "concentraron de nuevo esta mañana frente al edificio de la administración. Exigen el pago "
            "de dos meses de salarios atrasados y la readmisión de sus compañeros despedidos.\n\n"
            "Source: Telegram channel of Syndicate of Workers of Haft Tappeh Sugar Cane Company\n"
            "Translation: Shahrokh Zamani Action Campaign",
            (
                Entity("bold", 0, 55),
                Entity("text_url", 317, 74, url="https://t.me/haft_tappeh_syndicate/1234"),
            ),
        )
    ]


def test_golden_spanish_template():
    template = "{translation}\n\nFuente: [Canal de Telegram de {source_name}]({source_link}) · {date}\nTraducción: {credit}"
    rendered = render(template, ctx(ES, language="es", source_name="Sindicato de Haft Tappeh"))
    assert rendered.body == FormattedText(ES)
    assert rendered.header == FormattedText("")
    assert rendered.attribution == FormattedText(
        "\n\nFuente: Canal de Telegram de Sindicato de Haft Tappeh · 2024-05-01\nTraducción: Shahrokh Zamani Action Campaign",
        (Entity("text_url", 10, 45, url=LINK),),
    )


# --- links ---------------------------------------------------------------------------------------


def test_post_links():
    assert (
        post_link("haft_tappeh_syndicate", 1234567890, 1234)
        == "https://t.me/haft_tappeh_syndicate/1234"
    )
    assert post_link("@vahed_syndicate", 1, 5) == "https://t.me/vahed_syndicate/5"
    assert post_link(None, 1234567890, 42) == "https://t.me/c/1234567890/42"
    assert post_link(None, -1001234567890, 42) == "https://t.me/c/1234567890/42"
    assert post_link("", 1234567890, 7) == "https://t.me/c/1234567890/7"


def test_private_link_in_attribution():
    rendered = render(
        DEFAULT_TEMPLATE, ctx("Text.", source_link=post_link(None, -1001234567890, 99))
    )
    assert rendered.attribution.entities == (
        Entity("text_url", 10, 74, url="https://t.me/c/1234567890/99"),
    )


# --- literal values --------------------------------------------------------------------------------


def test_markup_in_values_is_never_interpreted():
    name = "*Bold* <b>Union</b> [x](https://evil.example) {credit}"
    translation = (
        "Read *this*, <i>that</i> and [here](https://x.example) and {source_name} {{x}} {0}"
    )
    rendered = render(
        DEFAULT_TEMPLATE, ctx(translation, source_name=name, credit="_Campaign_ {date}")
    )
    full = rendered.joined()
    assert full.text == (
        f"{translation}\n\nSource: Telegram channel of {name}\nTranslation: _Campaign_ {{date}}"
    )
    assert full.entities == (Entity("text_url", len(translation) + 10, 20 + len(name), url=LINK),)


def test_markup_in_link_url_value_is_literal():
    rendered = render(DEFAULT_TEMPLATE, ctx("x", source_link="https://t.me/a/1)(evil"))
    assert rendered.attribution.entities[0].url == "https://t.me/a/1)(evil"


def test_translator_entities_survive_with_offsets():
    text = "Strike at 😀 Haft Tappeh: see the statement and the list."
    bold = Entity("bold", 0, 6)
    italic = Entity("italic", text.index("Haft") + 1, 11)  # +1: the emoji is 2 UTF-16 units
    link = Entity("text_url", utf16_len(text[: text.index("statement")]), 9, url="https://t.me/s/1")
    template = "{source_name} reports:\n\n{translation}\n\n— {credit}"
    translation = FormattedText(text, (bold, italic, link))
    parts = render_parts(template, ctx(translation, source_name="Vahed Syndicate"))
    assert len(parts) == 1
    part = parts[0]
    head = utf16_len("Vahed Syndicate reports:\n\n")
    assert part.text == f"Vahed Syndicate reports:\n\n{text}\n\n— {CAMPAIGN}"
    assert part.entities == (bold.shifted(head), italic.shifted(head), link.shifted(head))
    assert [covered(part, e) for e in part.entities] == ["Strike", "Haft Tappeh", "statement"]


def test_date_and_other_fields():
    template = "{translation}\n{date} · {language} · {translator} · {source_link}"
    rendered = render(template, ctx("x", language="es"))
    assert rendered.attribution.text == f"\n2024-05-01 · es · Maryam · {LINK}"
    c = RenderContext(FormattedText("x"), "n", LINK, date(2023, 12, 31), "t", "c", "en")
    assert render("{translation} {date}", c).attribution.text == " 2023-12-31"


def test_whitespace_around_translation_is_trimmed():
    translation = FormattedText("\n  Body text. \n\n", (Entity("bold", 3, 4),))
    rendered = render(DEFAULT_TEMPLATE, ctx(translation))
    assert rendered.body == FormattedText("Body text.", (Entity("bold", 0, 4),))


# --- right-to-left safety ---------------------------------------------------------------------------


def test_leading_farsi_name_in_english_translation():
    name = "علی نجاتی"
    text = f"{name}, a retired Haft Tappeh worker, was arrested on Tuesday."
    rendered = render(DEFAULT_TEMPLATE, ctx(FormattedText(text, (Entity("bold", 0, 9),))))
    # LRM opens the line, so the paragraph is LTR; the comma then follows the paragraph.
    assert (
        rendered.body.text == f"{LRM}{name}, a retired Haft Tappeh worker, was arrested on Tuesday."
    )
    assert rendered.body.entities == (Entity("bold", 1, 9),)
    assert covered(rendered.body, rendered.body.entities[0]) == name


def test_leading_link_over_farsi_text():
    text = "سندیکای واحد reported the arrest of 3 drivers."
    link = Entity("text_url", 0, 12, url="https://t.me/vahed/1")
    rendered = render(DEFAULT_TEMPLATE, ctx(FormattedText(text, (link,))))
    assert rendered.body.text == f"{LRM}سندیکای واحد reported the arrest of 3 drivers."
    assert rendered.body.entities == (Entity("text_url", 1, 12, url="https://t.me/vahed/1"),)


def test_farsi_run_followed_by_number_is_closed():
    text = "The worker رضا شهابی 55 years old, and علی (62), and ماده ۲۷ of the law"
    rendered = render(DEFAULT_TEMPLATE, ctx(text))
    # A number after the run gets an LRM before it; Persian digits inside the run do not.
    assert rendered.body.text == (
        f"The worker رضا شهابی{LRM} 55 years old, and علی{LRM} (62), and ماده ۲۷ of the law"
    )


def test_farsi_hashtags_mentions_and_urls_are_not_touched():
    text = "Follow #هفت_تپه_1403 and https://fa.wikipedia.org/wiki/هفت/1403 or @واحد_1 today"
    assert render(DEFAULT_TEMPLATE, ctx(text)).body.text == text


def test_wholly_farsi_line_keeps_its_direction():
    text = "They chanted:\nزنده باد کارگر\nand marched on."
    assert render(DEFAULT_TEMPLATE, ctx(text)).body.text == text


def test_farsi_source_name_isolated_in_english_attribution():
    name = "سندیکای کارگران نیشکر هفت تپه"
    rendered = render(DEFAULT_TEMPLATE, ctx("Workers strike.", source_name=name))
    assert rendered.attribution.text == (
        f"\n\nSource: Telegram channel of {FSI}{name}{PDI}\nTranslation: {CAMPAIGN}"
    )
    (link,) = rendered.attribution.entities
    assert covered(rendered.attribution, link) == f"Telegram channel of {FSI}{name}{PDI}"


def test_farsi_credit_on_its_own_line_gets_a_leading_mark():
    rendered = render(
        "{translation}\n\n{credit}", ctx("Workers strike.", credit="کمپین شاهرخ زمانی")
    )
    assert rendered.attribution.text == f"\n\n{LRM}{FSI}کمپین شاهرخ زمانی{PDI}"


def test_farsi_target_mirrors_the_rules():
    template = "{translation}\n\nمنبع: [کانال تلگرام {source_name}]({source_link})\nترجمه: {credit}"
    body = "Haft Tappeh: کارگران امروز دوباره اعتصاب کردند.\nرانندگان Vahed 12 روز اعتصاب کردند."
    rendered = render(
        template,
        ctx(
            FormattedText(body, (Entity("bold", 0, 11),)),
            language="fa",
            source_name="Vahed Syndicate",
        ),
    )
    assert rendered.body.text == (
        f"{RLM}Haft Tappeh: کارگران امروز دوباره اعتصاب کردند.\nرانندگان Vahed{RLM} 12 روز اعتصاب کردند."
    )
    assert rendered.body.entities == (Entity("bold", 1, 11),)
    assert rendered.attribution.text == (
        f"\n\nمنبع: کانال تلگرام {FSI}Vahed Syndicate{PDI}\nترجمه: {FSI}{CAMPAIGN}{PDI}"
    )
    (link,) = rendered.attribution.entities
    assert covered(rendered.attribution, link) == f"کانال تلگرام {FSI}Vahed Syndicate{PDI}"


def test_rtl_languages():
    assert is_rtl_language("fa") and is_rtl_language("fa-IR") and is_rtl_language("ar_EG")
    assert not is_rtl_language("en") and not is_rtl_language("es") and not is_rtl_language("pt-BR")


def test_continuation_part_starting_with_farsi_gets_a_mark():
    sentence = "Reports from the sugar cane fields say the strike continues today. "
    text = sentence * 5 + "علی نجاتی and his 12 colleagues were released."
    parts = render_parts(DEFAULT_TEMPLATE, ctx(text), text_limit=len(sentence) * 5 + 10)
    assert parts[1].text.startswith(f"{LRM}علی نجاتی and his 12 colleagues")
    assert all(utf16_len(p.text) <= len(sentence) * 5 + 10 for p in parts)


# --- control characters ----------------------------------------------------------------------------


def test_control_characters_stripped_zwnj_kept():
    text = "\ufeffWor\u200bkers\u200f strike\u202b\u202c: کارگران می\u200cروند\u2066!\u2069"
    bold = Entity("bold", 1, 16)  # "Wor\u200bkers\u200f strike"
    italic = Entity("italic", text.index("می"), 7)
    rendered = render(
        DEFAULT_TEMPLATE,
        ctx(
            FormattedText(text, (bold, italic)),
            source_name="\u202eUnion\u202c\u200e",
            credit="A\u200dB",
        ),
    )
    body = rendered.body
    assert body.text == "Workers strike: کارگران می\u200cروند!"
    assert [covered(body, e) for e in body.entities] == ["Workers strike", "می\u200cروند"]
    assert "Telegram channel of Union\n" in rendered.attribution.text
    assert rendered.attribution.text.endswith("Translation: A\u200dB")  # ZWJ joins, is kept


# --- templates ---------------------------------------------------------------------------------------


def test_template_fields():
    assert template_fields(DEFAULT_TEMPLATE) == {
        "translation",
        "source_name",
        "source_link",
        "credit",
    }
    assert template_fields("{translation} {{literal}} {date}") == {"translation", "date"}


def test_default_template_is_valid():
    validate_template(DEFAULT_TEMPLATE)
    validate_template("{source_name}:\n{translation}\n[{date}]({source_link}) [not a link] (x)")


@pytest.mark.parametrize(
    ("template", "message"),
    [
        (
            "{translation}\n{sorce_name}",
            "unknown field {sorce_name} in template; did you mean {source_name}?",
        ),
        ("{translation} {credits}", "did you mean {credit}?"),
        ("{translation} {zzz}", "unknown field {zzz} in template; valid fields: {translation}"),
        ("{translation} {0}", "unknown field {0}"),
        ("{translation} {}", "empty field {}"),
        ("{translation", "malformed braces"),
        ("{translation} }", "malformed braces"),
        ("{translation} {date:%Y}", "format specs and conversions are not supported"),
        ("{translation} {credit!r}", "format specs and conversions are not supported"),
        ("Source: {source_name}", "exactly once (found 0)"),
        ("{translation}\n{translation}", "exactly once (found 2)"),
        ("[{translation}]({source_link})", "{translation} cannot be inside a link"),
        ("{translation} [Source]({source_link}", "malformed link"),
        ("{translation} [Source](https://t.me/a b)", "malformed link"),
        ("{translation} [](https://t.me/a)", "empty link text"),
        ("{translation} [Source]()", "empty link URL"),
    ],
)
def test_validate_template_errors(template, message):
    with pytest.raises(ValueError) as info:
        validate_template(template)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    with pytest.raises(ValueError):
        render(template, ctx("x"))


def test_header_goes_on_the_first_part():
    template = "{source_name} reports:\n\n{translation}\n\n{credit}"
    text = "A sentence about the strike. " * 10
    parts = render_parts(template, ctx(text, source_name="Vahed"), text_limit=200)
    assert parts[0].text.startswith("Vahed reports:\n\nA sentence")
    assert parts[-1].text.endswith(CAMPAIGN)
    assert sum("Vahed reports" in p.text for p in parts) == 1


# --- properties ---------------------------------------------------------------------------------------

_PIECES = [
    "Haft Tappeh",
    "workers",
    "علی نجاتی",
    "کارگران",
    "می\u200cروند",
    " ",
    " ",
    ", ",
    "\n",
    "\n\n",
    "55",
    "(62)",
    "😀",
    "👨\u200d👩\u200d👧",
    "#هفت_تپه",
    "\u200b",
    "\u200f",
    "\u202b",
    "\u2067",
    "\ufeff",
]
_STRIPPED = "\u200b\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"


@st.composite
def _translations(draw) -> FormattedText:
    text = "".join(draw(st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40)))
    bounds = [0]
    for ch in text:
        bounds.append(bounds[-1] + utf16_len(ch))
    picks = sorted(set(draw(st.lists(st.sampled_from(bounds), max_size=8))))
    entities = tuple(
        Entity(draw(st.sampled_from(["bold", "italic", "text_url"])), a, b - a)
        for a, b in zip(picks[::2], picks[1::2], strict=False)
        if b > a
    )
    return FormattedText(text, entities)


@settings(max_examples=150, deadline=None)
@given(_translations(), st.sampled_from(["en", "es", "fa"]))
def test_entities_survive_stripping_and_marks(translation, language):
    body = render(DEFAULT_TEMPLATE, ctx(translation, language=language)).body
    # Reference: drop control characters, then trim whitespace; marks are the only additions.
    kept = [(i, c) for i, c in enumerate(translation.text) if c not in _STRIPPED]
    while kept and kept[0][1].isspace():
        kept.pop(0)
    while kept and kept[-1][1].isspace():
        kept.pop()
    visible = body.text.replace(LRM, "").replace(RLM, "")
    assert visible == "".join(c for _, c in kept)
    assert not any(c in body.text for c in _STRIPPED.replace(LRM, "").replace(RLM, ""))
    units = [0]
    for c in translation.text:
        units.append(units[-1] + utf16_len(c))
    expected = []
    for e in translation.entities:
        inside = "".join(c for i, c in kept if e.offset <= units[i] < e.end)
        if inside:
            expected.append((e.kind, inside))
    got = [(e.kind, covered(body, e).replace(LRM, "").replace(RLM, "")) for e in body.entities]
    assert got == expected
