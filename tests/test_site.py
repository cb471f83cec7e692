"""The public archive site (relay.site): safe HTML, headlines, corrections and deletions,
media, template overrides, pagination, and incremental rebuilds equal to full builds."""

from __future__ import annotations

import dataclasses
import logging
import re
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest

from relay.site import (
    Correction,
    ListSource,
    MediaFile,
    SiteBuilder,
    SitePublication,
    SiteSettings,
    Version,
    build_site,
    update_site,
)
from relay.site.html import safe_url, split_headline, to_html
from relay.site.sample import SyntheticSource
from relay.text.formatting import Entity, FormattedText, utf16_len

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "link", "body", "header", "nav", "a", "main", "footer",
    "p", "h1", "h2", "article", "time", "bdi", "div", "aside", "strong", "em", "u", "s", "span",
    "code", "pre", "blockquote", "ul", "li", "figure", "img", "video", "section", "script",
}


def pub(pub_id: int, text: str = "Headline\n\nBody text.", **kw) -> SitePublication:
    base = dict(
        id=pub_id, target="en", language="en", translation=FormattedText(text),
        source_name="Haft Tappeh Union", source_username="haft_tappeh", source_channel_id=-1001,
        original_message_id=100 + pub_id, original_link=f"https://t.me/haft_tappeh/{100 + pub_id}",
        original_date=T0 + timedelta(hours=pub_id) - timedelta(minutes=30),
        published_at=T0 + timedelta(hours=pub_id),
        credit=FormattedText("Source: Haft Tappeh\nTranslation: Campaign"),
        telegram_link=f"https://t.me/relay_en/{500 + pub_id}",
        original=FormattedText("کارگران هفت تپه اعتصاب کردند"),
    )
    base.update(kw)
    return SitePublication(**base)


def settings(out: Path, **kw) -> SiteSettings:
    kw = {"base_url": "https://archive.example.org/", "title": "Relay", "search": False} | kw
    return SiteSettings(output_dir=out, **kw)


class TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> TagCollector:
    collector = TagCollector()
    collector.feed(html)
    return collector


HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "</textarea><svg onload=alert(1)>",
    "\u202egnp.exe\u202c and \u2067isolated\u2069",
    "{{ 7*7 }} {% raw %}",
    "<a href='javascript:alert(1)'>x</a>",
]


def hostile_publication() -> SitePublication:
    text = "# " + HOSTILE[0] + "\n\n" + "\n".join(HOSTILE)
    links = []
    offset = utf16_len("# " + HOSTILE[0] + "\n\n")
    for url in ("javascript:alert(1)", " JaVaScRiPt:alert(1)", "data:text/html,<script>",
                'https://ok.example/"onmouseover="alert(1)', "vbscript:x", "https://ok.example/a"):
        links.append(Entity("text_url", offset, 3, url=url))
    return pub(
        1, text,
        translation=FormattedText(text, tuple(links) + (Entity("bold", offset, 10),)),
        source_name='Evil <b>"channel"</b>\u202e', place="<i>Ahvaz</i>",
        credit=FormattedText("Source: <script>x</script>", (Entity("text_url", 0, 6, url="javascript:x"),)),
        original=FormattedText("<script>alert('fa')</script> کارگران", ()),
        headline=None, source_link="javascript:alert(2)",
        telegram_link="javascript:alert(3)", original_link="data:text/html,x",
    )


