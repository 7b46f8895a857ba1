"""Fixtures of the translation tests: the loopback DeepL and LibreTranslate fakes, and virtual time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from pydantic import SecretStr

from bot.adapters.translation.deepl import DEEPL_RETRY, DeepLTranslator
from bot.adapters.translation.glossary import Glossary, load_glossary
from bot.testing.timing import VirtualWaits
from tests.fakes.deepl_server import FakeDeepL, running_fake_deepl
from tests.fakes.libretranslate_server import FakeLibreTranslate, running_fake_libretranslate


@pytest.fixture
def fake_deepl() -> Iterator[FakeDeepL]:
    with running_fake_deepl() as fake:
        yield fake


@pytest.fixture
def fake_libre() -> Iterator[FakeLibreTranslate]:
    with running_fake_libretranslate() as fake:
        yield fake


@pytest.fixture
def glossary() -> Glossary:
    return load_glossary()


@pytest.fixture
def instant() -> VirtualWaits:
    """Sleeps return at once and move virtual time on: retry backoff without waiting."""
    return VirtualWaits(instant=True)


@pytest.fixture
def virtual() -> VirtualWaits:
    return VirtualWaits()


def make_deepl(
    fake: FakeDeepL, glossary: Glossary | None = None, waits: VirtualWaits | None = None, **retry: float
) -> DeepLTranslator:
    return DeepLTranslator(
        SecretStr(fake.auth_key),
        server_url=fake.url,
        glossary=glossary,
        retry=replace(DEEPL_RETRY, **retry),  # type: ignore[arg-type]
        waits=waits or VirtualWaits(instant=True),
    )
