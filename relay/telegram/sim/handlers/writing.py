"""Writing: sending text, media and albums, uploading, editing and deleting; Telegram's
limits on text, captions, entities and buttons are enforced here."""

from __future__ import annotations

import random
from typing import Any

from telethon.tl import types

from relay.telegram.sim.handlers.resolve import caller, find_chan, find_peer
from relay.telegram.sim.limits import (
    check_album,
    check_entities,
    check_markup,
    check_text,
)
from relay.telegram.sim.model import CAPTION_LIMIT, TEXT_LIMIT, Account, Chan, rpc_error
from relay.telegram.sim.sender import SimSender
from relay.telegram.sim.state import TelegramState


def _can_post(chan: Chan, me: Account, request: Any) -> None:
    if me.id in chan.banned or me.id not in chan.members:
        raise rpc_error("CHANNEL_PRIVATE" if me.id in chan.banned else "CHAT_WRITE_FORBIDDEN",
                        request)
    if chan.channel.broadcast and not (chan.admins.get(me.id) and chan.admins[me.id].post_messages):
        raise rpc_error("CHAT_ADMIN_REQUIRED", request)


def _reply_id(reply_to: Any) -> int | None:
    return getattr(reply_to, "reply_to_msg_id", None)


def _deliver_new(world: TelegramState, me: Account, peer: Chan | Account, text: str, *,
                 entities: Any, media: Any, reply_to: int | None, markup: Any,
                 grouped_id: int | None = None) -> tuple[types.Message, Any]:
    """Create the message where it belongs; return it and the update the sender gets back."""
    if isinstance(peer, Chan):
        msg = world.post(peer, text, entities=entities, media=media, reply_to=reply_to,
                         author=me, reply_markup=markup, grouped_id=grouped_id)
        own = world.view_message(me.id, msg)
        return msg, types.UpdateNewChannelMessage(own, peer.pts, 1)
    reply_in_their_box = me.box[reply_to]._sim_pair_id if reply_to in me.box else None
    mine, _theirs = world._private_pair(me, peer, text, entities, reply_in_their_box, media, markup)
    me.pts += 1
    own_update = types.UpdateNewMessage(world.view_message(me.id, mine), me.pts, 1)
    me.log.append((me.pts, types.UpdateNewMessage(mine, me.pts, 1)))
    return mine, own_update


def _send_result(world: TelegramState, me: Account, peer: Chan | Account,
                 pairs: list[tuple[int, Any]]) -> types.Updates:
    updates: list[Any] = []
    for random_id, own_update in pairs:
        updates.append(types.UpdateMessageID(id=own_update.message.id, random_id=random_id))
        updates.append(own_update)
    chats = [world.view_chat(me.id, peer.channel)] if isinstance(peer, Chan) else []
    users = [world.view_user(me.id, me.user)]
    if isinstance(peer, Account):
        users.append(world.view_user(me.id, peer.user))
    return types.Updates(updates=updates, users=users, chats=chats, date=world.clock(), seq=0)


def _target(world: TelegramState, me: Account, request: Any) -> Chan | Account:
    peer = find_peer(world, me, request.peer, request)
    if isinstance(peer, Chan):
        _can_post(peer, me, request)
    return peer


