"""How the simulated Telegram answers each request the project makes.

Each handler takes ``(world, sender, request)`` and returns the TL answer or raises the RPC
error Telegram would. Only what relay uses is answered; anything else fails loudly with
``NotImplementedError`` so that a new request never passes silently untested.

The handlers are grouped by job: :mod:`.connection` (config, sign-in), :mod:`.updates`
(catching up), :mod:`.reading`, :mod:`.writing` and :mod:`.bots`; :mod:`.resolve` checks what
a request names. :data:`HANDLERS` maps each request type to its handler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from telethon.tl import functions as fn

from relay.telegram.sim.handlers import bots, connection, reading, updates, writing
from relay.telegram.sim.sender import SimSender
from relay.telegram.sim.state import TelegramState

Handler = Callable[[TelegramState, SimSender, Any], Any]


def _wrapped(world: TelegramState, sender: SimSender, request: Any) -> Any:
    """A request wrapped in another (layer, connection init, no updates): answer the inner one."""
    inner = getattr(request, "query", None)
    handler = HANDLERS.get(type(inner))
    if handler is None:
        raise NotImplementedError(f"simulated Telegram does not answer {type(inner).__name__}")
    return handler(world, sender, inner)


HANDLERS: dict[type, Handler] = {
    fn.InvokeWithLayerRequest: _wrapped,
    fn.InitConnectionRequest: _wrapped,
    fn.InvokeWithoutUpdatesRequest: _wrapped,
    fn.help.GetConfigRequest: connection.get_config,
    fn.users.GetUsersRequest: connection.get_users,
    fn.updates.GetStateRequest: updates.get_state,
    fn.updates.GetDifferenceRequest: updates.get_difference,
    fn.updates.GetChannelDifferenceRequest: updates.get_channel_difference,
    fn.auth.ImportBotAuthorizationRequest: connection.import_bot_authorization,
    fn.auth.SendCodeRequest: connection.send_code,
    fn.auth.SignInRequest: connection.sign_in,
    fn.contacts.ResolveUsernameRequest: reading.resolve_username,
    fn.channels.GetChannelsRequest: reading.get_channels,
    fn.channels.GetMessagesRequest: reading.channel_messages,
    fn.channels.GetParticipantRequest: reading.get_participant,
    fn.channels.DeleteMessagesRequest: writing.delete_channel_messages,
    fn.messages.GetMessagesRequest: reading.private_messages,
    fn.messages.GetHistoryRequest: reading.get_history,
    fn.messages.GetDialogsRequest: reading.get_dialogs,
    fn.messages.SendMessageRequest: writing.send_message,
    fn.messages.SendMediaRequest: writing.send_media,
    fn.messages.SendMultiMediaRequest: writing.send_multi_media,
    fn.messages.UploadMediaRequest: writing.upload_media,
    fn.messages.EditMessageRequest: writing.edit_message,
    fn.messages.SetBotCallbackAnswerRequest: bots.set_callback_answer,
    fn.bots.SetBotCommandsRequest: bots.set_bot_commands,
    fn.bots.ResetBotCommandsRequest: bots.reset_bot_commands,
    fn.upload.GetFileRequest: reading.get_file,
    fn.upload.SaveFilePartRequest: writing.save_file_part,
    fn.upload.SaveBigFilePartRequest: writing.save_file_part,
}
