"""The catalogs behind the application layer's texts port (bot.app.ports.texts.Texts)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.config.model import Question, Text
from bot.domain.floor.explain import Message
from bot.i18n import catalog, formats, messages
from bot.i18n.cues import question_text


class CatalogTexts:
    """Texts from prompts/, with the event's stakeholder group names (`Schedule.group_names()`)."""

    def __init__(self, groups: Mapping[str, Text] | None = None) -> None:
        self.groups = groups

    def render(self, key: str, lang: str, /, **values: object) -> str:
        return formats.message(key, lang, **values)

    def message(self, message: Message, lang: str) -> str:
        return messages.render(message, lang, self.groups)

    def group_name(self, group: str, lang: str) -> str:
        return messages.group_name(group, lang, self.groups)

    def language_name(self, code: str, lang: str) -> str:
        key = f"common.language_name.{code}"
        return catalog.render(key, lang) if catalog.has(key) else code

    def question(self, question: Question | Text, lang: str) -> str:
        return question_text(question, lang)
