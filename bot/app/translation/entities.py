"""Chat entities that must survive translation untouched, and the XML placeholders that carry them.

Each mention, link, emoji or code span becomes an empty element ``<x i="N"/>`` before the text goes to
the backend (DeepL with ``tag_handling="xml"``, ``ignore_tags=["x"]``). Empty elements rather than
``<x>content</x>``: DeepL does not bill markup, so an entity costs nothing, and an empty element has no
content a backend could alter. After translation every placeholder must come back exactly once; if not,
the caller keeps the original: a message is never posted as half a translation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from xml.sax.saxutils import escape

PLACEHOLDER_TAG = "x"

_CODE_BLOCK = r"```.*?```"
_INLINE_CODE = r"`[^`\n]+`"
# Slack's control syntax: <@U…>, <#C…|name>, <!here>, <!subteam^S…|@team>, <https://…|label>, <mailto:…>.
_SLACK_ENTITY = r"<(?:[@#!][^<>\s|]*|(?:https?|mailto|ftp|tel):[^<>\s|]*)(?:\|[^<>]*)?>"
_BARE_URL = r"\b(?:https?://|www\.)[^\s<>]+[^\s<>.,;:!?)\]}'\"]"
# :emoji: codes need a letter (so "10:30:" is no emoji); :+1: and :-1: are the classic exceptions.
_EMOJI_CODE = r":(?:[+-]1|(?=[a-z0-9_+'-]*[a-z])[a-z0-9_+'-]+)(?:::skin-tone-[2-6])?:"
_EMOJI_CHARS = (
    "\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\u2190-\u21ff"
    "\u3030\u303d\u3297\u3299"
)
_EMOJI_JOINERS = "\ufe0f\u200d\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f"
_UNICODE_EMOJI = f"[{_EMOJI_CHARS}][{_EMOJI_CHARS}{_EMOJI_JOINERS}]*"

_ENTITY = re.compile(
    "|".join(f"(?:{p})" for p in (_CODE_BLOCK, _INLINE_CODE, _SLACK_ENTITY, _BARE_URL, _EMOJI_CODE,
                                  _UNICODE_EMOJI)),
    re.DOTALL | re.IGNORECASE,
)
_PLACEHOLDER = re.compile(rf'<{PLACEHOLDER_TAG}\s+i="(\d+)"\s*(?:/>|>\s*</{PLACEHOLDER_TAG}>)')
_LETTER = re.compile(r"[^\W\d_]")
# Characters XML 1.0 forbids: a backend's XML parser would reject the whole request.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class Protected:
    """A text ready for an XML-aware backend, and the entities its placeholders stand for."""

    xml: str
    entities: tuple[str, ...]

    @property
    def has_words(self) -> bool:
        """Whether anything translatable is left once the entities are set aside."""
        return bool(_LETTER.search(_PLACEHOLDER.sub(" ", self.xml)))


def find_entities(text: str) -> list[str]:
    return [m.group(0) for m in _ENTITY.finditer(text)]


def protect(text: str) -> Protected:
    parts: list[str] = []
    entities: list[str] = []
    position = 0
    for match in _ENTITY.finditer(text):
        parts.append(escape(_XML_INVALID.sub("", text[position : match.start()])))
        parts.append(f'<{PLACEHOLDER_TAG} i="{len(entities)}"/>')
        entities.append(match.group(0))
        position = match.end()
    parts.append(escape(_XML_INVALID.sub("", text[position:])))
    return Protected("".join(parts), tuple(entities))


def restore(translated_xml: str, protected: Protected) -> str | None:
    """The translation with its entities put back, or None if any placeholder is missing,
    repeated, unknown, or other markup appeared."""
    seen: list[int] = []

    def put_back(match: re.Match[str]) -> str:
        index = int(match.group(1))
        seen.append(index)
        return "\x00" + str(index) + "\x00"

    marked = _PLACEHOLDER.sub(put_back, translated_xml)
    if sorted(seen) != list(range(len(protected.entities))) or "<" in marked or ">" in marked:
        return None
    text = unescape(marked)  # well-formed XML text: one pass also resolves numeric references
    return re.sub("\x00(\\d+)\x00", lambda m: protected.entities[int(m.group(1))], text)


def is_trivial(text: str) -> bool:
    """Emoji-only, link-only, mention-only or code-only: nothing a reader needs translated."""
    return not protect(text).has_words
