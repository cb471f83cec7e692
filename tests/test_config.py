"""Tests for relay.config: loading, validation messages, channel refs, secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from relay.config import (
    DEFAULT_TEMPLATE,
    TEMPLATE_FIELDS,
    ChannelRef,
    ConfigError,
    Person,
    Secrets,
    Settings,
    load_secrets,
    load_settings,
    parse_channel_ref,
    resolve_config_path,
)

REPO = Path(__file__).resolve().parent.parent
MINIMAL = """
[[sources]]
channel = "@vahed_syndicate"
name = "Syndicate of Workers of Tehran and Suburbs Vahed Bus Company"
"""
TARGET = """
[[targets]]
channel = "@worker_news_en"
language = "en"
credit = "Shahrokh Zamani Action Campaign"
"""
API_HASH = "0123456789abcdef0123456789abcdef"
BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
SESSION = "1BVtsOKABu" + "x" * 300
GOOD_ENV = {
    "RELAY_API_ID": "1234567",
    "RELAY_API_HASH": API_HASH,
    "RELAY_BOT_TOKEN": BOT_TOKEN,
    "RELAY_SESSION": SESSION,
}


def write(tmp_path: Path, text: str, name: str = "relay.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> Settings:
    return load_settings(write(tmp_path, text), env=env if env is not None else {})


def error(tmp_path: Path, text: str, env: dict[str, str] | None = None, **kw: object) -> str:
    """Load ``text`` expecting a ConfigError; return its message, checked to be one line."""
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path, env=env if env is not None else {}, **kw)  # type: ignore[arg-type]
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    assert message.split(": ", 1)[0] in (str(path), "environment", str(kw.get("dotenv_path")))
    return message


# ---------------------------------------------------------------------------------------
# The example files


def test_example_config_loads_with_everything_documented() -> None:
    settings = load_settings(REPO / "config" / "relay.example.toml", env={})
    assert len(settings.sources) >= 3
    names = " ".join(s.name for s in settings.sources)
    assert "Vahed" in names and "Haft Tappeh" in names and "Oil Contract" in names
    assert [t.language for t in settings.targets] == ["en", "es"]
    assert {t.credit for t in settings.targets} == {"Shahrokh Zamani Action Campaign"}
    assert settings.targets[0].template == DEFAULT_TEMPLATE
    assert any(p.is_editor for p in settings.people)
    assert any(p.is_translator and not p.is_editor for p in settings.people)
    assert len({s.ref for s in settings.sources}) == len(settings.sources)


def test_example_config_documents_every_key() -> None:
    text = (REPO / "config" / "relay.example.toml").read_text(encoding="utf-8")
    for key in (
        "claim_minutes",
        "four_eyes",
        "data_dir",
        "database",
        "media_dir",
        "session",
        "max_media_mb",
        "catch_up_seconds",
        "silent_warning_hours",
        "per_target_per_minute",
        "global_per_second",
        "on_source_deleted",
        "level",
        "format",
        "enabled",
        "host",
        "port",
        "split_mode",
        "template",
        "download_media",
        "languages",
        "chat",
        "roles",
    ):
        assert f"{key} =" in text, key


def test_env_example_names_the_four_variables_and_is_not_usable_unfilled(tmp_path: Path) -> None:
    env_example = REPO / ".env.example"
    text = env_example.read_text(encoding="utf-8")
    for name in ("RELAY_API_ID", "RELAY_API_HASH", "RELAY_BOT_TOKEN", "RELAY_SESSION"):
        assert name in text
    assert "my.telegram.org" in text and "@BotFather" in text and "relay login --string" in text
    with pytest.raises(ConfigError, match=r"\.env\.example: RELAY_API_ID: is empty"):
        load_secrets(env={}, dotenv_path=env_example)


# ---------------------------------------------------------------------------------------
# Defaults


def test_minimal_config_gets_documented_defaults(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = load(tmp_path, MINIMAL)
    assert s.sources[0].ref == ChannelRef(username="vahed_syndicate", id=None)
    assert s.sources[0].languages == ("fa",) and s.sources[0].download_media is True
    assert s.targets == () and s.people == ()
    assert s.review.chat is None and s.review.claim_minutes == 120 and s.review.four_eyes
    assert s.storage.data_dir == tmp_path / "data"
    assert s.storage.database == tmp_path / "data" / "relay.db"
    assert s.storage.media_dir == tmp_path / "data" / "media"
    assert s.storage.session == tmp_path / "data" / "watcher.session"
    assert s.storage.max_media_bytes == 20 * 1024 * 1024
    assert (s.watcher.catch_up_seconds, s.watcher.silent_warning_hours) == (300, 72.0)
    assert (s.publish.per_target_per_minute, s.publish.global_per_second) == (20, 30)
    assert s.publish.on_source_deleted == "annotate"
    assert (s.logging.level, s.logging.format) == ("INFO", "kv")
    assert (s.metrics.enabled, s.metrics.host, s.metrics.port) == (False, "127.0.0.1", 9464)


def test_target_defaults_key_to_language_and_template_to_default(tmp_path: Path) -> None:
    t = load(tmp_path, MINIMAL + TARGET).targets[0]
    assert t.key == "en" and t.template == DEFAULT_TEMPLATE and t.split_mode == "reply"
    assert t.ref == ChannelRef(username="worker_news_en", id=None)


def test_storage_paths_relative_to_data_dir_unless_absolute(tmp_path: Path) -> None:
    abs_db = tmp_path / "elsewhere" / "x.db"
    s = load(
        tmp_path,
        MINIMAL
        + f"""
