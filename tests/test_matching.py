"""Tests for relay.core.matching: normalisation, exact and near copies, lookalikes, the window.

The floors run on the labelled pairs of tests/dedup_set.py, generated from the language-ID dev
set (read from the shared folder at run time, never copied here) and from written templates.
Every example text below was written for these tests.
"""

from __future__ import annotations

import functools
import random
import time
from datetime import UTC, datetime, timedelta

import pytest

from relay.core.matching import MatchSettings, StatementIndex
from relay.core.matching_text import is_fact, normalise, segments
from tests.dedup_set import find_dev_set, labelled_pairs, load_farsi

PRECISION_FLOOR = 0.99
RECALL_FLOOR = 0.95
DAY = 86400.0

STATEMENT = (
    "کارگران شرکت نیشکر هفت تپه صبح امروز در اعتراض به چهار ماه حقوق معوقه مقابل "
    "ساختمان مدیریت تجمع کردند.\n"
    "به گفته کارگران، کارفرما تاکنون هیچ پاسخی به مطالبات آنان نداده است."
)


def index_with(text: str, key: str = "first", at: float = 0.0, **settings) -> StatementIndex:
    index = StatementIndex(MatchSettings(**settings))
    index.add(key, text, at)
    return index


# ----------------------------------------------------------------------------- normalisation


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("ﻛﺎﺭﮔﺮﺍﻥ", "کارگران"),  # NFKC: Arabic presentation forms
        ("كارگران شركت", "کارگران شرکت"),  # Arabic kaf
        ("كارخانه ي ما", "کارخانه ی ما"),  # Arabic yeh
        ("مدیرىت", "مدیریت"),  # alef maksura
        ("اتحادیة", "اتحادیه"),  # teh marbuta
        ("خانۀ کارگر", "خانه کارگر"),  # heh with yeh above
        ("أعتصاب إعتصاب آزادی", "اعتصاب اعتصاب ازادی"),  # alef with hamza / madda
        ("مسؤول", "مسوول"),  # waw with hamza
        ("كـــارگـــران", "کارگران"),  # tatweel
        ("کارگرانِ شَرکت", "کارگران شرکت"),  # harakat
        ("۱۲ مهر ۱۴۰۳", "12 مهر 1403"),  # Persian digits
        ("١٢ مهر ١٤٠٣", "12 مهر 1403"),  # Arabic-Indic digits
        ("۰۷ و 007", "7 و 7"),  # leading zeros
        ("۱,۵۰۰ نفر و ۱٬۵۰۰ نفر", "1500 نفر و 1500 نفر"),  # thousands separators
        ("۵مین هفته", "5 مین هفته"),  # a number stands alone
        ("می\u200cروند", "میروند"),  # ZWNJ, then the verb prefix joined
        ("می روند", "میروند"),  # space, prefix joined
        ("نمی\u200cخواهند", "نمیخواهند"),
        ("حقوق\u200cها و کارخانه های", "حقوقها و کارخانههای"),  # plural suffix joined
        ("سه\u200cشنبه و سه شنبه", "سهشنبه و سهشنبه"),  # weekday compounds
        ("کارگران   \t  شرکت\u00a0واحد", "کارگران شرکت واحد"),  # whitespace runs
        ("\u200fکارگران\u200e", "کارگران"),  # bidi marks
        ("کارگران https://t.me/vahed/12 شرکت", "کارگران شرکت"),  # link
        ("کارگران www.example.org شرکت", "کارگران شرکت"),  # www link
        ("کارگران iran-workers.org شرکت", "کارگران شرکت"),  # bare domain
        ("کارگران @vahed_syndicate شرکت", "کارگران شرکت"),  # mention
        ("کارگران #هفت_تپه تجمع کردند", "کارگران هفت تپه تجمع کردند"),  # inline hashtag words
        ("تجمع کردند #اعتصاب #کارگران", "تجمع کردند"),  # hashtags ending a line
        ("🔴 تجمع کردند ✊🏽 ‼️", "تجمع کردند"),  # emoji
        ("«تجمع» کردند!؟ (امروز)، …", "تجمع کردند امروز"),  # punctuation
        ("Workers STRIKE", "workers strike"),  # case-folded
    ],
)
def test_normalisation_rule(variant: str, plain: str) -> None:
    assert normalise(variant) == normalise(plain) == plain


