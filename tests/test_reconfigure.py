"""Each running part takes reloaded settings through its own ``reconfigure`` (issue 12): the
desk, the publisher and the watcher; ``relay/service/reload.py`` reaches into none of them.
On the review team's world (real store, real Telethon, the simulated Telegram)."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import relay.service.reload as reload_module
from relay.config import Person, load_settings
from relay.telegram.sim.cast import HAFT_TAPPEH, OMID, REZA, SARA, VAHED, CastPerson
from tests.review_world import BOT_TOKEN
from tests.test_reload import w, write_config  # noqa: F401 - the fixture

STRANGER = CastPerson(6666, "Stranger", ("translator",))


def person(cast: CastPerson) -> Person:
    return Person(cast.id, cast.first_name, frozenset(cast.roles))


def test_reload_reaches_into_no_other_module() -> None:
    """reload.py sets no attribute of another object and touches no private one: each part
    is handed the new settings through its public ``reconfigure``."""
    tree = ast.parse(Path(reload_module.__file__).read_text(encoding="utf-8"))
    reaching: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not (
                node.attr.startswith("__")) and not (
                isinstance(node.value, ast.Name) and node.value.id == "self"):
            reaching.append(f"line {node.lineno}: .{node.attr}")
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Attribute):
                    reaching.append(f"line {node.lineno}: sets .{target.value.attr}."
                                    f"{target.attr}")
    assert reaching == []


async def test_the_desk_takes_the_new_team_and_targets(w) -> None:  # noqa: F811
    desk = w.service.bot.desk
    settings = dataclasses.replace(w.service.settings, people=[person(REZA), person(STRANGER)],
                                   targets=[w.service.settings.targets[0]])
    desk.reconfigure(settings)
    assert set(desk.people) == {REZA.id, STRANGER.id}
    assert desk.name_of(STRANGER.id, "?") == "Stranger" and desk.name_of(SARA.id, "?") == "?"
    assert list(desk.targets) == ["en"] and desk.settings is settings


async def test_the_publisher_looks_a_moved_target_up_again(w) -> None:  # noqa: F811
    publisher = w.service.publisher
    en = next(t for t in w.service.settings.targets if t.key == "en")
    first = await publisher._peer(en)
    settings = dataclasses.replace(w.service.settings, people=[person(SARA), person(OMID)])
    publisher.reconfigure(settings)  # nothing moved: the peer is kept
    assert publisher.names == {SARA.id: "Sara", OMID.id: "Omid"}
    assert await publisher._peer(en) is first
    publisher.reconfigure(settings, ("en",))
    assert await publisher._peer(en) is not first


async def test_the_watcher_keeps_kept_sources_and_forgets_removed_ones(w) -> None:  # noqa: F811
    watcher = w.service.watcher
    [vahed] = watcher.watched
    write_config(w, sources=(dataclasses.replace(VAHED, name="Vahed workers"), HAFT_TAPPEH))
    settings = load_settings(w.settings.path, env={"RELAY_BOT_TOKEN": BOT_TOKEN})
    await watcher.reconfigure(settings)
    assert watcher.watched[0] is vahed and vahed.source.name == "Vahed workers"
    assert watcher.watched[1].channel is None  # new: resolved by the next resolve_sources()
    assert list(watcher.by_channel.values()) == [vahed]
    assert await w.rows("SELECT display_name FROM channels WHERE id = ?",
                        vahed.channel_id) == [("Vahed workers",)]
    write_config(w, sources=(HAFT_TAPPEH,))
    await watcher.reconfigure(load_settings(w.settings.path, env={"RELAY_BOT_TOKEN": BOT_TOKEN}))
    assert watcher.by_channel == {} and [x.source.ref.username for x in watcher.watched] == [
        "haft_tappeh"]

