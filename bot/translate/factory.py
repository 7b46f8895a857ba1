"""Pick the translation backend from the settings: DeepL, else LibreTranslate, else none."""

from __future__ import annotations

from bot.settings import Settings
from bot.translate.deepl_backend import DeepLTranslator, RetryPolicy
from bot.translate.glossary import Glossary
from bot.translate.libretranslate import LibreTranslateTranslator
from bot.translate.none import NoTranslator
from bot.translate.port import Translator
from bot.translate.timing import Timer


def translator_from_settings(
    settings: Settings,
    *,
    glossary: Glossary | None = None,
    retry: RetryPolicy | None = None,
    timer: Timer | None = None,
) -> Translator:
    if settings.deepl_auth_key is not None:
        return DeepLTranslator(
            settings.deepl_auth_key,
            server_url=settings.deepl_server_url,
            glossary=glossary,
            retry=retry,
            timer=timer,
        )
    if settings.libretranslate_url:
        return LibreTranslateTranslator(settings.libretranslate_url, api_key=settings.libretranslate_api_key)
    return NoTranslator()
