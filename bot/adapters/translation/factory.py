"""Pick the translation backend from the settings: DeepL, else LibreTranslate, else none."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.translation.deepl import DEEPL_RETRY, DeepLTranslator, RetryPolicy
from bot.adapters.translation.glossary import Glossary, load_glossary
from bot.adapters.translation.libretranslate import LibreTranslateTranslator
from bot.adapters.translation.none import NoTranslator
from bot.app.ports.translation import Translator
from bot.app.ports.waits import Waits
from bot.config.settings import Settings


def translator_from_settings(
    settings: Settings,
    *,
    glossary: Glossary | None = None,
    retry: RetryPolicy | None = None,
    waits: Waits | None = None,
) -> Translator:
    if settings.deepl_auth_key is not None:
        return DeepLTranslator(
            settings.deepl_auth_key,
            server_url=settings.deepl_server_url,
            glossary=glossary,
            retry=retry or DEEPL_RETRY,
            waits=waits,
        )
    if settings.libretranslate_url:
        return LibreTranslateTranslator(settings.libretranslate_url, api_key=settings.libretranslate_api_key)
    return NoTranslator()


def event_translator(settings: Settings, schedule_path: Path | None, *, waits: Waits | None = None) -> Translator:
    """The backend the bot translates an event's chat with: the field's glossary plus the schedule's own terms
    (what `floorbot serve` runs and `floorbot check` compares with the DeepL account)."""
    return translator_from_settings(settings, glossary=load_glossary(schedule_path), waits=waits)
