"""Issue 11: everything relay adds to an outgoing channel is in that channel's language; a
forward is credited to its origin. Pure tests (render, compose, cards, config, check)."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from relay.cli.main import main
from relay.config import ChannelRef, ConfigError, Target, load_settings
from relay.core.jobview import JobView
from relay.core.language import detect
from relay.review.cards import forward_lines
from relay.text.compose import compose
from relay.text.forward import ForwardOrigin, forward_origin
from relay.text.template import DEFAULT_TEMPLATE, FIELDS, TemplateError, validate_template
from relay.text.wording import (
    LANGUAGES,
    correction_header,
    default_template,
    deleted_note,
    literal_text,
    target_language_warnings,
    template_for,
    wording,
)

NOW = 1_800_000_000
BASE = JobView(
    id=7, status="approved", version=3, target="es", language="es",
    channel_id=1234567890, message_id=42, unit_key="m42",
    source_text="اعتصاب", source_hash="h1",
    draft_text="Huelga.", draft_entities=(), draft_source_hash="h1", draft_source_text="اعتصاب",
    translator_id=1, editor_id=2, claimed_by=None, claimed_at=None, reason=None,
    created_at=NOW, updated_at=NOW,
    channel_username="haft_tappeh", channel_name="Haft Tappeh Union", message_date=NOW,
    lang="fa", lang_confidence=0.99, media_kind=None, source_deleted=False,
)
VAHED_FWD = json.dumps({"date": NOW - 60, "from_id": -1001111111111, "channel_post": 9,
                        "title": "Vahed Syndicate", "username": "vahed"})
PRIVATE_FWD = json.dumps({"date": NOW - 60, "from_id": -1002222222222, "channel_post": 5,
                          "title": "Closed Workers Circle"})
HIDDEN_FWD = json.dumps({"date": NOW - 60, "from_name": "Ali Rezaei"})
UNNAMED_FWD = json.dumps({"date": NOW - 60, "from_id": -1003333333333, "channel_post": 5})


def target(language: str = "es", **kw: object) -> Target:
    return Target(key=language, ref=ChannelRef("relay_" + language, None), language=language,
                  credit="Campaña Shahrokh Zamani", **kw)  # type: ignore[arg-type]


def text_of(job: JobView, tgt: Target) -> str:
    [part] = compose(job, tgt, "Sara")
    return part.text


# ------------------------------------------------------------------ built-in wording
@pytest.mark.parametrize("language", ["en", "es", "pt", "nl", "fa", "fr", "de", "ar", "tr"])
def test_every_required_language_has_its_own_wording(language: str) -> None:
    assert language in LANGUAGES
    w = wording(language)
    for template in (default_template(language), default_template(language, forwarded=True)):
        validate_template(template)
    if language != "en":
        english = wording("en")
        assert w.source_label != english.source_label or w.channel_of != english.channel_of
        assert w.deleted != english.deleted and w.correction != english.correction


def test_english_default_is_the_default_template_and_other_languages_fall_back() -> None:
    assert default_template("en") == DEFAULT_TEMPLATE
    assert wording("xx") == wording("en")
    assert wording("pt-BR") == wording("pt") and wording("ES") == wording("es")


def test_default_template_gives_the_target_language_credit() -> None:
    assert text_of(BASE, target("es")) == (
        "Huelga.\n\nFuente: canal de Telegram de Haft Tappeh Union\n"
        "Traducción: Campaña Shahrokh Zamani")
    assert "Quelle: Telegram-Kanal von Haft Tappeh Union" in text_of(BASE, target("de"))
    assert "Source: Telegram channel of Haft Tappeh Union" in text_of(BASE, target("en"))


def test_a_custom_template_is_kept_as_written() -> None:
    custom = "{translation}\n— {source_name}"
    assert template_for(custom, "es", forwarded=False) == custom
    assert template_for(custom, "es", forwarded=True) == custom
    assert template_for(custom, "es", forwarded=True, forward_template="{translation} {origin_name}") \
        == "{translation} {origin_name}"
    assert text_of(BASE, target("es", template=custom)) == "Huelga.\n— Haft Tappeh Union"


def test_deleted_note_and_correction_in_the_target_language_and_overridable() -> None:
    assert deleted_note("en", "2027-01-15") == (
        "[The original post was deleted by the source channel on 2027-01-15.]")
    assert deleted_note("es", "2027-01-15") == (
        "[La publicación original fue eliminada por el canal de origen el 2027-01-15.]")
    assert deleted_note("es", "2027-01-15", "[Borrado el {date}]") == "[Borrado el 2027-01-15]"
    assert correction_header("en") == "Correction:\n\n"
    assert correction_header("fa") == "اصلاحیه:\n\n"
    assert correction_header("de", "Berichtigung:") == "Berichtigung:\n\n"


@pytest.mark.parametrize("language", ["es", "pt", "de", "tr", "ar", "fa"])
def test_built_in_wording_reads_as_its_language(language: str) -> None:
    """The language detection agrees with the built-in credit of each language it can tell."""
    literal = literal_text(default_template(language)) + " " + wording(language).deleted
    assert detect(literal).lang == language


# ------------------------------------------------------------------ forwards
def test_forward_origin_from_the_stored_header() -> None:
    assert forward_origin(None) is None and forward_origin("not json") is None
    assert forward_origin(VAHED_FWD) == ForwardOrigin(
        "Vahed Syndicate", "https://t.me/vahed/9", 1111111111)
    assert forward_origin(PRIVATE_FWD) == ForwardOrigin("Closed Workers Circle", "", 2222222222)
    assert forward_origin(HIDDEN_FWD) == ForwardOrigin("Ali Rezaei", "", None)
    assert forward_origin(UNNAMED_FWD) is None  # never invented


def test_forward_of_a_public_channel_credits_the_origin_via_the_source() -> None:
    parts = compose(replace(BASE, fwd_from=VAHED_FWD), target("en"), "Sara")
    [part] = parts
    assert part.text == (
        "Huelga.\n\nSource: Telegram channel of Vahed Syndicate, via Haft Tappeh Union\n"
        "Translation: Campaña Shahrokh Zamani")
    urls = {part.text[e.offset:e.offset + e.length]: e.url for e in part.entities}
    assert urls == {"Telegram channel of Vahed Syndicate": "https://t.me/vahed/9",
                    "Haft Tappeh Union": "https://t.me/haft_tappeh/42"}


def test_forward_wording_in_spanish() -> None:
    assert "Fuente: canal de Telegram de Vahed Syndicate, vía Haft Tappeh Union" in text_of(
        replace(BASE, fwd_from=VAHED_FWD), target("es"))


def test_forward_of_a_private_origin_or_hidden_user_has_no_invented_link() -> None:
    [part] = compose(replace(BASE, fwd_from=PRIVATE_FWD), target("en"), "Sara")
    assert "Telegram channel of Closed Workers Circle, via Haft Tappeh Union" in part.text
    assert [e.url for e in part.entities] == ["https://t.me/haft_tappeh/42"]
    [part] = compose(replace(BASE, fwd_from=HIDDEN_FWD), target("en"), "Sara")
    assert "Telegram channel of Ali Rezaei, via Haft Tappeh Union" in part.text


def test_forward_whose_origin_was_never_shown_is_credited_to_its_source() -> None:
    assert text_of(replace(BASE, fwd_from=UNNAMED_FWD), target("en")) == text_of(
        BASE, target("en"))


def test_origin_fields_for_a_post_that_is_no_forward_show_the_source() -> None:
    custom = "{translation}\n[{origin_name}]({origin_link}) {via_name}|"
    [part] = compose(BASE, target("en", template=custom), "Sara")
    assert part.text == "Huelga.\nHaft Tappeh Union |"
    assert part.entities[0].url == "https://t.me/haft_tappeh/42"


def test_template_grammar_knows_the_forward_fields() -> None:
    assert {"origin_name", "origin_link", "via_name"} <= set(FIELDS)
    validate_template("{translation} [{origin_name}]({origin_link})")
    with pytest.raises(TemplateError, match="must start with"):
        validate_template("{translation} [x]({via_name})")


def test_card_names_origin_and_source_of_a_forward() -> None:
    assert forward_lines(BASE) == []
    assert forward_lines(replace(BASE, fwd_from=VAHED_FWD)) == [
        "Forwarded from Vahed Syndicate by Haft Tappeh Union", "https://t.me/vahed/9"]
    assert forward_lines(replace(BASE, fwd_from=PRIVATE_FWD), "fa") == [
        "بازارسال از Closed Workers Circle توسط Haft Tappeh Union"]


# ------------------------------------------------------------------ config and relay check
CONFIG = """
[[sources]]
channel = "@vahed_syndicate"
name = "Vahed"

