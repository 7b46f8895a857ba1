"""A loopback fake of Slack's "Sign in with Slack" (OpenID Connect), speaking its real protocol.

- `GET /openid/connect/authorize`: checks the client id, `response_type=code`, the `openid` scope and the
  registered redirect URI, then "signs in" the user the test chose and redirects back with a one-time code
  and the caller's `state` (as Slack does once the person has approved);
- `POST /api/openid.connect.token` (form, client_secret_post): a code once, for its client and redirect URI,
  with an `id_token` signed RS256 (issuer https://slack.com, audience the client, the caller's nonce);
  Slack's errors are HTTP 200 with `{"ok": false, "error": ...}`;
- `GET /openid/connect/keys`: the JWKS that verifies it;
- `GET|POST /api/openid.connect.userInfo` (Bearer): the person's claims, Slack's shape.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from joserfc import jwt
from joserfc.jwk import RSAKey


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
    forge_nonce: bool = False  # sign an id_token for another sign-in (a replayed or injected code)
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "fake-1", "use": "sig"}))

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/openid/connect/authorize", self.authorize)
        app.router.add_post("/api/openid.connect.token", self.token)
        app.router.add_route("*", "/api/openid.connect.userInfo", self.userinfo)
        app.router.add_get("/openid/connect/keys", self.keys)
        return app

    async def keys(self, request: web.Request) -> web.Response:
        self.calls.append("keys")
        return web.json_response({"keys": [self.key.as_dict(private=False) | {"alg": "RS256"}]})

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
        now = int(time.time())
        claims = {"iss": "https://slack.com", "aud": self.client_id, "sub": grant["user"]["sub"], "iat": now,
                  "exp": now + 300, "nonce": "someone-else" if self.forge_nonce else grant["nonce"],
                  "https://slack.com/user_id": grant["user"]["sub"]}
        id_token = jwt.encode({"alg": "RS256", "kid": "fake-1"}, claims, self.key)
        return web.json_response({"ok": True, "access_token": access, "token_type": "Bearer", "id_token": id_token})

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
