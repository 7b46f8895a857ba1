"""A reliable async client around zoomus.

zoomus speaks Zoom's REST API but leaves the hard parts to its caller: it fetches the Server-to-Server
OAuth token once, in its constructor, without a timeout, and never refreshes it; it returns raw
`requests.Response` objects whatever the status; it has no retries, no 429 handling and no pagination.
This module adds all of that, and runs every blocking call in a worker thread (`asyncio.to_thread`).

Errors come out typed (bot.adapters.zoom.errors); the token is fetched and read by bot.adapters.zoom.oauth,
the daily write budget counted by bot.adapters.zoom.budget.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import requests
from pydantic import SecretStr
from zoomus.util import encode_uuid

from bot.adapters.retry import RetryPolicy
from bot.adapters.zoom.budget import DailyBudget
from bot.adapters.zoom.errors import (
    ZoomAuthError,
    ZoomError,
    ZoomNotFound,
    ZoomRateLimited,
    ZoomServerError,
    ZoomUnavailable,
    error_details,
    is_transient,
    parse_retry_after,
)
from bot.adapters.zoom.oauth import ZOOM_OAUTH_URL, AccessToken, PreauthorizedZoomus, read_token, request_token
from bot.app.clock import Clock, SystemClock
from bot.config.settings import Settings

log = logging.getLogger(__name__)

ZOOM_API_URL = "https://api.zoom.us/v2"

# Zoom's "Invalid access token" code; it also comes with HTTP 401 once a token has expired.
INVALID_TOKEN_CODE = 124

Sleep = Callable[[float], Awaitable[None]]
JSON = dict[str, Any]

# Delays double from 1 s up to 30 s; a Retry-After over 2 minutes (the daily limit) is not waited out.
ZOOM_RETRY = RetryPolicy(attempts=4, first_delay=1.0, multiplier=2.0, max_delay=30.0, max_wait=120.0)


class ZoomClient:
    """Zoom's REST API for Floorbot: token kept fresh, retries bounded, errors typed, calls off the loop."""

    def __init__(
        self,
        client_id: str,
        client_secret: str | SecretStr,
        api_account_id: str,
        base_uri: str = ZOOM_API_URL,
        oauth_uri: str = ZOOM_OAUTH_URL,
        *,
        timeout: float = 15.0,
        clock: Clock | None = None,
        sleep: Sleep = asyncio.sleep,
        retry: RetryPolicy = ZOOM_RETRY,
        budget: DailyBudget | None = None,
        refresh_margin: timedelta = timedelta(minutes=5),
    ) -> None:
        self._client_id = client_id
        self._client_secret = client_secret if isinstance(client_secret, SecretStr) else SecretStr(client_secret)
        self._account_id = api_account_id
        self._base_uri = base_uri.rstrip("/")
        self._oauth_uri = oauth_uri
        self._timeout = timeout
        self._clock: Clock = clock or SystemClock()
        self._sleep = sleep
        self._retry = retry
        self.budget = budget or DailyBudget()
        self._refresh_margin = refresh_margin
        self._token: AccessToken | None = None
        self._zoomus: PreauthorizedZoomus | None = None
        self._token_lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, **kwargs: Any) -> ZoomClient:
        if not (settings.zoom_client_id and settings.zoom_client_secret and settings.zoom_account_id):
            raise ValueError("ZOOM_ACCOUNT_ID, ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET must all be set")
        return cls(
            settings.zoom_client_id, settings.zoom_client_secret, settings.zoom_account_id,
            base_uri=settings.zoom_api_url, oauth_uri=settings.zoom_oauth_url, **kwargs,
        )

    def __repr__(self) -> str:
        return f"ZoomClient(client_id={self._client_id!r}, base_uri={self._base_uri!r})"

    # --- token -------------------------------------------------------------------------------------

    async def _refresh_token(self) -> None:
        async for attempt in self._retry.retrying(is_transient, sleep=self._sleep, what="Zoom token request"):
            with attempt:
                await self._fetch_token()

    async def _fetch_token(self) -> None:
        try:
            response = await asyncio.to_thread(
                request_token, self._oauth_uri, self._client_id, self._client_secret, self._account_id, self._timeout
            )
        except requests.RequestException as exc:
            raise ZoomUnavailable("token request", None, None, type(exc).__name__) from None
        self._token = read_token(response, self._clock.now())
        token = self._token.value.get_secret_value()
        if self._zoomus is None:
            self._zoomus = PreauthorizedZoomus(
                client_id=self._client_id, client_secret=self._client_secret.get_secret_value(),
                api_account_id=self._account_id, base_uri=self._base_uri, oauth_uri=self._oauth_uri,
                token=token, timeout=self._timeout,
            )
        else:
            self._zoomus.config["token"] = token

    async def _ensure_token(self, *, force: bool = False, stale: SecretStr | None = None) -> None:
        async with self._token_lock:
            if force and self._token is not None and stale is not None and self._token.value != stale:
                return  # another task refreshed it while we waited
            if force or self._token is None or self._clock.now() >= self._token.expires_at - self._refresh_margin:
                await self._refresh_token()

    async def connect(self) -> None:
        """Fetch the first token now (otherwise the first call does it)."""
        await self._ensure_token()

    # --- calls -------------------------------------------------------------------------------------

    async def _call(
        self,
        operation: str,
        call: Callable[[PreauthorizedZoomus], requests.Response],
        *,
        retry_server_errors: bool = True,
    ) -> requests.Response:
        """Run one zoomus call with token refresh, 429 backoff and bounded retries; 2xx or a ZoomError.

        A 429 is always tried again (the request was not processed); a 5xx or no answer only when
        `retry_server_errors` (a create that failed ambiguously may have happened). The token request's own
        errors were already retried by `_refresh_token` and are not tried again here."""
        await self._ensure_token()
        refreshed = False

        def worth_retrying(error: BaseException) -> bool:
            if not isinstance(error, ZoomError) or error.operation != operation:
                return False
            return isinstance(error, ZoomRateLimited) or (retry_server_errors and is_transient(error))

        async for attempt in self._retry.retrying(worth_retrying, sleep=self._sleep, what=f"Zoom {operation}"):
            with attempt:
                while True:
                    assert self._zoomus is not None and self._token is not None
                    used_token = self._token.value
                    response = await self._send(operation, call, self._zoomus)
                    code, message = error_details(response) if response.status_code >= 400 else (None, "")
                    if response.status_code == 401 or code == INVALID_TOKEN_CODE:
                        if refreshed:
                            raise ZoomAuthError(operation, response.status_code, code, message)
                        refreshed = True  # an expired token is not the call's fault: not counted as a try
                        await self._ensure_token(force=True, stale=used_token)
                        continue
                    return self._checked(operation, response, attempt.retry_state.attempt_number)
        raise AssertionError("unreachable")

    @staticmethod
    async def _send(
        operation: str, call: Callable[[PreauthorizedZoomus], requests.Response], client: PreauthorizedZoomus,
    ) -> requests.Response:
        try:
            return await asyncio.to_thread(call, client)
        except requests.RequestException as exc:
            raise ZoomUnavailable(operation, None, None, type(exc).__name__) from None

    def _checked(self, operation: str, response: requests.Response, attempt: int) -> requests.Response:
        """The response if it succeeded, else its error, typed (a 429 carries how long to wait)."""
        status = response.status_code
        if status < 400:
            return response
        code, message = error_details(response)
        if status == 429:
            wait = parse_retry_after(response.headers.get("Retry-After"), self._clock.now())
            raise ZoomRateLimited(operation, code, message, self._retry.backoff(attempt) if wait is None else wait)
        if status == 404:
            raise ZoomNotFound(operation, status, code, message)
        if status >= 500:
            raise ZoomServerError(operation, status, code, message)
        raise ZoomError(operation, status, code, message)

    @staticmethod
    def _json(response: requests.Response) -> JSON:
        if response.status_code == 204 or not response.content:
            return {}
        body = response.json()
        return cast(JSON, body) if isinstance(body, dict) else {"items": body}

    async def _write(
        self, operation: str, user_id: str, call: Callable[[PreauthorizedZoomus], requests.Response],
        *, retry_server_errors: bool,
    ) -> requests.Response:
        self.budget.check(user_id, self._clock.now(), operation)
        response = await self._call(operation, call, retry_server_errors=retry_server_errors)
        self.budget.spend(user_id, self._clock.now())
        return response

    def budget_remaining(self, user_id: str) -> int:
        return self.budget.remaining(user_id, self._clock.now())

    async def _paginate(
        self, operation: str, items_key: str,
        call: Callable[[PreauthorizedZoomus, dict[str, Any]], requests.Response],
        page_size: int = 300,
    ) -> list[JSON]:
        """Every page of a list endpoint, following next_page_token (zoomus does not)."""
        items: list[JSON] = []
        token = ""
        seen_tokens: set[str] = set()
        while True:
            params: dict[str, Any] = {"page_size": page_size}
            if token:
                params["next_page_token"] = token
            response = await self._call(operation, functools.partial(_with_params, call, params))
            body = self._json(response)
            items.extend(cast(list[JSON], body.get(items_key) or []))
            token = str(body.get("next_page_token") or "")
            if not token or token in seen_tokens:  # a repeated token would loop forever
                return items
            seen_tokens.add(token)

    # Meetings -------------------------------------------------------------------------------------

    async def create_meeting(self, user_id: str, body: Mapping[str, Any]) -> JSON:
        """POST /users/{user_id}/meetings. Not retried on 5xx: it may have been created (see provision)."""
        response = await self._write(
            "meeting create", user_id,
            lambda z: z.meeting.create(user_id=user_id, **_prepared(body, datetime_ok=True)),
            retry_server_errors=False,
        )
        return self._json(response)

    async def update_meeting(self, meeting_id: int | str, body: Mapping[str, Any], *, user_id: str) -> None:
        await self._write(
            "meeting update", user_id,
            lambda z: z.meeting.update(id=meeting_id, **_prepared(body, datetime_ok=True)),
            retry_server_errors=True,
        )

    async def get_meeting(self, meeting_id: int | str) -> JSON:
        return self._json(await self._call("meeting get", lambda z: z.meeting.get(id=meeting_id)))

    async def list_meetings(self, user_id: str, kind: str = "scheduled") -> list[JSON]:
        return await self._paginate(
            "meeting list", "meetings",
            lambda z, p: z.meeting.list(user_id=user_id, type=kind, **p),
        )

    # Webinars -------------------------------------------------------------------------------------

    async def create_webinar(self, user_id: str, body: Mapping[str, Any]) -> JSON:
        response = await self._write(
            "webinar create", user_id,
            lambda z: z.webinar.create(user_id=user_id, **_prepared(body, datetime_ok=False)),
            retry_server_errors=False,
        )
        return self._json(response)

    async def update_webinar(self, webinar_id: int | str, body: Mapping[str, Any], *, user_id: str) -> None:
        await self._write(
            "webinar update", user_id,
            lambda z: z.webinar.update(id=webinar_id, **_prepared(body, datetime_ok=False)),
            retry_server_errors=True,
        )

    async def get_webinar(self, webinar_id: int | str) -> JSON:
        return self._json(await self._call("webinar get", lambda z: z.webinar.get(id=webinar_id)))

    async def list_webinars(self, user_id: str) -> list[JSON]:
        return await self._paginate(
            "webinar list", "webinars", lambda z, p: z.webinar.list(user_id=user_id, **p),
        )

    # Registration -------------------------------------------------------------------------------

    async def registrant_questions(self, kind: str, meeting_id: int | str) -> JSON:
        """GET /{meetings|webinars}/{id}/registrants/questions: {questions, custom_questions}."""
        path = f"/{_plural(kind)}/{meeting_id}/registrants/questions"
        return self._json(await self._call(f"{kind} registration questions", lambda z: z.meeting.get_request(path)))

    async def update_registrant_questions(self, kind: str, meeting_id: int | str, body: Mapping[str, Any]) -> None:
        """PATCH the whole list (Zoom replaces it): asking twice never duplicates a question."""
        path = f"/{_plural(kind)}/{meeting_id}/registrants/questions"
        data = dict(body)
        await self._call(f"{kind} registration questions update",
                         lambda z: z.meeting.patch_request(path, data=data))

    async def list_registrants(self, kind: str, meeting_id: int | str, status: str = "approved") -> list[JSON]:
        """Every registrant with this status (approved, pending, denied), all pages."""
        if kind == "webinar":
            return await self._paginate(
                "webinar registrants", "registrants",
                lambda z, p: z.webinar.get_registrants(id=meeting_id, status=status, **p),
            )
        return await self._paginate(
            "meeting registrants", "registrants",
            lambda z, p: z.meeting.list_registrants(id=meeting_id, status=status, **p),
        )

    # Past meetings --------------------------------------------------------------------------------

    async def past_meeting_participants(self, meeting_uuid: str) -> list[JSON]:
        """Everyone who joined one meeting instance (a join/leave record per stint), all pages."""
        return await self._paginate(
            "past meeting participants", "participants",
            lambda z, p: z.past_meeting.get_participants(meeting_id=meeting_uuid, **p),
        )


    async def past_webinar_participants(self, webinar_uuid: str) -> list[JSON]:
        """GET /past_webinars/{uuid}/participants, all pages (zoomus has no call for it)."""
        path = f"/past_webinars/{encode_uuid(webinar_uuid)}/participants"
        return await self._paginate(
            "past webinar participants", "participants", lambda z, p: z.webinar.get_request(path, params=p),
        )


def _plural(kind: str) -> str:
    if kind not in ("meeting", "webinar"):
        raise ValueError(f"kind must be meeting or webinar, not {kind!r}")
    return f"{kind}s"


def _with_params(
    call: Callable[[PreauthorizedZoomus, dict[str, Any]], requests.Response],
    params: dict[str, Any],
    client: PreauthorizedZoomus,
) -> requests.Response:
    return call(client, dict(params))  # a copy: zoomus may mutate what it is given


def _prepared(body: Mapping[str, Any], *, datetime_ok: bool) -> dict[str, Any]:
    """A fresh copy of a request body (zoomus mutates it) with start_time made safe.

    zoomus formats meeting start times as "%Y-%m-%dT%H:%M:%SZ" without converting the zone, and raises on
    a string; its webinar calls do not format at all (json.dumps then fails on a datetime). So meetings
    get the datetime in UTC, webinars the UTC string.
    """
    out = dict(body)
    start = out.get("start_time")
    if isinstance(start, datetime):
        if start.tzinfo is None:
            raise ValueError("start_time must be an aware datetime")
        utc = start.astimezone(UTC)
        out["start_time"] = utc if datetime_ok else utc.strftime("%Y-%m-%dT%H:%M:%SZ")
    return out
