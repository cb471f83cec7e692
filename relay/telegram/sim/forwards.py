"""Forwards in the simulated Telegram, as Telegram delivers them (issue 11).

A forwarded channel post carries ``fwd_from`` (``MessageFwdHeader``) naming the origin channel
(``from_id`` PeerChannel) and its message id (``channel_post``); the origin channel comes in the
update's and the history answer's ``chats`` when the viewer may see it (a public channel, or one
they are a member of).
"""

from __future__ import annotations

from typing import Any

from telethon.tl import types

from relay.telegram.sim.model import Chan


def forward(state: Any, from_chan: Chan, msg_id: int, to_chan: Chan) -> types.Message:
    """``to_chan`` forwards post ``msg_id`` of ``from_chan`` (its text, entities and media)."""
    original = from_chan.messages[msg_id]
    header = types.MessageFwdHeader(
        date=original.date, from_id=types.PeerChannel(from_chan.id), channel_post=msg_id,
        post_author=original.post_author)
    return state.post(to_chan, original.message, entities=original.entities,
                      media=original.media, fwd_from=header)


def origin_chats(state: Any, viewer: int | None, messages: list[Any]) -> list[types.Channel]:
    """The origin channels of forwarded ``messages`` that ``viewer`` may see."""
    seen: dict[int, types.Channel] = {}
    for message in messages:
        origin = getattr(getattr(message, "fwd_from", None), "from_id", None)
        chan = state.chans.get(origin.channel_id) if isinstance(origin, types.PeerChannel) else None
        if chan is not None and (chan.channel.username or viewer in chan.members):
            seen[chan.id] = state.view_chat(viewer, chan.channel)
    return list(seen.values())
