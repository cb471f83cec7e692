"""Telegram's command menu per person: each sees only the commands their roles allow.

The commands, who may use them and their descriptions are declared once, in
:data:`relay.review.commands.COMMANDS`; this module only installs them as Telegram menus.
"""

from __future__ import annotations

from collections.abc import Iterable

from telethon import TelegramClient, errors, utils
from telethon.tl import functions, types

from relay.config import Settings
from relay.review.commands import Command, commands_for


def bot_commands(commands: Iterable[Command], lang: str) -> list[types.BotCommand]:
    return [types.BotCommand(command=c.name, description=c.description(lang)) for c in commands]


async def install_command_menus(client: TelegramClient, settings: Settings) -> None:
    """Default scope: almost nothing; each person's private chat (and the review group, when
    there is one): their own role's commands, described in their language."""
    await client(functions.bots.SetBotCommandsRequest(
        scope=types.BotCommandScopeDefault(), lang_code="",
        commands=bot_commands(commands_for(None), "en")))
    group = await client.get_input_entity(settings.review.chat) if settings.review.chat else None
    for person in settings.people:
        try:
            user = await client.get_input_entity(person.id)
        except (ValueError, errors.RPCError):
            continue  # someone who never wrote to the bot: their menu comes with the default
        commands = bot_commands(commands_for(person), person.language)
        await client(functions.bots.SetBotCommandsRequest(
            scope=types.BotCommandScopePeer(peer=user), lang_code="", commands=commands))
        if group is not None:
            scope = types.BotCommandScopePeerUser(peer=group, user_id=utils.get_input_user(user))
            await client(functions.bots.SetBotCommandsRequest(scope=scope, lang_code="",
                                                             commands=commands))