def send_message(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    peer = _target(world, me, request)
    check_text(request.message, TEXT_LIMIT, request)
    check_entities(request.message, request.entities, request)
    check_markup(request.reply_markup, request)
    _msg, own = _deliver_new(world, me, peer, request.message, entities=request.entities,
                             media=None, reply_to=_reply_id(request.reply_to),
                             markup=request.reply_markup)
    return _send_result(world, me, peer, [(request.random_id, own)])


def _stored_media(world: TelegramState, media: Any, request: Any) -> Any:
    """The message media that an input media stands for (uploaded or already on the server)."""
    if isinstance(media, types.InputMediaUploadedPhoto):
        return types.MessageMediaPhoto(photo=world.photo(_uploaded(world, media.file, request)))
    if isinstance(media, types.InputMediaUploadedDocument):
        data = _uploaded(world, media.file, request)
        name = next((a.file_name for a in media.attributes
                     if isinstance(a, types.DocumentAttributeFilename)), "file")
        video = any(isinstance(a, types.DocumentAttributeVideo) for a in media.attributes)
        return types.MessageMediaDocument(document=world.document(data, media.mime_type, name, video))
    if isinstance(media, types.InputMediaPhoto | types.InputMediaDocument):
        file_id = media.id.id
        if file_id not in world.files:
            raise rpc_error("MEDIA_EMPTY", request)
        if isinstance(media, types.InputMediaPhoto):
            return types.MessageMediaPhoto(photo=world.photo(world.files[file_id]))
        return types.MessageMediaDocument(document=world.document(world.files[file_id]))
    raise rpc_error("MEDIA_INVALID", request)


def _uploaded(world: TelegramState, input_file: Any, request: Any) -> bytes:
    parts = world.uploads.pop(input_file.id, None)
    if parts is None or len(parts) != input_file.parts:
        raise rpc_error("FILE_PARTS_INVALID", request)
    return b"".join(parts[i] for i in range(input_file.parts))


def save_file_part(world: TelegramState, sender: SimSender, request: Any) -> bool:
    caller(world, sender, request)
    world.uploads.setdefault(request.file_id, {})[request.file_part] = request.bytes
    return True


def send_media(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    peer = _target(world, me, request)
    check_text(request.message, CAPTION_LIMIT, request, allow_empty=True)
    check_entities(request.message, request.entities, request)
    check_markup(request.reply_markup, request)
    media = _stored_media(world, request.media, request)
    _msg, own = _deliver_new(world, me, peer, request.message, entities=request.entities,
                             media=media, reply_to=_reply_id(request.reply_to),
                             markup=request.reply_markup)
    return _send_result(world, me, peer, [(request.random_id, own)])


def upload_media(world: TelegramState, sender: SimSender, request: Any) -> Any:
    caller(world, sender, request)
    return _stored_media(world, request.media, request)


def send_multi_media(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    peer = _target(world, me, request)
    check_album(len(request.multi_media), request)
    for item in request.multi_media:
        check_text(item.message, CAPTION_LIMIT, request, allow_empty=True)
        check_entities(item.message, item.entities, request)
    grouped_id = random.randrange(1, 2**62)
    pairs = []
    for item in request.multi_media:
        media = _stored_media(world, item.media, request)
        _msg, own = _deliver_new(world, me, peer, item.message, entities=item.entities, media=media,
                                 reply_to=_reply_id(request.reply_to), markup=None,
                                 grouped_id=grouped_id)
        pairs.append((item.random_id, own))
    return _send_result(world, me, peer, pairs)


def edit_message(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    peer = find_peer(world, me, request.peer, request)
    store = peer.messages if isinstance(peer, Chan) else me.box
    msg = store.get(request.id)
    if msg is None:
        raise rpc_error("MESSAGE_ID_INVALID", request)
    if getattr(msg, "_sim_author", None) != me.id:
        raise rpc_error("MESSAGE_AUTHOR_REQUIRED", request)
    text = msg.message if request.message is None else request.message
    limit = CAPTION_LIMIT if msg.media else TEXT_LIMIT
    check_text(text, limit, request, allow_empty=bool(msg.media))
    check_entities(text, request.entities, request)
    check_markup(request.reply_markup, request)
    markup = request.reply_markup  # as on Telegram: an edit without markup removes the buttons
    entities = request.entities if request.message is not None else msg.entities
    if (text == msg.message and (entities or None) == (msg.entities or None)
            and markup == msg.reply_markup):
        raise rpc_error("MESSAGE_NOT_MODIFIED", request)
    if isinstance(peer, Chan):
        edited = world.edit(peer, request.id, text, entities=entities, reply_markup=markup)
        own = types.UpdateEditChannelMessage(world.view_message(me.id, edited), peer.pts, 1)
        chats = [world.view_chat(me.id, peer.channel)]
    else:
        msg.message, msg.entities, msg.reply_markup = text, entities or None, markup
        msg.edit_date = world.clock()
        other = world.accounts[msg.peer_id.user_id]
        theirs = other.box.get(msg._sim_pair_id)
        if theirs is not None:
            theirs.message, theirs.entities, theirs.reply_markup = text, entities or None, markup
            theirs.edit_date = msg.edit_date
            world._push_to(other.id, types.UpdateEditMessage(theirs, 0, 1), users=[me.user])
        me.pts += 1
        own = types.UpdateEditMessage(world.view_message(me.id, msg), me.pts, 1)
        chats = []
    return types.Updates(updates=[own], users=[world.view_user(me.id, me.user)], chats=chats,
                         date=world.clock(), seq=0)


def delete_channel_messages(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    chan = find_chan(world, me, request.channel, request)
    rights = chan.admins.get(me.id)
    for i in request.id:
        msg = chan.messages.get(i)
        if msg is not None and msg._sim_author != me.id and not (rights and rights.delete_messages):
            raise rpc_error("MESSAGE_DELETE_FORBIDDEN", request)
    world.delete(chan, list(request.id))
    return types.messages.AffectedMessages(pts=chan.pts, pts_count=len(request.id))
