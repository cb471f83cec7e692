"""Job cards (relay.review.cards): what a card says and which buttons it carries, per state."""

from __future__ import annotations

import re
import string
from dataclasses import replace

import pytest

from relay.core.jobview import JobView
from relay.core.workflow import Refusal, Rules, Status
from relay.review.cards import (
    ButtonSpec,
    card_buttons,
    change_summary,
    confirm_buttons,
    fmt_age,
    fmt_time,
    preview_buttons,
    render_card,
)
from relay.review.commands import COMMAND_HELP
from relay.review.texts import TEXTS, status_name, t
from relay.telegram.callbacks import CODES
from relay.text.formatting import Entity, utf16_len

NOW = 1_800_000_000
RULES = Rules(claim_seconds=7200, four_eyes=True)
SARA, REZA = 5001, 5002
NAMES = {SARA: "Sara", REZA: "Reza"}
FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."
TG_LIMIT = 4096
PUBLICATION = "https://t.me/relay_en/7"

BASE = JobView(
    id=7, status=Status.QUEUED, version=1, target="en", language="en",
    channel_id=-1001234567890, message_id=42, unit_key="m42",
    source_text=FARSI, source_hash="h1",
    draft_text=None, draft_entities=(), draft_source_hash=None, draft_source_text=None,
    translator_id=None, editor_id=None, claimed_by=None, claimed_at=None, reason=None,
    created_at=NOW - 3600, updated_at=NOW - 60,
    channel_username="vahed", channel_name="Vahed Syndicate", message_date=NOW - 7200,
    lang="fa", lang_confidence=0.987, media_kind=None, source_deleted=False,
)


def view(**changes) -> JobView:
    return replace(BASE, **changes)


def drafted(**changes) -> JobView:
    values = dict(status=Status.DRAFTED, version=3, translator_id=SARA, draft_text="Strike.",
                  draft_source_hash="h1", draft_source_text=FARSI)
    values.update(changes)
    return view(**values)


def card(job: JobView, lang: str = "en", **kw) -> str:
    return render_card(job, NAMES, RULES, NOW, lang, **kw).text


def lines(job: JobView, lang: str = "en", **kw) -> list[str]:
    return card(job, lang, **kw).split("\n")


def actions(job: JobView, **kw) -> list[list[str]]:
    return [[b.action for b in row] for row in card_buttons(job, RULES, NOW, **kw)]


def labels(job: JobView, lang: str = "en", **kw) -> list[list[str]]:
    return [[b.label for b in row] for row in card_buttons(job, RULES, NOW, lang, **kw)]


# ---------------------------------------------------------------- the common frame


def test_header_is_bold_first_line():
    rendered = render_card(BASE, NAMES, RULES, NOW)
    title = rendered.text.split("\n")[0]
    assert title == "Job 7 · fa → EN · QUEUED"
    assert rendered.entities == (Entity("bold", 0, utf16_len(title)),)


def test_frame_lines():
    text = lines(BASE)
    assert text[1] == f"Source: Vahed Syndicate · {fmt_time(NOW - 7200)}"
    assert text[2] == "https://t.me/vahed/42"
    assert text[3] == "Detected: fa (0.99) · media: none"
    assert card(BASE).endswith("\n\n" + FARSI)


def test_private_channel_link_and_unknowns():
    text = lines(view(channel_username=None, channel_name=None, lang=None, lang_confidence=None,
                      media_kind="photo"))
    assert text[0] == "Job 7 · ? → EN · QUEUED"
    assert text[1].startswith("Source: ? · ")
    assert text[2] == "https://t.me/c/1234567890/42"
    assert text[3] == "Detected: ? (0.00) · media: photo"


def test_fmt_time_and_age():
    assert fmt_time(None) == "?"
    assert fmt_time(0) == "1970-01-01 00:00 UTC"
    assert fmt_time(NOW) == "2027-01-15 08:00 UTC"
    assert fmt_age(-5) == "0m"
    assert fmt_age(59) == "0m"
    assert fmt_age(61) == "1m"
    assert fmt_age(3600) == "1h00m"
    assert fmt_age(3600 + 5 * 60) == "1h05m"
    assert fmt_age(86400 + 3 * 3600 + 59) == "1d3h"


