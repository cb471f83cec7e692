"""How the simulated Telegram answers each request the project makes.

Each handler takes ``(world, sender, request)`` and returns the TL answer or raises the RPC
error Telegram would. Only what relay uses is answered; anything else fails loudly with
``NotImplementedError`` so that a new request never passes silently untested.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from telethon.tl import functions as fn
from telethon.tl import types

from relay.telegram.sim.world import Account, Chan, callback_data, rpc_error

if TYPE_CHECKING:
    from relay.telegram.sim.sender import SimSender
    from relay.telegram.sim.world import SimTelegram

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
_NO_AUTH = (
    fn.auth.ImportBotAuthorizationRequest,
    fn.auth.SendCodeRequest,
    fn.auth.SignInRequest,
    fn.help.GetConfigRequest,
    fn.updates.GetStateRequest,
)


def _me(world: SimTelegram, sender: SimSender, request: Any) -> Account:
    if sender.user_id is None:
        raise rpc_error("AUTH_KEY_UNREGISTERED", request)
    return world.accounts[sender.user_id]


def _hash_ok(me: Account, given: int, real: int, *, member: bool = True) -> bool:
    """Bots may use access hash 0 for chats they are in and users who wrote to them."""
    return given == real or (bool(me.user.bot) and given == 0 and member)


def _chan(world: SimTelegram, me: Account, ref: Any, request: Any, *, read: bool = True) -> Chan:
    channel_id = getattr(ref, "channel_id", None)
    chan = world.chans.get(channel_id)
    if chan is None or not _hash_ok(me, ref.access_hash, chan.channel.access_hash,
                                    member=me.id in chan.members):
        raise rpc_error("CHANNEL_INVALID", request)
    if me.id in chan.banned or (read and not chan.channel.username and me.id not in chan.members):
        raise rpc_error("CHANNEL_PRIVATE", request)
    return chan


def _peer(world: SimTelegram, me: Account, peer: Any, request: Any) -> Chan | Account:
    if isinstance(peer, types.InputPeerChannel | types.InputChannel):
        return _chan(world, me, peer, request)
    if isinstance(peer, types.InputPeerSelf | types.InputUserSelf):
        return me
    if isinstance(peer, types.InputPeerUser | types.InputUser):
        other = world.accounts.get(peer.user_id)
        if other is None or not _hash_ok(me, peer.access_hash, other.user.access_hash):
            raise rpc_error("PEER_ID_INVALID", request)
        return other
    raise rpc_error("PEER_ID_INVALID", request)


def _users_chats(world: SimTelegram, me: Account, messages: list[Any], chans: list[Chan] = ()):
    user_ids: set[int] = set()
    chan_ids = {c.id for c in chans}
    for m in messages:
        if isinstance(getattr(m, "from_id", None), types.PeerUser):
            user_ids.add(m.from_id.user_id)
        if isinstance(getattr(m, "peer_id", None), types.PeerUser):
            user_ids.add(m.peer_id.user_id)
        if isinstance(getattr(m, "peer_id", None), types.PeerChannel):
            chan_ids.add(m.peer_id.channel_id)
    users = [world.view_user(me.id, world.accounts[u].user) for u in user_ids if u in world.accounts]
    chats = [world.view_chat(me.id, world.chans[c].channel) for c in chan_ids if c in world.chans]
    return users, chats


# ---------------------------------------------------------------- connection and login
def _config(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    import inspect

    params = {}
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


def _wrapped(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    inner = getattr(request, "query", None)
    handler = world._handlers.get(type(inner))
    if handler is None:
        raise NotImplementedError(f"simulated Telegram does not answer {type(inner).__name__}")
    return handler(world, sender, inner)


def _get_users(world: SimTelegram, sender: SimSender, request: Any) -> list[Any]:
    me = _me(world, sender, request)
    out = []
    for ref in request.id:
        account = _peer(world, me, ref, request)
        out.append(world.view_user(me.id, account.user))
    return out


def _get_state(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
    return types.updates.State(pts=me.pts, qts=0, date=world.clock(), seq=0, unread_count=0)


def _get_difference(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
    missed = [u for pts, u in me.log if pts > request.pts]
    if not missed:
        return types.updates.DifferenceEmpty(date=world.clock(), seq=0)
    new = [world.view_message(me.id, u.message) for u in missed if isinstance(u, types.UpdateNewMessage)]
    other = [world.view_update(me.id, u) for u in missed if not isinstance(u, types.UpdateNewMessage)]
    users, chats = _users_chats(world, me, new)
    state = types.updates.State(pts=me.pts, qts=0, date=world.clock(), seq=0, unread_count=0)
    return types.updates.Difference(new, [], other, chats, users, state)


def _get_channel_difference(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
    chan = _chan(world, me, request.channel, request)
    missed = [(pts, u) for pts, u in chan.log if pts > request.pts]
    if not missed:
        return types.updates.ChannelDifferenceEmpty(pts=chan.pts, final=True, timeout=30)
    too_long = world.channel_too_long_after
    if too_long is not None and len(missed) > too_long:
        # Telegram gives up listing the changes: the newest messages and the channel's pts.
        newest = sorted(chan.messages)[-request.limit:]
        messages = [world.view_message(me.id, chan.messages[i]) for i in reversed(newest)]
        users, chats = _users_chats(world, me, messages, [chan])
        dialog = types.Dialog(
            peer=types.PeerChannel(chan.id), top_message=newest[-1] if newest else 0,
            read_inbox_max_id=0, read_outbox_max_id=0, unread_count=0, unread_mentions_count=0,
            unread_reactions_count=0, unread_poll_votes_count=0,
            notify_settings=types.PeerNotifySettings(), pts=chan.pts)
        return types.updates.ChannelDifferenceTooLong(dialog=dialog, messages=messages,
                                                      chats=chats, users=users, final=True,
                                                      timeout=30)
    # At most ``limit`` updates per answer, as Telegram: the client asks again until final.
    chunk = missed[:max(request.limit, 1)]
    final = len(chunk) == len(missed)
    new = [world.view_message(me.id, u.message) for _, u in chunk
           if isinstance(u, types.UpdateNewChannelMessage) and u.message.id in chan.messages]
    other = [world.view_update(me.id, u) for _, u in chunk
             if not isinstance(u, types.UpdateNewChannelMessage)]
    users, chats = _users_chats(world, me, new, [chan])
    return types.updates.ChannelDifference(pts=chunk[-1][0], new_messages=new,
                                           other_updates=other, chats=chats, users=users,
                                           final=final, timeout=30)


def _import_bot_authorization(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    for account in world.accounts.values():
        if account.token and account.token == request.bot_auth_token:
            sender.user_id = account.id
            return types.auth.Authorization(user=world.view_user(account.id, account.user))
    raise rpc_error("ACCESS_TOKEN_INVALID", request)


def _account_by_phone(world: SimTelegram, phone: str) -> Account | None:
    return next((a for a in world.accounts.values() if a.user.phone == phone.lstrip("+")), None)


def _send_code(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    if _account_by_phone(world, request.phone_number) is None:
        raise rpc_error("PHONE_NUMBER_INVALID", request)
    return types.auth.SentCode(type=types.auth.SentCodeTypeApp(length=5),
                               phone_code_hash="sim-phone-code-hash")


def _sign_in(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    account = _account_by_phone(world, request.phone_number)
    if account is None:
        raise rpc_error("PHONE_NUMBER_INVALID", request)
    if request.phone_code != account.login_code:
        raise rpc_error("PHONE_CODE_INVALID", request)
    sender.user_id = account.id
    return types.auth.Authorization(user=world.view_user(account.id, account.user))


# ---------------------------------------------------------------- reading
def _resolve_username(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
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


def _get_channels(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
    chans = [_chan(world, me, ref, request, read=False) for ref in request.id]
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


def _get_history(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
    peer = _peer(world, me, request.peer, request)
    if isinstance(peer, Chan):
        ids = _history_slice(sorted(peer.messages, reverse=True), request)
        msgs = [world.view_message(me.id, peer.messages[i]) for i in ids]
        users, chats = _users_chats(world, me, msgs, [peer])
        return types.messages.ChannelMessages(pts=peer.pts, count=len(peer.messages), messages=msgs,
                                              topics=[], chats=chats, users=users)
    box = {i: m for i, m in me.box.items() if m.peer_id.user_id == peer.id}
    ids = _history_slice(sorted(box, reverse=True), request)
    msgs = [world.view_message(me.id, box[i]) for i in ids]
    users, chats = _users_chats(world, me, msgs)
    return types.messages.Messages(messages=msgs, topics=[], chats=chats, users=users)


def _channel_messages(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
    chan = _chan(world, me, request.channel, request)
    msgs: list[Any] = []
    for ref in request.id:
        msg = chan.messages.get(getattr(ref, "id", None))
        msgs.append(world.view_message(me.id, msg) if msg else types.MessageEmpty(id=ref.id, peer_id=None))
    users, chats = _users_chats(world, me, [m for m in msgs if isinstance(m, types.Message)], [chan])
    return types.messages.ChannelMessages(pts=chan.pts, count=len(msgs), messages=msgs, topics=[],
                                          chats=chats, users=users)


def _private_messages(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
    msgs: list[Any] = []
    for ref in request.id:
        msg = me.box.get(getattr(ref, "id", None))
        msgs.append(world.view_message(me.id, msg) if msg else types.MessageEmpty(id=ref.id, peer_id=None))
    users, chats = _users_chats(world, me, [m for m in msgs if isinstance(m, types.Message)])
    return types.messages.Messages(messages=msgs, topics=[], chats=chats, users=users)


def _get_dialogs(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
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
    users, chats = _users_chats(world, me, messages, chans)
    return types.messages.Dialogs(dialogs=dialogs, messages=messages, chats=chats, users=users)


def _get_file(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    _me(world, sender, request)
    data = world.files.get(getattr(request.location, "id", None))
    if data is None:
        raise rpc_error("FILE_REFERENCE_EXPIRED", request)
    chunk = data[request.offset:request.offset + request.limit]
    return types.upload.File(type=types.storage.FileUnknown(), mtime=0, bytes=chunk)


def _get_participant(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
    chan = _chan(world, me, request.channel, request, read=False)
    target = _peer(world, me, request.participant, request)
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


# ---------------------------------------------------------------- writing
def _check_text(text: str, limit: int, request: Any, *, allow_empty: bool = False) -> None:
    units = len(text.encode("utf-16-le")) // 2
    if not text.strip() and not allow_empty:
        raise rpc_error("MESSAGE_EMPTY", request)
    if units > limit:
        raise rpc_error("MEDIA_CAPTION_TOO_LONG" if limit == CAPTION_LIMIT else "MESSAGE_TOO_LONG",
                        request)


def _check_entities(text: str, entities: list[Any] | None, request: Any) -> None:
    units = len(text.encode("utf-16-le")) // 2
    for e in entities or ():
        if e.offset < 0 or e.length <= 0 or e.offset + e.length > units:
            raise rpc_error("ENTITY_BOUNDS_INVALID", request)


def _check_markup(markup: Any, request: Any) -> None:
    if isinstance(markup, types.ReplyInlineMarkup):
        for row in markup.rows:
            for button in row.buttons:
                data = callback_data(button)
                if data is not None and len(data) > CALLBACK_DATA_LIMIT:
                    raise rpc_error("BUTTON_DATA_INVALID", request)


def _can_post(chan: Chan, me: Account, request: Any) -> None:
    if me.id in chan.banned or me.id not in chan.members:
        raise rpc_error("CHANNEL_PRIVATE" if me.id in chan.banned else "CHAT_WRITE_FORBIDDEN",
                        request)
    if chan.channel.broadcast and not (chan.admins.get(me.id) and chan.admins[me.id].post_messages):
        raise rpc_error("CHAT_ADMIN_REQUIRED", request)


def _reply_id(reply_to: Any) -> int | None:
    return getattr(reply_to, "reply_to_msg_id", None)


def _deliver_new(world: SimTelegram, me: Account, peer: Chan | Account, text: str, *,
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


def _send_result(world: SimTelegram, me: Account, peer: Chan | Account,
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


def _target(world: SimTelegram, me: Account, request: Any) -> Chan | Account:
    peer = _peer(world, me, request.peer, request)
    if isinstance(peer, Chan):
        _can_post(peer, me, request)
    return peer


def _send_message(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
    peer = _target(world, me, request)
    _check_text(request.message, TEXT_LIMIT, request)
    _check_entities(request.message, request.entities, request)
    _check_markup(request.reply_markup, request)
    _msg, own = _deliver_new(world, me, peer, request.message, entities=request.entities,
                             media=None, reply_to=_reply_id(request.reply_to),
                             markup=request.reply_markup)
    return _send_result(world, me, peer, [(request.random_id, own)])


def _stored_media(world: SimTelegram, media: Any, request: Any) -> Any:
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


def _uploaded(world: SimTelegram, input_file: Any, request: Any) -> bytes:
    parts = world.uploads.pop(input_file.id, None)
    if parts is None or len(parts) != input_file.parts:
        raise rpc_error("FILE_PARTS_INVALID", request)
    return b"".join(parts[i] for i in range(input_file.parts))


def _save_file_part(world: SimTelegram, sender: SimSender, request: Any) -> bool:
    _me(world, sender, request)
    world.uploads.setdefault(request.file_id, {})[request.file_part] = request.bytes
    return True


def _send_media(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
    peer = _target(world, me, request)
    _check_text(request.message, CAPTION_LIMIT, request, allow_empty=True)
    _check_entities(request.message, request.entities, request)
    _check_markup(request.reply_markup, request)
    media = _stored_media(world, request.media, request)
    _msg, own = _deliver_new(world, me, peer, request.message, entities=request.entities,
                             media=media, reply_to=_reply_id(request.reply_to),
                             markup=request.reply_markup)
    return _send_result(world, me, peer, [(request.random_id, own)])


def _upload_media(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    _me(world, sender, request)
    return _stored_media(world, request.media, request)


def _send_multi_media(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
    peer = _target(world, me, request)
    if not 2 <= len(request.multi_media) <= 10:
        raise rpc_error("MULTI_MEDIA_TOO_LONG" if request.multi_media else "MEDIA_EMPTY", request)
    for item in request.multi_media:
        _check_text(item.message, CAPTION_LIMIT, request, allow_empty=True)
        _check_entities(item.message, item.entities, request)
    grouped_id = random.randrange(1, 2**62)
    pairs = []
    for item in request.multi_media:
        media = _stored_media(world, item.media, request)
        _msg, own = _deliver_new(world, me, peer, item.message, entities=item.entities, media=media,
                                 reply_to=_reply_id(request.reply_to), markup=None,
                                 grouped_id=grouped_id)
        pairs.append((item.random_id, own))
    return _send_result(world, me, peer, pairs)


def _edit_message(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
    peer = _peer(world, me, request.peer, request)
    store = peer.messages if isinstance(peer, Chan) else me.box
    msg = store.get(request.id)
    if msg is None:
        raise rpc_error("MESSAGE_ID_INVALID", request)
    if getattr(msg, "_sim_author", None) != me.id:
        raise rpc_error("MESSAGE_AUTHOR_REQUIRED", request)
    text = msg.message if request.message is None else request.message
    limit = CAPTION_LIMIT if msg.media else TEXT_LIMIT
    _check_text(text, limit, request, allow_empty=bool(msg.media))
    _check_entities(text, request.entities, request)
    _check_markup(request.reply_markup, request)
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


def _delete_channel_messages(world: SimTelegram, sender: SimSender, request: Any) -> Any:
    me = _me(world, sender, request)
    chan = _chan(world, me, request.channel, request)
    rights = chan.admins.get(me.id)
    for i in request.id:
        msg = chan.messages.get(i)
        if msg is not None and msg._sim_author != me.id and not (rights and rights.delete_messages):
            raise rpc_error("MESSAGE_DELETE_FORBIDDEN", request)
    world.delete(chan, list(request.id))
    return types.messages.AffectedMessages(pts=chan.pts, pts_count=len(request.id))


def _set_callback_answer(world: SimTelegram, sender: SimSender, request: Any) -> bool:
    _me(world, sender, request)
    callback = world.callbacks.get(request.query_id)
    if callback is None or callback.answered.is_set():
        raise rpc_error("QUERY_ID_INVALID", request)
    callback.message = request.message
    callback.alert = bool(request.alert)
    callback.answered.set()
    return True


def _set_bot_commands(world: SimTelegram, sender: SimSender, request: Any) -> bool:
    me = _me(world, sender, request)
    if not me.user.bot:
        raise rpc_error("USER_BOT_REQUIRED", request)
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


def _reset_bot_commands(world: SimTelegram, sender: SimSender, request: Any) -> bool:
    _me(world, sender, request)
    world.bot_commands.pop((scope_key(request.scope), request.lang_code), None)
    return True


HANDLERS: dict[type, Any] = {
    fn.InvokeWithLayerRequest: _wrapped,
    fn.InitConnectionRequest: _wrapped,
    fn.InvokeWithoutUpdatesRequest: _wrapped,
    fn.help.GetConfigRequest: _config,
    fn.users.GetUsersRequest: _get_users,
    fn.updates.GetStateRequest: _get_state,
    fn.updates.GetDifferenceRequest: _get_difference,
    fn.updates.GetChannelDifferenceRequest: _get_channel_difference,
    fn.auth.ImportBotAuthorizationRequest: _import_bot_authorization,
    fn.auth.SendCodeRequest: _send_code,
    fn.auth.SignInRequest: _sign_in,
    fn.contacts.ResolveUsernameRequest: _resolve_username,
    fn.channels.GetChannelsRequest: _get_channels,
    fn.channels.GetMessagesRequest: _channel_messages,
    fn.channels.GetParticipantRequest: _get_participant,
    fn.channels.DeleteMessagesRequest: _delete_channel_messages,
    fn.messages.GetMessagesRequest: _private_messages,
    fn.messages.GetHistoryRequest: _get_history,
    fn.messages.GetDialogsRequest: _get_dialogs,
    fn.messages.SendMessageRequest: _send_message,
    fn.messages.SendMediaRequest: _send_media,
    fn.messages.SendMultiMediaRequest: _send_multi_media,
    fn.messages.UploadMediaRequest: _upload_media,
    fn.messages.EditMessageRequest: _edit_message,
    fn.messages.SetBotCallbackAnswerRequest: _set_callback_answer,
    fn.bots.SetBotCommandsRequest: _set_bot_commands,
    fn.bots.ResetBotCommandsRequest: _reset_bot_commands,
    fn.upload.GetFileRequest: _get_file,
    fn.upload.SaveFilePartRequest: _save_file_part,
    fn.upload.SaveBigFilePartRequest: _save_file_part,
}
