"""A loopback LibreTranslate for tests: POST /translate, GET /languages, POST /detect, as the real API.

`q` may be one string or a list; `format: "html"` keeps markup and translates the text between tags.
With `api_key` set on the fake, requests without that key get 403 like a keyed server.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.fakes.deepl_server import detect, translate_xml
from tests.fakes.serving import serving


@dataclass
class FakeLibreTranslate:
    api_key: str | None = None
    fail_with: int | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # One buffered write per response and no Nagle: otherwise delayed ACKs add ~40 ms per request.
    wbufsize = -1
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return

    def _send(self, status: int, payload: Any) -> None:
        body = json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _json(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        data = json.loads(raw or b"{}")
        return data if isinstance(data, dict) else {}

    def do_GET(self) -> None:  # noqa: N802
        if self.path.split("?")[0] == "/languages":
            self._send(200, [{"code": c, "name": c, "targets": ["en", "fr", "es"]} for c in ("en", "fr", "es")])
        else:
            self._send(404, {"error": "Not found"})

    def do_POST(self) -> None:  # noqa: N802
        state = self.server.state
        body = self._json()
        with state.lock:
            state.requests.append(body)
        if state.api_key is not None and body.get("api_key") != state.api_key:
            self._send(403, {"error": "Invalid API key"})
            return
        if state.fail_with is not None:
            self._send(state.fail_with, {"error": "injected failure"})
            return
        path = self.path.split("?")[0]
        if path == "/detect":
            language = detect(str(body.get("q", ""))).lower()
            self._send(200, [{"confidence": 90.0, "language": language}])
        elif path == "/translate":
            self._translate(body)
        else:
            self._send(404, {"error": "Not found"})

    def _translate(self, body: dict[str, Any]) -> None:
        q = body.get("q")
        source = str(body.get("source", "auto"))
        target = str(body.get("target", "")).upper()
        if q is None or not target:
            self._send(400, {"error": "Invalid request: missing q or target parameter"})
            return
        texts = q if isinstance(q, list) else [q]
        html = body.get("format") == "html"
        translated = []
        detected = []
        for text in texts:
            lang = detect(text) if source == "auto" else source.upper()
            out, _ = translate_xml(text, lang, target, {}, set(), xml=html)
            translated.append(text if lang == target else out)
            detected.append({"confidence": 90.0, "language": lang.lower()})
        payload: dict[str, Any] = {"translatedText": translated if isinstance(q, list) else translated[0]}
        if source == "auto":
            payload["detectedLanguage"] = detected if isinstance(q, list) else detected[0]
        self._send(200, payload)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: FakeLibreTranslate) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


@contextmanager
def running_fake_libretranslate(state: FakeLibreTranslate | None = None) -> Iterator[FakeLibreTranslate]:
    state = state or FakeLibreTranslate()
    server = _Server(state)
    state.port = server.server_address[1]
    with serving(server, "fake-libretranslate", 0.02):
        yield state
