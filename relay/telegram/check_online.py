"""``relay check --online``: with the real accounts, is everything relay needs reachable?

Resolves every source with the watcher, and every target and the review chat with the bot,
and checks that the bot may post where it must. Nothing is sent anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from telethon import TelegramClient, errors, utils
from telethon.tl import functions, types

from relay.config import ChannelRef, Settings
from relay.telegram.sources import SourceResolver, WatchedSource, policy_for


@dataclass(frozen=True, slots=True)
class Finding:
    ok: bool
    what: str
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.what}: {self.detail}"


async def check_watcher(client: TelegramClient, settings: Settings) -> list[Finding]:
    if not await client.is_user_authorized():
        return [Finding(False, "watcher", "not signed in: run `relay login`")]
    me = await client.get_me()
    found = [Finding(True, "watcher", f"signed in as {me.first_name or ''} (id {me.id})")]
    resolver = SourceResolver(client)
    for source in settings.sources:
        watched = WatchedSource(source, policy_for(source, settings))
        await resolver.resolve(watched)
        what = f"source {source.ref} ({source.name})"
        if watched.error:
            found.append(Finding(False, what, watched.error))
            continue
        channel = watched.channel
        assert channel is not None  # resolved: either an error or the channel
        if channel.left:
            found.append(Finding(False, what, "the watcher account has not joined it: no live "
                                              "updates (join it with that account)"))
        else:
            found.append(Finding(True, what, f"channel {channel.id}, “{channel.title}”"))
    return found


async def _entity(client: TelegramClient, ref: ChannelRef | int) -> Any:
    if isinstance(ref, int):
        return await client.get_input_entity(ref)
    return await client.get_input_entity(ref.username or types.PeerChannel(ref.id))


async def _rights(client: TelegramClient, peer: Any) -> types.TypeChannelParticipant:
    result = await client(functions.channels.GetParticipantRequest(
        channel=utils.get_input_channel(peer), participant=types.InputPeerSelf()))
    return result.participant


async def check_bot(client: TelegramClient, settings: Settings) -> list[Finding]:
    if not await client.is_user_authorized():
        return [Finding(False, "bot", "not signed in (is RELAY_BOT_TOKEN right?)")]
    me = await client.get_me()
    if not me.bot:
        return [Finding(False, "bot", "RELAY_BOT_TOKEN signs in a user account, not a bot")]
    found = [Finding(True, "bot", f"@{me.username} (id {me.id})")]
    target_of: dict[int, str] = {}  # peer id -> target key, to compare with the review chat
    for target in settings.targets:
        what = f"target {target.key} {target.ref}"
        try:
            peer = await _entity(client, target.ref)
            target_of[utils.get_peer_id(peer)] = target.key
            participant = await _rights(client, peer)
        except errors.UserNotParticipantError:
            found.append(Finding(False, what, "the bot is not a member: add it as an admin "
                                              "allowed to post"))
            continue
        except (errors.RPCError, ValueError) as exc:
            found.append(Finding(False, what, f"cannot be reached: {type(exc).__name__}"))
            continue
        rights = getattr(participant, "admin_rights", None)
        if isinstance(participant, types.ChannelParticipantCreator) or (
                rights is not None and rights.post_messages):
            can_edit = isinstance(participant, types.ChannelParticipantCreator) or (
                rights is not None and bool(rights.edit_messages))
            found.append(Finding(True, what, "the bot may post" + (
                " and edit" if can_edit else " (but not edit: corrections will be replies)")))
        else:
            found.append(Finding(False, what, "the bot is not an admin allowed to post"))
    if settings.review.chat:
        what = f"review chat {settings.review.chat}"
        try:
            peer = await _entity(client, settings.review.chat)
            if (key := target_of.get(utils.get_peer_id(peer))) is not None:
                found.append(Finding(False, what, f"is the target channel {key!r}: review cards "
                                                  "would be published; use a private group"))
                return found
            await _rights(client, peer)
            found.append(Finding(True, what, "the bot is a member"))
        except (errors.RPCError, ValueError) as exc:
            found.append(Finding(False, what, f"the bot cannot write there: "
                                              f"{type(exc).__name__}"))
    return found
