"""Atom feeds of the archive site: valid Atom 1.0 (parsed back with feedparser and checked
for RFC 4287's required elements), stable tag: ids, xml:lang, corrections bump updated,
links to the page and the Telegram post, the credit line, media as enclosures."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import feedparser

from relay.site import ListSource, MediaFile, build_site, update_site
from relay.text.formatting import Entity, FormattedText
from tests.test_site import T0, pub, settings

A = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def check_rfc4287(path: Path) -> ET.Element:
    """The elements RFC 4287 requires of a feed and of each entry."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{A}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"{A}{name}")) == 1, name
    feed_author = root.find(f"{A}author")
    for entry in root.findall(f"{A}entry"):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{name}")) == 1, name
        assert feed_author is not None or entry.find(f"{A}author") is not None
        alternates = [ln for ln in entry.findall(f"{A}link") if ln.get("rel") == "alternate"]
        assert alternates or entry.find(f"{A}content") is not None
        assert len(alternates) <= 1
        for link in entry.findall(f"{A}link"):
            assert link.get("href")
    return root


def test_feeds_parse_back_with_required_elements(tmp_path: Path) -> None:
    photo = tmp_path / "p.jpg"
    photo.write_bytes(b"\xff\xd8" + b"x" * 98)
    pubs = [
        pub(1, "# Strike at Haft Tappeh\n\nWorkers stopped work.", media=(MediaFile(photo),)),
        pub(2, "Second post\n\nText", corrected_at=T0 + timedelta(days=5)),
        pub(3, "کارگران اعتصاب کردند", target="fa", language="fa"),
    ]
    out = tmp_path / "site"
    build_site(settings(out), ListSource(pubs))
    for rel in ("en/feed.xml", "fa/feed.xml", "feed.xml"):
        check_rfc4287(out / rel)
        parsed = feedparser.parse((out / rel).read_bytes())
        assert not parsed.bozo, (rel, parsed.get("bozo_exception"))
        assert parsed.version == "atom10"
    en = feedparser.parse((out / "en/feed.xml").read_bytes())
    assert en.feed.id == "tag:archive.example.org,2025:feed/en"
    assert en.feed.language == "en" if "language" in en.feed else True
    by_id = {e.id: e for e in en.entries}
    first = by_id["tag:archive.example.org,2025:publication/1"]
    assert first.title == "Strike at Haft Tappeh"
    assert first.link == "https://archive.example.org/en/p/1.html"
    rels = {ln.rel: ln for ln in first.links}
    assert rels["related"].href == "https://t.me/relay_en/501"
    assert rels["via"].href == "https://t.me/haft_tappeh/101"
    enclosure = rels["enclosure"]
    assert enclosure.href == "https://archive.example.org/media/1/0-p.jpg"
    assert enclosure.type == "image/jpeg" and enclosure.length == "100"
    assert "Translation: Campaign" in first.content[0].value
    assert first.author == "Haft Tappeh Union"
    # the corrected post is the most recently updated: first, and its updated moved
    assert en.entries[0].id.endswith("publication/2")
    assert en.entries[0].updated.startswith((T0 + timedelta(days=5)).strftime("%Y-%m-%d"))
    root = ET.parse(out / "feed.xml").getroot()
    langs = {e.find(f"{A}id").text.rsplit("/", 1)[1]: e.get(XML_LANG) for e in root.iter(f"{A}entry")}
    assert langs == {"1": "en", "2": "en", "3": "fa"}
    assert ET.parse(out / "fa/feed.xml").getroot().get(XML_LANG) == "fa"


def test_ids_stable_and_updated_bumped_by_correction(tmp_path: Path) -> None:
    source = ListSource([pub(1), pub(2)])
    build_site(settings(tmp_path), source)
    before = feedparser.parse((tmp_path / "en/feed.xml").read_bytes())
    corrected = dataclasses.replace(source.publications[0], corrected_at=T0 + timedelta(days=9),
                                    source_deleted_at=T0 + timedelta(days=8))
    source.publications[0] = corrected
    update_site(settings(tmp_path), source, [1])
    after = feedparser.parse((tmp_path / "en/feed.xml").read_bytes())
    assert {e.id for e in before.entries} == {e.id for e in after.entries}
    old = {e.id: e.updated for e in before.entries}
    new = {e.id: e for e in after.entries}
    entry = new["tag:archive.example.org,2025:publication/1"]
    assert entry.updated > old[entry.id]
    assert after.feed.updated == entry.updated
    assert "Corrected on 10 March 2025" in entry.content[0].value
    assert "deleted by the source channel" in entry.content[0].value


def test_hostile_text_stays_text_in_feeds(tmp_path: Path) -> None:
    text = "<script>alert(1)</script> ]]> \x00\x1b &amp;\n\nbody"
    evil = pub(1, text, translation=FormattedText(text, (Entity("text_url", 0, 8, url="javascript:x"),)),
               source_name="<b>x</b>\x07", telegram_link="javascript:alert(1)")
    build_site(settings(tmp_path), ListSource([evil]))
    raw = (tmp_path / "en/feed.xml").read_bytes()
    check_rfc4287(tmp_path / "en/feed.xml")
    parsed = feedparser.parse(raw)
    assert not parsed.bozo
    entry = parsed.entries[0]
    assert "javascript" not in raw.decode()
    assert "related" not in {ln.rel for ln in entry.links}
    # the title is text; the html content escapes the markup once more
    assert entry.title.startswith("<script>alert(1)</script>")
    assert "&lt;script&gt;" in ET.parse(tmp_path / "en/feed.xml").getroot().find(
        f"{A}entry/{A}content").text


def test_feed_size_limits_entries(tmp_path: Path) -> None:
    build_site(settings(tmp_path, feed_size=5), ListSource([pub(i) for i in range(1, 12)]))
    parsed = feedparser.parse((tmp_path / "en/feed.xml").read_bytes())
    assert [e.id.rsplit("/", 1)[1] for e in parsed.entries] == ["11", "10", "9", "8", "7"]
