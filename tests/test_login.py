"""``relay login`` fails with the command line's own error, which the entry point turns into exit 1."""

from __future__ import annotations

import io
import sys

import pytest
from telethon.sessions import StringSession

from relay.cli import main as cli_main
from relay.cli.errors import EXIT_FAILURE, CommandError
from relay.telegram.client import ReadOnlyClient
from relay.telegram.login import login


async def test_an_unknown_phone_number_ends_in_a_command_error(world, settings, monkeypatch):
    world.tg.add_user("Operator", phone="989121234567")
    monkeypatch.setattr(sys, "stdin", io.StringIO("+989120000000\n12345\n"))  # nobody's phone
    secrets = settings.secrets.__class__(1, "sim-api-hash", None, None)
    settings = settings.__class__(**{**settings.__dict__, "secrets": secrets})
    client = world.tg.client(None, cls=ReadOnlyClient, session=StringSession())
    with pytest.raises(CommandError, match="sign-in failed: PhoneNumberInvalid"):
        await login(settings, as_string=True, client=client)


def test_the_entry_point_exits_1_on_a_command_error(monkeypatch, capsys):
    def failing(args):
        raise CommandError("sign-in failed: PhoneCodeInvalid")

    monkeypatch.setitem(cli_main._COMMANDS, "login", failing)
    assert cli_main.main(["login"]) == EXIT_FAILURE
    assert capsys.readouterr().err == "relay login: sign-in failed: PhoneCodeInvalid\n"
