"""A loopback fake of Zoom's REST API and OAuth token endpoint, speaking real HTTP.

The real zoomus (through bot.adapters.zoom.client) is pointed at it. It runs in a thread
(ThreadingHTTPServer), so it serves blocking clients and async tests alike. Everything that reaches the
wire is recorded in `requests` for tests to assert on.

Implemented: POST /oauth/token (account_credentials grant, Basic auth); under /v2: meetings create /
get / update / list, webinars create / get / update / list, meeting and webinar registrants (added, listed by
status with their custom-question answers), registration questions (GET, PATCH replacing the list, with Zoom's
per-kind question types), past meeting and past webinar participants, all with next_page_token pagination.
Faults: expired tokens (401, code 124), injected statuses
(429 with Retry-After, 5xx, ...), a silent drop of the connection.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.fakes.serving import serving


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any  # parsed JSON, form dict, or None


@dataclass
class Fault:
    status: int
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    method: str | None = None
    path_pattern: str | None = None  # regex searched in the path
    drop: bool = False  # close the connection without answering
    after: bool = False  # carry the request out, then answer with the fault (an ambiguous failure)

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method != method:
            return False
        return not (self.path_pattern and not re.search(self.path_pattern, path))


class FakeZoom:
    """State of the fake: credentials, tokens, meetings, webinars, participants, recorded requests."""

    def __init__(self, client_id: str = "fake-client", client_secret: str = "fake-secret",
                 account_id: str = "fake-account") -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.account_id = account_id
        self.tokens: dict[str, bool] = {}  # token -> still valid
        self.token_lifetime = 3599
        self.meetings: dict[int, dict[str, Any]] = {}
        self.webinars: dict[int, dict[str, Any]] = {}
        self.registrants: dict[int, list[dict[str, Any]]] = {}
        self.participants: dict[str, list[dict[str, Any]]] = {}
        self.webinar_participants: dict[str, list[dict[str, Any]]] = {}
        self.questions: dict[int, dict[str, Any]] = {}  # meeting or webinar id -> {questions, custom_questions}
        self.requests: list[Recorded] = []
        self.faults: list[Fault] = []
        self._ids = itertools.count(81234567890)
        self._lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    # --- test helpers ------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def api_url(self) -> str:
        return self.base_url + "/v2"

    @property
    def oauth_url(self) -> str:
        return self.base_url + "/oauth/token"

    def expire_tokens(self) -> None:
        with self._lock:
            for token in self.tokens:
                self.tokens[token] = False

    def fail_next(self, status: int, body: dict[str, Any] | None = None, *, times: int = 1,
                  headers: dict[str, str] | None = None, method: str | None = None,
                  path: str | None = None, drop: bool = False, after: bool = False) -> None:
        with self._lock:
            for _ in range(times):
                self.faults.append(Fault(status, body, dict(headers or {}), method, path, drop, after))

    def api_requests(self, method: str | None = None, path: str | None = None) -> list[Recorded]:
        return [
            r for r in self.requests
            if r.path.startswith("/v2") and (method is None or r.method == method)
            and (path is None or re.search(path, r.path))
        ]

    def token_requests(self) -> list[Recorded]:
        return [r for r in self.requests if r.path == "/oauth/token"]

    def add_participants(self, meeting_uuid: str, records: list[dict[str, Any]]) -> None:
        self.participants.setdefault(meeting_uuid, []).extend(records)

    def add_webinar_participants(self, webinar_uuid: str, records: list[dict[str, Any]]) -> None:
        self.webinar_participants.setdefault(webinar_uuid, []).extend(records)

    def register(self, meeting_id: int, email: str, first_name: str, last_name: str = "", *,
                 status: str = "approved", answers: dict[str, str] | None = None) -> None:
        """A registrant as Zoom lists them: custom-question answers as [{title, value}]."""
        with self._lock:
            self.registrants.setdefault(meeting_id, []).append({
                "id": secrets.token_hex(6), "email": email, "first_name": first_name, "last_name": last_name,
                "status": status, "create_time": "2022-03-01T10:00:00Z",
                "custom_questions": [{"title": k, "value": v} for k, v in (answers or {}).items()],
            })

    # --- request handling --------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, str], headers: dict[str, str],
               raw: bytes) -> tuple[int, dict[str, Any] | None, dict[str, str]] | None:
        body: Any = None
        content_type = headers.get("content-type", "")
        if raw:
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            body = json.loads(raw) if "json" in content_type else form
        with self._lock:
            self.requests.append(Recorded(method, path, query, headers, body))
            fault = next((f for f in self.faults if f.matches(method, path)), None)
            if fault is not None:
                self.faults.remove(fault)
        if fault is not None and not fault.after:
            return None if fault.drop else (fault.status, fault.body, fault.headers)
        result = self._route(method, path, query, headers, body)
        if fault is not None:
            return None if fault.drop else (fault.status, fault.body, fault.headers)
        return result

    def _route(self, method: str, path: str, query: dict[str, str], headers: dict[str, str],
               body: Any) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        if path == "/oauth/token":
            return self._token(method, query, headers, body or {})
        if path.startswith("/v2/"):
            auth = headers.get("authorization", "")
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else ""
            if not self.tokens.get(token):
                return 401, {"code": 124, "message": "Invalid access token."}, {}
            return self._api(method, path.removeprefix("/v2"), query, body)
        return 404, {"code": 404, "message": "Not found"}, {}

    def _token(self, method: str, query: dict[str, str], headers: dict[str, str],
               form: dict[str, str]) -> tuple[int, dict[str, Any], dict[str, str]]:
        if method != "POST":
            return 405, {"reason": "method not allowed"}, {}
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if headers.get("authorization") != f"Basic {expected}":
            return 401, {"reason": "Invalid client_id or client_secret", "error": "invalid_client"}, {}
        params = {**query, **form}
        if params.get("grant_type") != "account_credentials":
            return 400, {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}, {}
        if params.get("account_id") != self.account_id:
            return 400, {"reason": "Invalid account_id", "error": "invalid_request"}, {}
        token = "tok-" + secrets.token_hex(8)
        with self._lock:
            self.tokens[token] = True
        return 200, {"access_token": token, "token_type": "bearer", "expires_in": self.token_lifetime,
                     "scope": "meeting:write:admin meeting:read:admin", "api_url": self.base_url}, {}

    def _api(self, method: str, path: str, query: dict[str, str],
             body: Any) -> tuple[int, dict[str, Any] | None, dict[str, str]]:
        routes: list[tuple[str, str, Any]] = [
            ("POST", r"^/users/([^/]+)/(meetings|webinars)$", self._create),
            ("GET", r"^/users/([^/]+)/(meetings|webinars)$", self._list),
            ("GET", r"^/(meetings|webinars)/(\d+)$", self._get),
            ("PATCH", r"^/(meetings|webinars)/(\d+)$", self._update),
            ("POST", r"^/(meetings|webinars)/(\d+)/registrants$", self._add_registrant),
            ("GET", r"^/(meetings|webinars)/(\d+)/registrants$", self._list_registrants),
            ("GET", r"^/(meetings|webinars)/(\d+)/registrants/questions$", self._get_questions),
            ("PATCH", r"^/(meetings|webinars)/(\d+)/registrants/questions$", self._set_questions),
            ("GET", r"^/past_meetings/(.+)/participants$", self._participants),
            ("GET", r"^/past_webinars/(.+)/participants$", self._webinar_participants),
        ]
        for route_method, pattern, handler in routes:
            match = re.match(pattern, path)
            if match and method == route_method:
                result: tuple[int, dict[str, Any] | None, dict[str, str]] = handler(
                    *match.groups(), query=query, body=body
                )
                return result
        return 404, {"code": 404, "message": f"No route {method} {path}"}, {}

    def _store(self, kind: str) -> dict[int, dict[str, Any]]:
        return self.meetings if kind == "meetings" else self.webinars

    def _create(self, user_id: str, kind: str, *, query: dict[str, str], body: Any):  # type: ignore[no-untyped-def]
        if not isinstance(body, dict) or not body.get("topic"):
            return 400, {"code": 300, "message": "Validation Failed."}, {}
        meeting_id = next(self._ids)
        uuid = base64.b64encode(secrets.token_bytes(16)).decode()
        settings = {"approval_type": 2, "alternative_hosts": "", "language_interpretation": {"enable": False}}
        settings.update(body.get("settings") or {})
        record = {
            **{k: v for k, v in body.items() if k not in ("settings", "user_id")},
            "id": meeting_id,
            "uuid": uuid,
            "host_id": user_id,
            "type": body.get("type", 2 if kind == "meetings" else 5),
            "settings": settings,
            "created_at": "2022-02-01T09:00:00Z",
            "join_url": f"https://zoom.us/{'j' if kind == 'meetings' else 'w'}/{meeting_id}?pwd=abc",
        }
        if settings.get("approval_type") in (0, 1):
            record["registration_url"] = f"https://zoom.us/meeting/register/tJ{meeting_id}"
        with self._lock:
            self._store(kind)[meeting_id] = record
        return 201, record, {}

    def _list(self, user_id: str, kind: str, *, query: dict[str, str], body: Any):  # type: ignore[no-untyped-def]
        items = [m for m in self._store(kind).values() if m["host_id"] == user_id]
        return self._page(items, kind, query)

    def _page(self, items: list[dict[str, Any]], key: str, query: dict[str, str]):  # type: ignore[no-untyped-def]
        size = int(query.get("page_size", 30))
        start = int(query.get("next_page_token") or 0)
        page = items[start:start + size]
        next_token = str(start + size) if start + size < len(items) else ""
        return 200, {"page_size": size, "total_records": len(items), "next_page_token": next_token,
                     key: page}, {}

    def _get(self, kind: str, meeting_id: str, *, query: dict[str, str], body: Any):  # type: ignore[no-untyped-def]
        record = self._store(kind).get(int(meeting_id))
        if record is None:
            noun = "Meeting" if kind == "meetings" else "Webinar"
            return 404, {"code": 3001, "message": f"{noun} does not exist: {meeting_id}."}, {}
        return 200, record, {}

    def _update(self, kind: str, meeting_id: str, *, query: dict[str, str], body: Any):  # type: ignore[no-untyped-def]
        record = self._store(kind).get(int(meeting_id))
        if record is None:
            return 404, {"code": 3001, "message": f"Meeting does not exist: {meeting_id}."}, {}
        with self._lock:
            for key, value in (body or {}).items():
                if key == "settings":
                    record["settings"].update(value)
                elif key not in ("id", "user_id"):
                    record[key] = value
            if record["settings"].get("approval_type") in (0, 1):
                record["registration_url"] = f"https://zoom.us/meeting/register/tJ{meeting_id}"
            else:
                record.pop("registration_url", None)
        return 204, None, {}

    def _add_registrant(self, kind: str, meeting_id: str, *, query: dict[str, str], body: Any):  # type: ignore[no-untyped-def]
        if int(meeting_id) not in self._store(kind):
            return 404, {"code": 3001, "message": f"Meeting does not exist: {meeting_id}."}, {}
        registrant = {"id": secrets.token_hex(6), **{k: v for k, v in (body or {}).items() if k != "id"}}
        with self._lock:
            self.registrants.setdefault(int(meeting_id), []).append(registrant)
        return 201, {"registrant_id": registrant["id"], "id": int(meeting_id),
                     "join_url": f"https://zoom.us/w/{meeting_id}?tk={registrant['id']}"}, {}

    def _missing(self, kind: str, meeting_id: str):  # type: ignore[no-untyped-def]
        noun = "Meeting" if kind == "meetings" else "Webinar"
        return 404, {"code": 3001, "message": f"{noun} does not exist: {meeting_id}."}, {}

    def _list_registrants(self, kind: str, meeting_id: str, *, query: dict[str, str], body: Any):  # type: ignore[no-untyped-def]
        if int(meeting_id) not in self._store(kind):
            return self._missing(kind, meeting_id)
        status = query.get("status", "approved")  # Zoom's default
        if status not in ("pending", "approved", "denied"):
            return 400, {"code": 300, "message": "Invalid field: status."}, {}
        chosen = [r for r in self.registrants.get(int(meeting_id), []) if r.get("status", "approved") == status]
        return self._page(chosen, "registrants", query)

    def _get_questions(self, kind: str, meeting_id: str, *, query: dict[str, str], body: Any):  # type: ignore[no-untyped-def]
        if int(meeting_id) not in self._store(kind):
            return self._missing(kind, meeting_id)
        default = {"questions": [{"field_name": "last_name", "required": True}], "custom_questions": []}
        return 200, self.questions.get(int(meeting_id), default), {}

    def _set_questions(self, kind: str, meeting_id: str, *, query: dict[str, str], body: Any):  # type: ignore[no-untyped-def]
        record = self._store(kind).get(int(meeting_id))
        if record is None:
            return self._missing(kind, meeting_id)
        if record["settings"].get("approval_type") not in (0, 1):
            return 400, {"code": 3000, "message": "Registration is not enabled for this meeting."}, {}
        types = {"short", "single"} if kind == "meetings" else {"short", "single_radio", "single_dropdown",
                                                                   "multiple"}
        custom = (body or {}).get("custom_questions") or []
        for question in custom:
            if not question.get("title") or question.get("type") not in types:
                return 400, {"code": 300, "message": "Validation Failed.",
                             "errors": [{"field": "custom_questions.type", "message": "Invalid field."}]}, {}
            if question["type"] != "short" and not question.get("answers"):
                return 400, {"code": 300, "message": "Validation Failed.",
                             "errors": [{"field": "custom_questions.answers", "message": "Invalid field."}]}, {}
        current = self._get_questions(kind, meeting_id, query=query, body=None)[1]
        with self._lock:
            self.questions[int(meeting_id)] = {
                "questions": (body or {}).get("questions", current["questions"]),
                "custom_questions": [dict(q) for q in custom],
            }
        return 204, None, {}

    def _participants(self, uuid: str, *, query: dict[str, str], body: Any):  # type: ignore[no-untyped-def]
        from urllib.parse import unquote

        # zoomus double-encodes uuids that start with "/" or contain "//"; the server decodes once more.
        decoded = unquote(uuid)
        records = self.participants.get(decoded) or self.participants.get(uuid)
        if records is None:
            return 404, {"code": 3001, "message": "Meeting does not exist."}, {}
        return self._page(records, "participants", query)

    def _webinar_participants(self, uuid: str, *, query: dict[str, str], body: Any):  # type: ignore[no-untyped-def]
        from urllib.parse import unquote

        records = self.webinar_participants.get(unquote(uuid)) or self.webinar_participants.get(uuid)
        if records is None:
            return 404, {"code": 3001, "message": "Webinar does not exist."}, {}
        return self._page(records, "participants", query)


def _handler_for(fake: FakeZoom) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence stderr
            return

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            from urllib.parse import unquote

            path = unquote(parts.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            result = fake.handle(self.command, path, query, headers, raw)
            if result is None:
                self.close_connection = True
                self.connection.close()
                return
            status, body, extra = result
            payload = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            if body is not None:
                self.send_header("Content-Type", "application/json;charset=UTF-8")
            self.send_header("Content-Length", str(len(payload)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            if payload:
                self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _serve

    return Handler


@contextmanager
def running_fake_zoom(fake: FakeZoom | None = None) -> Iterator[FakeZoom]:
    """Serve a FakeZoom on an ephemeral loopback port for the duration of the block."""
    fake = fake or FakeZoom()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    server.daemon_threads = True
    fake.server = server
    with serving(server, "fake-zoom", 0.05):
        yield fake