@pytest.mark.parametrize(
    "footer",
    [
        "🆔 @vahed_syndicate",
        "@vahed_syndicate",
        "https://t.me/haft_tappeh",
        "کانال سندیکای کارگران شرکت واحد\n@vahedsyndica",
        "کانال اتحاد بازنشستگان",
        "join us: @iran_workers",
        "عضویت در کانال 👇\nt.me/union_ir",
        "#اعتصاب #کارگران #ایران",
        "👇👇👇",
    ],
)
def test_channel_footers_are_stripped(footer: str) -> None:
    assert normalise(STATEMENT + "\n" + footer) == normalise(STATEMENT)
    assert normalise(STATEMENT + "\n\n" + footer + "\n") == normalise(STATEMENT)


def test_leading_bare_handle_is_stripped_but_not_a_sentence_naming_a_channel() -> None:
    assert normalise("@vahed_syndicate\n" + STATEMENT) == normalise(STATEMENT)
    body = "سندیکای کارگران شرکت واحد در کانال @vahed از همه کارگران خواست به تجمع بپیوندند."
    assert "بپیوندند" in normalise(body)


def test_a_long_last_line_with_a_link_is_kept() -> None:
    last = "متن کامل این بیانیه که به امضای بیش از صد تشکل رسیده در این نشانی است t.me/x/1"
    assert "تشکل" in normalise(STATEMENT + "\n" + last)


def test_segments_split_at_sentence_ends_and_line_breaks() -> None:
    assert segments("اول. دوم! سوم؟\nچهارم 2.5") == [
        ["اول"], ["دوم"], ["سوم"], ["چهارم", "2", "5"]]


def test_facts() -> None:
    assert is_fact("1403") and is_fact("مهر") and is_fact("سهشنبه") and is_fact("فردا")
    assert not is_fact("کارگران")


def test_links_and_emoji_only_post_normalises_to_nothing() -> None:
    assert normalise("🔴 https://t.me/x/5 @x #y") == ""


# ----------------------------------------------------------------------------- matching


@pytest.mark.parametrize(
    "copy",
    [
        STATEMENT,
        STATEMENT.replace("ی", "ي").replace("ک", "ك"),
        "🔴 " + STATEMENT + "\n🆔 @haft_tappeh",
        STATEMENT + "\n#اعتصاب #کارگران\nhttps://t.me/haft_tappeh/98",
    ],
)
def test_exact_copies_match(copy: str) -> None:
    assert index_with(STATEMENT).match(copy, 3600) == "first"


@pytest.mark.parametrize(
    "copy",
    [
        "بیانیه فوری\n" + STATEMENT,  # a header line added
        STATEMENT + "\nانتشار حداکثری",  # a closing line added
        STATEMENT + " این تجمع فردا ادامه خواهد داشت.",  # a sentence added (with a date word)
        STATEMENT.split("\n")[0],  # the closing line removed
        STATEMENT.replace("ساختمان", "ساختمن"),  # a typo (fixed in the stored one)
        STATEMENT.replace("مطالبات", "مطالبت"),
        STATEMENT.replace("تاکنون", "تا کنون"),  # a word split
        "فوری\n" + STATEMENT.replace("کارفرما", "کارفرمای"),  # a line and a typo at once
    ],
)
def test_near_copies_match(copy: str) -> None:
    assert index_with(STATEMENT).match(copy, 3600) == "first"


@pytest.mark.parametrize(
    "lookalike",
    [
        STATEMENT.replace("شرکت نیشکر هفت تپه", "فولاد اهواز"),  # another workplace
        STATEMENT.replace("شرکت نیشکر هفت تپه", "شرکت نیشکر هفت تپه و فولاد اهواز"),  # one added
        STATEMENT.replace("چهار", "پنج"),  # another number, in words
        STATEMENT.replace("صبح امروز", "صبح دیروز"),  # another day
        STATEMENT.replace("امروز", "امروز ۱۲ مهر"),  # a date slipped into the sentence
        STATEMENT.replace("ساختمان مدیریت", "استانداری"),  # another place
        STATEMENT.replace("تجمع کردند", "اعتصاب کردند"),  # another action
        # the same topic, another statement
        "کارگران شرکت نیشکر هفت تپه امروز هم در اعتراض به حقوق معوقه دست از کار کشیدند و "
        "اعلام کردند تا پرداخت کامل مطالبات به اعتصاب ادامه می‌دهند.",
    ],
)
def test_lookalikes_do_not_match(lookalike: str) -> None:
    assert index_with(STATEMENT).match(lookalike, 3600) is None


