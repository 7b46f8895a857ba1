"""Logging for every `floorbot` command: one line per record with its time, level and logger, on stderr.

`FLOORBOT_LOG_LEVEL` (DEBUG, INFO, WARNING, ...) overrides the command's default; `FLOORBOT_LOG_FORMAT=json`
writes one JSON object per line for log shippers. Whatever the format, the redacting formatter removes every
configured secret and anything shaped like a Slack token before the line leaves the process: the adapters
never log secrets, and this is the defence in depth should a library or a traceback do so.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections.abc import Iterable
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

TEXT_FORMAT = "%(asctime)s.%(msecs)03dZ %(levelname)s %(name)s: %(message)s"  # UTC, to the millisecond
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S"
JSON_FIELDS = "%(levelname)s %(name)s %(message)s"
JSON_NAMES = {"levelname": "level", "name": "logger"}  # plus "timestamp", ISO 8601 in UTC
# Libraries whose INFO lines say nothing an operator needs (alembic lists its plugins on every start).
QUIET = ("alembic",)
# Libraries whose DEBUG lines repeat the rows the store writes (aiosqlite logs each call with its arguments:
# inbound payloads, a press's response_url, outbox bodies): never below INFO, even when the bot runs at DEBUG.
NEVER_DEBUG = ("aiosqlite",)
MASK = "[redacted]"
# Slack tokens (bot, user, app-level, refresh), whatever the settings hold: one pasted into a message or an
# error body is still a secret.
TOKEN_SHAPES = re.compile(r"\bxox[abeoprs]-[A-Za-z0-9-]+|\bxapp-[A-Za-z0-9-]+")
MIN_SECRET = 6  # a shorter "secret" would mask ordinary words; none of the services issues one


class RedactingFormatter(logging.Formatter):
    """Formats with `inner`, then masks the secrets in the whole line (message, arguments, traceback)."""

    def __init__(self, inner: logging.Formatter, secrets: Iterable[str]) -> None:
        super().__init__()
        self.inner = inner
        self.secrets = sorted({s for s in secrets if len(s) >= MIN_SECRET}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        line = self.inner.format(record)
        for secret in self.secrets:
            line = line.replace(secret, MASK)
        return TOKEN_SHAPES.sub(MASK, line)


def _settings() -> tuple[str | None, str, list[str]]:
    """(level, format, every secret) from the settings (environment or `.env`); an unreadable `.env` is
    reported by the command itself, so here the environment alone is read."""
    from pydantic import SecretStr

    from bot.config.settings import load_settings

    try:
        settings = load_settings()
    except Exception:
        return os.environ.get("FLOORBOT_LOG_LEVEL"), os.environ.get("FLOORBOT_LOG_FORMAT", "text"), []
    secrets = [value.get_secret_value() for value in settings.__dict__.values() if isinstance(value, SecretStr)]
    return settings.floorbot_log_level, settings.floorbot_log_format, secrets


def make_formatter(json: bool, secrets: Iterable[str]) -> logging.Formatter:
    if json:
        inner: logging.Formatter = JsonFormatter(JSON_FIELDS, rename_fields=JSON_NAMES, timestamp=True)
    else:
        inner = logging.Formatter(TEXT_FORMAT, datefmt=DATE_FORMAT)
        inner.converter = time.gmtime
    return RedactingFormatter(inner, secrets)


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time of the record (a test runner swaps it per command)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        pass


def configure_logging(default_level: str = "WARNING", *, secrets: Iterable[str] | None = None) -> logging.Handler:
    """Put one handler on the root logger (replacing the one a previous call put there, and leaving any other
    alone: a test runner's capture keeps working); returns it."""
    configured_level, log_format, configured = _settings()
    level = (configured_level or default_level).upper()
    handler = StderrHandler()
    handler.setFormatter(make_formatter(log_format.lower() == "json", configured if secrets is None else secrets))
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, StderrHandler)]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.getLevelNamesMapping().get(level, logging.INFO))
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING if root.level > logging.DEBUG else logging.NOTSET)
    for name in NEVER_DEBUG:
        logging.getLogger(name).setLevel(max(root.level, logging.INFO))
    logging.captureWarnings(True)  # library warnings get a time and a level like everything else
    return handler


__all__ = ["RedactingFormatter", "configure_logging", "make_formatter"]
