"""A review team on the simulated Telegram: a watcher, a bot, a review group and volunteers."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from telethon.tl import types

from relay.config import Settings, load_settings
from relay.review.conversation import Incoming
from relay.service.runner import Service
from relay.store.db import Database
from relay.telegram.callbacks import CallbackSigner
from relay.telegram.client import ReadOnlyClient
from relay.telegram.sim.cast import (
    EN,
    ES,
    MINA,
    OMID,
    REVIEW_BOT,
    REZA,
    SARA,
    TARGETS,
    VAHED,
    WATCHER,
    config_toml,
)
from relay.telegram.sim.world import Account, Callback, Chan, SimTelegram, callback_data

BOT_TOKEN = "123456:SIM-bot-token-for-tests"

_SETTINGS = """\
[storage]
data_dir = "{data}"

[review]
{review_chat}
claim_minutes = 30
four_eyes = {four_eyes}

"""
# The review team's cast (relay/telegram/sim/cast.py).
PEOPLE = (SARA, REZA, MINA, OMID)
CONFIG = _SETTINGS + config_toml((VAHED,), TARGETS, PEOPLE, format_safe=True)


class Clock:
    def __init__(self, start: float = 1_800_000_000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now


class ReviewWorld:
    def __init__(self, tmp: Path, *, group: bool = True, four_eyes: bool = True,
                 saved_session: bool = False):
        """``saved_session``: the bot keeps its session in a file across :meth:`restart`, as
        ``relay run`` does (``bot.session``); otherwise every start begins with an empty one."""
        self.tg = tg = SimTelegram()
        self.clock = Clock()
        self.watcher = WATCHER.add_user(tg)
        self.bot = REVIEW_BOT.add_bot(tg, token=BOT_TOKEN)
        self.sara, self.reza, self.mina, self.omid = (person.add_to(tg) for person in PEOPLE)
        self.stranger = tg.add_user("Stranger", user_id=6666)  # in the group, not in the team
        self.vahed = VAHED.add_to(tg, members=[self.watcher])
        self.out_en = EN.add_to(tg, admins=[self.bot])
        self.out_es = ES.add_to(tg, admins=[self.bot])
        people = [self.sara, self.reza, self.mina, self.omid, self.stranger]
        self.group = tg.add_channel("Relay review", megagroup=True, members=people,
                                    admins=[self.bot])
        self.other_group = tg.add_channel("Chit-chat", megagroup=True, members=people,
                                          admins=[self.bot])
        chat = f"chat = {self.group.marked_id}" if group else ""
        path = tmp / "relay.toml"
        path.write_text(CONFIG.format(data=tmp.as_posix(), review_chat=chat,
                                      four_eyes=str(four_eyes).lower()), encoding="utf-8")
        self.settings: Settings = load_settings(path, env={"RELAY_BOT_TOKEN": BOT_TOKEN})
        self.signer = CallbackSigner.from_secret(BOT_TOKEN)
        self.db: Database | None = None
        self.service: Service | None = None
        self.bot_session = tmp / "bot.session" if saved_session else None

    async def start(self) -> Service:
        self.db = await Database.open(self.settings.storage.database)
        self.service = Service(self.settings, self.db,
                               self.tg.client(self.watcher, cls=ReadOnlyClient),
                               self.bot_client(), clock=self.clock, check_seconds=0.02)
        await self.service.start()
        await self.settle()
        return self.service

    def bot_client(self) -> Any:
        """A new bot client, catching up as ``relay run``'s does; with the saved session when
        the world keeps one."""
        session = str(self.bot_session) if self.bot_session else None
        return self.tg.client(None, session=session, catch_up=True)

    async def restart(self) -> Service:
        """Stop the whole service (its clients disconnect) and start a new one."""
        await self.stop()
        return await self.start()

    async def stop(self) -> None:
        if self.service and not self.service.stopping.is_set():
            await self.service.stop()
        if self.db:
            await self.db.close()

    async def settle(self) -> None:
        """Until the watcher, the bot and the publisher have done everything they can now."""
        await self.tg.settle()
        bot = self.service.bot
        await bot.post_pending_cards()
        await self.tg.settle()
        await bot._idle.wait()
        if self.service.publisher is not None:
            await self.service.publisher.run_once()
        await self.tg.settle()
        await bot._idle.wait()
        await self.tg.settle()

    # ---------------------------------------------------------------- looking at chats
    def group_messages(self) -> list[types.Message]:
        return self.tg.history(self.group)

    def cards(self, chat: Chan | None = None) -> list[types.Message]:
        chat = chat or self.group
        return [m for m in self.tg.history(chat) if (m.message or "").startswith(("Job ", "کار "))
                and getattr(m, "_sim_author", None) == self.bot.id]

    def card(self, job_id: int) -> types.Message:
        return next(m for m in self.cards() if m.message.startswith((f"Job {job_id} ",
                                                                      f"کار {job_id} ")))

    def last_from_bot(self, chat: Chan | None = None) -> types.Message:
        chat = chat or self.group
        return [m for m in self.tg.history(chat) if m._sim_author == self.bot.id][-1]

    def bot_said_to(self, account: Account) -> list[str]:
        return [m.message for m in self.tg.private_history(account, self.bot)
                if m.from_id and m.from_id.user_id == self.bot.id]

    @staticmethod
    def buttons(msg: types.Message) -> list[tuple[str, bytes]]:
        markup = msg.reply_markup
        if not isinstance(markup, types.ReplyInlineMarkup):
            return []
        return [(b.text, callback_data(b)) for row in markup.rows for b in row.buttons]

    def button(self, msg: types.Message, label: str) -> bytes:
        for text, data in self.buttons(msg):
            if label.lower() in text.lower():
                return data
        raise AssertionError(f"no button {label!r} on message: {self.buttons(msg)}")

    def press(self, who: Account, msg: types.Message, label: str, chat: Chan | None = None
              ) -> Callback:
        return self.tg.press(who, chat or self.group, msg.id, self.button(msg, label))

    def say(self, who: Account, text: str, *, reply_to: int | None = None,
            entities: list[Any] | None = None, chat: Chan | None = None) -> types.Message:
        return self.tg.send_group(who, chat or self.group, text, reply_to=reply_to,
                                  entities=entities)

    async def rows(self, sql: str, *params: object) -> list[tuple]:
        return [tuple(r) for r in await self.db.read(lambda c: c.execute(sql, params).fetchall())]


#: A Vahed syndicate post in Farsi, as the review tests post it.
STRIKE_FARSI = "کارگران شرکت واحد امروز در اعتراض به حقوق معوقه دست به اعتصاب زدند."


@contextlib.asynccontextmanager
async def running(world: ReviewWorld) -> AsyncIterator[ReviewWorld]:
    """``world`` started, and stopped at the end."""
    await world.start()
    try:
        yield world
    finally:
        await world.stop()


@contextlib.asynccontextmanager
async def team_with_a_card(tmp: Path) -> AsyncIterator[ReviewWorld]:
    """A running review team with one Farsi post from @vahed carded (jobs 1 and 2)."""
    async with running(ReviewWorld(tmp)) as world:
        world.tg.post(world.vahed, STRIKE_FARSI)
        await world.settle()
        yield world


async def command(w: ReviewWorld, who: Account, text: str) -> str:
    """``who`` says ``text`` in the review group; the bot's last message there, once settled."""
    w.say(who, text)
    await w.settle()
    return w.last_from_bot().message


def said(w: ReviewWorld, who: int, text: str, **kw: Any) -> Incoming:
    """``text`` from user ``who`` in the review group, as the bot's use cases receive it."""
    return Incoming(w.group.marked_id, who, 900, text, **kw)
