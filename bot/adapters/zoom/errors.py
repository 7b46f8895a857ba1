"""Zoom's errors, typed, with Zoom's own `code` and `message`, and how to read them off a response.

No error, log line or repr ever contains the access token or the client secret.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import requests


class ZoomError(Exception):
    """Zoom answered with an error (or could not be reached)."""

    def __init__(self, operation: str, status: int | None, code: int | None, message: str) -> None:
        self.operation = operation
        self.status = status
        self.code = code
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"HTTP {self.status}" if self.status is not None else "no answer"
        code = f", Zoom code {self.code}" if self.code is not None else ""
        return f"Zoom {self.operation} failed ({where}{code}): {self.message}"


class ZoomAuthError(ZoomError):
    """The credentials were refused, or a fresh token was refused too."""


class ZoomNotFound(ZoomError):
    """The meeting, webinar or user does not exist (HTTP 404)."""


class ZoomRateLimited(ZoomError):
    """HTTP 429 that outlasted our patience; `retry_after` says when Zoom will accept again."""

    def __init__(self, operation: str, code: int | None, message: str, retry_after: float | None) -> None:
        self.retry_after = retry_after
        super().__init__(operation, 429, code, message)


class ZoomServerError(ZoomError):
    """Zoom failed on its side (5xx) every time we asked."""


class ZoomUnavailable(ZoomError):
    """Zoom could not be reached (timeout, connection refused) every time we tried."""


class ZoomBudgetExceeded(ZoomError):
    """Our own count says this user has used up today's create/update budget."""


def is_transient(error: BaseException) -> bool:
    """Zoom failed on its side or could not be reached: worth another try (when the call is idempotent)."""
    return isinstance(error, ZoomServerError | ZoomUnavailable)


def error_details(response: requests.Response) -> tuple[int | None, str]:
    """Zoom's error code and message from a response body, whatever shape it has."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return None, text[:300] or response.reason or "no details"
    if isinstance(body, dict):
        code = body.get("code")
        message = body.get("message") or body.get("reason") or body.get("error") or response.reason
        return (code if isinstance(code, int) else None), str(message)
    return None, str(body)[:300]


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds, an HTTP date or an ISO 8601 time."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    when: datetime | None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
