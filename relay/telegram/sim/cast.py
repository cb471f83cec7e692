"""The cast of the simulated Telegram, declared once: sources, targets, people and accounts.

Each member is declared with both of its faces: what relay's configuration says of it (the
``[[sources]]``, ``[[targets]]`` and ``[[people]]`` tables, written by :func:`config_toml`) and
what it is on the simulated Telegram (a channel or an account, made by its ``add_to``).
Tests, benches and ``relay demo`` build their configuration and their world from these, so the
two faces cannot drift apart. The demo ships in the package, so the cast lives here and not
under ``tests/``.

* The test cast (``VAHED`` ... ``OMID``): tests/conftest.py, tests/review_world.py and the
  benches pick the members they need.
* The demo cast (``DEMO_SOURCES``, ``DEMO_TARGETS``, ``DEMO_PEOPLE``): the same people and
  credits, channels with longer names and Farsi titles, and a source with a typo in its
  username that exists nowhere.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from relay.telegram.sim.model import Account, Chan
from relay.telegram.sim.state import TelegramState


def _toml(value: str | Sequence[str]) -> str:
    """A TOML basic string or array of strings (JSON's escapes are TOML's)."""
    return json.dumps(value if isinstance(value, str) else list(value), ensure_ascii=False)


@dataclass(frozen=True)
class CastSource:
    """A watched channel."""

    username: str
    name: str  # the name relay attributes its posts to (config ``name``)
    title: str | None  # its title on the simulated Telegram; None: no such channel there
    languages: tuple[str, ...] = ()  # config ``languages``, when set

    def toml(self) -> str:
        lines = ["[[sources]]", f"channel = {_toml('@' + self.username)}",
                 f"name = {_toml(self.name)}"]
        if self.languages:
            lines.append(f"languages = {_toml(self.languages)}")
        return "\n".join(lines) + "\n"

    def add_to(self, tg: TelegramState, *, members: Iterable[Account] = ()) -> Chan:
        if self.title is None:
            raise ValueError(f"@{self.username} is not on the simulated Telegram")
        return tg.add_channel(self.title, username=self.username, members=members)


@dataclass(frozen=True)
class CastTarget:
    """A channel relay publishes translations to; the bot is its admin."""

    key: str
    username: str
    language: str
    credit: str
    title: str  # its title on the simulated Telegram

    def toml(self) -> str:
        return "\n".join([
            "[[targets]]", f"key = {_toml(self.key)}", f"channel = {_toml('@' + self.username)}",
            f"language = {_toml(self.language)}", f"credit = {_toml(self.credit)}"]) + "\n"

    def add_to(self, tg: TelegramState, *, admins: Iterable[Account] = ()) -> Chan:
        return tg.add_channel(self.title, username=self.username, admins=admins)


@dataclass(frozen=True)
class CastPerson:
    """A volunteer of the review team, with their Telegram user id."""

    id: int
    first_name: str  # on Telegram
    roles: tuple[str, ...]
    language: str | None = None  # config ``language``, when set
    label: str | None = None  # config ``name`` when it says more than the first name

    def toml(self) -> str:
        lines = ["[[people]]", f"id = {self.id}", f"name = {_toml(self.label or self.first_name)}",
                 f"roles = {_toml(self.roles)}"]
        if self.language:
            lines.append(f"language = {_toml(self.language)}")
        return "\n".join(lines) + "\n"

    def add_to(self, tg: TelegramState) -> Account:
        return tg.add_user(self.first_name, user_id=self.id)


@dataclass(frozen=True)
class CastAccount:
    """A user or bot account relay itself signs in with (the watcher, the review bot)."""

    first_name: str
    username: str

    def add_user(self, tg: TelegramState) -> Account:
        return tg.add_user(self.first_name, username=self.username)

    def add_bot(self, tg: TelegramState, *, token: str) -> Account:
        return tg.add_bot(self.first_name, username=self.username, token=token)


def config_toml(sources: Iterable[CastSource] = (), targets: Iterable[CastTarget] = (),
                people: Iterable[CastPerson] = (), *, format_safe: bool = False) -> str:
    """The ``[[sources]]``, ``[[targets]]`` and ``[[people]]`` tables, one blank line apart.

    ``format_safe``: braces doubled, for a template that is filled in with ``str.format``.
    """
    text = "\n".join(member.toml() for group in (sources, targets, people) for member in group)
    return text.replace("{", "{{").replace("}", "}}") if format_safe else text


# ---------------------------------------------------------------------------- the test cast
WATCHER = CastAccount("Watcher", "watcher_acct")
REVIEW_BOT = CastAccount("Relay", "relay_review_bot")

VAHED = CastSource("vahed", "Syndicate of Workers of Tehran and Suburbs Vahed Bus Company", "Vahed")
HAFT_TAPPEH = CastSource("haft_tappeh", "Haft Tappeh Sugar Cane Workers' Union", "Haft Tappeh")
OIL_CONTRACT_WORKERS = CastSource("oil_contract_workers",
                                  "Organising Council of Oil Contract Workers' Protests",
                                  "Oil contract workers")

EN = CastTarget("en", "relay_en", "en", "Shahrokh Zamani Action Campaign", "Relay EN")
ES = CastTarget("es", "relay_es", "es", "Campaña Shahrokh Zamani", "Relay ES")
TARGETS = (EN, ES)

SARA = CastPerson(5001, "Sara", ("translator",))
REZA = CastPerson(5002, "Reza", ("editor",))
MINA = CastPerson(5003, "Mina", ("translator", "editor"), language="fa")
OMID = CastPerson(5004, "Omid", ("editor",))

# ---------------------------------------------------------------------------- the demo cast
DEMO_WATCHER = CastAccount("Watcher", "relay_watcher_demo")
DEMO_BOT = CastAccount("Relay review", "relay_review_demo_bot")
DEMO_VAHED = CastSource("vahed_syndicate_demo", VAHED.name, "سندیکای کارگران شرکت واحد")
DEMO_HAFT_TAPPEH = CastSource("haft_tappeh_union_demo",
                              "Haft Tappeh Sugar Cane Company Workers' Union",
                              "سندیکای کارگران نیشکر هفت تپه", languages=("fa",))
DEMO_OIL = CastSource("oil_contract_council_demo", OIL_CONTRACT_WORKERS.name,
                      "شورای سازماندهی اعتراضات کارگران پیمانی نفت")
DEMO_TYPO = CastSource("no_such_channel_demo", "A source with a typo in its username", None)
DEMO_SOURCES = (DEMO_VAHED, DEMO_HAFT_TAPPEH, DEMO_OIL, DEMO_TYPO)
DEMO_EN = replace(EN, username="worker_news_en_demo", title="Worker news (EN)")
DEMO_ES = replace(ES, username="worker_news_es_demo", title="Noticias obreras (ES)")
DEMO_TARGETS = (DEMO_EN, DEMO_ES)
DEMO_SARA = replace(SARA, label="Sara (translator)")
DEMO_REZA = replace(REZA, label="Reza (editor)", language="fa")
DEMO_PEOPLE = (DEMO_SARA, DEMO_REZA)
