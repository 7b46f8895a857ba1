"""Sign in with Slack: OpenID Connect's authorization-code flow through Authlib.

`/signin/slack` sends the browser to Slack with a random `state` (kept, signed, in a short-lived cookie);
Slack sends it back to `/signin/slack/callback` with a code, which is exchanged for a token
(`openid.connect.token`). Its `id_token` is verified (Slack's published keys, issuer, audience, expiry and the
nonce we sent, with joserfc); Slack's `openid.connect.userInfo` then gives the profile, which must name the
same user. That person is matched to the schedule by Slack user id, else by verified e-mail, else signs in
as an attendee.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from authlib.integrations.base_client import OAuthError
from authlib.integrations.httpx_client import AsyncOAuth2Client
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.adapters.web.access import SlackOidc
from bot.adapters.web.credentials import SESSION_LIFETIME, Credential, InvalidCredential, new_sid
from bot.adapters.web.directory import match_slack
from bot.adapters.web.signin import SignIn, best_language, refusal_page
from bot.config.model import NOT_STATED
from bot.domain.authz import Role
from bot.i18n import catalog as i18n

log = logging.getLogger(__name__)

STATE_COOKIE = "floorbot_signin_state"
STATE_LIFETIME = 600  # seconds to come back from Slack
SCOPE = "openid email profile"
ISSUER = "https://slack.com"


class SlackSignIn:
    def __init__(self, oidc: SlackOidc, signin: SignIn) -> None:
        self.oidc = oidc
        self.signin = signin
        self.redirect_uri = f"{signin.access.base_url}/signin/slack/callback"

    def routes(self) -> list[BaseRoute]:
        return [Route("/signin/slack", self.start, methods=["GET"]),
                Route("/signin/slack/callback", self.callback, methods=["GET"])]

    def _client(self) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(self.oidc.client_id, self.oidc.client_secret, scope=SCOPE,
                                 redirect_uri=self.redirect_uri, token_endpoint_auth_method="client_secret_post",  # noqa: S106 (a method name)
                                 timeout=10)

    async def start(self, request: Request) -> Response:
        state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        async with self._client() as client:
            url, _ = client.create_authorization_url(f"{self.oidc.openid_url}/authorize", state=state, nonce=nonce)
        response = RedirectResponse(url, status_code=303, headers={"Cache-Control": "no-store"})
        signed = self.signin.sessions.signer.state({"state": state, "nonce": nonce})
        response.set_cookie(STATE_COOKIE, signed, max_age=STATE_LIFETIME, httponly=True, samesite="lax",
                            secure=self.signin.access.secure, path="/signin/slack")
        return response

    async def callback(self, request: Request) -> Response:
        lang = best_language(request.headers.get("accept-language"))
        sessions = self.signin.sessions
        try:
            kept = sessions.signer.read_state(request.cookies.get(STATE_COOKIE, ""))
            if not secrets.compare_digest(kept.get("state", ""), request.query_params.get("state", "")):
                raise InvalidCredential("access.refused.tampered")
            code = request.query_params.get("code")
            if not code:
                raise InvalidCredential("access.refused.slack")
            claims = await self._userinfo(code, kept.get("nonce", ""))
        except InvalidCredential as refused:
            await sessions.audit("web:unknown", "console.signin", False, refused.key, via="slack")
            return refusal_page(refused.key, lang)
        who = self._credential(claims, lang)
        await sessions.audit(who.user_id, "console.signin", True, "access.signin.slack", role=who.role.value,
                             sid=who.sid, slack=str(claims.get("sub", "")))
        response = self.signin.signed_in(who)
        response.delete_cookie(STATE_COOKIE, path="/signin/slack")
        return response

    async def _userinfo(self, code: str, nonce: str) -> dict[str, Any]:
        api = self.oidc.api_url.rstrip("/")
        try:
            async with self._client() as client:
                token = await client.fetch_token(f"{api}/openid.connect.token", code=code,
                                                 grant_type="authorization_code")
                keys = (await client.get(f"{self.oidc.openid_url}/keys")).json()
                signed_in = self._verified(str(token.get("id_token", "")), keys, nonce)
                reply = await client.get(f"{api}/openid.connect.userInfo")
            claims = reply.json()
        except (OAuthError, JoseError, ValueError) as error:
            log.warning("Sign in with Slack refused: %s", type(error).__name__)
            raise InvalidCredential("access.refused.slack") from None
        except Exception:
            log.exception("Sign in with Slack could not reach Slack")
            raise InvalidCredential("access.refused.slack") from None
        if reply.status_code != 200 or not isinstance(claims, dict) or not claims.get("ok") or not claims.get("sub"):
            log.warning("Sign in with Slack: userInfo answered %s %s", reply.status_code,
                        claims.get("error") if isinstance(claims, dict) else "")
            raise InvalidCredential("access.refused.slack")
        if claims["sub"] != signed_in:
            log.warning("Sign in with Slack: userInfo names another user than the id_token")
            raise InvalidCredential("access.refused.slack")
        return claims

    def _verified(self, id_token: str, keys: Any, nonce: str) -> str:
        """The id_token's subject, once its signature, issuer, audience, expiry and nonce hold."""
        decoded = jwt.decode(id_token, KeySet.import_key_set(keys), algorithms=["RS256"])
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": ISSUER}, aud={"essential": True, "value": self.oidc.client_id},
            nonce={"essential": True, "value": nonce}, sub={"essential": True}, exp={"essential": True},
        ).validate(decoded.claims)
        return str(decoded.claims["sub"])

    def _credential(self, claims: dict[str, Any], lang: str) -> Credential:
        slack_id = str(claims.get("https://slack.com/user_id") or claims["sub"])
        email = str(claims["email"]) if claims.get("email") and claims.get("email_verified") else None
        member = match_slack(self.signin.members, slack_id, email)
        if member is not None:
            return self.signin.credential(member, member.role, member.language, "slack")
        now = self.signin.sessions.clock.now()
        name = " ".join(str(claims.get("name") or slack_id).split())[:80]
        locale = str(claims.get("locale") or "")[:2]
        return Credential(new_sid(), f"web:slack:{slack_id}", name, locale if locale in i18n.LANGUAGES else lang,
                          NOT_STATED, Role.ATTENDEE, now, now + SESSION_LIFETIME, None, True, "slack")
