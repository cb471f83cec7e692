"""Resolving configured sources to Telegram channels, with a clear reason when one can't be."""

from __future__ import annotations

from dataclasses import dataclass

from telethon import TelegramClient, errors, utils
from telethon.tl import types

from relay.config import Settings, Source
from relay.core.records import QueuePolicy


@dataclass
class WatchedSource:
    """A configured source and, once resolved, its channel."""

    source: Source
    policy: QueuePolicy
    channel: types.Channel | None = None
    peer: types.InputPeerChannel | None = None
    error: str | None = None

    @property
    def channel_id(self) -> int:
        """The resolved channel's id; asking before the source is resolved is a bug."""
        if self.channel is None:
            raise LookupError(f"{self.source.ref}: not resolved yet")
        return int(self.channel.id)

    @property
    def label(self) -> str:
        return f"{self.source.ref} ({self.source.name})"


def policy_for(source: Source, settings: Settings) -> QueuePolicy:
    return QueuePolicy(
        languages=frozenset(source.languages),
        targets=tuple((t.key, t.language) for t in settings.targets),
        download_media=source.download_media,
    )


class SourceResolver:
    """Turns ``@name`` or an id into a channel; fetches dialogs once for bare ids."""

    def __init__(self, client: TelegramClient):
        self.client = client
        self._dialogs_loaded = False

    async def resolve(self, watched: WatchedSource) -> None:
        """Fill ``watched.channel``/``peer``, or set ``watched.error`` to a one-line reason."""
        ref = watched.source.ref
        try:
            entity = await self._entity(ref.username, ref.id)
        except (errors.UsernameNotOccupiedError, errors.UsernameInvalidError):
            watched.error = "no channel has this username (typo, or renamed?)"
        except (errors.ChannelPrivateError, errors.ChannelInvalidError):
            watched.error = "private, or the watcher account was removed or banned"
        except ValueError:
            if ref.username:
                watched.error = "no channel has this username (typo, or renamed?)"
            else:
                watched.error = ("unknown id: the watcher account must be a member of the "
                                 "channel (join it once with that account)")
        except errors.RPCError as exc:
            watched.error = f"Telegram refused: {exc.message}"
        else:
            if not isinstance(entity, types.Channel):
                watched.error = "this is a user or bot, not a channel"
                return
            watched.channel = entity
            watched.peer = utils.get_input_peer(entity)
            watched.error = None

    async def _entity(self, username: str | None, channel_id: int | None) -> object:
        if username:
            return await self.client.get_entity(username)
        peer = types.PeerChannel(channel_id)
        try:
            return await self.client.get_entity(peer)
        except ValueError:
            if self._dialogs_loaded:
                raise
            # A bare id has no access hash until the account has seen the channel: the
            # dialog list holds one for every channel the account is in.
            self._dialogs_loaded = True
            await self.client.get_dialogs()
            return await self.client.get_entity(peer)


def carry_over(watched: list[WatchedSource], settings: Settings
               ) -> tuple[list[WatchedSource], list[WatchedSource]]:
    """The sources to watch after a reload, and those of them renamed: a kept source keeps
    its resolved channel (its name, languages and media take the new values), a new one is
    unresolved, a removed one is dropped."""
    kept: list[WatchedSource] = []
    renamed: list[WatchedSource] = []
    for source in settings.sources:
        same = next((w for w in watched if w.source.ref.same_channel(source.ref)), None)
        if same is None:
            kept.append(WatchedSource(source, policy_for(source, settings)))
            continue
        if same.source.name != source.name:
            renamed.append(same)
        same.source = source
        same.policy = policy_for(source, settings)
        kept.append(same)
    return kept, renamed