# ---------------------------------------------------------------- per status


def test_queued_open():
    text = card(BASE)
    assert "Open: press Claim" in text
    assert "Being translated" not in text and "Sent back" not in text
    assert actions(BASE) == [["claim", "skip", "notfa"]]
    assert labels(BASE) == [["✋ Claim", "⏭ Skip", "Not Farsi"]]


def test_queued_claimed():
    job = view(claimed_by=SARA, claimed_at=NOW - 600)
    until = fmt_time(NOW - 600 + RULES.claim_seconds)
    assert lines(job)[4] == f"Being translated by Sara (claim ends {until})"
    assert "Open:" not in card(job)
    assert actions(job) == [["release", "skip", "notfa"]]


def test_claim_by_unknown_person_shows_id():
    job = view(claimed_by=777, claimed_at=NOW)
    assert "Being translated by 777 " in card(job)


def test_expired_claim_shows_open_card():
    job = view(claimed_by=SARA, claimed_at=NOW - RULES.claim_seconds)
    assert "Being translated" not in card(job)
    assert "Open: press Claim" in card(job)
    assert actions(job) == [["claim", "skip", "notfa"]]


def test_rejected_back_to_queue():
    job = view(version=5, reason="too literal", translator_id=SARA, editor_id=REZA,
               draft_text="Strike.", draft_source_hash="h1", draft_source_text=FARSI)
    text = lines(job)
    assert text[4] == "Sent back by Reza: too literal"
    assert text[5].startswith("Open: press Claim")
    assert actions(job) == [["claim", "skip", "notfa"]]


def test_drafted():
    job = drafted()
    assert lines(job)[0] == "Job 7 · fa → EN · DRAFTED"
    assert lines(job)[4] == "Translated by Sara; waiting for an editor."
    assert "⚠" not in card(job)
    assert actions(job) == []


def test_approved():
    job = drafted(status=Status.APPROVED, editor_id=REZA)
    assert lines(job)[0] == "Job 7 · fa → EN · APPROVED"
    assert lines(job)[4] == "Approved by Reza (translation: Sara); waiting to be published."
    assert actions(job) == []


def test_approved_with_failed_publication():
    job = drafted(status=Status.APPROVED, editor_id=REZA)
    text = card(job, failure="channel not found")
    assert "⚠ Could not publish: channel not found. Fix it, then press Retry (or /retry 7)." in text
    assert actions(job, failure="channel not found") == [["retry"]]
    # a failure is only shown while the job is still waiting to be published
    published = drafted(status=Status.PUBLISHED, editor_id=REZA)
    assert "Could not publish" not in card(published, failure="x")
    assert actions(published, failure="x") == []


def test_published_with_and_without_link():
    job = drafted(status=Status.PUBLISHED, editor_id=REZA)
    assert lines(job)[0] == "Job 7 · fa → EN · PUBLISHED"
    assert lines(job, publication_link=PUBLICATION)[4] == f"Published: {PUBLICATION}"
    assert lines(job)[4] == "Published."
    assert actions(job) == []


def test_skipped():
    job = view(status=Status.SKIPPED, editor_id=REZA, reason="not about workers")
    assert lines(job)[0] == "Job 7 · fa → EN · SKIPPED"
    assert lines(job)[4] == "Skipped by Reza. not about workers"
    assert actions(job) == [["reopen"]]
    assert labels(job) == [["↺ Back to queue"]]


def test_skipped_by_relay_itself():
    job = view(status=Status.SKIPPED, editor_id=None, reason=None)
    assert lines(job)[4].startswith("Skipped by relay.")


