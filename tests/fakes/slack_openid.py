"""A loopback fake of Slack's "Sign in with Slack" (OpenID Connect), speaking its real protocol.

- `GET /openid/connect/authorize`: checks the client id, `response_type=code`, the `openid` scope and the
  registered redirect URI, then "signs in" the user the test chose and redirects back with a one-time code
  and the caller's `state` (as Slack does once the person has approved);
- `POST /api/openid.connect.token` (form, client_secret_post): a code once, for its client and redirect URI;
  Slack's errors are HTTP 200 with `{"ok": false, "error": ...}`;
- `GET|POST /api/openid.connect.userInfo` (Bearer): the person's claims, Slack's shape.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web


@dataclass
class FakeSlackOpenId:
    client_id: str
    client_secret: str
    redirect_uri: str
    user: dict[str, Any] = field(default_factory=dict)  # who signs in next: sub, email, name, ...
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    base_url: str = ""

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/openid/connect/authorize", self.authorize)
        app.router.add_post("/api/openid.connect.token", self.token)
        app.router.add_route("*", "/api/openid.connect.userInfo", self.userinfo)
        return app

    async def authorize(self, request: web.Request) -> web.Response:
        self.calls.append("authorize")
        q = request.query
        if q.get("client_id") != self.client_id or q.get("response_type") != "code":
            return web.Response(status=400, text="invalid_client_id")
        if "openid" not in q.get("scope", "").split() or q.get("redirect_uri") != self.redirect_uri:
            return web.Response(status=400, text="bad_redirect_uri")
        code = secrets.token_urlsafe(12)
        self.codes[code] = {"user": dict(self.user), "redirect_uri": q["redirect_uri"], "nonce": q.get("nonce")}
        raise web.HTTPFound(f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q.get('state', '')})}")

    async def token(self, request: web.Request) -> web.Response:
        self.calls.append("token")
        form = await request.post()
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return web.json_response({"ok": False, "error": "invalid_client"})
        grant = self.codes.pop(str(form.get("code")), None)
        if grant is None or form.get("redirect_uri") != grant["redirect_uri"]:
            return web.json_response({"ok": False, "error": "invalid_code"})
        access = f"xoxp-{secrets.token_hex(8)}"
        self.tokens[access] = grant["user"]
        return web.json_response({"ok": True, "access_token": access, "token_type": "Bearer",
                                  "id_token": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"})

    async def userinfo(self, request: web.Request) -> web.Response:
        self.calls.append("userinfo")
        header = request.headers.get("Authorization", "")
        user = self.tokens.get(header.removeprefix("Bearer ").strip()) if header.startswith("Bearer ") else None
        if user is None:
            return web.json_response({"ok": False, "error": "invalid_auth"})
        return web.json_response({"ok": True, "https://slack.com/user_id": user["sub"],
                                  "https://slack.com/team_id": "T0FAKE", "email_verified": True, **user})


async def start(fake: FakeSlackOpenId) -> web.AppRunner:
    runner = web.AppRunner(fake.app())
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    fake.base_url = f"http://127.0.0.1:{port}"
    return runner