[[targets]]
channel = "@relay_es"
language = "es"
credit = "Campaña"
"""


def write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "relay.toml"
    path.write_text(CONFIG + extra, encoding="utf-8")
    return path


def test_overrides_are_read_and_checked(tmp_path: Path) -> None:
    path = write(tmp_path, 'deleted_note = "[Borrado el {date}]"\ncorrection = "Fe de erratas:"\n'
                           'forward_template = "{translation}\\n{origin_name} vía {via_name}"\n')
    [t] = load_settings(path, env={}).targets
    assert t.deleted_note == "[Borrado el {date}]" and t.correction == "Fe de erratas:"
    assert t.forward_template == "{translation}\n{origin_name} vía {via_name}"
    with pytest.raises(ConfigError, match="deleted_note"):
        load_settings(write(tmp_path, 'deleted_note = "[Borrado el {day}]"\n'), env={})
    with pytest.raises(ConfigError, match="forward_template"):
        load_settings(write(tmp_path, 'forward_template = "{origin_name}"\n'), env={})


def test_check_warns_about_wording_in_another_language(tmp_path: Path, capsys) -> None:
    english = ('template = "{translation}\\n\\nSource: [Telegram channel of {source_name}]'
               '({source_link}) and translated by\\nTranslation: {credit}"\n'
               'deleted_note = "[The original post was deleted by the source channel on {date}.]"\n')
    path = write(tmp_path, english)
    assert main(["--config", str(path), "check"]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if "looks en" in line] == [
        "  warning: targets es: template looks en, not es (the target's language)",
        "  warning: targets es: deleted_note looks en, not es (the target's language)"]
    assert main(["--config", str(write(tmp_path, "")), "check"]) == 0  # built-in: Spanish
    assert "looks" not in capsys.readouterr().err


def test_warnings_for_the_example_config() -> None:
    example = Path(__file__).resolve().parent.parent / "config" / "relay.example.toml"
    assert target_language_warnings(load_settings(example, env={}).targets) == []
