"""`relay check` catches what would fail later, and a few configuration mistakes no command
should trip over (issue 12): one line each, exit 2, never a traceback, never a secret's value.
"""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest

from relay.cli.main import main
from relay.store.db import Database
from tests.cli_helpers import command_place

REPO = Path(__file__).resolve().parents[1]
API_HASH = "0123456789abcdef0123456789abcdef"
BOT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
#: Looks like a string session at a glance, but is cut short: it cannot be decoded.
MANGLED_SESSION = "1BVtsOKABu" + "Qx7" * 40

CONFIG = """\
[storage]
data_dir = "{data}"

[review]
chat = {chat}

[[sources]]
channel = "@vahed"
name = "Vahed"

[[targets]]
channel = -1001999888777
language = "en"
credit = "Vahed"

[[people]]
id = 1001
name = "Editor"
roles = ["editor"]
"""


@pytest.fixture
def place(tmp_path, monkeypatch):
    config, data = command_place(tmp_path, monkeypatch, CONFIG, api=False, chat=-1001555444333)
    return tmp_path, config, data


def relay(config: Path, *argv: str, capsys) -> tuple[int, str, str]:
    code = main(["--config", str(config), *argv])
    out, err = capsys.readouterr()
    return code, out, err.strip()


def one_line(err: str) -> None:
    assert "Traceback" not in err and len(err.splitlines()) == 1, err


def make_database(data: Path) -> None:
    async def make() -> None:
        db = await Database.open(data / "relay.db")
        await db.close()
    data.mkdir(parents=True, exist_ok=True)
    asyncio.run(make())


def test_a_clean_configuration_passes(place, capsys):
    tmp, config, data = place
    code, out, err = relay(config, "check", capsys=capsys)
    assert code == 0 and "configuration ok" in out, err


def test_a_review_chat_that_is_a_target_channel_is_refused(place, capsys):
    tmp, config, data = place
    config.write_text(CONFIG.format(data=data.as_posix(), chat=-1001999888777), encoding="utf-8")
    code, out, err = relay(config, "check", capsys=capsys)
    assert code == 2, (out, err)
    one_line(err)
    assert "review.chat: is the target channel 'en'" in err


def test_a_data_folder_that_cannot_be_created_is_named(place, capsys):
    tmp, config, data = place
    blocker = tmp / "blocker"
    blocker.write_text("a file where a folder should be")
    config.write_text(CONFIG.format(data=(blocker / "data").as_posix(), chat=-1001555444333),
                      encoding="utf-8")
    code, out, err = relay(config, "check", capsys=capsys)
    assert code == 2, (out, err)
    one_line(err)
    assert f"{blocker / 'data'} cannot be created: {blocker} is a file" in err


@pytest.mark.parametrize("where", ["environment", ".env"])
def test_an_unknown_relay_variable_is_named_with_the_nearest_valid_name(place, capsys,
                                                                        monkeypatch, where):
    tmp, config, data = place
    if where == "environment":
        monkeypatch.setenv("RELAY_BOT_TOKN", BOT_TOKEN)
    else:
        (tmp / ".env").write_text(f"RELAY_BOT_TOKN={BOT_TOKEN}\n", encoding="utf-8")
    code, out, err = relay(config, "check", capsys=capsys)
    assert code == 2, (out, err)
    one_line(err)
    assert f"{where}: RELAY_BOT_TOKN: unknown variable (did you mean RELAY_BOT_TOKEN?)" in err
    assert BOT_TOKEN not in err


def test_every_variable_relay_reads_is_declared_once_and_documented():
    from relay.config.env import ENV_NAMES

    example = (REPO / ".env.example").read_text(encoding="utf-8")
    for name in ENV_NAMES:
        if name != "RELAY_LANGID_DEV":  # the tests' dev set, not an operator's setting
            assert name in example, name


def test_every_variable_the_example_names_is_one_relay_reads():
    """The other way round: .env.example names no variable that `relay check` would call
    unknown (RELAY_TRANSLATE_API_KEY, the default of [translation] api_key_env, once was)."""
    import re

    from relay.config.env import ENV_NAMES

    example = (REPO / ".env.example").read_text(encoding="utf-8")
    named = set(re.findall(r"^#? ?(RELAY_[A-Z_]+)=", example, flags=re.MULTILINE))
    assert named and named <= set(ENV_NAMES), named - set(ENV_NAMES)


def test_the_translation_api_key_variable_is_known_to_the_check(place, capsys, monkeypatch):
    tmp, config, data = place
    monkeypatch.setenv("RELAY_TRANSLATE_API_KEY", "a-key-for-the-server")
    code, out, err = relay(config, "check", capsys=capsys)
    assert code == 0 and "unknown variable" not in err, (out, err)
    # a variable of another name, named by [translation] api_key_env, is known as well
    monkeypatch.delenv("RELAY_TRANSLATE_API_KEY")
    monkeypatch.setenv("RELAY_LT_KEY", "a-key-for-the-server")
    config.write_text(config.read_text(encoding="utf-8")
                      + '\n[translation]\napi_key_env = "RELAY_LT_KEY"\n', encoding="utf-8")
    code, out, err = relay(config, "check", capsys=capsys)
    assert code == 0 and "unknown variable" not in err, (out, err)
    assert "a-key-for-the-server" not in out + err


