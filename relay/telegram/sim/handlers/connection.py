"""Connecting and signing in: the server's config, users by id, bot tokens, phone and code."""

from __future__ import annotations

from typing import Any

from telethon.tl import types

from relay.telegram.sim.handlers.resolve import caller, find_user
from relay.telegram.sim.model import CAPTION_LIMIT, TEXT_LIMIT, Account, rpc_error
from relay.telegram.sim.sender import SimSender
from relay.telegram.sim.state import TelegramState


def get_config(world: TelegramState, sender: SimSender, request: Any) -> Any:
    import inspect

    params: dict[str, Any] = {}
    for name, param in inspect.signature(types.Config.__init__).parameters.items():
        if name == "self" or param.default is not inspect.Parameter.empty:
            continue
        annotation = str(param.annotation)
        if "datetime" in annotation:
            params[name] = world.clock()
        elif "List" in annotation:
            params[name] = []
        elif "str" in annotation:
            params[name] = ""
        elif "bool" in annotation:
            params[name] = False
        else:
            params[name] = 0
    params.update(this_dc=world.DC_ID, message_length_max=TEXT_LIMIT,
                  caption_length_max=CAPTION_LIMIT)
    return types.Config(**params)


def get_users(world: TelegramState, sender: SimSender, request: Any) -> list[Any]:
    me = caller(world, sender, request)
    out = []
    for ref in request.id:
        account = find_user(world, me, ref, request)
        out.append(world.view_user(me.id, account.user))
    return out


def import_bot_authorization(world: TelegramState, sender: SimSender, request: Any) -> Any:
    for account in world.accounts.values():
        if account.token and account.token == request.bot_auth_token:
            sender.user_id = account.id
            world.authorizations[sender.auth_key.key] = account.id
            return types.auth.Authorization(user=world.view_user(account.id, account.user))
    raise rpc_error("ACCESS_TOKEN_INVALID", request)


def _account_by_phone(world: TelegramState, phone: str) -> Account | None:
    return next((a for a in world.accounts.values() if a.user.phone == phone.lstrip("+")), None)


def send_code(world: TelegramState, sender: SimSender, request: Any) -> Any:
    if _account_by_phone(world, request.phone_number) is None:
        raise rpc_error("PHONE_NUMBER_INVALID", request)
    return types.auth.SentCode(type=types.auth.SentCodeTypeApp(length=5),
                               phone_code_hash="sim-phone-code-hash")


def sign_in(world: TelegramState, sender: SimSender, request: Any) -> Any:
    account = _account_by_phone(world, request.phone_number)
    if account is None:
        raise rpc_error("PHONE_NUMBER_INVALID", request)
    if request.phone_code != account.login_code:
        raise rpc_error("PHONE_CODE_INVALID", request)
    sender.user_id = account.id
    world.authorizations[sender.auth_key.key] = account.id
    return types.auth.Authorization(user=world.view_user(account.id, account.user))
