"""The statement operations of :class:`relay.store.sqlite_store.SqliteStore` (issue 11)."""

from __future__ import annotations

from relay.core.workflow import Actor, Rules
from relay.store import statement_join, statements
from relay.store.db import Database
from relay.store.statements import Joined, Split, Unit


class StatementsSqlite:
    """Mixed into ``SqliteStore``: see :class:`relay.store.api.StatementStore`."""

    db: Database

    async def statement_posts(self, since: int,
                              until: int | None = None) -> list[tuple[Unit, str, int]]:
        return await self.db.read(statements.recent_units, since, until)

    async def split_member(self, job_id: int, member_id: int, actor_id: int | None,
                           now: int) -> Split | None:
        return await self.db.run(statements.split, job_id, member_id, actor_id, now)

    async def join_statements(self, keep_job: int, merge_job: int, actor: Actor, rules: Rules,
                              now: int) -> Joined | None:
        return await self.db.run(statement_join.join_statements, keep_job, merge_job, actor,
                                 rules, now)
