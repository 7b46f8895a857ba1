"""LibreTranslate adapter (self-hosted: chat never leaves the organisation), over httpx.

Its API: POST /translate {q, source, target, format, api_key} (q may be a list), GET /languages,
POST /detect. It has no glossaries and bills nothing. Texts go as `format: "html"` so the entity
placeholders are kept as markup.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import SecretStr

from bot.app.ports.translation import LANGS, Lang, SourceText, Status, Translation, TranslatorAuthError, Usage
from bot.app.translation.chunking import chunk, encoded_size
from bot.app.translation.entities import protect, restore

log = logging.getLogger(__name__)


class LibreTranslateTranslator:
    name = "libretranslate"

    def __init__(
        self,
        url: str,
        *,
        api_key: SecretStr | None = None,
        timeout: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._url = url.rstrip("/")
        self._api_key = api_key
        self._client = httpx.AsyncClient(base_url=self._url, timeout=timeout, transport=transport)

    def describe(self) -> str:
        return f"LibreTranslate at {self._url} (no glossary support)"

    @property
    def glossary_id(self) -> str | None:
        return None

    async def start(self) -> None:
        """Check the languages and the key. The server being down must not stop the bot (messages are
        then marked unavailable); a refused key raises TranslatorAuthError."""
        try:
            response = await self._client.get("/languages")
            response.raise_for_status()
            codes = {entry.get("code") for entry in response.json()}
            # /languages is open to all; only a translation proves the key (self-hosted: costs nothing).
            probe = await self._client.post("/translate", json=self._payload(["ok"], "en", "fr"))
        except (httpx.HTTPError, ValueError) as error:
            log.warning("LibreTranslate at %s is not answering (%s)", self._url, type(error).__name__)
            return
        missing = [lang for lang in LANGS if lang not in codes]
        if missing:
            log.warning("LibreTranslate at %s lacks languages %s", self._url, ", ".join(missing))
        if probe.status_code in (400, 401, 403) and "key" in probe.text.lower():
            raise TranslatorAuthError(
                f"LibreTranslate refused the API key (HTTP {probe.status_code}): check LIBRETRANSLATE_API_KEY"
            )

    def _payload(self, texts: list[str], source: str, target: str) -> dict[str, Any]:
        payload: dict[str, Any] = {"q": texts, "source": source, "target": target, "format": "html"}
        if self._api_key is not None:
            payload["api_key"] = self._api_key.get_secret_value()
        return payload

    async def usage(self) -> Usage | None:
        return None

    async def translate(self, texts: Sequence[SourceText], target: Lang) -> list[Translation]:
        results: list[Translation | None] = [None] * len(texts)
        protected = [protect(source.text) for source in texts]
        groups: dict[Lang | None, list[int]] = {}
        for index, (source, prot) in enumerate(zip(texts, protected, strict=True)):
            if source.lang == target or not prot.has_words:
                results[index] = Translation(source.text, Status.NOT_NEEDED, target, source.lang)
            else:
                groups.setdefault(source.lang, []).append(index)
        for lang, indices in groups.items():
            for part in chunk(indices, key=lambda i: encoded_size(protected[i].xml)):
                payload = self._payload([protected[i].xml for i in part], lang or "auto", target)
                try:
                    response = await self._client.post("/translate", json=payload)
                    response.raise_for_status()
                    body = response.json()
                except (httpx.HTTPError, ValueError) as error:
                    # httpx's messages carry the URL, never the JSON body with the key.
                    log.warning("LibreTranslate unavailable: %s", type(error).__name__)
                    for i in part:
                        results[i] = Translation(texts[i].text, Status.UNAVAILABLE, target, lang)
                    continue
                translated = body.get("translatedText", [])
                detected = body.get("detectedLanguage") or [None] * len(part)
                if isinstance(translated, str):
                    translated = [translated]
                if isinstance(detected, dict):
                    detected = [detected]
                for i, text, found in zip(part, translated, detected, strict=False):
                    detected_lang = lang or _lang(found)
                    restored = restore(text, protected[i])
                    if restored is None:
                        results[i] = Translation(texts[i].text, Status.ENTITY_MISMATCH, target, detected_lang)
                    else:
                        results[i] = Translation(restored, Status.TRANSLATED, target, detected_lang)
                for i in part:
                    if results[i] is None:  # the server answered fewer texts than asked
                        results[i] = Translation(texts[i].text, Status.UNAVAILABLE, target, lang)
        return [r for r in results if r is not None]

    async def aclose(self) -> None:
        await self._client.aclose()


def _lang(found: object) -> Lang | None:
    if isinstance(found, dict):
        code = str(found.get("language", ""))[:2]
        for lang in LANGS:
            if lang == code:
                return lang
    return None
