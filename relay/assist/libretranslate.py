"""A LibreTranslate-compatible server as a translation engine: ``POST /translate``.

Why urllib in a thread, not asyncio streams: urllib is the standard library's complete HTTP
client (HTTPS with certificate checks, chunked answers, redirects refused below, proxies from
the environment) and relay needs no new dependency for it; an HTTP client written on asyncio
streams would have to re-implement TLS set-up and chunked decoding. One request at a time
runs in this engine's own small thread pool (so a hung server never holds the threads the
rest of relay uses), bounded by the socket timeout and, as a backstop, by ``asyncio.wait_for``.

Every answer is checked: a status other than 200, a body over ``MAX_BODY`` bytes, a body that
is not JSON or not an object with a non-empty string ``translatedText`` (an HTML error page, a
proxy's login page, ``{"error": ...}``) is no draft (:class:`EngineError` ``http`` or
``garbage``). The API key is sent in the body only; it never appears in an error.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from relay.assist.engine import EngineError, MachineText
from relay.config import keys

MAX_BODY = 1 << 20  # 1 MiB: far above any translation of a post, far below trouble
NAME = "LibreTranslate"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect is an answer we did not ask for: shown as http 30x


class LibreTranslate:
    """One server. ``translate`` raises :class:`EngineError`; it never retries (the policy
    in :mod:`relay.assist.drafter` does)."""

    name = NAME

    def __init__(self, url: str, *, api_key: str | None = None,
                 timeout: float = keys.default("translation.timeout_seconds")):
        self.url = url.rstrip("/") + "/translate"
        self.host = urlsplit(url).netloc or url
        self._api_key = api_key
        self.timeout = timeout
        self._opener = urllib.request.build_opener(_NoRedirect)
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="libretranslate")

    def __repr__(self) -> str:  # never the key
        return f"LibreTranslate({self.url!r})"

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def translate(self, text: str, source: str, target: str) -> MachineText:
        loop = asyncio.get_running_loop()
        call = loop.run_in_executor(self._pool, self._post, text, source, target)
        try:
            return await asyncio.wait_for(call, self.timeout + 1.0)
        except TimeoutError:
            raise EngineError("timeout", f"no answer in {self.timeout:g} s") from None

    def _post(self, text: str, source: str, target: str) -> MachineText:
        payload: dict[str, str] = {"q": text, "source": source or "auto", "target": target,
                                   "format": "text"}
        if self._api_key:
            payload["api_key"] = self._api_key
        request = urllib.request.Request(
            self.url, data=json.dumps(payload).encode("utf-8"), method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json",
                     "User-Agent": "relay"})
        try:
            with self._opener.open(request, timeout=self.timeout) as answer:
                status, body = answer.status, answer.read(MAX_BODY + 1)
        except urllib.error.HTTPError as exc:
            status = exc.code
            kind = ("refused" if status in (400, 401, 403, 404)
                    else "garbage" if 300 <= status < 400 else "http")
            raise EngineError(kind, f"HTTP {status}") from None
        except TimeoutError:
            raise EngineError("timeout", f"no answer in {self.timeout:g} s") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise EngineError("timeout", f"no answer in {self.timeout:g} s") from None
            raise EngineError("unreachable", type(reason).__name__) from None
        if status != 200:
            raise EngineError("http", f"HTTP {status}")
        return MachineText(_translated_text(body), NAME, f"{source or 'auto'}→{target}")


def _translated_text(body: bytes) -> str:
    """The ``translatedText`` of an answer, or :class:`EngineError` ``garbage``."""
    if len(body) > MAX_BODY:
        raise EngineError("garbage", f"answer over {MAX_BODY} bytes")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise EngineError("garbage", "answer is not JSON") from None
    if not isinstance(data, dict):
        raise EngineError("garbage", "answer is not a JSON object")
    text = data.get("translatedText")
    if not isinstance(text, str) or not text.strip():
        raise EngineError("garbage", "no translatedText in the answer")
    return text.strip()