def test_stale():
    job = drafted(status=Status.STALE, editor_id=REZA, source_hash="h2",
                  source_text="workers did not go on strike today",
                  draft_source_text="workers went on strike today")
    text = card(job, publication_link=PUBLICATION)
    assert lines(job)[0] == "Job 7 · fa → EN · PUBLISHED, SOURCE EDITED SINCE"
    assert f"Published: {PUBLICATION}" in text
    assert "⚠ The source was edited after publication. What changed: −[went] +[did not go]" \
        in text
    assert t("en", "card.stale_hint") in text
    assert actions(job) == [["edit", "keep"]]


def test_deleted_source():
    job = drafted(source_deleted=True)
    assert "⚠ The source post was deleted by the channel." in card(job)
    assert "deleted" not in card(drafted())


@pytest.mark.parametrize("status", [Status.DRAFTED, Status.APPROVED])
def test_outdated_draft_shows_what_changed(status):
    job = drafted(status=status, source_hash="h2", source_text="workers did not go on strike",
                  draft_source_text="workers went on strike")
    assert job.draft_outdated
    text = card(job)
    assert "⚠ The source was edited after this draft was made. What changed: " \
        "−[went] +[did not go]" in text
    assert text.endswith("\n\nworkers did not go on strike")  # the current source


def test_up_to_date_draft_has_no_change_note():
    assert "edited after" not in card(drafted(source_text="new", draft_source_text="old"))


def test_status_line_for_unlisted_status():
    job = view(status=Status.REJECTED)
    assert lines(job)[4] == "closed"
    assert actions(job) == []


# ---------------------------------------------------------------- buttons


@pytest.mark.parametrize(("job", "expected"), [
    (BASE, [["claim", "skip", "notfa"]]),
    (view(claimed_by=SARA, claimed_at=NOW), [["release", "skip", "notfa"]]),
    (drafted(), []),
    (drafted(status=Status.APPROVED), []),
    (drafted(status=Status.PUBLISHED), []),
    (drafted(status=Status.STALE), [["edit", "keep"]]),
    (view(status=Status.SKIPPED), [["reopen"]]),
    (view(status=Status.REJECTED), []),
], ids=["queued", "claimed", "drafted", "approved", "published", "stale", "skipped", "rejected"])
def test_card_buttons_per_status(job, expected):
    assert actions(job) == expected


def test_every_button_has_a_callback_code_and_labels():
    buttons = [b for job in (BASE, view(claimed_by=SARA, claimed_at=NOW),
                             view(status=Status.SKIPPED), drafted(status=Status.STALE))
               for row in card_buttons(job, RULES, NOW) for b in row]
    buttons += [b for row in card_buttons(drafted(status=Status.APPROVED), RULES, NOW,
                                          failure="x") for b in row]
    buttons += [b for row in preview_buttons() + confirm_buttons() for b in row]
    for b in buttons:
        assert b.action in CODES
        assert b.label == t("en", f"button.{b.action}")


def test_preview_and_confirm_buttons():
    assert preview_buttons() == [[ButtonSpec("✅ Approve", "approve"), ButtonSpec("✏ Edit", "edit"),
                                  ButtonSpec("❌ Reject", "reject")]]
    assert confirm_buttons() == [[ButtonSpec("✅ Approve anyway", "confirm")]]
    assert confirm_buttons("fa") == [[ButtonSpec("✅ با این حال تأیید", "confirm")]]


# ---------------------------------------------------------------- Farsi


def test_farsi_card():
    rendered = render_card(view(claimed_by=SARA, claimed_at=NOW), NAMES, RULES, NOW, "fa")
    title = rendered.text.split("\n")[0]
    assert title == "کار 7 · fa ← EN · در صف"
    assert rendered.entities == (Entity("bold", 0, utf16_len(title)),)
    text = rendered.text
    assert "منبع: Vahed Syndicate" in text
    assert "در حال ترجمه توسط Sara" in text
    assert "Being translated" not in text and "Source:" not in text


