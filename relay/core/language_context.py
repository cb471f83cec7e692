"""Short posts decided by their channel. Pure.

A short Arabic-script post often carries no letter or word that tells Farsi from Arabic or Urdu:
``حقوق معوقه`` (unpaid wages), ``اعتصاب`` (strike), ``تجمع امروز`` (rally today). The text alone
calls them Arabic. Where the text leaves the choice open (:func:`relay.core.language.
arabic_script_open`), the channel's recent posts decide: a channel whose last posts were Farsi
makes such a post Farsi. Deterministic, and the reason is kept beside the language:

* ``text``: the post's own letters and words decided (as :func:`relay.core.language.detect`);
* ``channel``: the text left the choice open and the channel's recent language decided it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from relay.core.language import UNDETERMINED, Detection, arabic_script_open, detect
from relay.text.formatting import by_position

__all__ = [
    "CONTEXT_CONFIDENCE",
    "HISTORY",
    "REASON_CHANNEL",
    "REASON_TEXT",
    "Decision",
    "channel_prior",
    "detect_in_context",
]

REASON_TEXT = "text"
REASON_CHANNEL = "channel"
#: Confidence reported when the channel decided.
CONTEXT_CONFIDENCE = 0.8
#: Recent posts of a channel looked at, the fewest that make a prior, and the share of them
#: the prior's language must have.
HISTORY = 20
MIN_POSTS = 3
MIN_SHARE = 0.6


@dataclass(frozen=True, slots=True)
class Decision:
    """A post's language, its confidence and why (``text`` or ``channel``)."""

    lang: str
    confidence: float
    reason: str = REASON_TEXT

    __reduce__ = by_position

    @property
    def detection(self) -> Detection:
        return Detection(self.lang, self.confidence)


#: The answers a short Arabic-script post may get from its text alone.
_ARABIC_SCRIPT = frozenset({"fa", "ar", "ur", "ckb", "ps", "ku"})


def channel_prior(recent: Iterable[str | None]) -> str | None:
    """The language of a channel's recent posts (newest first; at most :data:`HISTORY` are
    read): the one at least :data:`MIN_SHARE` of the decided ones have, when at least
    :data:`MIN_POSTS` are decided; else None."""
    counts: Counter[str] = Counter()
    for n, lang in enumerate(recent):
        if n >= HISTORY:
            break
        if lang and lang != UNDETERMINED:
            counts[lang] += 1
    total = sum(counts.values())
    if total < MIN_POSTS:
        return None
    lang, count = max(counts.items(), key=lambda item: (item[1], item[0]))
    return lang if count >= MIN_SHARE * total else None


def detect_in_context(text: str, prior: str | None = None) -> Decision:
    """The language of a post of a channel whose recent language is ``prior`` (see
    :func:`channel_prior`; None: no context, the text alone decides)."""
    detection = detect(text)
    decided = Decision(detection.lang, detection.confidence)
    if prior is None or prior == detection.lang or detection.lang not in _ARABIC_SCRIPT:
        return decided  # only an Arabic-script answer can be an undecided short post
    if prior in arabic_script_open(text):
        return Decision(prior, CONTEXT_CONFIDENCE, REASON_CHANNEL)
    return decided
