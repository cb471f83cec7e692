"""Catching up on missed updates: the update state and the (channel) differences."""

from __future__ import annotations

from typing import Any

from telethon.tl import types

from relay.telegram.sim.handlers.resolve import caller, find_chan, users_and_chats
from relay.telegram.sim.sender import SimSender
from relay.telegram.sim.state import TelegramState


def get_state(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    return types.updates.State(pts=me.pts, qts=0, date=world.clock(), seq=0, unread_count=0)


def get_difference(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    missed = [u for pts, u in me.log if pts > request.pts]
    kept, me.missed = me.missed, []  # presses made while no client of the account was connected
    news, me.missed_channels = sorted(me.missed_channels), set()
    if not (missed or kept or news):
        return types.updates.DifferenceEmpty(date=world.clock(), seq=0)
    new = [world.view_message(me.id, u.message) for u in missed if isinstance(u, types.UpdateNewMessage)]
    other = [world.view_update(me.id, u) for u in missed if not isinstance(u, types.UpdateNewMessage)]
    other += [world.view_update(me.id, u) for u, _, _ in kept]
    # Channels with news since the account was last connected: the client asks each one.
    other += [types.UpdateChannelTooLong(channel_id=c, pts=world.chans[c].pts) for c in news]
    users, chats = users_and_chats(world, me, new, [world.chans[c] for c in news])
    users += [world.view_user(me.id, u) for _, us, _ in kept for u in us]
    chats += [world.view_chat(me.id, c) for _, _, cs in kept for c in cs]
    state = types.updates.State(pts=me.pts, qts=0, date=world.clock(), seq=0, unread_count=0)
    return types.updates.Difference(new, [], other, chats, users, state)


def get_channel_difference(world: TelegramState, sender: SimSender, request: Any) -> Any:
    me = caller(world, sender, request)
    chan = find_chan(world, me, request.channel, request)
    missed = [(pts, u) for pts, u in chan.log if pts > request.pts]
    if not missed:
        return types.updates.ChannelDifferenceEmpty(pts=chan.pts, final=True, timeout=30)
    too_long = world.channel_too_long_after
    if too_long is not None and len(missed) > too_long:
        # Telegram gives up listing the changes: the newest messages and the channel's pts.
        newest = sorted(chan.messages)[-request.limit:]
        messages = [world.view_message(me.id, chan.messages[i]) for i in reversed(newest)]
        users, chats = users_and_chats(world, me, messages, [chan])
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
    users, chats = users_and_chats(world, me, new, [chan])
    return types.updates.ChannelDifference(pts=chunk[-1][0], new_messages=new,
                                           other_updates=other, chats=chats, users=users,
                                           final=final, timeout=30)