[storage]
data_dir = "{tmp_path / "d"}"
database = "{abs_db}"
media_dir = "m"
max_media_mb = 1.5
""",
    )
    assert s.storage.database == abs_db
    assert s.storage.media_dir == tmp_path / "d" / "m"
    assert s.storage.session == tmp_path / "d" / "watcher.session"
    assert s.storage.max_media_bytes == int(1.5 * 1024 * 1024)


def test_logging_level_is_case_insensitive(tmp_path: Path) -> None:
    s = load(tmp_path, MINIMAL + '[logging]\nlevel = "warn"\nformat = "json"\n')
    assert s.logging.level == "WARNING" and s.logging.format == "json"


def test_integer_accepted_where_a_float_is_expected(tmp_path: Path) -> None:
    s = load(tmp_path, MINIMAL + "[watcher]\nsilent_warning_hours = 24\n")
    assert s.watcher.silent_warning_hours == 24.0
    assert isinstance(s.watcher.silent_warning_hours, float)


def test_people_roles_and_helpers(tmp_path: Path) -> None:
    s = load(
        tmp_path,
        MINIMAL
        + """
[[people]]
id = 1
name = "Sara"
roles = ["admin"]
[[people]]
id = 2
name = "Reza"
roles = ["translator"]
language = "fa"
[[people]]
id = 3
name = "Ana"
roles = ["editor"]
""",
    )
    sara, reza, ana = (s.person(i) for i in (1, 2, 3))
    assert sara and sara.is_admin and sara.is_editor and sara.is_translator
    assert reza and not reza.is_editor and reza.is_translator and not reza.is_admin
    assert reza.language == "fa" and sara.language == "en"
    assert ana and ana.is_editor and ana.is_translator and not ana.is_admin
    assert s.person(4) is None


def test_review_chat_keeps_the_chat_id(tmp_path: Path) -> None:
    s = load(tmp_path, MINIMAL + "[review]\nchat = -1009876543210\nfour_eyes = false\n")
    assert s.review.chat == -1009876543210 and s.review.four_eyes is False


# ---------------------------------------------------------------------------------------
# File-level errors


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        load_settings(path, env={})
    assert str(info.value) == f"{path}: file not found (copy config/relay.example.toml to start)"


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        load_settings(tmp_path, env={})


def test_toml_syntax_error_names_line_and_column(tmp_path: Path) -> None:
    message = error(tmp_path, MINIMAL + "\n[review]\nclaim_minutes = \n")
    assert "line 7, column 17" in message and "invalid TOML" in message


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "relay.toml"
    path.write_bytes(b'[[sources]]\nname = "\xff"\n')
    with pytest.raises(ConfigError, match="not valid UTF-8"):
        load_settings(path, env={})


# ---------------------------------------------------------------------------------------
# Missing keys, types, unknown keys


def test_sources_required(tmp_path: Path) -> None:
    assert error(tmp_path, "[review]\nclaim_minutes = 5\n").endswith(
        ": sources: at least one source is required (add a [[sources]] table)"
    )


def test_sources_as_table_instead_of_array(tmp_path: Path) -> None:
    message = error(tmp_path, '[sources]\nchannel = "@vahed_syndicate"\n')
    assert message.endswith("sources: expected an array of tables ([[sources]]), got table")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[sources]]\nname = "x"\n', "sources[0].channel: is required"),
        ('[[sources]]\nchannel = "@vahed_syndicate"\n', "sources[0].name: is required"),
        ('[[sources]]\nchannel = "@vahed_syndicate"\nname = "  "\n', "sources[0].name: is empty"),
        (
            MINIMAL + '[[targets]]\nchannel = "@out_channel"\nlanguage = "en"\n',
            "targets[0].credit: is required",
        ),
        (
            MINIMAL + '[[targets]]\nlanguage = "en"\ncredit = "c"\n',
            "targets[0].channel: is required",
        ),
        (
            MINIMAL + '[[targets]]\nchannel = "@out_channel"\ncredit = "c"\n',
            "targets[0].language: is required",
        ),
        (MINIMAL + '[[people]]\nname = "x"\nroles = ["editor"]\n', "people[0].id: is required"),
        (MINIMAL + '[[people]]\nid = 5\nname = "x"\n', "people[0].roles: is required"),
    ],
)
def test_missing_required_key(tmp_path: Path, text: str, expected: str) -> None:
    assert error(tmp_path, text).endswith(": " + expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[review]\nclaim_minutes = "ten"\n',
            "review.claim_minutes: expected an integer, got string 'ten'",
        ),
        (
            "[review]\nclaim_minutes = true\n",
            "review.claim_minutes: expected an integer, got boolean true",
        ),
        (
            "[review]\nclaim_minutes = 1.5\n",
            "review.claim_minutes: expected an integer, got float 1.5",
        ),
        (
            '[review]\nfour_eyes = "yes"\n',
            "review.four_eyes: expected true or false, got string 'yes'",
        ),
        (
            '[watcher]\nsilent_warning_hours = "3"\n',
            "watcher.silent_warning_hours: expected a number, got string '3'",
        ),
        ("[metrics]\nhost = 5\n", "metrics.host: expected a string, got integer 5"),
        (
            '[logging]\nlevel = "LOUD"\n',
            "logging.level: must be one of 'DEBUG', 'INFO', 'WARNING', 'ERROR', 'CRITICAL', "
            "got 'LOUD'",
        ),
        (
            "[storage]\nmax_media_mb = 1979-05-27\n",
            "storage.max_media_mb: expected a number, got date",
        ),
    ],
)
def test_wrong_type(tmp_path: Path, text: str, expected: str) -> None:
    assert error(tmp_path, MINIMAL + text).endswith(": " + expected)


def test_section_of_wrong_type(tmp_path: Path) -> None:
    assert error(tmp_path, "review = 5\n" + MINIMAL).endswith(
        ": review: expected a table, got integer 5"
    )


def test_wrong_type_inside_array(tmp_path: Path) -> None:
    text = '[[sources]]\nchannel = "@vahed_syndicate"\nname = "V"\nlanguages = ["fa", 3]\n'
    assert error(tmp_path, text).endswith(
        ": sources[0].languages[1]: expected a string, got integer 3"
    )


def test_source_entry_not_a_table(tmp_path: Path) -> None:
    assert error(tmp_path, 'sources = ["@vahed_syndicate"]\n').endswith(
        ": sources[0]: expected a table, got string '@vahed_syndicate'"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[[sorces]]\nchannel = "@x"\n', "sorces: unknown key (did you mean 'sources'?)"),
        (MINIMAL + "[reveiw]\n", "reveiw: unknown key (did you mean 'review'?)"),
        (
            MINIMAL + "[review]\nclaim_minute = 3\n",
            "review.claim_minute: unknown key (did you mean 'claim_minutes'?)",
        ),
        (
            MINIMAL + 'langauges = ["fa"]\n',
            "sources[0].langauges: unknown key (did you mean 'languages'?)",
        ),
        (MINIMAL + TARGET + 'role = "x"\n', "targets[0].role: unknown key"),
        (
            MINIMAL + '[[people]]\nid = 1\nname = "x"\nrole = ["editor"]\n',
            "people[0].role: unknown key (did you mean 'roles'?)",
        ),
        (MINIMAL + "[frobnicate]\n", "frobnicate: unknown key"),
    ],
)
def test_unknown_key_with_suggestion(tmp_path: Path, text: str, expected: str) -> None:
    assert error(tmp_path, text).endswith(": " + expected)


# ---------------------------------------------------------------------------------------
# Duplicates


def test_duplicate_source_by_username_any_case_and_form(tmp_path: Path) -> None:
    text = MINIMAL + '[[sources]]\nchannel = "https://t.me/Vahed_Syndicate/123"\nname = "again"\n'
    assert error(tmp_path, text).endswith(
        ": sources[1].channel: duplicate of sources[0] (@vahed_syndicate)"
    )


def test_duplicate_source_by_id(tmp_path: Path) -> None:
    text = """