def test_farsi_open_card_and_buttons():
    assert "آزاد: «برمی‌دارم» را بزنید" in card(BASE, "fa")
    assert labels(BASE, "fa") == [["✋ برمی‌دارم", "⏭ ترجمه نشود", "فارسی نیست"]]
    assert [[b.action for b in row] for row in card_buttons(BASE, RULES, NOW, "fa")] == \
        [["claim", "skip", "notfa"]]


def test_farsi_outdated_and_stale_notes():
    outdated = drafted(source_hash="h2", source_text="a b c", draft_source_text="a c")
    assert "⚠ منبع پس از این ترجمه ویرایش شده است. تغییرات: +[b]" in card(outdated, "fa")
    stale = drafted(status=Status.STALE, source_hash="h2", source_text="a b",
                    draft_source_text="a")
    text = card(stale, "fa")
    assert "⚠ منبع پس از انتشار ویرایش شده است. تغییرات: +[b]" in text
    assert "منتشر شد." in text
    assert labels(stale, "fa") == [["✏ ویرایش", "✔ همان‌طور که منتشر شده بماند"]]


def test_farsi_statuses_in_title():
    for status, name in [(Status.DRAFTED, "ترجمه شده"), (Status.APPROVED, "تأیید شده"),
                         (Status.PUBLISHED, "منتشر شده"), (Status.SKIPPED, "کنار گذاشته شده")]:
        assert card(drafted(status=status), "fa").split("\n")[0] == f"کار 7 · fa ← EN · {name}"


# ---------------------------------------------------------------- length


def _words(n_chars: int, word: str) -> str:
    out = []
    size = 0
    while size < n_chars:
        out.append(word)
        size += len(word) + 1
    return " ".join(out)


def test_long_source_truncated_at_a_word_with_show_hint():
    source = _words(10_000, "workers")
    text = card(view(source_text=source))
    assert utf16_len(text) <= TG_LIMIT
    assert text.endswith(" … (text shortened; full text: /show 7)")
    shown = text.split("\n\n", 1)[1].removesuffix(" … (text shortened; full text: /show 7)")
    assert source.startswith(shown)
    assert shown.endswith("workers")  # no word cut in half
    assert len(shown) > 2000  # most of the room still goes to the source


def test_short_source_not_truncated():
    source = _words(2400, "workers")
    assert card(view(source_text=source)).endswith("\n\n" + source)


def test_farsi_truncation_hint():
    text = card(view(source_text=_words(6000, "کارگران")), "fa")
    assert text.endswith(" … (متن کوتاه شده؛ متن کامل: /show 7)")


WORST_NOTES = dict(
    status=Status.QUEUED, version=9, channel_name="W" * 128, reason="r" * 500,
    translator_id=SARA, editor_id=REZA, media_kind="photo", source_deleted=True,
)


@pytest.mark.parametrize("source", [
    _words(10_000, "workers"),
    _words(10_000, FARSI),
    "x" * 10_000,
], ids=["english", "farsi", "no-spaces"])
@pytest.mark.parametrize("job", [
    BASE,
    view(**WORST_NOTES),
    drafted(status=Status.APPROVED, source_hash="h2", channel_name="W" * 128,
            source_deleted=True, draft_source_text=_words(2000, "old")),
    drafted(status=Status.STALE, source_hash="h2", channel_name="W" * 128,
            source_deleted=True, draft_source_text=_words(2000, "old")),
], ids=["plain", "rejected-deleted", "approved-outdated", "stale"])
@pytest.mark.parametrize("lang", ["en", "fa"])
def test_card_fits_one_telegram_message(source, job, lang):
    """With every note a card can carry at once, the card stays one message."""
    rendered = render_card(replace(job, source_text=source), NAMES, RULES, NOW, lang,
                           publication_link=PUBLICATION, failure="flood wait")
    assert utf16_len(rendered.text) <= TG_LIMIT


