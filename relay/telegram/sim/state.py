"""Telegram's side of the simulation: who exists, what every chat holds, what happens in it
(posts, edits, deletions, private messages, button presses) and who is told.

:class:`~relay.telegram.sim.world.SimTelegram` adds the clients, the network and scripted
failures on top; the request handlers (:mod:`relay.telegram.sim.handlers`) read and change
this state.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Sequence
from copy import copy as shallow_copy
from typing import Any

from telethon.tl import types

from relay.telegram.sim import forwards
from relay.telegram.sim.limits import check_album, check_markup, check_message
from relay.telegram.sim.model import KEEP, Account, Callback, Chan, button_data
from relay.telegram.sim.sender import SimSender
from relay.telegram.sim.wire import copy_object


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class TelegramState:
    """Accounts, chats, files and callbacks, and the changes every client attached is told of."""

    DC_ID = 2  # Telethon's default data centre, so files download through the main sender

    def __init__(self, clock: Callable[[], dt.datetime] = utc_now):
        self.clock = clock
        self.accounts: dict[int, Account] = {}
        self.chans: dict[int, Chan] = {}
        self.files: dict[int, bytes] = {}
        self.uploads: dict[int, dict[int, bytes]] = {}
        self.bot_commands: dict[tuple[str, str], list[types.BotCommand]] = {}
        self.callbacks: dict[int, Callback] = {}
        self.authorizations: dict[bytes, int] = {}  # auth key -> the account signed in with it
        self._senders: list[SimSender] = []
        self._ids = itertools.count(1_000_001)
        self._hashes = itertools.count(7_000_000_001, 7919)
        #: A channel difference asked for more missed updates than this is answered "too long"
        #: (``ChannelDifferenceTooLong``: the newest messages only), as Telegram does when a
        #: client has been away from a busy channel. ``None``: never.
        self.channel_too_long_after: int | None = None

    # ------------------------------------------------------------------ building the world
    def add_user(self, first_name: str, *, username: str | None = None, bot: bool = False,
                 token: str | None = None, user_id: int | None = None,
                 phone: str | None = None) -> Account:
        uid = user_id or next(self._ids)
        user = types.User(
            id=uid,
            access_hash=next(self._hashes),
            first_name=first_name,
            username=username,
            bot=bot,
            bot_info_version=1 if bot else None,
            phone=phone,
        )
        account = Account(user=user, token=token)
        self.accounts[uid] = account
        return account

    def add_bot(self, first_name: str, *, username: str, token: str) -> Account:
        return self.add_user(first_name, username=username, bot=True, token=token)

    def add_channel(self, title: str, *, username: str | None = None, megagroup: bool = False,
                    members: Iterable[Account] = (), admins: Iterable[Account] = (),
                    channel_id: int | None = None) -> Chan:
        cid = channel_id or next(self._ids)
        channel = types.Channel(
            id=cid,
            title=title,
            photo=types.ChatPhotoEmpty(),
            date=self.clock(),
            access_hash=next(self._hashes),
            username=username,
            broadcast=not megagroup,
            megagroup=megagroup,
        )
        chan = Chan(channel=channel)
        self.chans[cid] = chan
        for account in members:
            chan.members.add(account.id)
        for account in admins:
            self.make_admin(chan, account)
        return chan

    def make_admin(self, chan: Chan, account: Account, *, post: bool = True) -> None:
        chan.members.add(account.id)
        chan.admins[account.id] = types.ChatAdminRights(
            post_messages=post, edit_messages=post, delete_messages=post
        )

    def remove_admin(self, chan: Chan, account: Account) -> None:
        chan.admins.pop(account.id, None)

    def ban(self, chan: Chan, account: Account) -> None:
        chan.members.discard(account.id)
        chan.admins.pop(account.id, None)
        chan.banned.add(account.id)

    def photo(self, data: bytes = b"\x89PNG sim photo") -> types.Photo:
        pid = next(self._ids)
        self.files[pid] = data
        return types.Photo(
            id=pid,
            access_hash=next(self._hashes),
            file_reference=b"ref",
            date=self.clock(),
            sizes=[types.PhotoSize(type="x", w=800, h=600, size=len(data))],
            dc_id=self.DC_ID,
        )

    def document(self, data: bytes, mime_type: str = "application/pdf",
                 file_name: str = "file.pdf", video: bool = False) -> types.Document:
        did = next(self._ids)
        self.files[did] = data
        attributes: list[Any] = [types.DocumentAttributeFilename(file_name=file_name)]
        if video:
            attributes.append(types.DocumentAttributeVideo(duration=3.0, w=640, h=360))
        return types.Document(
            id=did,
            access_hash=next(self._hashes),
            file_reference=b"ref",
            date=self.clock(),
            mime_type=mime_type,
            size=len(data),
            dc_id=self.DC_ID,
            attributes=attributes,
        )

    # ------------------------------------------------------------------ what happens in Telegram
    def post(self, chan: Chan, text: str = "", *, entities: list[Any] | None = None,
             media: Any = None, grouped_id: int | None = None, fwd_from: Any = None,
             reply_to: int | None = None, author: Account | None = None,
             date: dt.datetime | None = None, reply_markup: Any = None) -> types.Message:
        """A new post in a channel (or message in a supergroup); members online get the update.

        Refused as Telegram refuses it (too long, empty, entities out of bounds: see
        :mod:`relay.telegram.sim.limits`), whoever writes it."""
        check_message(text, entities, media=media is not None)
        check_markup(reply_markup)
        if isinstance(media, types.Photo):
            media = types.MessageMediaPhoto(photo=media)
        elif isinstance(media, types.Document):
            media = types.MessageMediaDocument(document=media)
        msg_id = chan.next_message_id
        chan.next_message_id += 1
        megagroup = bool(chan.channel.megagroup)
        msg = types.Message(
            id=msg_id,
            peer_id=types.PeerChannel(chan.id),
            date=date or self.clock(),
            message=text,
            post=not megagroup,
            from_id=types.PeerUser(author.id) if (megagroup and author) else None,
            fwd_from=fwd_from,
            reply_to=types.MessageReplyHeader(reply_to_msg_id=reply_to) if reply_to else None,
            media=media,
            entities=entities or None,
            grouped_id=grouped_id,
            reply_markup=reply_markup,
        )
        msg._sim_author = author.id if author else None
        chan.messages[msg_id] = msg
        self._channel_update(chan, types.UpdateNewChannelMessage(msg, 0, 1), author)
        return msg

    def post_album(self, chan: Chan, items: list[tuple[str, Any]], **kwargs: Any) -> list[types.Message]:
        check_album(len(items))
        grouped_id = next(self._ids) * 1_000_003
        return [self.post(chan, text, media=media, grouped_id=grouped_id, **kwargs)
                for text, media in items]

    def edit(self, chan: Chan, message_id: int, text: str, *, entities: list[Any] | None = None,
             reply_markup: Any = KEEP) -> types.Message:
        """The post is edited; ``reply_markup`` replaces its buttons (None removes them)."""
        msg = chan.messages[message_id]
        check_message(text, entities, media=msg.media is not None)
        msg.message = text
        msg.entities = entities or None
        msg.edit_date = self.clock()
        if reply_markup is not KEEP:
            msg.reply_markup = reply_markup
        self._channel_update(chan, types.UpdateEditChannelMessage(msg, 0, 1), None)
        return msg

    def delete(self, chan: Chan, message_ids: list[int]) -> None:
        ids = [i for i in message_ids if i in chan.messages]
        for i in ids:
            chan.messages.pop(i)
            chan.deleted.add(i)
        if ids:
            self._channel_update(chan, types.UpdateDeleteChannelMessages(chan.id, ids, 0, len(ids)),
                                 None)

    def send_private(self, sender: Account, to: Account, text: str, *,
                     entities: list[Any] | None = None, reply_to: int | None = None,
                     media: Any = None, reply_markup: Any = None) -> types.Message:
        """``sender`` writes to ``to`` in their private chat. ``reply_to`` is an id in ``to``'s box
        when ``sender`` is a person replying to a bot's card (what the bot sees). Returns the
        message as ``to`` sees it."""
        mine, theirs = self._private_pair(sender, to, text, entities, reply_to, media, reply_markup)
        return theirs

    def send_group(self, sender: Account, group: Chan, text: str, *, entities: list[Any] | None = None,
                   reply_to: int | None = None) -> types.Message:
        """``sender`` writes in a supergroup."""
        return self.post(group, text, entities=entities, reply_to=reply_to, author=sender)

    def press(self, user: Account, chat: Chan | Account, message_id: int, data: bytes, *,
              forge: bool = False) -> Callback:
        """``user`` presses the inline button carrying ``data`` under a bot's message.

        ``chat`` is the supergroup, or for a private chat the bot the user talks to; ``message_id``
        is the id the bot knows the message by.
        Telegram only lets a client press buttons that exist; ``forge=True`` sends any data,
        as a modified client could.
        """
        if isinstance(chat, Chan):
            msg = chat.messages[message_id]
            bot_id = msg._sim_author
            peer = types.PeerChannel(chat.id)
        else:
            msg = self.accounts[chat.id].box[message_id]
            bot_id = chat.id
            peer = types.PeerUser(user.id)
        if not forge and data not in button_data(msg.reply_markup):
            raise ValueError(f"no button with data {data!r} under message {message_id}")
        query_id = next(self._ids)
        callback = Callback(query_id=query_id, user_id=user.id)
        self.callbacks[query_id] = callback
        update = types.UpdateBotCallbackQuery(
            query_id=query_id, user_id=user.id, peer=peer, msg_id=message_id,
            chat_instance=(bot_id * 31 + message_id) & 0x7FFFFFFF, data=data,
        )
        chats = [self.chans[chat.id].channel] if isinstance(chat, Chan) else []
        self._push_to(bot_id, update, users=[user.user], chats=chats)
        return callback

    # ------------------------------------------------------------------ reading the world
    def history(self, chat: Chan) -> list[types.Message]:
        """The messages a channel or supergroup holds now, oldest first."""
        return [chat.messages[i] for i in sorted(chat.messages)]

    def private_history(self, account: Account, other: Account) -> list[types.Message]:
        """``account``'s private chat with ``other``, oldest first, as ``account`` sees it."""
        box = self.accounts[account.id].box
        return [m for i, m in sorted(box.items()) if m.peer_id.user_id == other.id]

    # ------------------------------------------------------------------ internals
    def next_channel_pts(self, chan: Chan, count: int) -> int:
        chan.pts += count
        return chan.pts

    def _channel_update(self, chan: Chan, update: Any, author: Account | None) -> None:
        update.pts = self.next_channel_pts(chan, update.pts_count)
        chan.log.append((update.pts, update))
        users = [self.accounts[author.id].user] if author else []
        for member in chan.members - self._connected_accounts():
            if author is None or member != author.id:
                self.accounts[member].missed_channels.add(chan.id)
        for sender in list(self._senders):
            # The author's own client gets its update in the answer to its request, not pushed.
            if sender.user_id in chan.members and (author is None or sender.user_id != author.id):
                shown = [update.message] if hasattr(update, "message") else []
                chats = [chan.channel, *forwards.origin_chats(self, sender.user_id, shown)]
                sender.push(self._updates_for(sender.user_id, [update], users, chats))

    def _push_to(self, user_id: int, update: Any, *, users: Sequence[Any] = (),
                 chats: Sequence[Any] = ()) -> None:
        account = self.accounts[user_id]
        if hasattr(update, "pts_count"):
            account.pts += update.pts_count
            update.pts = account.pts
            account.log.append((account.pts, update))
        elif user_id not in self._connected_accounts():
            account.missed.append((update, list(users), list(chats)))
        for sender in list(self._senders):
            if sender.user_id == user_id:
                sender.push(self._updates_for(user_id, [update], list(users), list(chats)))

    def _connected_accounts(self) -> set[int]:
        return {s.user_id for s in self._senders if s.user_id is not None}

    def _updates_for(self, viewer: int, updates: list[Any], users: list[Any],
                     chats: list[Any]) -> types.Updates:
        return types.Updates(
            updates=[self.view_update(viewer, u) for u in updates],
            users=[self.view_user(viewer, u) for u in users],
            chats=[self.view_chat(viewer, c) for c in chats],
            date=self.clock(),
            seq=0,
        )

    # Views are shallow copies with the viewer's own flags: answers to requests go through the
    # wire (serialised) anyway, and pushed updates only need their top level to be their own.
    def view_user(self, viewer: int | None, user: types.User) -> types.User:
        copy = shallow_copy(user)
        copy.is_self = user.id == viewer
        return copy

    def view_chat(self, viewer: int | None, channel: types.Channel) -> types.Channel:
        copy = shallow_copy(channel)
        chan = self.chans[channel.id]
        copy.left = viewer not in chan.members
        if viewer in chan.admins:
            copy.admin_rights = chan.admins[viewer]
        return copy

    def view_message(self, viewer: int | None, msg: types.Message) -> types.Message:
        copy = shallow_copy(msg)
        copy.out = getattr(msg, "_sim_author", None) == viewer and viewer is not None
        return copy

    def view_update(self, viewer: int | None, update: Any) -> Any:
        if isinstance(update, types.UpdateNewChannelMessage | types.UpdateEditChannelMessage
                      | types.UpdateNewMessage | types.UpdateEditMessage):
            return type(update)(self.view_message(viewer, update.message), update.pts,
                                update.pts_count)
        return copy_object(update)

    def _private_pair(self, sender: Account, to: Account, text: str, entities: Any,
                      reply_to: int | None, media: Any, reply_markup: Any,
                      ) -> tuple[types.Message, types.Message]:
        """Store a private message in both boxes and deliver it to the receiver."""
        check_message(text, entities, media=media is not None)
        check_markup(reply_markup)
        date = self.clock()
        mine_id = sender.next_message_id
        sender.next_message_id += 1
        theirs_id = to.next_message_id
        to.next_message_id += 1
        sender_reply = to.box[reply_to]._sim_pair_id if reply_to in to.box else None
        mine = types.Message(
            id=mine_id, peer_id=types.PeerUser(to.id), date=date, message=text, out=True,
            from_id=types.PeerUser(sender.id), media=media, entities=entities or None,
            reply_to=types.MessageReplyHeader(reply_to_msg_id=sender_reply) if sender_reply else None,
            reply_markup=reply_markup,
        )
        theirs = types.Message(
            id=theirs_id, peer_id=types.PeerUser(sender.id), date=date, message=text, out=False,
            from_id=types.PeerUser(sender.id), media=media, entities=entities or None,
            reply_to=types.MessageReplyHeader(reply_to_msg_id=reply_to) if reply_to else None,
            reply_markup=reply_markup,
        )
        for msg, pair in ((mine, theirs_id), (theirs, mine_id)):
            msg._sim_author = sender.id
            msg._sim_pair_id = pair
        sender.box[mine_id] = mine
        to.box[theirs_id] = theirs
        self._push_to(to.id, types.UpdateNewMessage(theirs, 0, 1), users=[sender.user])
        return mine, theirs
