"""Zoom's Server-to-Server OAuth token, fetched by us rather than by zoomus.

zoomus fetches the token once, in its constructor, without a timeout, and never refreshes it; here the
token request is ours (with a timeout, its answer checked and typed) and zoomus gets the token handed in.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
import zoomus
from pydantic import SecretStr
from zoomus import util as zoomus_util

from bot.adapters.zoom.errors import ZoomAuthError, ZoomRateLimited, ZoomServerError, error_details, parse_retry_after

ZOOM_OAUTH_URL = "https://zoom.us/oauth/token"


@dataclass(frozen=True)
class AccessToken:
    value: SecretStr
    expires_at: datetime


class PreauthorizedZoomus(zoomus.ZoomClient):  # type: ignore[misc]
    """zoomus's client without the constructor's own token request (blocking, no timeout, status unchecked).

    We fetch the token ourselves and hand it in; everything else is zoomus's (components share
    `config`, so replacing config["token"] later reaches every component, as zoomus's refresh does).
    """

    def __init__(self, *, client_id: str, client_secret: str, api_account_id: str, base_uri: str,
                 oauth_uri: str, token: str, timeout: float) -> None:
        zoomus_util.ApiClient.__init__(self, base_uri=base_uri, timeout=int(timeout))
        self.components = zoomus.client.COMPONENT_CLASSES[zoomus_util.API_VERSION_2].copy()
        self.config = {
            "client_id": client_id,
            "client_secret": client_secret,
            "api_account_id": api_account_id,
            "data_type": "json",
            "version": zoomus_util.API_VERSION_2,
            "base_uri": self.base_uri,
            "oauth_uri": oauth_uri,
            "token": token,
        }
        for name, component in self.components.items():
            self.components[name] = component(base_uri=self.base_uri, config=self.config, timeout=int(timeout))

    def refresh_token(self) -> None:  # pragma: no cover - guard against zoomus's own (unsafe) refresh
        raise RuntimeError("tokens are refreshed by bot.adapters.zoom.client.ZoomClient")


def request_token(
    oauth_uri: str, client_id: str, client_secret: SecretStr, account_id: str, timeout: float
) -> requests.Response:
    """The blocking token request (run it in a worker thread)."""
    credentials = f"{client_id}:{client_secret.get_secret_value()}"
    basic = base64.b64encode(credentials.encode()).decode("ascii")
    return requests.post(
        oauth_uri,
        data={"grant_type": "account_credentials", "account_id": account_id},
        headers={"Authorization": f"Basic {basic}"},
        timeout=timeout,
    )


def read_token(response: requests.Response, now: datetime) -> AccessToken:
    """The token in the token endpoint's answer, or its error, typed."""
    code, message = error_details(response)
    if response.status_code == 429:  # not waited out here: the caller's call is rate limited as a whole
        wait = parse_retry_after(response.headers.get("Retry-After"), now)
        raise ZoomRateLimited("token request", code, message, wait)
    if response.status_code >= 500:
        raise ZoomServerError("token request", response.status_code, code, message)
    if response.status_code != 200:
        raise ZoomAuthError("token request", response.status_code, code, message)
    try:
        body = response.json()
        token = str(body["access_token"])
        lifetime = float(body.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError):
        raise ZoomAuthError("token request", 200, None, "the token endpoint sent no access_token") from None
    return AccessToken(SecretStr(token), now + timedelta(seconds=lifetime))