def test_hostile_texts_never_inject_markup(tmp_path: Path) -> None:
    build_site(settings(tmp_path), ListSource([hostile_publication()]))
    for page in ["en/p/1.html", "en/index.html", "en/page/1.html", "en/archive.html",
                 "en/source/haft_tappeh/index.html", "en/month/2025-03/index.html"]:
        html = (tmp_path / page).read_text("utf-8")
        doc = parse(html)
        for tag, attrs in doc.tags:
            assert tag in ALLOWED_TAGS, (page, tag)
            assert tag != "script", page  # only the search page loads scripts
            for name, value in attrs.items():
                assert not name.startswith("on"), (page, tag, name)
                if name in ("href", "src", "poster") and value:
                    assert "javascript" not in value.lower() and not value.startswith("data:")
        assert "\u202e" not in html and "\u2067" not in html
        assert "&lt;script&gt;" in html or page.endswith(("archive.html",))
    post = (tmp_path / "en/p/1.html").read_text("utf-8")
    assert "onerror=alert(1)&gt;" in post  # shown as text
    assert "{{ 7*7 }}" in post  # not evaluated
    hrefs = [a.get("href") for t, a in parse(post).tags if t == "a"]
    assert "https://ok.example/a" in hrefs
    assert 'https://ok.example/&#34;onmouseover=&#34;alert(1)' in post  # stays inside the quotes


def test_search_page_is_the_only_one_with_scripts_and_csp_is_strict(tmp_path: Path) -> None:
    build_site(settings(tmp_path), ListSource([pub(1)]))
    def csp(page: str) -> str:
        doc = parse((tmp_path / page).read_text("utf-8"))
        metas = [a for t, a in doc.tags if t == "meta"
                 and a.get("http-equiv") == "Content-Security-Policy"]
        return metas[0]["content"]

    assert csp("en/p/1.html").startswith("default-src 'self'; script-src 'none'")
    assert csp("en/index.html") == csp("en/p/1.html")
    assert "script-src 'self' 'wasm-unsafe-eval'" in csp("en/search.html")
    assert "unsafe-inline" not in csp("en/search.html")
    search = (tmp_path / "en/search.html").read_text("utf-8")
    scripts = [a for t, a in parse(search).tags if t == "script"]
    assert scripts and all(a.get("src") for a in scripts)  # no inline script
    assert (tmp_path / "static/search.js").exists() and (tmp_path / "static/site.css").exists()


def test_safe_url() -> None:
    assert safe_url("https://t.me/x/1") == "https://t.me/x/1"
    assert safe_url("tg://resolve?domain=x") and safe_url("mailto:a@b.org")
    for bad in ("javascript:alert(1)", "JAVASCRIPT:x", "data:,x", "//evil.org", "/rel",
                "https://a b", "https://\u202eevil", "http://", "", None, "java\tscript:x"):
        assert safe_url(bad) is None, bad


def test_entities_nest_even_when_they_overlap() -> None:
    ft = FormattedText("abcdef", (Entity("bold", 0, 4), Entity("italic", 2, 4)))
    assert str(to_html(ft)) == "<strong>ab<em>cd</em></strong><em>ef</em>"
    emoji = FormattedText("😀 bold", (Entity("bold", 3, 4),))
    assert str(to_html(emoji)) == "😀 <strong>bold</strong>"
    code = FormattedText("x <y>", (Entity("code", 2, 3),))
    assert str(to_html(code)) == "x <code>&lt;y&gt;</code>"


def test_headline_rules() -> None:
    marked = split_headline(FormattedText("# Strike in Ahvaz\n\nWorkers walked out.",
                                          (Entity("bold", 19, 7),)))
    assert marked.headline == "Strike in Ahvaz"
    assert marked.body.text == "Workers walked out."
    assert marked.body.entities == (Entity("bold", 0, 7),)
    first = split_headline(FormattedText("Strike in Ahvaz\nWorkers walked out.\n\nMore."))
    assert first.headline == "Strike in Ahvaz" and first.body.text.startswith("Strike")
    assert first.lead == "Workers walked out."
    long_line = "Workers of the sugar cane company stopped work. " + "word " * 60
    assert split_headline(FormattedText(long_line)).headline == (
        "Workers of the sugar cane company stopped work.")
    given = split_headline(FormattedText("Text body"), "Given title")
    assert given.headline == "Given title" and given.body.text == "Text body"
    capped = split_headline(FormattedText("word " * 80)).headline
    assert len(capped) <= 121 and capped.endswith("…")


