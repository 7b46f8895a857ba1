"""A loopback DeepL API for tests: the real `deepl` library talks to it over HTTP.

A threading http.server, because the library makes blocking `requests` calls (from worker threads).
It implements /v2/translate (JSON and form bodies), /v2/usage, /v2/languages and /v3/glossaries
(create, list, get, delete, entries), checks `Authorization: DeepL-Auth-Key …` (403 otherwise), applies
DeepL's limits (50 texts, 128 KiB, EN is no target, a glossary needs source_lang), and can inject 429,
456, 5xx and a hang. Its quota works as DeepL's: each request's billed characters count against
`character_limit`, a request that would pass the limit is refused whole with 456 (a shorter one may still
fit), `/v2/usage` reports the count, and raising the limit (a top-up) lets requests through again.
`latency` delays every answer, as a remote DeepL does. Its "translation" is deterministic: a target tag
prefix plus a small word dictionary, with glossary entries applied first so tests can see the glossary at
work. It treats XML as DeepL does with tag_handling=xml: tags are kept, ignored tags' content is left
untouched, markup is not billed.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import unescape

from tests.fakes.serving import serving

MAX_TEXTS = 50
MAX_BODY = 128 * 1024

# A tiny shared vocabulary (en, fr, es); any other word passes through unchanged.
WORDS: list[tuple[str, str, str]] = [
    ("hello", "bonjour", "hola"),
    ("thanks", "merci", "gracias"),
    ("yes", "oui", "sí"),
    ("no", "non", "no"),
    ("question", "question", "pregunta"),
    ("the", "le", "el"),
    ("and", "et", "y"),
    ("we", "nous", "nosotros"),
    ("agree", "accord", "acuerdo"),
    ("please", "svp", "porfavor"),
    ("good", "bon", "bueno"),
    ("morning", "matin", "mañana"),
    ("state", "état", "estado"),
    ("companies", "entreprises", "empresas"),
    ("rights", "droits", "derechos"),
    ("human", "humains", "humanos"),
    ("duty", "obligation", "deber"),
    ("protect", "protéger", "proteger"),
    ("see", "voir", "ver"),
    ("link", "lien", "enlace"),
    ("is", "est", "es"),
    ("a", "un", "una"),
]
_LANG_INDEX = {"EN": 0, "FR": 1, "ES": 2}
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"<\s*/?\s*([A-Za-z_][\w.-]*)")
_WORD = re.compile(r"(\w+)", re.UNICODE)


def base_lang(code: str) -> str:
    return code.upper().split("-")[0]


def detect(text: str) -> str:
    """Guess EN/FR/ES by counting vocabulary hits; EN when nothing matches."""
    words = [w.lower() for w in _WORD.findall(text)]
    scores = {lang: sum(1 for w in words if w in {row[i] for row in WORDS}) for lang, i in _LANG_INDEX.items()}
    best = max(scores, key=lambda lang: (scores[lang], lang == "EN"))
    return best


def translate_words(text: str, source: str, target: str) -> str:
    if source == target:
        return text
    table = {row[_LANG_INDEX[source]]: row[_LANG_INDEX[target]] for row in WORDS}

    def swap(match: re.Match[str]) -> str:
        word = match.group(1)
        out = table.get(word.lower())
        if out is None:
            return word
        return out.capitalize() if word[:1].isupper() else out

    return _WORD.sub(swap, text)


def apply_glossary(text: str, entries: dict[str, str], source: str, target: str) -> str:
    """Glossary terms first (longest first, case-insensitive), then the word dictionary on the rest."""
    if not entries:
        return translate_words(text, source, target)
    terms = sorted(entries, key=len, reverse=True)
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in terms), re.IGNORECASE)
    lookup = {t.lower(): entries[t] for t in terms}
    out: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        out.append(translate_words(text[position : match.start()], source, target))
        out.append(lookup[match.group(0).lower()])
        position = match.end()
    out.append(translate_words(text[position:], source, target))
    return "".join(out)


def translate_xml(
    text: str,
    source: str,
    target: str,
    entries: dict[str, str],
    ignore_tags: set[str],
    xml: bool,
    label: str | None = None,
) -> tuple[str, int]:
    """The fake translation of one text (prefixed with the target code as sent, e.g. [EN-GB]) and the
    characters DeepL would bill for it."""
    prefix = f"[{label or target}] "
    if not xml:
        return prefix + apply_glossary(text, entries, source, target), len(text)
    out: list[str] = []
    billed = 0
    ignored_depth = 0
    for piece in _TAG.split(text):
        if not piece:
            continue
        if piece.startswith("<"):
            name_match = _TAG_NAME.match(piece)
            name = name_match.group(1) if name_match else ""
            if name in ignore_tags and not piece.endswith("/>"):
                ignored_depth += -1 if piece.lstrip("< ").startswith("/") else 1
            out.append(piece)
            continue
        billed += len(unescape(piece, {"&quot;": '"', "&apos;": "'"}))
        out.append(piece if ignored_depth > 0 else apply_glossary(piece, entries, source, target))
    return prefix + "".join(out), billed


@dataclass
class FakeGlossary:
    glossary_id: str
    name: str
    creation_time: str
    dictionaries: dict[tuple[str, str], dict[str, str]]

    def info(self) -> dict[str, Any]:
        return {
            "glossary_id": self.glossary_id,
            "name": self.name,
            "creation_time": self.creation_time,
            "dictionaries": [
                {"source_lang": s, "target_lang": t, "entry_count": len(e)}
                for (s, t), e in self.dictionaries.items()
            ],
        }


@dataclass
class Fault:
    status: int
    retry_after: int | None = None
    path: str | None = None  # only requests to this path; None: any


@dataclass
class FakeDeepL:
    """State shared by the handler threads; tests read and steer it."""

    auth_key: str = "test-key:fx"
    character_limit: int = 500_000
    character_count: int = 0
    glossaries: dict[str, FakeGlossary] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    latency: float = 0.0  # seconds every request takes before it is answered
    mangle: Callable[[str], str] | None = None  # rewrites each translated text: a misbehaving backend
    hanging: threading.Event = field(default_factory=threading.Event)  # set: translate requests hang
    release: threading.Event = field(default_factory=threading.Event)  # set: hung requests return
    hang_everything: bool = False  # with `hanging`: every endpoint hangs (usage, glossaries), not only translate
    requests: list[tuple[str, str, Any]] = field(default_factory=list)  # (method, path, body)
    translate_bodies: list[dict[str, Any]] = field(default_factory=list)
    arrived: threading.Semaphore = field(default_factory=lambda: threading.Semaphore(0))
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def quota_exceeded(self) -> bool:
        return self.character_count >= self.character_limit

    @quota_exceeded.setter
    def quota_exceeded(self, spent: bool) -> None:
        """Spend the whole quota (True) or give it back (False)."""
        with self.lock:
            self.character_count = self.character_limit if spent else 0

    def top_up(self, characters: int) -> None:
        with self.lock:
            self.character_limit += characters

    @property
    def translate_calls(self) -> int:
        return len(self.translate_bodies)

    @property
    def billed_characters(self) -> int:
        return self.character_count

    def fail_next(self, status: int, times: int = 1, retry_after: int | None = None, path: str | None = None) -> None:
        """The next `times` authorised requests (to `path`, else any endpoint) answer `status`."""
        with self.lock:
            self.faults.extend(Fault(status, retry_after, path) for _ in range(times))

    def hang(self, *, everything: bool = False) -> None:
        self.hang_everything = everything
        self.release.clear()
        self.hanging.set()

    def unhang(self) -> None:
        self.hanging.clear()
        self.release.set()


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # One buffered write per response and no Nagle: otherwise delayed ACKs add ~40 ms per request.
    wbufsize = -1
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet test output
        return

    # -- plumbing ---------------------------------------------------------------------------------
    def _send(self, status: int, payload: Any = None, headers: dict[str, str] | None = None) -> None:
        body = b"" if payload is None else json.dumps(payload).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _body(self) -> tuple[bytes, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        ctype = self.headers.get("Content-Type", "")
        if not raw:
            return raw, {}
        if "json" in ctype:
            return raw, json.loads(raw)
        form = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
        return raw, {k: (v if k in ("text", "ignore_tags", "non_splitting_tags", "splitting_tags") else v[0])
                     for k, v in form.items()}

    def _authorised(self) -> bool:
        state = self.server.state
        if self.headers.get("Authorization") != f"DeepL-Auth-Key {state.auth_key}":
            self._send(403, {"message": "Wrong endpoint or invalid authentication key"})
            return False
        return True

    def _route(self, method: str) -> None:
        state = self.server.state
        parts = urlsplit(self.path)
        raw, body = self._body() if method in ("POST", "PATCH", "PUT") else (b"", {})
        with state.lock:
            state.requests.append((method, parts.path, body))
        if not self._authorised():
            return
        if state.latency:
            time.sleep(state.latency)  # a handler thread of its own: other requests proceed meanwhile
        if state.hang_everything and state.hanging.is_set() and not parts.path.startswith("/v2/translate"):
            state.arrived.release()
            state.release.wait(timeout=30)
        with state.lock:
            fault = next((f for f in state.faults if f.path in (None, parts.path)), None)
            if fault is not None:
                state.faults.remove(fault)
        if fault is not None and not parts.path.startswith("/v2/translate"):
            self._fail(fault)
            return
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        path = parts.path.rstrip("/")
        if path == "/v2/translate" and method == "POST":
            self._translate(raw, body, fault)
        elif path == "/v2/usage" and method == "GET":
            self._send(200, {"character_count": state.character_count, "character_limit": state.character_limit})
        elif path == "/v2/languages" and method == "GET":
            self._languages(query.get("type", "source"))
        elif path == "/v3/glossaries":
            self._glossaries(method, body)
        elif path.startswith("/v3/glossaries/"):
            self._glossary(method, path.split("/")[3:], query)
        else:
            self._send(404, {"message": "Not found"})

    def do_GET(self) -> None:  # noqa: N802
        self._route("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._route("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self._route("DELETE")

    # -- endpoints --------------------------------------------------------------------------------
    def _fail(self, fault: Fault) -> None:
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
        self._send(fault.status, {"message": f"injected {fault.status}"}, headers)

    def _translate(self, raw: bytes, body: dict[str, Any], fault: Fault | None) -> None:
        state = self.server.state
        with state.lock:
            state.translate_bodies.append(body)
        state.arrived.release()
        if state.hanging.is_set():
            state.release.wait(timeout=30)
        if fault is not None:
            self._fail(fault)
            return
        texts = body.get("text")
        if isinstance(texts, str):
            texts = [texts]
        target = str(body.get("target_lang", "")).upper()
        source = str(body.get("source_lang", "")).upper() or None
        if len(raw) > MAX_BODY:
            self._send(413, {"message": "Request Entity Too Large"})
            return
        if not texts or len(texts) > MAX_TEXTS or not target:
            self._send(400, {"message": "Value for 'text' or 'target_lang' not supported"})
            return
        if target in ("EN", "PT"):
            self._send(400, {"message": f"Value for 'target_lang' not supported: {target}"})
            return
        if target.startswith("EN") and body.get("formality") in ("more", "less"):
            self._send(400, {"message": "'formality' is not supported for given 'target_lang'."})
            return
        entries: dict[str, str] = {}
        glossary_id = body.get("glossary_id")
        if glossary_id:
            if source is None:
                self._send(400, {"message": "Use of a glossary requires the source_lang parameter"})
                return
            glossary = state.glossaries.get(glossary_id)
            if glossary is None:
                self._send(404, {"message": "Glossary not found"})
                return
            entries = glossary.dictionaries.get((source, base_lang(target)), {})
        xml = body.get("tag_handling") == "xml"
        ignore = body.get("ignore_tags") or []
        if isinstance(ignore, str):
            ignore = ignore.split(",")
        out = []
        total = 0
        for text in texts:
            detected = source or detect(text)
            translated, billed = translate_xml(
                text, detected, base_lang(target), entries, set(ignore), xml, label=target
            )
            if detected == base_lang(target):
                translated, billed = text, len(text)
            total += billed
            if state.mangle is not None:
                translated = state.mangle(translated)
            out.append({"detected_source_language": detected, "text": translated, "billed_characters": billed})
        with state.lock:
            refused = state.character_count + total > state.character_limit
            if not refused:
                state.character_count += total
        if refused:
            self._send(456, {"message": "Quota exceeded"})
            return
        self._send(200, {"translations": out})

    def _languages(self, kind: str) -> None:
        if kind == "target":
            self._send(200, [
                {"language": "EN-GB", "name": "English (British)", "supports_formality": False},
                {"language": "EN-US", "name": "English (American)", "supports_formality": False},
                {"language": "FR", "name": "French", "supports_formality": True},
                {"language": "ES", "name": "Spanish", "supports_formality": True},
            ])
        else:
            self._send(200, [{"language": code, "name": code} for code in ("EN", "FR", "ES")])

    def _glossaries(self, method: str, body: dict[str, Any]) -> None:
        state = self.server.state
        if method == "GET":
            self._send(200, {"glossaries": [g.info() for g in state.glossaries.values()]})
            return
        if method != "POST":
            self._send(405, {"message": "Method not allowed"})
            return
        dictionaries: dict[tuple[str, str], dict[str, str]] = {}
        for item in body.get("dictionaries", []):
            entries: dict[str, str] = {}
            for line in str(item.get("entries", "")).splitlines():
                if line.strip():
                    src, tgt = line.split("\t")
                    entries[src] = tgt
            dictionaries[(item["source_lang"].upper(), item["target_lang"].upper())] = entries
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "Z"
        glossary = FakeGlossary(str(uuid.uuid4()), body["name"], stamp, dictionaries)
        with state.lock:
            state.glossaries[glossary.glossary_id] = glossary
        self._send(201, glossary.info())

    def _glossary(self, method: str, rest: list[str], query: dict[str, str]) -> None:
        state = self.server.state
        glossary = state.glossaries.get(rest[0])
        if glossary is None:
            self._send(404, {"message": "Glossary not found"})
            return
        if len(rest) == 2 and rest[1] == "entries" and method == "GET":
            pair = (query.get("source_lang", "").upper(), query.get("target_lang", "").upper())
            entries = glossary.dictionaries.get(pair)
            if entries is None:
                self._send(404, {"message": "Glossary dictionary not found"})
                return
            tsv = "\n".join(f"{s}\t{t}" for s, t in entries.items())
            self._send(200, {"dictionaries": [
                {"source_lang": pair[0], "target_lang": pair[1], "entries": tsv, "entries_format": "tsv"}]})
        elif len(rest) == 1 and method == "GET":
            self._send(200, glossary.info())
        elif len(rest) == 1 and method == "DELETE":
            with state.lock:
                del state.glossaries[rest[0]]
            self._send(204)
        else:
            self._send(405, {"message": "Method not allowed"})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, state: FakeDeepL) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.state = state


@contextmanager
def running_fake_deepl(state: FakeDeepL | None = None) -> Iterator[FakeDeepL]:
    """Serve a FakeDeepL on an ephemeral loopback port for the duration of the block."""
    state = state or FakeDeepL()
    server = _Server(state)
    state.port = server.server_address[1]
    with serving(server, "fake-deepl", 0.02, before_shutdown=state.unhang):
        yield state
