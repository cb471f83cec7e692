"""What every handler needs: the calling account, and the channel, user or chat a request
names, checked as Telegram checks them; and the users and chats an answer carries."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from telethon.tl import types

from relay.telegram.sim import forwards
from relay.telegram.sim.model import Account, Chan, rpc_error
from relay.telegram.sim.sender import SimSender
from relay.telegram.sim.state import TelegramState


def caller(world: TelegramState, sender: SimSender, request: Any) -> Account:
    if sender.user_id is None:
        raise rpc_error("AUTH_KEY_UNREGISTERED", request)
    return world.accounts[sender.user_id]


def _hash_ok(me: Account, given: int, real: int, *, member: bool = True) -> bool:
    """Bots may use access hash 0 for chats they are in and users who wrote to them."""
    return given == real or (bool(me.user.bot) and given == 0 and member)


def find_chan(world: TelegramState, me: Account, ref: Any, request: Any, *, read: bool = True) -> Chan:
    channel_id: Any = getattr(ref, "channel_id", None)
    chan = world.chans.get(channel_id)
    if chan is None or not _hash_ok(me, ref.access_hash, chan.channel.access_hash,
                                    member=me.id in chan.members):
        raise rpc_error("CHANNEL_INVALID", request)
    if me.id in chan.banned or (read and not chan.channel.username and me.id not in chan.members):
        raise rpc_error("CHANNEL_PRIVATE", request)
    return chan


def find_peer(world: TelegramState, me: Account, peer: Any, request: Any) -> Chan | Account:
    if isinstance(peer, types.InputPeerChannel | types.InputChannel):
        return find_chan(world, me, peer, request)
    if isinstance(peer, types.InputPeerSelf | types.InputUserSelf):
        return me
    if isinstance(peer, types.InputPeerUser | types.InputUser):
        other = world.accounts.get(peer.user_id)
        if other is None or not _hash_ok(me, peer.access_hash, other.user.access_hash):
            raise rpc_error("PEER_ID_INVALID", request)
        return other
    raise rpc_error("PEER_ID_INVALID", request)


def find_user(world: TelegramState, me: Account, ref: Any, request: Any) -> Account:
    """The user (or bot) a request names; a channel there is not a user."""
    found = find_peer(world, me, ref, request)
    if not isinstance(found, Account):
        raise rpc_error("PEER_ID_INVALID", request)
    return found


def users_and_chats(world: TelegramState, me: Account, messages: list[Any],
                    chans: Iterable[Chan] = ()) -> tuple[list[types.User], list[types.Channel]]:
    """The users and chats an answer carrying ``messages`` (and ``chans``) must include."""
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
    chats += [c for c in forwards.origin_chats(world, me.id, messages) if c.id not in chan_ids]
    return users, chats
