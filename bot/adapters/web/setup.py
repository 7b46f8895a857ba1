"""The console's access, put together from the settings, the schedule and the store's ports: its mode, its
signing key, its sign-in routes, its rate limits and the guard around the whole app (bot.wiring calls
`console_access` once)."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from bot.adapters.web.access import Access, decide_access
from bot.adapters.web.credentials import Signer, secret_key
from bot.adapters.web.directory import directory
from bot.adapters.web.guard import Guard
from bot.adapters.web.rate import RateLimiter
from bot.adapters.web.sessions import Sessions
from bot.adapters.web.signin import SignIn
from bot.app.clock import Clock
from bot.app.ports.access import Revocations
from bot.app.ports.store import AuditLog, KeyValues
from bot.config.model import Schedule
from bot.config.settings import Settings
from bot.i18n import catalog as i18n

log = logging.getLogger(__name__)

# A person may press a button every two seconds, in bursts of 20; an address (a venue's NAT, an office's
# proxy) 60 at once and then one a second.
PER_PERSON = (20, 0.5)
PER_ADDRESS = (60, 1.0)


@dataclass
class ConsoleAccess:
    access: Access
    signin: SignIn
    per_person: RateLimiter
    per_address: RateLimiter
    extra_routes: list[BaseRoute] = field(default_factory=list)

    def middleware(self, body_limits: Mapping[str, int] | None = None) -> list[Middleware]:
        return [Middleware(Guard, access=self.access, per_address=self.per_address, body_limits=body_limits)]


async def console_access(settings: Settings, schedule: Schedule, *, kv: KeyValues, revocations: Revocations,
                         audit: AuditLog, clock: Clock) -> ConsoleAccess:
    """Raises AccessRefused (one line to print) when the settings cannot be served safely."""
    access = decide_access(settings)
    configured = settings.floorbot_secret_key.get_secret_value() if settings.floorbot_secret_key else None
    if access.signed:
        key, generated = await secret_key(configured, kv, clock.now())
        if generated:
            log.warning(i18n.render("access.start.weak_key", "en"))
    else:
        key = configured or secrets.token_urlsafe(32)  # "sign in as" needs no key that outlives the process
    sessions = Sessions(Signer(key), revocations, audit, clock, secure=access.secure)
    signin = SignIn(access, sessions, directory(schedule), frozenset(schedule.group_names()),
                    guests=schedule.console.guests)
    result = ConsoleAccess(access, signin, RateLimiter(clock, capacity=PER_PERSON[0], per_second=PER_PERSON[1]),
                           RateLimiter(clock, capacity=PER_ADDRESS[0], per_second=PER_ADDRESS[1]))
    if access.slack is not None:
        from bot.adapters.web.slack_signin import SlackSignIn

        result.extra_routes = SlackSignIn(access.slack, signin).routes()
    return result
