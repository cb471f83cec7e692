"""The LibreTranslate client against a scripted LibreTranslate-compatible server on loopback
(real HTTP, only the engine replaced), and the Argos loader with its package or model
missing."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

from relay.assist.argos import load_argos, plan_routes
from relay.assist.engine import EngineError
from relay.assist.libretranslate import LibreTranslate
from relay.assist.scripted_engine import ScriptedEngine

FARSI = "کارگران شرکت واحد امروز دست به اعتصاب زدند."


@pytest.fixture
def server():
    with ScriptedEngine({FARSI: "Vahed workers went on strike today."}) as engine:
        yield engine


async def test_a_draft_is_the_servers_translated_text(server) -> None:
    client = LibreTranslate(server.url, api_key="k-123", timeout=5)
    made = await client.translate(FARSI, "fa", "en")
    assert made.text == "Vahed workers went on strike today."
    assert (made.engine, made.model, made.via) == ("LibreTranslate", "fa→en", None)
    sent = server.requests[-1]
    assert sent == {"path": "/translate", "q": FARSI, "source": "fa", "target": "en",
                    "format": "text", "api_key": "k-123"}
    assert "k-123" not in repr(client)
    client.close()


async def test_no_key_is_sent_when_none_is_configured(server) -> None:
    client = LibreTranslate(server.url)
    await client.translate("سلام", "auto", "es")
    assert "api_key" not in server.requests[-1]
    client.close()


async def test_a_slow_engine_times_out(server) -> None:
    server.mode, server.delay = "slow", 1.5
    client = LibreTranslate(server.url, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(EngineError) as caught:
        await client.translate(FARSI, "fa", "en")
    assert caught.value.kind == "timeout" and caught.value.retryable
    assert time.monotonic() - started < 1.4
    client.close()


@pytest.mark.parametrize(("status", "kind"), [(503, "http"), (500, "http"), (429, "http"),
                                              (403, "refused"), (400, "refused")])
async def test_a_failing_engine_is_an_error_of_its_kind(server, status, kind) -> None:
    server.mode, server.status = "fail", status
    client = LibreTranslate(server.url, api_key="secret-key-value", timeout=5)
    with pytest.raises(EngineError) as caught:
        await client.translate(FARSI, "fa", "en")
    assert caught.value.kind == kind and str(status) in str(caught.value)
    assert "secret-key-value" not in str(caught.value)
    client.close()


@pytest.mark.parametrize("mode", ["html", "notjson", "fields", "huge", "redirect"])
async def test_garbage_answers_are_no_draft(server, mode) -> None:
    server.mode = mode
    client = LibreTranslate(server.url, timeout=5)
    with pytest.raises(EngineError) as caught:
        await client.translate(FARSI, "fa", "en")
    assert caught.value.kind == "garbage" and not caught.value.retryable
    client.close()


async def test_an_engine_nobody_listens_on_is_unreachable() -> None:
    with ScriptedEngine() as gone:
        url = gone.url
    client = LibreTranslate(url, timeout=2)
    with pytest.raises(EngineError) as caught:
        await client.translate(FARSI, "fa", "en")
    assert caught.value.kind == "unreachable" and caught.value.retryable
    client.close()


# ---------------------------------------------------------------------------- Argos
def test_argos_without_its_package_is_one_clear_line(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "argostranslate", None)  # as if not installed
    engine, problems = load_argos(["fa"], ["en", "es"], "en")
    assert engine is None
    assert problems == ["Argos Translate is not installed (pip install 'relay[argos]'): "
                        "no machine drafts for en, es"]


def _fake_argos(root: Path, pairs: list[tuple[str, str]]) -> None:
    """A stand-in argostranslate package with the given models 'installed' (the real one
    needs model files this machine cannot download)."""
    pkg = root / "argostranslate"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "package.py").write_text(
        "class P:\n    def __init__(s, a, b):\n        s.from_code, s.to_code = a, b\n"
        "        s.package_version = '1.9'\n"
        f"def get_installed_packages():\n    return [P(a, b) for a, b in {pairs!r}]\n",
        encoding="utf-8")
    (pkg / "translate.py").write_text(
        "def translate(text, a, b):\n    return f'<{a}-{b}>' + text\n", encoding="utf-8")


@pytest.fixture
def fake_argos(tmp_path, monkeypatch):
    def install(pairs: list[tuple[str, str]]) -> None:
        _fake_argos(tmp_path, pairs)
        monkeypatch.syspath_prepend(str(tmp_path))
        for name in ("argostranslate", "argostranslate.package", "argostranslate.translate"):
            monkeypatch.delitem(sys.modules, name, raising=False)
    return install


def test_argos_with_a_model_missing_says_which_in_one_line(fake_argos) -> None:
    fake_argos([("fa", "en")])
    engine, problems = load_argos(["fa"], ["en", "nl"], "en")
    assert engine is not None and set(engine.routes) == {("fa", "en")}
    assert problems == ["Argos Translate has no model for fa→nl (direct or via en): install "
                        "one with `argospm install translate-fa_nl`"]
    engine.close()


async def test_argos_pivots_through_english_and_says_so(fake_argos) -> None:
    fake_argos([("fa", "en"), ("en", "es")])
    engine, problems = load_argos(["fa"], ["en", "es"], "en")
    assert problems == [] and engine is not None
    made = await engine.translate("متن", "fa", "es")
    assert made.text == "<en-es><fa-en>متن" and made.via == "en"
    assert made.model == "fa→en 1.9 + en→es 1.9"
    direct = await engine.translate("متن", "fa", "en")
    assert direct.via is None
    with pytest.raises(EngineError):
        await engine.translate("متن", "ckb", "en")
    engine.close()


def test_routes_prefer_a_direct_model() -> None:
    installed = {("fa", "en"): "a", ("en", "es"): "b", ("fa", "es"): "c"}
    routes, missing = plan_routes(installed, ["fa"], ["es", "pt"], "en")
    assert routes[("fa", "es")].legs == (("fa", "es"),) and missing == ["fa→pt"]
