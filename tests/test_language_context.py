"""Issue 11: ambiguous short Arabic-script posts are decided by their channel's recent posts."""

from __future__ import annotations

import pytest

from relay.core.language import arabic_script_open, detect
from relay.core.language_context import (
    CONTEXT_CONFIDENCE,
    REASON_CHANNEL,
    REASON_TEXT,
    channel_prior,
    detect_in_context,
)

AMBIGUOUS = ["حقوق معوقه", "اعتصاب", "تجمع امروز"]


@pytest.mark.parametrize("text", AMBIGUOUS)
def test_ambiguous_short_posts_follow_a_farsi_channel(text: str) -> None:
    assert detect(text).lang == "ar"  # the text alone cannot tell
    decision = detect_in_context(text, "fa")
    assert (decision.lang, decision.reason) == ("fa", REASON_CHANNEL)
    assert decision.confidence == CONTEXT_CONFIDENCE
    assert detect_in_context(text, "ar").reason == REASON_TEXT
    assert detect_in_context(text, None).lang == "ar"


def test_deterministic() -> None:
    assert {detect_in_context("اعتصاب", "fa") for _ in range(20)} == {
        detect_in_context("اعتصاب", "fa")}


@pytest.mark.parametrize("text,prior,expected", [
    ("في المصنع اليوم", "fa", "ar"),  # an Arabic function word decides
    ("العمال في الشركة يعتصمون منذ الصباح", "fa", "ar"),
    ("کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند.", "ar", "fa"),
    ("مزدوروں کا احتجاج", "fa", "ur"),  # Urdu letters decide
    ("کرێکاران مانیان گرت", "fa", "ckb"),
    ("Workers are on strike today", "fa", "en"),
])
def test_what_the_text_decides_the_channel_does_not_change(text: str, prior: str,
                                                            expected: str) -> None:
    decision = detect_in_context(text, prior)
    assert (decision.lang, decision.reason) == (expected, REASON_TEXT)


def test_persian_letters_rule_out_arabic_but_not_urdu() -> None:
    assert detect("صورتحال انسانی").lang == "fa"
    assert detect_in_context("صورتحال انسانی", "ur").lang == "ur"
    assert detect_in_context("صورتحال انسانی", "ar").lang == "fa"
    assert arabic_script_open("صورتحال انسانی") == {"fa", "ur", "ckb", "ps"}


def test_long_posts_are_decided_by_their_text() -> None:
    long_text = " ".join(["اعتصاب"] * 10)
    assert arabic_script_open(long_text) == frozenset()
    assert detect_in_context(long_text, "fa").reason == REASON_TEXT


def test_channel_prior_needs_a_clear_majority_of_enough_posts() -> None:
    assert channel_prior([]) is None
    assert channel_prior(["fa", "fa"]) is None
    assert channel_prior(["fa", "fa", "fa"]) == "fa"
    assert channel_prior(["fa", "und", None, "fa", "ar", "fa"]) == "fa"
    assert channel_prior(["fa", "ar", "fa", "ar"]) is None
    assert channel_prior(["ar"] * 25 + ["fa"] * 40) == "ar"  # only the newest 20 count