def test_post_page_shows_attribution_original_and_versions(tmp_path: Path) -> None:
    en = pub(1, "# Title\n\nBody", versions=(Version(2, "fa", "fa"),), place="Shush")
    fa = pub(2, "کارگران اعتصاب کردند", target="fa", language="fa", versions=(Version(1, "en", "en"),))
    build_site(settings(tmp_path), ListSource([en, fa]))
    html = (tmp_path / "en/p/1.html").read_text("utf-8")
    assert '<h1>Title</h1>' in html and "Shush" in html
    assert 'href="https://t.me/haft_tappeh/101"' in html  # original post
    assert 'href="https://t.me/haft_tappeh"' in html  # the source
    assert 'href="https://t.me/relay_en/501"' in html
    assert '<aside class="original" lang="fa" dir="rtl">' in html
    assert '<link rel="alternate" hreflang="fa" href="https://archive.example.org/fa/p/2.html">' in html
    assert 'href="../../fa/p/2.html" hreflang="fa"' in html
    assert "Original posted 1 March 2025" in html
    fa_html = (tmp_path / "fa/p/2.html").read_text("utf-8")
    assert '<html lang="fa" dir="rtl">' in fa_html and "ادامهٔ مطلب" in (
        tmp_path / "fa/index.html").read_text("utf-8")
    hidden = tmp_path / "hidden"
    build_site(settings(hidden, show_originals=False), ListSource([en]))
    assert 'class="original"' not in (hidden / "en/p/1.html").read_text("utf-8")


def test_corrections_and_deleted_source_are_shown(tmp_path: Path) -> None:
    p = pub(1, corrected_at=T0 + timedelta(days=2),
            corrections=(Correction(T0 + timedelta(days=1), "name spelled right"),),
            source_deleted_at=T0 + timedelta(days=3))
    build_site(settings(tmp_path), ListSource([p]))
    html = (tmp_path / "en/p/1.html").read_text("utf-8")
    assert "Corrected on 2 March 2025: name spelled right" in html
    assert "Corrected on 3 March 2025" in html
    assert "The original post was deleted by the source channel on 4 March 2025." in html


def test_continue_reading_in_the_page_language(tmp_path: Path) -> None:
    langs = {"en": "Continue reading", "es": "Seguir leyendo", "pt": "Continuar a ler",
             "nl": "Verder lezen", "fr": "Lire la suite", "de": "Weiterlesen",
             "ar": "تابع القراءة", "tr": "Devamını oku"}
    pubs = [pub(i, target=lang, language=lang) for i, lang in enumerate(langs)]
    build_site(settings(tmp_path), ListSource(pubs))
    for lang, words in langs.items():
        assert words in (tmp_path / lang / "index.html").read_text("utf-8")


def test_media_copied_and_missing_file_skipped(tmp_path: Path, caplog) -> None:
    photo = tmp_path / "in" / "photo one.jpg"
    photo.parent.mkdir()
    photo.write_bytes(b"\xff\xd8jpeg")
    p = pub(1, media=(MediaFile(photo), MediaFile(tmp_path / "in" / "gone.jpg")))
    out = tmp_path / "site"
    with caplog.at_level(logging.WARNING, logger="relay.site.media"):
        build_site(settings(out), ListSource([p]))
    assert (out / "media/1/0-photo-one.jpg").read_bytes() == b"\xff\xd8jpeg"
    html = (out / "en/p/1.html").read_text("utf-8")
    assert 'src="../../media/1/0-photo-one.jpg"' in html and "gone" not in html
    assert "cdn" not in html.lower()
    missing = [r for r in caplog.records if "gone.jpg" in r.getMessage()]
    assert len({r.getMessage() for r in missing}) == 1


