"""The cast declared once (relay/telegram/sim/cast.py): its configuration face and its
simulated-Telegram face describe the same channels and people."""

from __future__ import annotations

from pathlib import Path

import pytest

from relay.config import load_settings
from relay.telegram.sim import cast, demo_data
from relay.telegram.sim.world import SimTelegram

EVERYONE = (cast.SARA, cast.REZA, cast.MINA, cast.OMID)
SOURCES = (cast.VAHED, cast.HAFT_TAPPEH, cast.OIL_CONTRACT_WORKERS)


def test_the_config_face_reads_back_as_the_cast(tmp_path: Path) -> None:
    path = tmp_path / "relay.toml"
    path.write_text(cast.config_toml(SOURCES, cast.TARGETS, EVERYONE), encoding="utf-8")
    settings = load_settings(path, env={})
    assert [(s.ref.username, s.name) for s in settings.sources] == [
        (s.username, s.name) for s in SOURCES]
    assert [(t.key, t.ref.username, t.language, t.credit) for t in settings.targets] == [
        (t.key, t.username, t.language, t.credit) for t in cast.TARGETS]
    assert [(p.id, p.name, p.roles) for p in settings.people] == [
        (p.id, p.first_name, frozenset(p.roles)) for p in EVERYONE]
    assert {p.id: p.language for p in settings.people}[cast.MINA.id] == "fa"


def test_the_demo_config_is_the_demo_cast(tmp_path: Path) -> None:
    path = tmp_path / "relay.toml"
    path.write_text(demo_data.DEMO_CONFIG.format(data=tmp_path.as_posix(), review_chat=-100123),
                    encoding="utf-8")
    settings = load_settings(path, env={})
    assert [s.ref.username for s in settings.sources] == [
        s.username for s in cast.DEMO_SOURCES]
    assert settings.sources[1].languages == ("fa",)
    assert [p.name for p in settings.people] == ["Sara (translator)", "Reza (editor)"]
    assert [t.credit for t in settings.targets] == [t.credit for t in cast.TARGETS]


def test_the_telegram_face_makes_the_same_channels_and_people() -> None:
    tg = SimTelegram()
    watcher = cast.WATCHER.add_user(tg)
    vahed = cast.VAHED.add_to(tg, members=[watcher])
    bot = cast.REVIEW_BOT.add_bot(tg, token="1:x")
    en = cast.EN.add_to(tg, admins=[bot])
    sara = cast.SARA.add_to(tg)
    assert (vahed.channel.username, vahed.channel.title) == ("vahed", "Vahed")
    assert watcher.id in vahed.members and bot.id in en.admins
    assert (sara.id, sara.user.first_name) == (5001, "Sara")
    assert bot.user.bot and bot.user.username == "relay_review_bot"


def test_a_source_that_is_nowhere_cannot_be_added() -> None:
    with pytest.raises(ValueError, match="no_such_channel_demo"):
        cast.DEMO_TYPO.add_to(SimTelegram())
