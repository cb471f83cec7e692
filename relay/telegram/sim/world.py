"""The scripted, in-memory Telegram: accounts, channels, messages, files and update delivery.

Tests and ``relay demo`` use it to drive the project's real Telethon clients:

    tg = SimTelegram()
    watcher = tg.add_user("Watcher")
    vahed = tg.add_channel("Vahed Syndicate", username="vahed", members=[watcher])
    client = tg.client(watcher)              # a real TelegramClient; only the network is simulated
    tg.post(vahed, "اعتصاب رانندگان")         # pushes UpdateNewChannelMessage through the client
    await tg.settle()                        # until every client has handled what it was sent

What the clients asked for is in ``tg.requests``; what ended up in a chat is ``tg.history(chat)``.
Failures are scripted with :meth:`SimTelegram.fail_next` (e.g. ``"FLOOD_WAIT_5"``) and
:meth:`SimTelegram.on_request` hooks; network drops with :meth:`SimTelegram.go_offline`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
from collections.abc import Callable, Iterable
from copy import copy as shallow_copy
from dataclasses import dataclass, field
from typing import Any

from telethon import TelegramClient, errors
from telethon.sessions import MemorySession
from telethon.tl import types
from telethon.tl.tlobject import TLRequest

from relay.telegram.sim.sender import SimSender
from relay.telegram.sim.wire import copy_object

KEEP = object()  # "leave as it is"


def rpc_error(message: str, request: TLRequest | None = None, code: int = 400) -> errors.RPCError:
    """The exact exception Telethon raises for an RPC error with this message."""
    if message.startswith("FLOOD_WAIT_"):
        code = 420
    elif message in {"AUTH_KEY_UNREGISTERED", "SESSION_REVOKED", "USER_DEACTIVATED"}:
        code = 401
    elif message in {"CHAT_WRITE_FORBIDDEN", "CHAT_ADMIN_REQUIRED", "USER_IS_BLOCKED"}:
        code = 403
    return errors.rpc_message_to_error(types.RpcError(code, message), request)


@dataclass
class Account:
    """A user or bot account and its own box of private messages."""

    user: types.User
    token: str | None = None
    login_code: str = "12345"
    pts: int = 1
    log: list[tuple[int, Any]] = field(default_factory=list)
    next_message_id: int = 1
    box: dict[int, types.Message] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.user.id


@dataclass
class Chan:
    """A broadcast channel or a supergroup."""

    channel: types.Channel
    members: set[int] = field(default_factory=set)
    admins: dict[int, types.ChatAdminRights] = field(default_factory=dict)
    messages: dict[int, types.Message] = field(default_factory=dict)
    deleted: set[int] = field(default_factory=set)
    pts: int = 1
    log: list[tuple[int, Any]] = field(default_factory=list)
    next_message_id: int = 1
    banned: set[int] = field(default_factory=set)

    @property
    def id(self) -> int:
        return self.channel.id

    @property
    def marked_id(self) -> int:
        return -(10**12 + self.channel.id)


@dataclass
class Recorded:
    """One request as the server received it."""

    user_id: int | None
    request: TLRequest

    @property
    def name(self) -> str:
        return type(self.request).__name__


@dataclass
class Callback:
    """A button press and, once the bot answered, its answer."""

    query_id: int
    user_id: int
    answered: asyncio.Event = field(default_factory=asyncio.Event)
    message: str | None = None
    alert: bool = False


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class SimTelegram:
    """The whole simulated Telegram shared by every client attached to it."""

    DC_ID = 2  # Telethon's default data centre, so files download through the main sender

    def __init__(self, clock: Callable[[], dt.datetime] = _now):
        self.clock = clock
        self.accounts: dict[int, Account] = {}
        self.chans: dict[int, Chan] = {}
        self.requests: list[Recorded] = []
        self.files: dict[int, bytes] = {}
        self.uploads: dict[int, dict[int, bytes]] = {}
        self.bot_commands: dict[tuple[str, str], list[types.BotCommand]] = {}
        self.callbacks: dict[int, Callback] = {}
        self._senders: list[SimSender] = []
        self._clients: list[TelegramClient] = []
        self._ids = itertools.count(1_000_001)
        self._hashes = itertools.count(7_000_000_001, 7919)
        self._failures: list[tuple[int | None, type, str, int]] = []
        self._hooks: list[Callable[[SimSender, TLRequest], Any]] = []
        self._response_hooks: list[Callable[[SimSender, TLRequest, Any], Any]] = []
        self._pending = 0
        #: A channel difference asked for more missed updates than this is answered "too long"
        #: (``ChannelDifferenceTooLong``: the newest messages only), as Telegram does when a
        #: client has been away from a busy channel. ``None``: never.
        self.channel_too_long_after: int | None = None
        from relay.telegram.sim.handlers import HANDLERS

        self._handlers = HANDLERS

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

    # ------------------------------------------------------------------ clients
    def client(self, account: Account | None, *, cls: type[TelegramClient] = TelegramClient,
               session: Any = None, api_id: int = 1, api_hash: str = "sim-api-hash",
               **kwargs: Any) -> TelegramClient:
        """A real ``TelegramClient`` (or subclass) whose network is this world.

        ``account`` None gives a client that still has to log in (``relay login`` or a bot token).
        """
        client = cls(session if session is not None else MemorySession(), api_id, api_hash,
                     **kwargs)
        client._sender = SimSender(self, client._updates_queue, account.id if account else None)
        self._clients.append(client)
        return client

    def go_offline(self, client: TelegramClient) -> None:
        """The client's network drops: it receives nothing until :meth:`go_online`."""
        client._sender.online = False

    async def go_online(self, client: TelegramClient) -> None:
        """The network is back: Telethon's own reconnect callback runs, as after a real drop."""
        client._sender.online = True
        await client._handle_auto_reconnect()

    def _attach(self, sender: SimSender) -> None:
        self._senders.append(sender)

    def _detach(self, sender: SimSender) -> None:
        if sender in self._senders:
            self._senders.remove(sender)

    async def settle(self, rounds: int = 3, timeout: float = 10.0) -> None:
        """Wait until every client has taken and handled every update and answer it was sent."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        quiet = 0
        while quiet < rounds:
            busy = self._pending > 0 or any(
                not c._updates_queue.empty() or c._event_handler_tasks
                for c in self._clients
                if c.is_connected()
            )
            quiet = 0 if busy else quiet + 1
            if loop.time() > deadline:
                raise TimeoutError("simulated Telegram did not settle")
            await asyncio.sleep(0.001 if busy else 0)

    # ------------------------------------------------------------------ scripting failures
    def fail_next(self, error: str, *, request: type | None = None, account: Account | None = None,
                  times: int = 1) -> None:
        """The next ``times`` matching requests fail with the RPC error ``error``."""
        self._failures.append((account.id if account else None, request or TLRequest, error, times))

    def on_request(self, hook: Callable[[SimSender, TLRequest], Any]) -> None:
        """Call ``hook(sender, request)`` before each request is handled; it may raise."""
        self._hooks.append(hook)

    def on_response(self, hook: Callable[[SimSender, TLRequest, Any], Any]) -> None:
        """Call ``hook(sender, request, answer)`` after Telegram has acted on a request and
        before the client gets the answer; raising here loses the answer, not the action."""
        self._response_hooks.append(hook)

    def clear_hooks(self) -> None:
        self._hooks.clear()
        self._response_hooks.clear()

    # ------------------------------------------------------------------ what happens in Telegram
    def post(self, chan: Chan, text: str = "", *, entities: list[Any] | None = None,
             media: Any = None, grouped_id: int | None = None, fwd_from: Any = None,
             reply_to: int | None = None, author: Account | None = None,
             date: dt.datetime | None = None, reply_markup: Any = None) -> types.Message:
        """A new post in a channel (or message in a supergroup); members online get the update."""
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
        grouped_id = next(self._ids) * 1_000_003
        return [self.post(chan, text, media=media, grouped_id=grouped_id, **kwargs)
                for text, media in items]

    def edit(self, chan: Chan, message_id: int, text: str, *, entities: list[Any] | None = None,
             reply_markup: Any = KEEP) -> types.Message:
        """The post is edited; ``reply_markup`` replaces its buttons (None removes them)."""
        msg = chan.messages[message_id]
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
        if not forge and data not in _button_data(msg.reply_markup):
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

    def requests_by(self, account: Account) -> list[Recorded]:
        return [r for r in self.requests if r.user_id == account.id]

    # ------------------------------------------------------------------ internals
    def next_channel_pts(self, chan: Chan, count: int) -> int:
        chan.pts += count
        return chan.pts

    def _channel_update(self, chan: Chan, update: Any, author: Account | None) -> None:
        update.pts = self.next_channel_pts(chan, update.pts_count)
        chan.log.append((update.pts, update))
        users = [self.accounts[author.id].user] if author else []
        for sender in list(self._senders):
            # The author's own client gets its update in the answer to its request, not pushed.
            if sender.user_id in chan.members and (author is None or sender.user_id != author.id):
                sender.push(self._updates_for(sender.user_id, [update], users, [chan.channel]))

    def _push_to(self, user_id: int, update: Any, *, users: list[Any] = (),
                 chats: list[Any] = ()) -> None:
        account = self.accounts[user_id]
        if hasattr(update, "pts_count"):
            account.pts += update.pts_count
            update.pts = account.pts
            account.log.append((account.pts, update))
        for sender in list(self._senders):
            if sender.user_id == user_id:
                sender.push(self._updates_for(user_id, [update], list(users), list(chats)))

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

    async def _handle(self, sender: SimSender, request: TLRequest) -> Any:
        self._pending += 1
        try:
            self.requests.append(Recorded(sender.user_id, request))
            for hook in list(self._hooks):
                result = hook(sender, request)
                if asyncio.iscoroutine(result):
                    await result
            self._raise_scripted_failure(sender, request)
            handler = self._handlers.get(type(request))
            if handler is None:
                raise NotImplementedError(f"simulated Telegram does not answer {type(request).__name__}")
            result = handler(self, sender, request)
            for hook in list(self._response_hooks):
                hook(sender, request, result)
            return result
        finally:
            self._pending -= 1

    def _raise_scripted_failure(self, sender: SimSender, request: TLRequest) -> None:
        for index, (user_id, kind, error, times) in enumerate(self._failures):
            if (user_id is None or user_id == sender.user_id) and isinstance(request, kind):
                if times <= 1:
                    self._failures.pop(index)
                else:
                    self._failures[index] = (user_id, kind, error, times - 1)
                raise rpc_error(error, request)


def callback_data(button: Any) -> bytes | None:
    """The callback data an inline button carries, or None for other buttons."""
    kind = getattr(button, "type", None)
    if isinstance(kind, types.InlineButtonTypeCallback):
        return kind.data or b""
    return None


def _button_data(markup: Any) -> set[bytes]:
    if not isinstance(markup, types.ReplyInlineMarkup):
        return set()
    return {d for row in markup.rows for b in row.buttons if (d := callback_data(b)) is not None}