COMMANDS_USING_THE_SESSION = {
    "check": ["check"],
    "check --online": ["check", "--online"],
    "run": ["run"],
    "login": ["login"],
    "backfill": ["backfill", "@vahed"],
}


@pytest.mark.parametrize("command", list(COMMANDS_USING_THE_SESSION))
def test_a_mangled_relay_session_is_one_line_naming_it(place, capsys, monkeypatch, command):
    tmp, config, data = place
    monkeypatch.setenv("RELAY_API_ID", "12345")
    monkeypatch.setenv("RELAY_API_HASH", API_HASH)
    monkeypatch.setenv("RELAY_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("RELAY_SESSION", MANGLED_SESSION)
    import relay.service.runner as runner

    def no_client(settings):
        raise AssertionError("connected with a session that cannot work")

    monkeypatch.setattr(runner, "make_watcher_client", no_client)
    code, out, err = relay(config, *COMMANDS_USING_THE_SESSION[command], capsys=capsys)
    assert code == 2, (out, err)
    one_line(err)
    assert "RELAY_SESSION: is not a string session" in err
    assert MANGLED_SESSION not in err and MANGLED_SESSION[5:25] not in err + out


def test_a_real_string_session_passes():
    from telethon.crypto import AuthKey
    from telethon.sessions import StringSession

    from relay.config.env import session_problem

    session = StringSession()
    session.set_dc(2, "149.154.167.51", 443)
    session.auth_key = AuthKey(bytes(range(256)))
    assert session_problem(session.save()) is None
    session.set_dc(2, "2001:67c:4e8:f002::a", 443)
    assert session_problem(session.save()) is None


@pytest.mark.parametrize("shape", ["array", "inline table", "dotted key"])
def test_a_config_nested_3000_deep_is_one_line_exit_2(place, capsys, shape):
    tmp, config, data = place
    n = 3000
    text = {"array": "x = " + "[" * n + "]" * n,
            "inline table": "x = " + "{a = " * n + "1" + "}" * n,
            "dotted key": "x" + ".a" * n + " = 1"}[shape]
    config.write_text(text + "\n", encoding="utf-8")
    code, out, err = relay(config, "check", capsys=capsys)
    assert code == 2, (out, err)
    one_line(err)
    assert str(config) in err and "nested too deeply" in err


def test_a_config_and_env_saved_with_a_byte_order_mark_are_read(place, capsys):
    tmp, config, data = place
    config.write_bytes(b"\xef\xbb\xbf" + config.read_bytes())
    (tmp / "relay.toml").rename(tmp / "bom.toml")
    (tmp / ".env").write_bytes(b"\xef\xbb\xbfRELAY_CONFIG=bom.toml\nRELAY_API_ID=12345\n")
    code = main(["check"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "configuration ok: bom.toml" in out and "api id set" in out
    make_database(data)
    assert main(["status"]) == 0, capsys.readouterr().err


def test_a_dotenv_copied_from_the_example_does_not_break_commands_without_secrets(place,
                                                                                 capsys):
    tmp, config, data = place
    shutil.copy(REPO / ".env.example", tmp / ".env")
    make_database(data)
    for argv in (["status"], ["status", "--json"], ["export"], ["backup", str(tmp / "b.db")]):
        code, out, err = relay(config, *argv, capsys=capsys)
        assert code == 0, (argv, err)
    # A command that needs the secrets still names the empty one.
    code, out, err = relay(config, "run", capsys=capsys)
    assert code == 2 and "RELAY_API_ID: is empty" in err, err
    code, out, err = relay(config, "check", capsys=capsys)
    assert code == 2 and "RELAY_API_ID: is empty" in err, err


def test_the_readme_and_help_say_what_relay_does():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "One known exception" not in readme  # a too-new schema is one line like the rest
    assert "the preview goes only to the person" not in readme  # editors get it too
    assert "and to\n  every editor" in readme
    from relay.cli.main import _parser

    export = _parser()._subparsers._group_actions[0].choices["export"]  # type: ignore[union-attr]
    assert "for a backup" not in export.description and "cannot be restored" in export.description


def test_the_readme_documents_every_command_choice_and_variable():
    """Every command `relay --help` lists has its row in README's tables, every `--what` of
    export is named, and every variable relay reads is in the environment table."""
    from relay.cli.main import _parser
    from relay.config.env import ENV_NAMES

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = _parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    missing = [name for name in commands if f"| `relay {name}" not in readme]
    assert not missing, missing
    what = next(a for a in commands["export"]._actions if a.dest == "what")
    assert all(f"`{kind}`" in readme for kind in what.choices if kind != "all"), what.choices
    assert [n for n in ENV_NAMES if n != "RELAY_LANGID_DEV" and f"| `{n}` |" not in readme] == []


def test_the_proxy_variables_are_known_to_the_check(place, capsys, monkeypatch):
    tmp, config, data = place
    monkeypatch.setenv("RELAY_PROXY", "socks5://127.0.0.1:1080")
    monkeypatch.setenv("RELAY_BOT_PROXY", "direct")
    code, out, err = relay(config, "check", capsys=capsys)
    assert "unknown variable" not in err, err
    assert code == 0, (out, err)
