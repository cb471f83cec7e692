"""The glossary and translation-memory operations of the store (issue 14): the protocol every
store provides (:class:`GlossaryStore`, part of :class:`relay.store.api.Store`) and its SQLite
implementation (:class:`GlossarySqlite`, mixed into ``SqliteStore``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from relay.core.glossary import Term
from relay.store import glossary
from relay.store.db import Database
from relay.store.glossary import GlossaryEntry, Remembered


class GlossaryStore(Protocol):
    """Issue 14: the glossary per target language, and approved translations to remember."""

    async def glossary_add(self, term: Term, actor_id: int | None, now: int) -> str:
        """Add a term, or give an existing one (any spelling) its new translation and note:
        ``added``, ``replaced`` or ``unchanged``; an audit row for a change."""

    async def glossary_add_many(self, terms: Sequence[Term], actor_id: int | None, now: int,
                                source: str) -> dict[str, int]:
        """Import terms in one transaction; counts of added, replaced, unchanged; one audit
        row naming ``source``."""

    async def glossary_remove(self, language: str, term: str, actor_id: int | None,
                              now: int) -> GlossaryEntry | None:
        """Remove a term (any spelling) with an audit row; the removed entry, or None."""

    async def glossary_terms(self, language: str | None = None) -> list[GlossaryEntry]:
        """The live terms of one language (None: of all), by language then term."""

    async def glossary_revision(self) -> int:
        """The glossary's version: it changes with every change (reload when it does)."""

    async def approved_since(self, after: int,
                             limit: int) -> tuple[list[Remembered], int]:
        """Translations approved since audit row ``after`` (still approved or published), and
        the audit row to read on from next time."""


class GlossarySqlite:
    """Mixed into ``SqliteStore``: see :class:`GlossaryStore`."""

    db: Database

    async def glossary_add(self, term: Term, actor_id: int | None, now: int) -> str:
        return await self.db.run(glossary.add, term, actor_id, now)

    async def glossary_add_many(self, terms: Sequence[Term], actor_id: int | None, now: int,
                                source: str) -> dict[str, int]:
        return await self.db.run(glossary.add_many, list(terms), actor_id, now, source)

    async def glossary_remove(self, language: str, term: str, actor_id: int | None,
                              now: int) -> GlossaryEntry | None:
        return await self.db.run(glossary.remove, language, term, actor_id, now)

    async def glossary_terms(self, language: str | None = None) -> list[GlossaryEntry]:
        return await self.db.read(glossary.terms, language)

    async def glossary_revision(self) -> int:
        return await self.db.read(glossary.revision)

    async def approved_since(self, after: int,
                             limit: int) -> tuple[list[Remembered], int]:
        return await self.db.read(glossary.approved_since, after, limit)
