"""The one template grammar: `relay check` accepts exactly the templates that can be published."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from relay.config import ConfigError, load_settings
from relay.text.formatting import FormattedText
from relay.text.render import RenderContext, render_parts
from relay.text.template import (
    DEFAULT_TEMPLATE,
    Field,
    Link,
    TemplateError,
    parse_template,
    validate_template,
)

CONFIG = """
[[sources]]
channel = "@vahed_syndicate"
name = "Vahed"

[[targets]]
channel = "@worker_news_en"
language = "en"
credit = "Campaign"
template = {template}
"""
PUBLISHABLE_SCHEMES = ("http://", "https://", "tg://")


def check(tmp_path: Path, template: str) -> str | None:
    """What `relay check` says about ``template``: None if it accepts it, else the problem."""
    path = tmp_path / "relay.toml"
    # A JSON string is a valid TOML basic string (same escapes).
    path.write_text(CONFIG.format(template=json.dumps(template, ensure_ascii=False)), "utf-8")
    try:
        load_settings(path, env={})
    except ConfigError as exc:
        assert exc.key == "targets[0].template", str(exc)
        return exc.problem
    return None


def context(language: str = "en", translation: str = "Workers strike.") -> RenderContext:
    return RenderContext(
        translation=FormattedText(translation),
        source_name="Syndicate of Workers of Haft Tappeh",
        source_link="https://t.me/haft_tappeh/1234",
        date=datetime(2024, 5, 1, 9, 30),
        translator="Maryam",
        credit="Shahrokh Zamani Action Campaign",
        language=language,
    )


def publish(template: str, language: str = "en") -> str | None:
    """None if ``template`` renders (as text and as a caption), else the problem."""
    try:
        for caption in (False, True):
            for part in render_parts(template, context(language), caption=caption):
                for entity in part.entities:
                    if entity.kind == "text_url":
                        assert entity.url and entity.url.lower().startswith(PUBLISHABLE_SCHEMES)
    except TemplateError as exc:
        return str(exc)
    return None


# --- the three bugs of issue 9 ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        ("{translation}\n[]({source_link})", "empty link text"),
        ("{translation}\n[ ](https://t.me/a)", "empty link text"),
        ("{translation}\n[a b](http://x y)", "malformed link"),
        ("{translation}\n[src](ftp://x)", "the url must start with https://, http://, tg://"),
        ("{translation}\n[src]({credit})", "the url must start with"),
        ("{translation}\n[src](https://)", "the url must start with"),
        ("{translation}\n[src](mailto:a@b.org)", "the url must start with"),
        ("{translation}\n[src](https://x.org/a_(b))", "malformed link"),
    ],
)
def test_check_and_publish_refuse_the_same_links(tmp_path: Path, template: str, problem: str):
    refused_by_check = check(tmp_path, template)
    refused_by_publish = publish(template)
    assert refused_by_check is not None and problem in refused_by_check
    assert refused_by_publish is not None and problem in refused_by_publish
    assert "\n" not in refused_by_check and "\n" not in refused_by_publish


@pytest.mark.parametrize(
    "template",
    [
        DEFAULT_TEMPLATE,
        "{translation}\n[src](HTTPS://t.me/a)",
        "{translation}\n[src](tg://resolve?domain=vahed)",
        "{translation}\n[{date}]({source_link}) · [site](http://x.org/{language})",
        "{translation}\n[a]] (b) [c] (d) (e]",  # no "](" outside a link: all literal
    ],
)
def test_check_and_publish_accept_the_same_links(tmp_path: Path, template: str):
    assert check(tmp_path, template) is None
    assert publish(template) is None


def test_parse_gives_the_parts_around_the_translation():
    parsed = parse_template("{source_name}:\n{translation}\n[{date} ·]({source_link}) {{x}}")
    assert parsed.head == (Field("source_name"), ":\n")
    assert parsed.tail == (
        "\n",
        Link(label=(Field("date"), " ·"), url=(Field("source_link"),)),
        " {x}",
    )


def test_error_is_one_line_and_a_value_error():
    with pytest.raises(ValueError) as info:
        validate_template("{translation}\n[x](ftp://a\n)")
    assert isinstance(info.value, TemplateError)
    assert "\n" not in str(info.value) and "\n" not in info.value.problem


# --- property: check accepts == publishing succeeds -------------------------------------------

_TEXT = st.lists(
    st.sampled_from(list("ab :/.\n[]()") + ["{{", "}}", "کارگر", " · ", "https://"]),
    max_size=6,
).map("".join)
_FIELD = st.sampled_from(
    [
        "{translation}",
        "{source_name}",
        "{source_link}",
        "{date}",
        "{translator}",
        "{credit}",
        "{language}",
        "{sorce_name}",
        "{0}",
        "{}",
        "{date:%Y}",
        "{credit!r}",
        "{source_name.upper}",
        "{",
        "}",
    ]
)
_LABEL = st.one_of(
    st.sampled_from(["", " ", "src", "a b", "{source_name}", "{translation}", "x]y", "[", "\n"]),
    _TEXT,
)
_URL = st.one_of(
    st.sampled_from(
        [
            "",
            "http://x",
            "https://t.me/a/1",
            "HTTPS://T.ME/a",
            "tg://resolve?domain=a",
            "ftp://x",
            "https://",
            "tg://",
            "{source_link}",
            "{source_link}?x=1",
            "{credit}",
            "{translation}",
            "http://x y",
            "http://x/(y)",
            "mailto:a@b",
            "https://x/{{y}}",
            "https://x/{language}",
            "https://x/{nope}",
        ]
    ),
    _TEXT,
)
_LINK = st.builds(lambda label, url: f"[{label}]({url})", _LABEL, _URL)
_PIECE = st.one_of(_TEXT, _FIELD, _LINK, st.sampled_from(["](", "[", "]", "(", ")", "\n\n"]))


@st.composite
def templates(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(_PIECE, max_size=8))
    if draw(st.integers(0, 9)) < 8:  # mostly with the required {translation}
        pieces.insert(draw(st.integers(0, len(pieces))), "{translation}")
    return "".join(pieces)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=templates(), language=st.sampled_from(["en", "fa"]))
def test_check_accepts_exactly_what_publishing_renders(tmp_path: Path, template: str, language):
    checked = check(tmp_path, template)
    published = publish(template, language)
    event("accepted" if checked is None else "refused")
    assert (checked is None) == (published is None), (template, checked, published)
