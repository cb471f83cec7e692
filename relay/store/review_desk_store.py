"""The review desk's operations of :class:`relay.store.sqlite_store.SqliteStore` (issue 10):
replies offered as translations, which draft each editor was shown, a post's language, posts
queued on demand. See :class:`relay.store.api.ReviewDeskStore`."""

from __future__ import annotations

from collections.abc import Sequence

from relay.core.workflow import Actor, Rules
from relay.store import review_extras
from relay.store.db import Database
from relay.store.review_extras import ReplyOffer, StoredPost
from relay.store.review_queries import Transition
from relay.text.formatting import Entity


class ReviewDeskSqlite:
    """Mixed into ``SqliteStore``."""

    db: Database

    async def add_reply_offer(self, job_id: int, chat_id: int, user_id: int, message_id: int,
                              job_version: int, text: str, entities: tuple[Entity, ...],
                              now: int) -> int:
        return await self.db.run(review_extras.add_offer, job_id, chat_id, user_id, message_id,
                                 job_version, text, entities, now)

    async def reply_offer(self, offer_id: int) -> ReplyOffer | None:
        return await self.db.read(review_extras.get_offer, offer_id)

    async def drop_reply_offer(self, offer_id: int) -> None:
        await self.db.run(review_extras.drop_offer, offer_id)

    async def mark_draft_shown(self, chat_id: int, job_id: int, version: int, now: int) -> None:
        await self.db.run(review_extras.mark_shown, chat_id, job_id, version, now)

    async def draft_shown_version(self, job_id: int, chats: Sequence[int]) -> int | None:
        return await self.db.read(review_extras.shown_version, job_id, list(chats))

    async def relang_unit(self, job_id: int, actor: Actor, rules: Rules, now: int, *, code: str,
                          keep: bool, reason: str | None,
                          expected_version: int | None) -> list[tuple[int, Transition]]:
        return await self.db.run(review_extras.relang_unit, job_id, actor, rules, now, code=code,
                                 keep=keep, reason=reason, expected_version=expected_version)

    async def find_post(self, channel: int | str, message_id: int) -> StoredPost | None:
        return await self.db.read(review_extras.find_post, channel, message_id)

    async def queue_post(self, channel: int | str, message_id: int,
                         targets: Sequence[tuple[str, str]],
                         now: int) -> tuple[StoredPost | None, list[int]]:
        return await self.db.run(review_extras.queue_post, channel, message_id, list(targets),
                                 now)

    async def set_post_language(self, post: StoredPost, code: str) -> None:
        await self.db.run(review_extras.set_post_language, post.channel_id, post.message_id,
                          post.grouped_id, code)