@pytest.mark.parametrize(("first", "second"), [("12", "13"), ("مهر", "آبان"), ("شنبه", "یکشنبه")])
def test_dates_and_numbers_must_agree(first: str, second: str) -> None:
    template = "فراخوان تجمع بازنشستگان فولاد اهواز روز {} ساعت ده صبح مقابل استانداری خوزستان."
    index = index_with(template.format(first))
    assert index.match(template.format(first), 0) == "first"
    assert index.match(template.format(second), 0) is None


def test_very_short_posts_never_match_and_short_ones_only_exactly() -> None:
    assert index_with("اعتصاب!").match("اعتصاب!", 0) is None
    assert index_with("تجمع امروز").match("تجمع امروز", 0) is None
    short = "تجمع بازنشستگان مقابل مجلس"  # 4 words: exact only
    assert index_with(short).match("🔴 " + short + " @x", 0) == "first"
    assert index_with(short).match(short + " ادامه دارد", 0) is None
    assert index_with(short).match(short.replace("بازنشستگان", "بازنشستگن"), 0) is None


def test_window() -> None:
    index = index_with(STATEMENT, at=0)
    assert index.match(STATEMENT, 29 * DAY) == "first"
    assert index.match(STATEMENT, 31 * DAY) is None
    assert index.match("بیانیه فوری\n" + STATEMENT, 31 * DAY) is None
    short = index_with(STATEMENT, at=0, window_days=2)
    assert short.match(STATEMENT, 1.5 * DAY) == "first"
    assert short.match(STATEMENT, 2.5 * DAY) is None


def test_datetime_timestamps() -> None:
    start = datetime(2024, 10, 3, 8, 0, tzinfo=UTC)
    index = StatementIndex()
    index.add(7, STATEMENT, start)
    assert index.match(STATEMENT, start + timedelta(days=3)) == 7
    assert index.match(STATEMENT, start + timedelta(days=40)) is None


def test_old_posts_are_evicted() -> None:
    index = StatementIndex()
    index.add("old", STATEMENT, 0)
    other = "سندیکای کارگران شرکت واحد از اعتصاب رانندگان در سراسر کشور حمایت می‌کند و خواهان آزادی همکاران زندانی است."
    index.add("new", other, 40 * DAY)
    assert index.evict(40 * DAY - 30 * DAY) == 1
    assert len(index) == 1
    assert index.match(other, 40 * DAY) == "new"