def test_operator_templates_override_the_package_ones(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    (templates / "static").mkdir(parents=True)
    (templates / "_card.html").write_text('<div class="campaign-card">{{ card.headline }}</div>\n')
    (templates / "static" / "site.css").write_text("body { color: purple; }\n")
    out = tmp_path / "site"
    build_site(settings(out, template_dir=templates), ListSource([pub(1, "<b>Hi</b> there")]))
    index = (out / "en/index.html").read_text("utf-8")
    assert '<div class="campaign-card">&lt;b&gt;Hi&lt;/b&gt; there</div>' in index
    assert (out / "static/site.css").read_text() == "body { color: purple; }\n"


def test_pagination_reaches_every_post_newest_first(tmp_path: Path) -> None:
    pubs = [pub(i, f"Post number {i}\n\nBody {i}") for i in range(1, 48)]
    build_site(settings(tmp_path, posts_per_page=10), ListSource(pubs))
    seen: list[int] = []
    page = tmp_path / "en/index.html"
    while page:
        doc = parse(page.read_text("utf-8"))
        hrefs = [a["href"] for t, a in doc.tags if t == "a" and POST.search(a.get("href") or "")]
        ids = [int(POST.search(h).group(1)) for h in hrefs[::2]]
        seen.extend(i for i in ids if i not in seen)
        older = [a["href"] for t, a in doc.tags if t == "a" and a.get("rel") == "next"]
        page = (page.parent / older[0]).resolve() if older else None
    assert sorted(seen) == list(range(1, 48))
    first = parse((tmp_path / "en/index.html").read_text("utf-8"))
    first_ids = [a["href"] for t, a in first.tags if t == "a" and POST.search(a.get("href", ""))]
    assert first_ids[0] == "p/47.html"


POST = re.compile(r"(?:^|/)p/(\d+)\.html$")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and "pagefind" not in p.parts}


@pytest.mark.parametrize("per_page", [3, 20])
def test_incremental_rebuild_equals_full_build(tmp_path: Path, per_page: int) -> None:
    source = SyntheticSource(40, ("en", "fa"))
    inc, full = tmp_path / "inc", tmp_path / "full"
    build_site(settings(inc, posts_per_page=per_page), source)
    # one new statement in both languages, a correction of an old post, a deleted source
    source.count = 42
    changed = [40, 41, 3]
    old = source.get_many

    def patched(ids):
        out = []
        for p in old(ids):
            if p.id == 3:
                p = dataclasses.replace(p, corrected_at=T0, source_deleted_at=T0)
            out.append(p)
        return out

    def patched_all():
        return iter(patched(range(source.count)))

    source.get_many = patched  # type: ignore[method-assign]
    source.iter_all = patched_all  # type: ignore[method-assign]
    report = update_site(settings(inc, posts_per_page=per_page), source, changed)
    assert not report.full and "en/p/40.html" in report.written and "fa/p/41.html" in report.written
    assert len(report.written) < 40
    build_site(settings(full, posts_per_page=per_page), source)
    a, b = tree(inc), tree(full)
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    assert "کانال منبع حذف شد" in (inc / "fa/p/3.html").read_text("utf-8")


def test_backfilled_older_publication_rewrites_later_pages(tmp_path: Path) -> None:
    pubs = [pub(i) for i in range(2, 30)]
    inc, full = tmp_path / "inc", tmp_path / "full"
    build_site(settings(inc, posts_per_page=4), ListSource(pubs))
    pubs.append(pub(1))  # published before every other one
    update_site(settings(inc, posts_per_page=4), ListSource(pubs), [1])
    build_site(settings(full, posts_per_page=4), ListSource(pubs))
    assert tree(inc) == tree(full)


def test_update_without_manifest_or_after_settings_change_is_a_full_build(tmp_path: Path) -> None:
    source = ListSource([pub(1), pub(2)])
    assert update_site(settings(tmp_path), source, [1]).full
    assert not update_site(settings(tmp_path), source, [2]).full
    assert update_site(settings(tmp_path, title="Other"), source, [2]).full


def test_nothing_published_disappears(tmp_path: Path) -> None:
    build_site(settings(tmp_path), ListSource([pub(1), pub(2)]))
    SiteBuilder(settings(tmp_path), ListSource([pub(2)])).update([2])
    assert (tmp_path / "en/p/1.html").exists()
