"""Telegram's command menu per person: each sees only the commands their roles allow."""

from __future__ import annotations

from telethon import TelegramClient, errors, utils
from telethon.tl import functions, types

from relay.config import Person, Settings
from relay.review.texts import COMMAND_HELP

TRANSLATOR_COMMANDS = ("help", "queue", "show", "claim", "tr", "lang", "search", "stats",
                       "whoami")
EDITOR_COMMANDS = TRANSLATOR_COMMANDS[:5] + ("approve", "reject", "skip", "reopen", "retry") \
    + TRANSLATOR_COMMANDS[5:]
EVERYONE_COMMANDS = ("whoami",)


def commands_for(person: Person | None) -> tuple[str, ...]:
    if person is None:
        return EVERYONE_COMMANDS
    if person.is_editor:
        return EDITOR_COMMANDS
    if person.is_translator:
        return TRANSLATOR_COMMANDS
    return EVERYONE_COMMANDS


def bot_commands(names: tuple[str, ...], lang: str) -> list[types.BotCommand]:
    index = 1 if lang == "fa" else 0
    return [types.BotCommand(command=n, description=COMMAND_HELP[n][index]) for n in names]


async def install_command_menus(client: TelegramClient, settings: Settings) -> None:
    """Default scope: almost nothing; each person's private chat (and the review group, when
    there is one): their own role's commands, described in their language."""
    await client(functions.bots.SetBotCommandsRequest(
        scope=types.BotCommandScopeDefault(), lang_code="",
        commands=bot_commands(EVERYONE_COMMANDS, "en")))
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
