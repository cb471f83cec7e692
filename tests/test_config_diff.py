"""What a reload reports as needing a restart covers every section of the settings: a
section added later (``[translation]``, issue 14) is never changed silently."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from relay.config import Settings, load_settings
from relay.service.config_diff import RELOADABLE, RESTART_SECTIONS, compare

EXAMPLE = Path(__file__).resolve().parents[1] / "config" / "relay.example.toml"


def example() -> Settings:
    return load_settings(EXAMPLE, env={}, secrets_needed=False)


def test_a_changed_translation_section_needs_a_restart_and_keeps_its_running_value():
    old = example()
    new = dataclasses.replace(old, translation=dataclasses.replace(
        old.translation, timeout_seconds=old.translation.timeout_seconds + 1,
        api_key="a-new-key"))
    change, running = compare(old, new, has_bot=True, has_publisher=True)
    assert change.restart_needed == ("translation.timeout_seconds",
                                     old.translation.api_key_env)
    assert "a-new-key" not in repr(change)
    assert running.translation == old.translation and running.translation.api_key is None


def test_every_section_is_either_reloadable_or_compared():
    """A section added to the settings must be taken by a reload or compared key by key."""
    handled = {*RELOADABLE, *RESTART_SECTIONS, "path", "secrets", "proxy"}
    assert {f.name for f in dataclasses.fields(Settings)} == handled
