"""Who may reach the console and how they prove who they are, decided once at start from the settings.

`local` is today's "sign in as" (pick any name): safe only when nobody else can reach the port, so it is
allowed only on a loopback bind with no Slack or Zoom credentials and no public URL — and it is the default there, so a
rehearsal on one machine needs nothing. Everywhere else the console is `signed` (invitation links, Sign in
with Slack, guests where the schedule allows them) and asking for `local` stops the start with one line.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from bot.config.settings import Settings

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


class AuthMode(StrEnum):
    LOCAL = "local"
    SIGNED = "signed"


class AccessRefused(Exception):
    """The settings cannot be served safely; `key` is the one line to print (``access.start.*``)."""

    def __init__(self, key: str, **values: str) -> None:
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class SlackOidc:
    client_id: str
    client_secret: str
    openid_url: str  # https://slack.com/openid/connect: /authorize, and /keys that sign the id_token
    api_url: str  # Slack's Web API base: openid.connect.token and openid.connect.userInfo live there


@dataclass(frozen=True)
class Access:
    mode: AuthMode
    hosts: frozenset[str]  # the Host names answered (no port); anything else gets 421
    base_url: str  # where links point and where Slack sends people back
    secure: bool  # served over https: cookies are Secure
    slack: SlackOidc | None = None

    @property
    def signed(self) -> bool:
        return self.mode is AuthMode.SIGNED

    def allows_host(self, host: str) -> bool:
        return host_name(host) in self.hosts

    def allows_origin(self, origin: str) -> bool:
        """An Origin of this site: one of our hosts, with the public URL's scheme when it names that host."""
        parts = urlsplit(origin)
        if not parts.scheme or not parts.hostname:
            return False
        public = urlsplit(self.base_url)
        if parts.hostname == public.hostname and parts.scheme != public.scheme:
            return False
        return parts.hostname.lower() in self.hosts


def host_name(host: str) -> str:
    """A Host header's name without its port (IPv6 literals keep no brackets)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].split("]")[0]
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def has_platform_credentials(settings: Settings) -> bool:
    return bool(settings.slack_enabled or settings.zoom_enabled or settings.zoom_webhook_secret_token
                or settings.slack_client_id)


def decide_access(settings: Settings) -> Access:
    """The console's mode, hosts and origins; AccessRefused when the settings are unsafe to serve."""
    loopback = is_loopback(settings.floorbot_host)
    public = settings.floorbot_public_url
    # A public URL on a loopback bind is a reverse proxy in front: the console is reachable by others.
    local_allowed = loopback and not has_platform_credentials(settings) and (
        not public or is_loopback(urlsplit(public).hostname or ""))
    mode = AuthMode(settings.floorbot_console_auth) if settings.floorbot_console_auth else (
        AuthMode.LOCAL if local_allowed else AuthMode.SIGNED)
    if mode is AuthMode.LOCAL and not local_allowed:
        raise AccessRefused("access.start.local_refused")
    hosts = set(LOOPBACK_NAMES) if loopback else set()
    if public:
        parts = urlsplit(public)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise AccessRefused("access.start.bad_public_url", url=public)
        hosts.add(parts.hostname.lower())
        base_url = f"{parts.scheme}://{parts.netloc}"
    elif not loopback:
        # Bound to a network with no name to answer to: every Host would do, which is what DNS rebinding needs.
        raise AccessRefused("access.start.public_url_needed", host=settings.floorbot_host)
    else:
        base_url = f"http://{settings.floorbot_host}:{settings.floorbot_port}"
    slack = None
    if settings.slack_client_id and settings.slack_client_secret:
        slack = SlackOidc(settings.slack_client_id, settings.slack_client_secret.get_secret_value(),
                          settings.slack_openid_url.rstrip("/"), settings.slack_api_url)
    return Access(mode, frozenset(hosts), base_url, base_url.startswith("https://"), slack)
