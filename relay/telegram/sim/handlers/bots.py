"""What only bots do: answering button presses and setting their command menus."""

from __future__ import annotations

from typing import Any

from relay.telegram.sim.handlers.resolve import caller
from relay.telegram.sim.limits import check_callback_answer, check_commands
from relay.telegram.sim.model import rpc_error
from relay.telegram.sim.sender import SimSender
from relay.telegram.sim.state import TelegramState


def set_callback_answer(world: TelegramState, sender: SimSender, request: Any) -> bool:
    caller(world, sender, request)
    callback = world.callbacks.get(request.query_id)
    if callback is None or callback.answered.is_set():
        raise rpc_error("QUERY_ID_INVALID", request)
    check_callback_answer(request.message, request)
    callback.message = request.message
    callback.alert = bool(request.alert)
    callback.answered.set()
    return True


def set_bot_commands(world: TelegramState, sender: SimSender, request: Any) -> bool:
    me = caller(world, sender, request)
    if not me.user.bot:
        raise rpc_error("USER_BOT_REQUIRED", request)
    check_commands(request.commands, request)
    world.bot_commands[(scope_key(request.scope), request.lang_code)] = list(request.commands)
    return True


def scope_key(scope: Any) -> str:
    """``Default``, ``Peer:<user id>`` or ``PeerUser:<chat id>:<user id>``."""
    name = type(scope).__name__.removeprefix("BotCommandScope")
    peer = getattr(scope, "peer", None)
    ids = [getattr(peer, "user_id", None) or getattr(peer, "channel_id", None)] if peer else []
    if getattr(scope, "user_id", None) is not None:
        ids.append(scope.user_id.user_id)
    return ":".join([name, *(str(i) for i in ids)])


def reset_bot_commands(world: TelegramState, sender: SimSender, request: Any) -> bool:
    caller(world, sender, request)
    world.bot_commands.pop((scope_key(request.scope), request.lang_code), None)
    return True
