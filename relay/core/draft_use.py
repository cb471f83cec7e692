"""Did a translator's submission start from the machine draft? Pure.

A submission "started from the machine draft" when it is close to it, word for word:
at least ``SENT_SIMILAR`` alike when the card's button sent the draft to that translator (they
corrected it), or at least ``COPIED_SIMILAR`` alike otherwise (copied from the card). An
independent translation of the same post shares many words with a good draft, hence the
higher bar without the button.
"""

from __future__ import annotations

import difflib
import re

SENT_SIMILAR = 0.4
COPIED_SIMILAR = 0.8

_WORD = re.compile(r"\w+", re.UNICODE)


def similarity(draft: str, submitted: str) -> float:
    """0..1: how much of the two texts' words (case-folded, in order) they share."""
    a = _WORD.findall(draft.casefold())
    b = _WORD.findall(submitted.casefold())
    if not a and not b:
        return 1.0
    return round(difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio(), 3)


def started_from_draft(draft: str, submitted: str, *, sent_to_translator: bool
                       ) -> tuple[bool, float]:
    """(started from the draft, similarity)."""
    alike = similarity(draft, submitted)
    return alike >= (SENT_SIMILAR if sent_to_translator else COPIED_SIMILAR), alike
