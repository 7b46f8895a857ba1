"""The texts port: what the application layer says to people, rendered in one reader's language.

The use cases decide *what* to say (a catalog key and values, or a domain `Message`); the catalogs, the
plural rules and the formats (bot.i18n) decide how it reads in English, French or Spanish. Wiring passes
the catalog-backed implementation, so the app never imports the catalogs.
"""

from __future__ import annotations

from typing import Protocol

from bot.config.model import Question, Text
from bot.domain.floor.explain import Message


class Texts(Protocol):
    def render(self, key: str, lang: str, /, **values: object) -> str:
        """The catalog's message `key` in `lang`, a plural group's variant chosen by ``values["count"]``."""
        ...

    def message(self, message: Message, lang: str) -> str:
        """A domain message (a reply, an explanation with its reasons), with the event's group names."""
        ...

    def group_name(self, group: str, lang: str) -> str: ...

    def language_name(self, code: str, lang: str) -> str:
        """A language's name as `lang` writes it ("French", "français", "francés"); the code if unknown."""
        ...

    def question(self, question: Question | Text, lang: str) -> str:
        """A guiding question with its lettered sub-points."""
        ...