@pytest.mark.parametrize("source", [
    _words(10_000, "😀"),  # 10,000 code points, 15,000 UTF-16 units
    "😀" * 2_500,  # only 2,500 code points, but 5,000 UTF-16 units
], ids=["emoji-words", "emoji-short"])
def test_emoji_heavy_card_fits_one_telegram_message(source):
    """Telegram counts a message's 4096 characters in UTF-16 code units; an emoji (or any
    character above U+FFFF) is two of them."""
    rendered = render_card(view(source_text=source), NAMES, RULES, NOW)
    assert utf16_len(rendered.text) <= TG_LIMIT
    assert rendered.text.endswith(" … (text shortened; full text: /show 7)")


# ---------------------------------------------------------------- change summary


def test_change_summary_removed_and_added_words():
    assert change_summary("workers went on strike", "workers did not go on strike") == \
        "−[went] +[did not go]"
    assert change_summary("a b c d", "a c d") == "−[b]"
    assert change_summary("a c", "a b c") == "+[b]"
    assert change_summary("one two three", "one 2 three four") == "−[two] +[2] +[four]"


def test_change_summary_farsi():
    assert change_summary("کارگران اعتصاب کردند", "کارگران تجمع کردند") == "−[اعتصاب] +[تجمع]"


def test_change_summary_whitespace_only():
    assert change_summary("a  b\nc", "a b c ") == "(whitespace only)"
    assert change_summary("", "") == "(whitespace only)"


def test_change_summary_limit():
    old = " ".join(f"w{i}" for i in range(300))
    new = " ".join(f"v{i}" for i in range(300))
    summary = change_summary(old, new, limit=50)
    assert len(summary) == 50 and summary.endswith("…")
    assert summary.startswith("−[w0 w1 w2")
    assert len(change_summary(old, new)) == 300
    assert change_summary("a", "b", limit=50) == "−[a] +[b]"


def test_change_summary_in_card_is_bounded():
    old = _words(5000, "old")
    job = drafted(source_hash="h2", source_text=_words(5000, "new"), draft_source_text=old)
    note = next(line for line in lines(job) if line.startswith("⚠ The source was edited"))
    diff = note.split("What changed: ", 1)[1]
    assert len(diff) == 300 and diff.endswith("…")
    assert re.match(r"−\[old old", diff)


# ---------------------------------------------------------------- texts (relay.review.texts)

_FORMATTER = string.Formatter()
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name is not None}


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_has_english_and_farsi_with_the_same_fields(key):
    english, farsi = TEXTS[key]
    assert english.strip() and farsi.strip()
    assert fields(english) == fields(farsi)
    assert "" not in fields(english)  # positional "{}" would fail with keyword-only t()


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_formats_in_both_languages(key):
    values = {name: f"<{name}>" for name in fields(TEXTS[key][0])}
    english, farsi = t("en", key, **values), t("fa", key, **values)
    for value in values.values():
        assert value in english and value in farsi


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_farsi_texts_are_farsi(key):
    """Where the English has words of its own, the Farsi must not just repeat them."""
    english, farsi = TEXTS[key]
    literal = "".join(text for text, _, _, _ in _FORMATTER.parse(english))
    if re.search("[A-Za-z]{2,}", literal.replace("/", " /")):
        assert _ARABIC_SCRIPT.search(farsi), key


@pytest.mark.parametrize("key", sorted(COMMAND_HELP))
def test_every_command_help_has_both_languages(key):
    english, farsi = COMMAND_HELP[key]
    assert english.strip() and farsi.strip()
    assert _ARABIC_SCRIPT.search(farsi)


def test_texts_cover_statuses_refusals_and_buttons():
    for status in Status:
        assert f"status.{status.value}" in TEXTS
        assert status_name("fa", status) == TEXTS[f"status.{status.value}"][1]
    for refusal in Refusal:
        assert f"no.{refusal.value}" in TEXTS, refusal
    for action in CODES:
        assert f"button.{action}" in TEXTS, action


def test_t_picks_language():
    assert t("en", "queue.empty") == "The queue is empty."
    assert t("fa", "queue.empty") == "صف خالی است."
    assert t("de", "queue.empty") == "The queue is empty."  # unknown language: English
    assert t("fa", "ok.skip", job=3) == "کار 3 کنار گذاشته شد."
