"""Reading: usernames, channels, history, messages by id, dialogs, files and participants."""

from __future__ import annotations

from typing import Any

from telethon.tl import types

from relay.telegram.sim.handlers.resolve import (
    caller,
    find_chan,
    find_peer,
    find_user,
    users_and_chats,
)
from relay.telegram.sim.model import Chan, rpc_error
from relay.telegram.sim.sender import SimSender
from relay.telegram.sim.state import TelegramState


def resolve_username(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    name = request.username.lower()
    for chan in world.chans.values():
        if (chan.channel.username or "").lower() == name:
            if me.id in chan.banned:
                raise rpc_error("CHANNEL_PRIVATE", request)
            return types.contacts.ResolvedPeer(types.PeerChannel(chan.id),
                                               [world.view_chat(me.id, chan.channel)], [])
    for account in world.accounts.values():
        if (account.user.username or "").lower() == name:
            return types.contacts.ResolvedPeer(types.PeerUser(account.id), [],
                                               [world.view_user(me.id, account.user)])
    raise rpc_error("USERNAME_NOT_OCCUPIED", request)


def get_channels(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    chans = [find_chan(world, me, ref, request, read=False) for ref in request.id]
    return types.messages.Chats([world.view_chat(me.id, c.channel) for c in chans])


def _history_slice(ids_desc: list[int], request: Any) -> list[int]:
    """Telegram's paging: start below ``offset_id``, shift by ``add_offset``, take ``limit``."""
    ids = [i for i in ids_desc if i > request.min_id and (not request.max_id or i < request.max_id)]
    start = 0
    if request.offset_id:
        start = next((n for n, i in enumerate(ids) if i < request.offset_id), len(ids))
    start += request.add_offset
    end = start + max(0, min(request.limit, 100))  # the window is fixed before clamping
    return ids[max(0, start):max(0, end)]


def get_history(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    peer = find_peer(world, me, request.peer, request)
    if isinstance(peer, Chan):
        ids = _history_slice(sorted(peer.messages, reverse=True), request)
        msgs = [world.view_message(me.id, peer.messages[i]) for i in ids]
        users, chats = users_and_chats(world, me, msgs, [peer])
        return types.messages.ChannelMessages(pts=peer.pts, count=len(peer.messages), messages=msgs,
                                              topics=[], chats=chats, users=users)
    box = {i: m for i, m in me.box.items() if m.peer_id.user_id == peer.id}
    ids = _history_slice(sorted(box, reverse=True), request)
    msgs = [world.view_message(me.id, box[i]) for i in ids]
    users, chats = users_and_chats(world, me, msgs)
    return types.messages.Messages(messages=msgs, topics=[], chats=chats, users=users)


def channel_messages(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    chan = find_chan(world, me, request.channel, request)
    msgs: list[Any] = []
    for ref in request.id:
        message_id: Any = getattr(ref, "id", None)
        msg = chan.messages.get(message_id)
        msgs.append(world.view_message(me.id, msg) if msg else types.MessageEmpty(id=ref.id, peer_id=None))
    users, chats = users_and_chats(world, me, [m for m in msgs if isinstance(m, types.Message)], [chan])
    return types.messages.ChannelMessages(pts=chan.pts, count=len(msgs), messages=msgs, topics=[],
                                          chats=chats, users=users)


def private_messages(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    msgs: list[Any] = []
    for ref in request.id:
        message_id: Any = getattr(ref, "id", None)
        msg = me.box.get(message_id)
        msgs.append(world.view_message(me.id, msg) if msg else types.MessageEmpty(id=ref.id, peer_id=None))
    users, chats = users_and_chats(world, me, [m for m in msgs if isinstance(m, types.Message)])
    return types.messages.Messages(messages=msgs, topics=[], chats=chats, users=users)


def get_dialogs(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    dialogs, messages = [], []
    chans = [c for c in world.chans.values() if me.id in c.members]
    for chan in chans:
        top = max(chan.messages, default=0)
        dialogs.append(types.Dialog(
            peer=types.PeerChannel(chan.id), top_message=top, read_inbox_max_id=top,
            read_outbox_max_id=top, unread_count=0, unread_mentions_count=0,
            unread_reactions_count=0, unread_poll_votes_count=0,
            notify_settings=types.PeerNotifySettings(), pts=chan.pts))
        if top:
            messages.append(world.view_message(me.id, chan.messages[top]))
    users, chats = users_and_chats(world, me, messages, chans)
    return types.messages.Dialogs(dialogs=dialogs, messages=messages, chats=chats, users=users)


def get_file(world: TelegramState, sender: SimSender, request: Any) -> Any:
    caller(world, sender, request)
    file_id: Any = getattr(request.location, "id", None)
    data = world.files.get(file_id)
    if data is None:
        raise rpc_error("FILE_REFERENCE_EXPIRED", request)
    chunk = data[request.offset:request.offset + request.limit]
    return types.upload.File(type=types.storage.FileUnknown(), mtime=0, bytes=chunk)


def get_participant(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    chan = find_chan(world, me, request.channel, request, read=False)
    target = find_user(world, me, request.participant, request)
    date = world.clock()
    if target.id in chan.admins:
        own = target.id == me.id
        participant: Any = types.ChannelParticipantAdmin(
            user_id=target.id, promoted_by=target.id, date=date,
            admin_rights=chan.admins[target.id], is_self=own or None,
            inviter_id=target.id if own else None)
    elif target.id in chan.members:
        participant = types.ChannelParticipantSelf(user_id=target.id, inviter_id=0, date=date) \
            if target.id == me.id else types.ChannelParticipant(user_id=target.id, date=date)
    else:
        raise rpc_error("USER_NOT_PARTICIPANT", request)
    return types.channels.ChannelParticipant(participant=participant, chats=[world.view_chat(
        me.id, chan.channel)], users=[world.view_user(me.id, target.user)])
