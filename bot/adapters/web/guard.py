"""What every request passes before any route: the Host it names, the Origin of a state-changing request,
the size of its body, and how often its address posts.

- Host: only the public URL's name (and the loopback names on a loopback bind) are answered; any other gets
  421, so a DNS-rebound name cannot reach a console on localhost. The health probes and /metrics are exempt
  (load balancers and scrapers ask by address).
- Origin: a POST to the console must come from its own pages. In `signed` mode a POST that names no
  Origin (and no same-origin Sec-Fetch-Site) is refused too; Slack's and Zoom's webhooks are signed
  server-to-server calls and are not the console's.
- Body: the console's posts are small JSON; the whole body is read here, up to a limit, and replayed
  (an upload route names its own limit).
- Rate: per address (as uvicorn's proxy headers give it, behind a trusted proxy); per person is the console's.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.adapters.web.access import Access
from bot.adapters.web.rate import RateLimiter
from bot.i18n import catalog as i18n

CONSOLE_PREFIXES = ("/api/", "/signin")
PROBES = frozenset({"/healthz", "/readyz", "/metrics"})  # load balancers and scrapers ask by address
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CONSOLE_BODY_LIMIT = 16 * 1024
OTHER_BODY_LIMIT = 1024 * 1024  # Slack and Zoom payloads


def problem(key: str, status: int, lang: str = "en", headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"ok": False, "error": key, "message": i18n.render(key, lang)}, status_code=status,
                        headers=headers)


class Guard:
    """ASGI middleware around the whole app (console, Slack, Zoom)."""

    def __init__(self, app: ASGIApp, *, access: Access, per_address: RateLimiter,
                 body_limits: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.body_limits = dict(body_limits or {})  # a path's own limit (the written inputs' uploads)
        self.access = access
        self.per_address = per_address

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        headers = Headers(scope=scope)
        if path not in PROBES and not self.access.allows_host(headers.get("host", "")):
            await problem("access.refused.host", 421)(scope, receive, send)
            return
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        console = path.startswith(CONSOLE_PREFIXES)
        if console:
            refusal = self._refuse_origin(headers)
            if refusal:
                await problem(refusal, 403)(scope, receive, send)
                return
            client = scope.get("client")
            wait = self.per_address.take(client[0] if client else "?")
            if wait:
                await problem("access.refused.rate", 429, headers={"Retry-After": str(wait)})(scope, receive, send)
                return
        limit = self.body_limits.get(path) or (CONSOLE_BODY_LIMIT if console else OTHER_BODY_LIMIT)
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await problem("access.refused.too_large", 413)(scope, receive, send)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if len(body) > limit:
                await problem("access.refused.too_large", 413)(scope, receive, send)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(bytes(body), receive), send)

    def _refuse_origin(self, headers: Headers) -> str | None:
        origin = headers.get("origin")
        if origin is None:
            same = headers.get("sec-fetch-site") in ("same-origin", "none")
            return "access.refused.origin" if self.access.signed and not same else None
        return None if self.access.allows_origin(origin) else "access.refused.origin"


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # what follows is the disconnect

    return replay