def test_a_long_run_in_a_short_window_keeps_only_the_window() -> None:
    """Posts keep coming for many windows: a post added again under its key (an edited post
    is), removed ones and replaced ones all leave with the window. Between two sweeps (one per
    eighth of the index's size in adds, at least 1024) the index holds the window plus what
    arrived since the last sweep, never more, however long the run."""
    rng = random.Random(7)
    words = normalise(STATEMENT).split() + [f"w{n}" for n in range(300)]
    window, per_second = 100.0, 10  # 1,000 posts in the window, ~1,140 entries with the edits
    index = StatementIndex(MatchSettings(window_days=window / DAY))
    dated: dict[int, list[float]] = {}  # key -> the dates of its entries
    most = 0
    for n in range(6_000):
        at = n / per_second
        text = " ".join(rng.choices(words, k=12)) + f" {n}"
        index.add(n, text, at)
        dated[n] = [at]
        if n % 7 == 0:  # edited: its new text is added under the same key
            index.add(n, text + " ویرایش", at)
            dated[n].append(at)
        if n % 97 == 0 and n - 50 in dated:  # split off a statement
            index.remove(n - 50)
            dated.pop(n - 50)
        if n % 13 == 0 and n - 30 in dated:  # edited so that it left its statement: replaced
            index.remove(n - 30)
            index.add(n - 30, text + " اصلاحیه", (n - 30) / per_second)
            dated[n - 30] = [(n - 30) / per_second]
        if at > 2 * window and n % 50 == 0:
            in_window = sum(d >= at - window for ds in dated.values() for d in ds)
            most = max(most, len(index) - in_window)
            for key in [k for k, ds in dated.items() if ds[0] < at - 2 * window]:
                del dated[key]  # out of the window long ago: counted as left over if kept
    assert most <= max(1024, len(index) // 8) + 1
    index.evict(at - window)
    assert len(index) == sum(d >= at - window for ds in dated.values() for d in ds)


def test_remove_splits_a_wrong_match() -> None:
    index = StatementIndex()
    index.add("job-1", STATEMENT, 0)
    index.add("job-1", "بیانیه فوری\n" + STATEMENT, 60)
    assert index.match(STATEMENT + "\nانتشار حداکثری", 120) == "job-1"
    assert index.remove("job-1") == 2
    assert len(index) == 0
    assert index.match(STATEMENT, 120) is None
    assert index.remove("job-1") == 0
    index.add("job-2", STATEMENT, 180)  # slots are reused
    assert index.match(STATEMENT, 200) == "job-2"


def test_the_closest_and_then_the_earliest_wins() -> None:
    index = StatementIndex()
    index.add("longer", STATEMENT + "\nانتشار حداکثری و فوری برای همه", 0)
    index.add("same", STATEMENT, 100)
    index.add("later-same", STATEMENT, 200)
    assert index.match(STATEMENT, 300) == "same"
    assert index.match(STATEMENT + "\nانتشار", 300) == "same"


def test_too_short_posts_are_not_stored() -> None:
    index = StatementIndex()
    assert index.add("x", "🔴 @x", 0) is False
    assert index.add("y", STATEMENT, 0) is True
    assert len(index) == 1


def test_many_posts_grow_the_table_and_stay_findable() -> None:
    rng = random.Random(3)
    words = normalise(STATEMENT).split()
    texts = [" ".join(rng.choices(words, k=12)) + f" {n}" for n in range(3000)]
    index = StatementIndex()
    for n, text in enumerate(texts):
        index.add(n, text, n)
    assert len(index) == 3000
    for n in (0, 1234, 2999):
        assert index.match(texts[n], 3000) == n
        assert index.match("فوری\n" + texts[n], 3000) == n
    for n in range(0, 3000, 2):
        index.remove(n)
    assert len(index) == 1500
    assert index.match(texts[10], 3000) is None
    assert index.match("فوری\n" + texts[11], 3000) == 11


def test_many_copies_of_one_statement_stay_cheap() -> None:
    index = StatementIndex()
    for n in range(400):
        index.add(n, STATEMENT + f"\nگزارش شماره {n}", n)
    start = time.perf_counter()
    assert index.match(STATEMENT + "\nگزارش شماره 7", 500) == 7
    assert index.match("فوری\n" + STATEMENT, 500) is not None
    assert time.perf_counter() - start < 1.0  # candidates checked are capped


# ----------------------------------------------------------------------------- floors


@functools.cache
def _pairs():
    path = find_dev_set()
    if path is None:
        pytest.fail("language-ID dev set not found: set $RELAY_LANGID_DEV or place it at "
                    "<repo>/../shared/langid/dev.jsonl")  # a missing data set fails the floors
    return labelled_pairs(load_farsi(path))


def test_labelled_set_is_large_and_deterministic() -> None:
    pairs = _pairs()
    assert len(pairs) >= 500
    assert sum(p.same for p in pairs) >= 200 and sum(not p.same for p in pairs) >= 250
    assert labelled_pairs(load_farsi(find_dev_set())) == pairs
    kinds = {p.kind for p in pairs}
    assert {"dev copy", "template copy", "other dev post", "same opening line",
            "same topic, other statement", "template, other w"} <= kinds


def test_precision_and_recall_floors() -> None:
    tp = fp = fn = 0
    wrong = []
    for pair in _pairs():
        index = index_with(pair.first)
        merged = index.match(pair.second, 3600) == "first"
        tp += merged and pair.same
        fp += merged and not pair.same
        fn += pair.same and not merged
        if merged != pair.same:
            wrong.append(pair)
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    detail = "\n".join(f"{p.kind}: {p.first!r} / {p.second!r}" for p in wrong[:5])
    assert precision >= PRECISION_FLOOR, f"precision {precision:.4f}\n{detail}"
    assert recall >= RECALL_FLOOR, f"recall {recall:.4f}\n{detail}"
