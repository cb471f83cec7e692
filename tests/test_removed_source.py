"""A source removed from the configuration (by `relay reload` or between runs, issue 12):
`relay status` and `relay export` show it as no longer watched, its stored posts kept; it is
never shown as a live source. The site is an archive of publications and says nothing of
watching: a removed source's publications stay in its listing.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest

from relay.cli.main import main
from relay.config import load_settings
from relay.telegram.sim.cast import HAFT_TAPPEH, VAHED
from tests.review_world import BOT_TOKEN, STRIKE_FARSI, ReviewWorld
from tests.test_reload import write_config


@pytest.fixture
async def config(tmp_path: Path) -> Path:
    """@vahed and @haft_tappeh were read (one post each); then @haft_tappeh was removed by a
    reload, and the config file no longer has it."""
    w = ReviewWorld(tmp_path)
    w.haft = HAFT_TAPPEH.add_to(w.tg, members=[w.watcher])
    write_config(w, sources=(VAHED, HAFT_TAPPEH))
    w.settings = load_settings(w.settings.path, env={"RELAY_BOT_TOKEN": BOT_TOKEN})
    service = await w.start()
    service.reloader.load = lambda: load_settings(w.settings.path,
                                                  env={"RELAY_BOT_TOKEN": BOT_TOKEN})
    try:
        w.tg.post(w.haft, "کارگران هفت تپه امروز در اعتراض به حقوق معوقه تجمع کردند.")
        w.tg.post(w.vahed, STRIKE_FARSI)
        await w.settle()
        write_config(w, sources=(VAHED,))
        change = await service.reloader.reload()
        assert change is not None and change.sources.removed == ("@haft_tappeh",)
    finally:
        await w.stop()
    os.environ.pop("RELAY_BOT_TOKEN", None)
    return w.settings.path


def test_status_lists_a_removed_source_apart_from_the_watched_ones(config, capsys):
    assert main(["--config", str(config), "status", "--json"]) in (0, 1)
    status = json.loads(capsys.readouterr().out)
    assert [s["ref"] for s in status["sources"]] == ["@vahed"]
    [other] = status["other_channels"]
    assert other["username"] == "haft_tappeh" and other["last_message_id"] == 1
    main(["--config", str(config), "status"])
    text = capsys.readouterr().out
    assert "Sources (1 configured)" in text
    assert "Other channels in the database (1, not in the configuration)" in text
    sources, others = text.split("Other channels in the database")
    assert "haft_tappeh" not in sources.split("Sources (1 configured)")[1]
    assert "@haft_tappeh" in others.split("\n\n")[0]


def test_export_says_a_removed_source_is_no_longer_watched_and_keeps_its_posts(config,
                                                                                capsys):
    assert main(["--config", str(config), "export"]) == 0
    records = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    channels = {r["username"]: r for r in records if r["type"] == "channel"}
    assert channels["vahed"]["watched"] is True and channels["vahed"]["is_source"] is True
    assert channels["haft_tappeh"]["watched"] is False  # read once, no longer watched
    posts = {r["channel_username"] for r in records if r["type"] == "message"}
    assert posts == {"vahed", "haft_tappeh"}  # its stored post is kept and exported
    assert main(["--config", str(config), "export", "--format", "csv", "--what",
                 "channels"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["username"]: r["watched"] for r in rows} == {"vahed": "true",
                                                            "haft_tappeh": "false"}