[[sources]]
channel = -1001234567890
name = "a"
[[sources]]
channel = "https://t.me/c/1234567890/55"
name = "b"
"""
    assert error(tmp_path, text).endswith(
        ": sources[1].channel: duplicate of sources[0] (id 1234567890)"
    )


def test_duplicate_target_key(tmp_path: Path) -> None:
    text = MINIMAL + TARGET + TARGET.replace("@worker_news_en", "@second_channel")
    message = error(tmp_path, text)
    assert ": targets[1].language: duplicate target key 'en' (same as targets[0])" in message


def test_duplicate_target_key_explicit(tmp_path: Path) -> None:
    text = MINIMAL + TARGET + 'key = "x"\n' + TARGET.replace('en"', 'es"') + 'key = "x"\n'
    assert ": targets[1].key: duplicate target key 'x'" in error(tmp_path, text)


def test_two_targets_same_language_distinct_keys_are_fine(tmp_path: Path) -> None:
    text = (
        MINIMAL
        + TARGET
        + 'key = "en-a"\n'
        + TARGET.replace("@worker_news_en", "@second_channel")
        + 'key = "en-b"\n'
    )
    assert [t.key for t in load(tmp_path, text).targets] == ["en-a", "en-b"]


def test_target_that_is_also_a_source(tmp_path: Path) -> None:
    text = MINIMAL + TARGET.replace("@worker_news_en", "t.me/vahed_syndicate")
    assert ": targets[0].channel: is also sources[0] (@vahed_syndicate)" in error(tmp_path, text)


def test_duplicate_person_id(tmp_path: Path) -> None:
    person = '[[people]]\nid = 42\nname = "{}"\nroles = ["editor"]\n'
    text = MINIMAL + person.format("Sara") + person.format("Reza")
    assert error(tmp_path, text).endswith(": people[1].id: duplicate of people[0] (Sara, id 42)")


# ---------------------------------------------------------------------------------------
# Languages, roles, channels, choices


@pytest.mark.parametrize("code", ["FA", "farsi", "f", "f1", ""])
def test_invalid_target_language(tmp_path: Path, code: str) -> None:
    message = error(tmp_path, MINIMAL + TARGET.replace('language = "en"', f'language = "{code}"'))
    assert ": targets[0].language: " in message
    if code:
        assert f"invalid language code '{code}'" in message


def test_valid_three_letter_language(tmp_path: Path) -> None:
    s = load(tmp_path, MINIMAL + 'languages = ["fa", "ckb"]\n')
    assert s.sources[0].languages == ("fa", "ckb")


def test_invalid_source_language(tmp_path: Path) -> None:
    assert ": sources[0].languages[0]: invalid language code 'Persian'" in error(
        tmp_path, MINIMAL + 'languages = ["Persian"]\n'
    )


def test_empty_source_languages(tmp_path: Path) -> None:
    assert error(tmp_path, MINIMAL + "languages = []\n").endswith(
        ": sources[0].languages: must list at least one language"
    )


def test_invalid_role_with_suggestion(tmp_path: Path) -> None:
    text = MINIMAL + '[[people]]\nid = 1\nname = "x"\nroles = ["translator", "edtor"]\n'
    message = error(tmp_path, text)
    assert ": people[0].roles[1]: unknown role 'edtor' (did you mean 'editor'?)" in message


def test_empty_roles(tmp_path: Path) -> None:
    text = MINIMAL + '[[people]]\nid = 1\nname = "x"\nroles = []\n'
    assert ": people[0].roles: must list at least one role" in error(tmp_path, text)


def test_person_interface_language(tmp_path: Path) -> None:
    text = MINIMAL + '[[people]]\nid = 1\nname = "x"\nroles = ["admin"]\nlanguage = "de"\n'
    assert ": people[0].language: must be one of 'en', 'fa', got 'de'" in error(tmp_path, text)


def test_source_channel_that_does_not_parse(tmp_path: Path) -> None:
    text = '[[sources]]\nchannel = "https://t.me/+AbCdEfGh"\nname = "x"\n'
    message = error(tmp_path, text)
    assert ": sources[0].channel: invite links" in message and "numeric id" in message
    assert "AbCdEfGh" not in message


def test_target_channel_that_does_not_parse(tmp_path: Path) -> None:
    message = error(tmp_path, MINIMAL + TARGET.replace("@worker_news_en", "@ab"))
    assert ": targets[0].channel: '@ab' is not a valid Telegram username" in message


def test_channel_of_wrong_type(tmp_path: Path) -> None:
    message = error(tmp_path, '[[sources]]\nchannel = 1.5\nname = "x"\n')
    assert ": sources[0].channel: expected a channel username" in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '[publish]\non_source_deleted = "remove"\n',
            "publish.on_source_deleted: must be one of 'keep', 'annotate', 'delete', got 'remove'",
        ),
        (
            '[logging]\nformat = "jsn"\n',
            "logging.format: must be one of 'kv', 'json', got 'jsn' (did you mean 'json'?)",
        ),
        (
            TARGET + 'split_mode = "chain"\n',
            "targets[0].split_mode: must be one of 'reply', 'sequence', got 'chain'",
        ),
        (TARGET + 'key = "English Channel"\n', "targets[0].key: invalid key 'English Channel'"),
    ],
)
def test_invalid_choice(tmp_path: Path, text: str, expected: str) -> None:
    assert ": " + expected in error(tmp_path, MINIMAL + text)


# ---------------------------------------------------------------------------------------
# Ranges


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[review]\nclaim_minutes = -5\n",
            "review.claim_minutes: must be between 1 and 10080, got -5",
        ),
        ("[review]\nclaim_minutes = 0\n", "review.claim_minutes: must be between 1 and 10080"),
        ("[review]\nchat = 0\n", "review.chat: 0 is not a chat id"),
        ("[metrics]\nport = 0\n", "metrics.port: must be between 1 and 65535, got 0"),
        ("[metrics]\nport = 70000\n", "metrics.port: must be between 1 and 65535, got 70000"),
        ("[storage]\nmax_media_mb = 0\n", "storage.max_media_mb: must be greater than 0, got 0"),
        ("[storage]\nmax_media_mb = -1.5\n", "storage.max_media_mb: must be greater than 0"),
        ("[storage]\nmax_media_mb = nan\n", "storage.max_media_mb: must be a finite number"),
        ("[watcher]\ncatch_up_seconds = -1\n", "watcher.catch_up_seconds: must be between 1"),
        (
            "[watcher]\nsilent_warning_hours = 0\n",
            "watcher.silent_warning_hours: must be greater than 0",
        ),
        ("[publish]\nper_target_per_minute = 0\n", "publish.per_target_per_minute: must be"),
        ("[publish]\nglobal_per_second = 1000\n", "publish.global_per_second: must be"),
        (
            '[[people]]\nid = -3\nname = "x"\nroles = ["editor"]\n',
            "people[0].id: must be at least 1, got -3",
        ),
    ],
)
def test_out_of_range(tmp_path: Path, text: str, expected: str) -> None:
    assert ": " + expected in error(tmp_path, MINIMAL + text)


# ---------------------------------------------------------------------------------------
# Templates


def template_error(tmp_path: Path, template: str) -> str:
    text = MINIMAL + TARGET + f"template = '''{template}'''\n"
    message = error(tmp_path, text)
    assert ": targets[0].template: " in message
    return message


def test_template_unknown_field_names_nearest(tmp_path: Path) -> None:
    message = template_error(tmp_path, "{translation}\n{sorce_link}")
    assert "unknown field {sorce_link} (did you mean {source_link}?)" in message


def test_template_malformed_braces(tmp_path: Path) -> None:
    assert "malformed braces" in template_error(tmp_path, "{translation} }")
    assert "malformed braces" in template_error(tmp_path, "{translation} {credit")


def test_template_translation_exactly_once(tmp_path: Path) -> None:
    assert "exactly once (it is missing)" in template_error(tmp_path, "Source: {source_name}")
    assert "(found 2 times)" in template_error(tmp_path, "{translation}{translation}")


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("{translation} {}", "empty placeholder {}"),
        ("{translation} {0}", "unknown field {0}"),
        ("{translation} {date:%Y}", "format specs are not supported"),
        ("{translation} {credit!r}", "conversions and format specs are not supported"),
        ("{translation} {source_name.upper}", "attribute and index access are not supported"),
        ("[{translation}]({source_link})", "{translation} cannot be inside a link"),
        ("{translation} [here](ftp.example)", "the url must start with https://"),
    ],
)
def test_template_other_errors(tmp_path: Path, template: str, expected: str) -> None:
    assert expected in template_error(tmp_path, template)


def test_template_with_escapes_and_link_fields_loads(tmp_path: Path) -> None:
    template = "{{#}} {translation}\n[{source_name} ({date})]({source_link}) [site](https://x.org)"
    s = load(tmp_path, MINIMAL + TARGET + f"template = '''{template}'''\n")
    assert s.targets[0].template == template


def test_default_template_uses_only_known_fields() -> None:
    import string

    fields = {f for _, f, _, _ in string.Formatter().parse(DEFAULT_TEMPLATE) if f}
    assert fields <= TEMPLATE_FIELDS and "translation" in fields


# ---------------------------------------------------------------------------------------
# Channel references


@pytest.mark.parametrize(
    ("value", "username", "channel_id"),
    [
        ("@Vahed_Syndicate", "vahed_syndicate", None),
        ("vahed_syndicate", "vahed_syndicate", None),
        ("  @vahed_syndicate  ", "vahed_syndicate", None),
        ("https://t.me/vahed_syndicate", "vahed_syndicate", None),
        ("http://t.me/vahed_syndicate/", "vahed_syndicate", None),
        ("t.me/vahed_syndicate", "vahed_syndicate", None),
        ("https://telegram.me/vahed_syndicate", "vahed_syndicate", None),
        ("https://t.me/s/vahed_syndicate", "vahed_syndicate", None),
        ("t.me/vahed_syndicate/123", "vahed_syndicate", None),
        ("https://t.me/vahed_syndicate/123?single", "vahed_syndicate", None),
        ("https://t.me/s/vahed_syndicate/123", "vahed_syndicate", None),
        ("tg://resolve?domain=vahed_syndicate", "vahed_syndicate", None),
        ("abcd", "abcd", None),
        ("a" * 32, "a" * 32, None),
        ("-1001234567890", None, 1234567890),
        ("1234567890", None, 1234567890),
        (-1001234567890, None, 1234567890),
        (1234567890, None, 1234567890),
        ("https://t.me/c/1234567890/55", None, 1234567890),
        ("t.me/c/1234567890", None, 1234567890),
    ],
)
def test_parse_channel_ref(value: str | int, username: str | None, channel_id: int | None) -> None:
    assert parse_channel_ref(value) == ChannelRef(username=username, id=channel_id)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://t.me/+AbCdEf123", "invite links"),
        ("t.me/joinchat/AAAAAEkk", "invite links"),
        ("tg://join?invite=AbCd", "invite links"),
        ("@abc", "not a valid Telegram username"),
        ("1abcde", "not a valid Telegram username"),
        ("a" * 33, "not a valid Telegram username"),
        ("has space", "not a valid Telegram username"),
        ("@vahed-syndicate", "not a valid Telegram username"),
        ("https://example.org/vahed", "not a Telegram link"),
        ("https://t.me/", "names no channel"),
        ("https://t.me/addstickers/pack", "not a channel link"),
        ("t.me/vahed_syndicate/abc", "not a channel or post link"),
        ("-12345", "not a channel id"),
        ("1001234567890", "did you mean -1001234567890"),
        (0, "not a channel id"),
        ("", "is empty"),
        (True, "expected a channel username"),
    ],
)
def test_parse_channel_ref_rejects(value: str | int, expected: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_channel_ref(value)
    assert expected in str(info.value)


def test_invite_message_says_use_the_id() -> None:
    with pytest.raises(ValueError) as info:
        parse_channel_ref("https://t.me/+AbCdEf123")
    assert "cannot be watched" in str(info.value) and "numeric id" in str(info.value)


def test_channel_ref_str_and_normalisation() -> None:
    assert str(parse_channel_ref("@Haft_Tappeh")) == "@haft_tappeh"
    assert str(parse_channel_ref(-1001234567890)) == "id 1234567890"
    assert ChannelRef(username="@Haft_Tappeh", id=None) == parse_channel_ref("haft_tappeh")
    with pytest.raises(ValueError):
        ChannelRef(username=None, id=None)
    with pytest.raises(ValueError):
        ChannelRef(username=None, id=-5)


# ---------------------------------------------------------------------------------------
# Secrets


def test_secrets_from_env(tmp_path: Path) -> None:
    s = load(tmp_path, MINIMAL, env=GOOD_ENV).secrets
    assert s.api_id == 1234567 and s.api_hash == API_HASH and s.bot_token == BOT_TOKEN
    assert s.session_string == SESSION
    assert sorted(s.values()) == sorted([API_HASH, BOT_TOKEN, SESSION])


def test_secret_values_never_in_repr_or_str(tmp_path: Path) -> None:
    settings = load(tmp_path, MINIMAL, env=GOOD_ENV)
    for shown in (repr(settings.secrets), str(settings.secrets), repr(settings), str(settings)):
        for secret in (API_HASH, BOT_TOKEN, SESSION, "1234567"):
            assert secret not in shown
    assert repr(settings.secrets) == (
        "Secrets(api_id=<set>, api_hash=<set>, bot_token=<set>, session_string=<set>)"
    )
    assert "bot_token=<unset>" in repr(Secrets(None, None, None, None))


def test_secrets_unset_are_none(tmp_path: Path) -> None:
    s = load(tmp_path, MINIMAL).secrets
    assert (s.api_id, s.api_hash, s.bot_token, s.session_string) == (None, None, None, None)
    assert s.values() == []


def test_env_overrides_dotenv(tmp_path: Path) -> None:
    dotenv = write(tmp_path, f"RELAY_API_ID=111\nRELAY_API_HASH={API_HASH}\n", ".env")
    s = load_secrets(env={"RELAY_API_ID": "222"}, dotenv_path=dotenv)
    assert s.api_id == 222 and s.api_hash == API_HASH


def test_os_environ_overrides_dotenv_in_cwd(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, f"RELAY_API_ID=111\nRELAY_BOT_TOKEN={BOT_TOKEN}\n", ".env")
    monkeypatch.setenv("RELAY_API_ID", "333")
    for name in ("RELAY_API_HASH", "RELAY_BOT_TOKEN", "RELAY_SESSION"):
        monkeypatch.delenv(name, raising=False)
    s = load_settings(write(tmp_path, MINIMAL)).secrets
    assert s.api_id == 333 and s.bot_token == BOT_TOKEN


def test_explicit_env_does_not_read_cwd_dotenv(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "RELAY_API_ID=111\n", ".env")
    assert load_secrets(env={}).api_id is None


def test_explicit_missing_dotenv_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="missing.env: file not found"):
        load_secrets(env={}, dotenv_path=tmp_path / "missing.env")


@pytest.mark.parametrize(
    "name", ["RELAY_API_ID", "RELAY_API_HASH", "RELAY_BOT_TOKEN", "RELAY_SESSION"]
)
def test_empty_secret_in_dotenv(tmp_path: Path, name: str) -> None:
    dotenv = write(tmp_path, f"{name}=   \n", ".env")
    message = error(tmp_path, MINIMAL, dotenv_path=dotenv)
    assert message == f"{dotenv}: {name}: is empty (set a value or remove the line)"


def test_empty_secret_in_environment(tmp_path: Path) -> None:
    message = error(tmp_path, MINIMAL, env={"RELAY_API_HASH": ""})
    assert message.startswith("environment: RELAY_API_HASH: is empty")


def test_api_id_not_an_integer_hides_value(tmp_path: Path) -> None:
    message = error(tmp_path, MINIMAL, env={"RELAY_API_ID": API_HASH})
    assert message.startswith("environment: RELAY_API_ID: must be a positive integer")
    assert API_HASH not in message


def test_bot_token_shape_checked_without_echo(tmp_path: Path) -> None:
    message = error(tmp_path, MINIMAL, env={"RELAY_BOT_TOKEN": API_HASH})
    assert message.startswith("environment: RELAY_BOT_TOKEN: does not look like a bot token")
    assert API_HASH not in message


@pytest.mark.parametrize(
    ("text", "key", "variable"),
    [
        (f'api_hash = "{API_HASH}"\n' + MINIMAL, "api_hash", "RELAY_API_HASH"),
        (f'bot_token = "{BOT_TOKEN}"\n' + MINIMAL, "bot_token", "RELAY_BOT_TOKEN"),
        ("api_id = 1234567\n" + MINIMAL, "api_id", "RELAY_API_ID"),
        (f'[telegram]\nsession = "{SESSION}"\n' + MINIMAL, "telegram.session", "RELAY_SESSION"),
        (MINIMAL + f'[review]\nbot_token = "{BOT_TOKEN}"\n', "review.bot_token", "RELAY_BOT_TOKEN"),
    ],
)
def test_secret_in_toml_is_an_error_without_the_value(
    tmp_path: Path, text: str, key: str, variable: str
) -> None:
    message = error(tmp_path, text)
    assert f": {key}: secrets do not belong in the config file" in message
    assert variable in message
    for secret in (API_HASH, BOT_TOKEN, SESSION, "1234567"):
        assert secret not in message


def test_storage_session_path_is_not_mistaken_for_a_secret(tmp_path: Path) -> None:
    s = load(tmp_path, MINIMAL + '[storage]\nsession = "w.session"\n')
    assert s.storage.session.name == "w.session"


def test_secret_value_misplaced_in_a_key_is_redacted(tmp_path: Path) -> None:
    env = {**GOOD_ENV, "RELAY_API_HASH": "plainpassphrase"}
    message = error(tmp_path, MINIMAL + '[review]\nchat = "plainpassphrase"\n', env=env)
    assert message.endswith("review.chat: expected an integer, got string '<redacted>'")


def test_secret_looking_value_not_echoed_even_when_not_configured(tmp_path: Path) -> None:
    message = error(tmp_path, MINIMAL + f'[metrics]\nport = "{BOT_TOKEN}"\n')
    assert "metrics.port: expected an integer" in message and BOT_TOKEN not in message


def test_require_secrets(tmp_path: Path) -> None:
    env = {"RELAY_API_ID": "1", "RELAY_API_HASH": API_HASH}
    settings = load(tmp_path, MINIMAL, env=env)
    settings.require_secrets("api_id", "api_hash")
    with pytest.raises(ConfigError) as info:
        settings.require_secrets("api_id", "bot_token", purpose="relay run")
    assert str(info.value) == ".env: RELAY_BOT_TOKEN: missing (needed for `relay run`)"
    with pytest.raises(ConfigError, match=r"^\.env: RELAY_SESSION: missing"):
        settings.require_secrets("session_string")
    with pytest.raises(ValueError):
        settings.require_secrets("password")


def test_require_secrets_names_the_dotenv_file_used(tmp_path: Path) -> None:
    dotenv = write(tmp_path, "RELAY_API_ID=5\n", "prod.env")
    settings = load_settings(write(tmp_path, MINIMAL), env={}, dotenv_path=dotenv)
    with pytest.raises(ConfigError, match=f"^{dotenv}: RELAY_API_HASH: missing"):
        settings.require_secrets("api_hash")


# ---------------------------------------------------------------------------------------
# Config path resolution


def test_resolve_config_path_cli_wins() -> None:
    assert resolve_config_path("a.toml", {"RELAY_CONFIG": "b.toml"}) == Path("a.toml")


def test_resolve_config_path_env() -> None:
    assert resolve_config_path(None, {"RELAY_CONFIG": "/etc/relay.toml"}) == Path("/etc/relay.toml")


def test_resolve_config_path_default() -> None:
    assert resolve_config_path(None, {}) == Path("config/relay.toml")
    assert resolve_config_path("", {"RELAY_CONFIG": "  "}) == Path("config/relay.toml")


def test_settings_path_is_the_given_path(tmp_path: Path) -> None:
    path = write(tmp_path, MINIMAL)
    assert load_settings(path, env={}).path == path


# ---------------------------------------------------------------------------------------
# ConfigError itself


def test_config_error_forms() -> None:
    e = ConfigError("config/relay.toml", "sources[1].channel", "duplicate\nof x")
    assert str(e) == "config/relay.toml: sources[1].channel: duplicate of x"
    assert (e.file, e.key, e.problem) == (
        "config/relay.toml",
        "sources[1].channel",
        "duplicate of x",
    )
    assert str(ConfigError("whole message")) == "whole message"
    assert str(ConfigError("f.toml", None, "file not found")) == "f.toml: file not found"


def test_person_dataclass_defaults() -> None:
    p = Person(id=1, name="x", roles=frozenset({"translator"}))
    assert p.language == "en" and not p.is_editor
