"""The public archive site wired in (issue 13): the [site] section, the store's records,
`relay site build/serve`, and `relay run` rebuilding after each publication."""

from __future__ import annotations

import asyncio
import logging
import threading
import urllib.request
from pathlib import Path

import feedparser
import pytest

from relay.cli.main import main
from relay.cli.site import make_server
from relay.config import ConfigError, load_settings
from relay.site import SiteBuilder
from relay.store import site_archive
from relay.store.site_archive import SiteStyle
from tests.review_world import BOT_TOKEN, ReviewWorld
from tests.test_publisher import FARSI, approve_in_store

HEADLINE = "Vahed drivers strike over unpaid wages"
TRANSLATION = f"# {HEADLINE}\n\nVahed bus workers went on strike today over unpaid wages."


def with_site(world: ReviewWorld, tmp: Path, extra: str = "") -> None:
    config = Path(world.settings.path)
    config.write_text(config.read_text() + f'\n[site]\nsearch = false\ntitle = "Archive"\n{extra}',
                      encoding="utf-8")
    world.settings = load_settings(config, env={"RELAY_BOT_TOKEN": BOT_TOKEN})


async def wait_for(predicate, seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.02)):
        if predicate():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("timed out")


@pytest.fixture
async def w(tmp_path):
    world = ReviewWorld(tmp_path)
    with_site(world, tmp_path)
    await world.start()
    world.service.site.debounce = 0.05
    yield world
    await world.stop()


# ------------------------------------------------------------------------------ config
def test_site_section_defaults_and_output_dir_in_the_data_dir(tmp_path):
    world = ReviewWorld(tmp_path)
    assert world.settings.site is None  # no [site] section: no site
    with_site(world, tmp_path)
    site = world.settings.site
    assert site.output_dir == tmp_path / "site"
    assert (site.posts_per_page, site.feed_size, site.show_originals) == (20, 50, True)
    assert site.base_url == "http://localhost:8000/" and site.targets == ()


@pytest.mark.parametrize("extra, where", [
    ('targets = ["de"]', "site.targets[0]"),
    ('base_url = "example.org"', "site.base_url"),
    ("posts_per_page = 0", "site.posts_per_page"),
    ("colour = 1", "site.colour"),
])
def test_site_section_errors_are_one_line_naming_the_key(tmp_path, extra, where):
    world = ReviewWorld(tmp_path)
    with pytest.raises(ConfigError) as err:
        with_site(world, tmp_path, extra)
    assert f": {where}: " in str(err.value) and "\n" not in str(err.value)


# ------------------------------------------------------------------------------ the service
async def test_published_post_appears_on_the_site_and_in_the_feed(w, tmp_path):
    out = tmp_path / "site"
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    await approve_in_store(w.db, 1, TRANSLATION)
    w.service.publisher.wake()
    await w.settle()
    [post] = w.tg.history(w.out_en)
    await wait_for(lambda: w.service.site.rebuilds >= 1)
    page = (out / "en/p/1.html").read_text(encoding="utf-8")
    assert HEADLINE in page and "Vahed bus workers went on strike" in page
    assert f"# {HEADLINE}" not in page  # the headline line left the body
    assert FARSI in page and 'dir="rtl"' in page  # the original beside it
    assert "https://t.me/vahed/1" in page  # the original post
    assert f"https://t.me/relay_en/{post.id}" in page  # the channel's post
    assert "Telegram channel of" in page  # the credit, as the channel got it
    assert HEADLINE in (out / "en/index.html").read_text(encoding="utf-8")
    feed = feedparser.parse((out / "en/feed.xml").read_bytes())
    assert not feed.bozo and [e.title for e in feed.entries] == [HEADLINE]
    # the Spanish version is not published: no page, no link to one
    assert not (out / "es/p/2.html").exists() and "es/p/2.html" not in page

    await approve_in_store(w.db, 2, "Los conductores de Vahed están en huelga.")
    w.service.publisher.wake()
    await w.settle()
    await wait_for(lambda: (out / "es/p/2.html").exists()
                   and "es/p/2.html" in (out / "en/p/1.html").read_text(encoding="utf-8"))
    assert 'hreflang="es"' in (out / "en/p/1.html").read_text(encoding="utf-8")


async def test_correction_and_deleted_source_update_the_page(w, tmp_path):
    out = tmp_path / "site"
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    await approve_in_store(w.db, 1, TRANSLATION)
    await w.settle()
    await wait_for(lambda: (out / "en/p/1.html").exists())
    w.tg.edit(w.vahed, 1, FARSI + " تجمع فردا ساعت ده برگزار می‌شود.")
    await w.settle()
    w.say(w.sara, TRANSLATION + " A rally is called for tomorrow.", reply_to=w.card(1).id)
    await w.settle()
    w.press(w.reza, w.last_from_bot(), "approve")
    await w.settle()
    await wait_for(lambda: "A rally is called" in (out / "en/p/1.html").read_text("utf-8"))
    corrected = (out / "en/p/1.html").read_text(encoding="utf-8")
    w.tg.delete(w.vahed, [1])
    await w.settle()
    await w.service.publisher.run_once()
    await w.settle()
    await wait_for(lambda: (out / "en/p/1.html").read_text("utf-8") != corrected)
    rows = await w.rows("SELECT kind, status FROM outbox ORDER BY id")
    assert ("correction", "sent") in rows and ("annotate", "sent") in rows


