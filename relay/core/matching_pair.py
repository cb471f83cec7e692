"""Is an edited post still the same statement as the posts it was matched with? (issue 11). Pure.

A copy that joined a statement and is then edited is checked again against the statement's
other posts, with the same rules as :class:`relay.core.matching.StatementIndex` (the window
plays no part: the posts were already found to be one statement).
"""

from __future__ import annotations

from collections.abc import Iterable

from relay.core.matching import MatchSettings, StatementIndex

__all__ = ["same_statement"]


def same_statement(text: str, others: Iterable[str], settings: MatchSettings | None = None) -> bool:
    """Whether ``text`` is the same statement as at least one of ``others``."""
    index = StatementIndex(settings)
    for k, other in enumerate(others):
        index.add(k, other, 0.0)
    return index.match(text, 0.0) is not None
