"""Each source's recent languages, for the short posts their text alone cannot decide.

A short Arabic-script post ("اعتصاب", "حقوق معوقه") reads as Arabic as easily as Farsi; in a
channel whose recent posts were Farsi it is Farsi (``relay.core.language_context``). The
recent languages are read from the store once per channel (:meth:`ChannelLanguages.learn`),
then kept up to date here; the channel's prior is worked out again only when a new post
changed them. No I/O: the caller reads the store."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from relay.core.language_context import HISTORY, Decision, channel_prior, detect_in_context


class ChannelLanguages:
    def __init__(self) -> None:
        self._recent: dict[int, deque[str | None]] = {}
        self._prior: dict[int, str | None] = {}  # absent: to be worked out again

    def knows(self, channel_id: int) -> bool:
        """True once the channel's recent languages were learnt from the store."""
        return channel_id in self._recent

    def learn(self, channel_id: int, newest: Iterable[str | None]) -> None:
        """The languages of the channel's newest stored posts (newest first)."""
        self._recent[channel_id] = deque(newest, maxlen=HISTORY)
        self._prior.pop(channel_id, None)

    def decide(self, channel_id: int, text: str) -> Decision:
        """The language of ``text`` posted in ``channel_id``, with the reason."""
        if channel_id not in self._prior:
            self._prior[channel_id] = channel_prior(self._recent.get(channel_id, ()))
        return detect_in_context(text, self._prior[channel_id])

    def stored(self, channel_id: int, lang: str) -> None:
        """A new post of ``channel_id`` was stored in ``lang``: it is now the newest."""
        recent = self._recent.get(channel_id)
        if recent is not None:
            recent.appendleft(lang)
            self._prior.pop(channel_id, None)