async def test_a_failing_site_never_stops_publishing(w, tmp_path, monkeypatch, caplog):
    def broken(self, ids, **kw):
        raise OSError("disk full")

    monkeypatch.setattr(SiteBuilder, "update", broken)
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    with caplog.at_level(logging.ERROR, logger="relay.site"):
        await approve_in_store(w.db, 1, TRANSLATION)
        await w.settle()
        await wait_for(lambda: any("site.update_failed" in r.getMessage()
                                   for r in caplog.records))
    assert len(w.tg.history(w.out_en)) == 1
    assert w.service.site.running and w.service.site.pending == {1}  # tried again later
    monkeypatch.undo()
    await approve_in_store(w.db, 2, "Los conductores de Vahed están en huelga.")
    w.service.publisher.wake()
    await w.settle()
    await wait_for(lambda: (tmp_path / "site/en/p/1.html").exists()
                   and (tmp_path / "site/es/p/2.html").exists())


# ------------------------------------------------------------------------------ the store
async def test_streaming_walks_the_primary_key_without_sorting(w):
    plan = await w.db.read(lambda c: c.execute(
        "EXPLAIN QUERY PLAN " + site_archive.PAGE, (0, 10)).fetchall())
    details = " | ".join(r[-1] for r in plan)
    assert "TEMP B-TREE" not in details and "USING INTEGER PRIMARY KEY" in details, details
    assert "SCAN c" not in details and "SCAN m" not in details, details


async def test_store_pages_stream_every_publication_once(w):
    for n in range(3):
        w.tg.post(w.vahed, f"{FARSI} {n}")
    await w.settle()
    for job in (1, 3, 5, 6):
        await approve_in_store(w.db, job, f"Translation {job}.")
    w.service.publisher.wake()
    await w.settle()
    style = SiteStyle()
    seen, after = [], 0
    while chunk := await w.service.store.site_page(after, 2, style):
        seen += [p.id for p in chunk]
        after = chunk[-1].id
    assert seen == [1, 3, 5, 6]
    [six] = await w.service.store.site_publications([6, 2, 99], style)
    assert six.id == 6 and [v.id for v in six.versions] == [5]


# ------------------------------------------------------------------------------ the commands
def test_site_build_without_a_site_section_is_exit_2_naming_it(tmp_path, capsys):
    world = ReviewWorld(tmp_path)
    assert main(["--config", str(world.settings.path), "site", "build"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("site: no [site] section: add one for the public site "
                        "(see config/relay.example.toml)") and "\n" not in err


async def test_site_build_and_serve(w, tmp_path, capsys):
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    await approve_in_store(w.db, 1, TRANSLATION)
    await w.settle()
    out = tmp_path / "elsewhere"
    code = await asyncio.to_thread(
        main, ["--config", str(w.settings.path), "site", "build", "--out", str(out)])
    said = capsys.readouterr().out
    assert code == 0, said
    assert "site built: 1 publications" in said and "en/feed.xml" in said
    assert str(out / "index.html") in said and "relay site serve" in said
    server = make_server(out, 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/en/p/1.html"
        body = await asyncio.to_thread(lambda: urllib.request.urlopen(url).read().decode())
        assert HEADLINE in body
    finally:
        server.shutdown()
        server.server_close()


async def test_a_post_being_corrected_still_shows_what_readers_saw(w, tmp_path, capsys):
    """Mid-correction (a new draft, not yet approved) the site keeps the published text: it
    never shows an unapproved draft and never drops the post (issue 13)."""
    w.tg.post(w.vahed, FARSI)
    await w.settle()
    await approve_in_store(w.db, 1, TRANSLATION)
    await w.settle()
    w.tg.edit(w.vahed, 1, FARSI + " تجمع فردا ساعت ده برگزار می‌شود.")
    await w.settle()
    w.say(w.sara, "An unapproved new draft.", reply_to=w.card(1).id)
    await w.settle()
    assert (await w.rows("SELECT status FROM jobs WHERE id = 1")) == [("drafted",)]
    [shown] = await w.service.store.site_publications([1], SiteStyle())
    assert shown.translation.text == TRANSLATION
    out = tmp_path / "full"
    code = await asyncio.to_thread(
        main, ["--config", str(w.settings.path), "site", "build", "--out", str(out)])
    assert code == 0, capsys.readouterr()
    page = (out / "en/p/1.html").read_text(encoding="utf-8")
    assert HEADLINE in page and "unapproved" not in page
