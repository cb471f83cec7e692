"""The built site in a real browser: headless Chromium (Debian's chromium and chromium-driver)
driven by Selenium loads the site from a local HTTP server on 127.0.0.1.

Checked after scripts ran: the index and a post page render, a Farsi page is right to left
(computed style), search (Pagefind, WebAssembly under the page's CSP) finds a post by a word
of its translation, and no Content-Security-Policy violation is reported.

Set RELAY_SITE_SCREENSHOTS=1 to refresh docs/site-*.png (always saved under tmp_path).
The test fails (never skips) when Chromium is missing: `.ci/run` installs Debian's chromium
and chromium-driver; on a development machine, `apt-get install chromium chromium-driver`.
"""

from __future__ import annotations

import functools
import os
import shutil
import threading
from datetime import timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from relay.site import ListSource, Version, build_site
from relay.text.formatting import Entity, FormattedText
from tests.test_site import T0, pub, settings

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
DOCS = Path(__file__).resolve().parent.parent / "docs"

if not (CHROMIUM and DRIVER):
    pytest.fail("chromium and chromium-driver are required "
                "(apt-get install chromium chromium-driver)", pytrace=False)

from selenium import webdriver  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

EN_TEXT = (
    "# Haft Tappeh workers strike over four months of unpaid wages\n\n"
    "Workers of the Haft Tappeh sugar cane company gathered in front of the governorate in Shush "
    "on Monday, demanding their unpaid wages and the return of dismissed colleagues. "
    "The syndicate called on unions abroad for solidarity.\n\n"
    "They also demanded the release of the arrested zanjirehvar activists."
)
FA_ORIGINAL = (
    "کارگران شرکت کشت و صنعت نیشکر هفت تپه روز دوشنبه در مقابل فرمانداری شوش تجمع کردند "
    "و خواستار پرداخت چهار ماه دستمزد معوق و بازگشت همکاران اخراجی شدند."
)


def site_publications():
    bold = EN_TEXT.index("Haft Tappeh sugar")
    link = EN_TEXT.index("solidarity")
    en_entities = (Entity("bold", bold, 11), Entity("text_url", link, 10, url="https://example.org/ht"))
    pubs = [
        pub(1, EN_TEXT, translation=FormattedText(EN_TEXT, en_entities), place="Shush",
            original=FormattedText(FA_ORIGINAL), versions=(Version(2, "fa", "fa"),),
            corrected_at=T0 + timedelta(days=1)),
        pub(2, "# اعتصاب کارگران هفت تپه\n\n" + FA_ORIGINAL, target="fa", language="fa",
            place="شوش", versions=(Version(1, "en", "en"),)),
    ]
    for i in range(3, 9):
        pubs.append(pub(i, f"Teachers in Tehran protest for day {i}\n\nTeachers gathered again "
                           f"in front of parliament to demand fair pay, day {i} of the protest."))
    return pubs


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    report = build_site(settings(out, search=True, base_url="http://127.0.0.1/"),
                        ListSource(site_publications()))
    assert report.search_seconds is not None and (out / "pagefind/pagefind-ui.js").exists()
    handler = functools.partial(_QuietHandler, directory=str(out))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", out
    server.shutdown()
    server.server_close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1100,1400", "--lang=en"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def _console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def _shot(driver, tmp_path: Path, name: str) -> None:
    path = tmp_path / f"site-{name}.png"
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 1000
    if os.environ.get("RELAY_SITE_SCREENSHOTS"):
        DOCS.mkdir(exist_ok=True)
        shutil.copyfile(path, DOCS / path.name)


def test_index_and_post_render(served, browser, tmp_path: Path) -> None:
    base, _ = served
    browser.get(f"{base}/en/index.html")
    cards = browser.find_elements(By.CSS_SELECTOR, "article.card")
    assert len(cards) == 7
    assert cards[-1].find_element(By.TAG_NAME, "h2").text == (
        "Haft Tappeh workers strike over four months of unpaid wages")
    assert "Continue reading" in cards[0].text
    _shot(browser, tmp_path, "index-en")
    browser.get(f"{base}/en/p/1.html")
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Haft Tappeh workers strike")
    strong = browser.find_element(By.CSS_SELECTOR, ".translation strong")
    assert strong.text == "Haft Tappeh"
    assert "Corrected on" in browser.find_element(By.CSS_SELECTOR, ".notice.corrected").text
    original = browser.find_element(By.CSS_SELECTOR, "aside.original")
    assert browser.execute_script("return getComputedStyle(arguments[0]).direction", original) == "rtl"
    assert browser.execute_script("return getComputedStyle(document.body).direction") == "ltr"
    _shot(browser, tmp_path, "post-en")
    assert _console_errors(browser) == []


def test_farsi_pages_are_right_to_left(served, browser, tmp_path: Path) -> None:
    base, _ = served
    browser.get(f"{base}/fa/p/2.html")
    assert browser.execute_script("return getComputedStyle(document.body).direction") == "rtl"
    font = browser.execute_script("return getComputedStyle(document.body).fontFamily")
    assert font.startswith("Vazirmatn")
    assert browser.find_element(By.TAG_NAME, "h1").text == "اعتصاب کارگران هفت تپه"
    _shot(browser, tmp_path, "post-fa")
    browser.get(f"{base}/fa/index.html")
    assert "ادامهٔ مطلب" in browser.find_element(By.CSS_SELECTOR, "article.card").text
    _shot(browser, tmp_path, "index-fa")
    assert _console_errors(browser) == []


def test_search_finds_a_post_by_a_word_of_its_translation(served, browser, tmp_path: Path) -> None:
    base, _ = served
    browser.get(f"{base}/en/search.html?q=zanjirehvar")
    wait = WebDriverWait(browser, 20)
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link"))
    links = browser.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link")
    assert [a.get_attribute("href") for a in links] == [f"{base}/en/p/1.html"]
    assert not browser.find_element(By.ID, "search-fallback").is_displayed()
    _shot(browser, tmp_path, "search-en")
    assert [m for m in _console_errors(browser) if "Content Security Policy" in m] == []
    # the original Farsi text is indexed too
    browser.get(f"{base}/fa/search.html?q=" + "فرمانداری")
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".pagefind-ui__result-link"))
    hrefs = [a.get_attribute("href") for a in browser.find_elements(
        By.CSS_SELECTOR, ".pagefind-ui__result-link")]
    assert f"{base}/fa/p/2.html" in hrefs
    assert [m for m in _console_errors(browser) if "Content Security Policy" in m] == []
