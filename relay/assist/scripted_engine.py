"""A scripted LibreTranslate-compatible server on loopback, for the tests, the demo and the
bench: a real HTTP server (``http.server`` in a thread) answering ``POST /translate`` as told.

Only the engine's network is replaced, as the scripted Telegram replaces Telegram's: relay's
client speaks real HTTP to it. ``mode`` says how it answers:

* ``ok``: ``{"translatedText": ...}`` (from ``translations``, else ``[machine <target>] <q>``)
* ``slow``: the same after ``delay`` seconds (also applies to ``ok`` when ``delay`` is set)
* ``fail``: HTTP ``status`` (default 503) with a JSON error
* ``html``: 200 with an HTML page; ``notjson``: 200 with plain text; ``fields``: 200 with JSON
  lacking ``translatedText``; ``huge``: 200 with a body over the client's limit;
  ``redirect``: HTTP 302 to elsewhere
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ScriptedEngine:
    def __init__(self, translations: dict[str, str] | None = None):
        self.translations = dict(translations or {})
        self.mode = "ok"
        self.delay = 0.0
        self.status = 503
        self.error_body = b'{"error": "engine is down"}'  # the body of ``fail``
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        engine = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                engine._handle(self)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True,
                                        name="scripted-engine")
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> ScriptedEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def answer(self, text: str, target: str) -> str:
        return self.translations.get(text, f"[machine {target}] {text}")

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        try:
            payload = json.loads(handler.rfile.read(length).decode("utf-8"))
        except ValueError:
            payload = {}
        with self._lock:
            self.requests.append({"path": handler.path, **payload})
            mode, delay, status, error_body = self.mode, self.delay, self.status, self.error_body
        if delay or mode == "slow":
            time.sleep(delay)
        if handler.path != "/translate":
            return self._send(handler, 404, b'{"error": "not found"}')
        if mode == "fail":
            return self._send(handler, status, error_body)
        if mode == "html":
            return self._send(handler, 200, b"<html><body>Bad gateway</body></html>",
                              "text/html")
        if mode == "notjson":
            return self._send(handler, 200, b"translated: something", "text/plain")
        if mode == "fields":
            return self._send(handler, 200, b'{"translation": "wrong field"}')
        if mode == "huge":
            return self._send(handler, 200, b'{"translatedText": "' + b"x" * (2 << 20) + b'"}')
        if mode == "redirect":
            handler.send_response(302)
            handler.send_header("Location", "http://127.0.0.1:9/elsewhere")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return None
        body = {"translatedText": self.answer(str(payload.get("q", "")),
                                              str(payload.get("target", "")))}
        return self._send(handler, 200, json.dumps(body, ensure_ascii=False).encode("utf-8"))

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes,
              kind: str = "application/json") -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        with contextlib.suppress(OSError):  # the client gave up (a timeout test)
            handler.wfile.write(body)


def main() -> None:
    """``python -m relay.assist.scripted_engine [--delay S]``: serve on loopback in a process
    of its own (the bench's engine, so that its work is not counted as relay's), print the
    address, and stop when standard input closes."""
    import argparse
    import sys

    parser = argparse.ArgumentParser(description="a scripted LibreTranslate on loopback")
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()
    engine = ScriptedEngine()
    engine.delay = args.delay
    print(engine.url, flush=True)
    sys.stdin.read()
    engine.close()


if __name__ == "__main__":
    main()
