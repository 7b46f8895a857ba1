"""The domain's messages (bot.domain.floor.explain) rendered in a reader's language.

A `Message` is a catalog key and typed values; here each value is localized through bot.i18n.formats
(an ordinal place, a wait, a duration, a group's name, a request kind), a plural group's variant is chosen
by its ``count``, and the reasons that follow a message are listed under "Why:".
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.config.model import NOT_STATED, Text, default_group_names, text_in
from bot.domain.floor.explain import GroupName, KindName, Message, Ordinal, Span, Value, Wait
from bot.i18n import catalog as i18n
from bot.i18n import formats

GroupNames = Mapping[str, Text]


def render(message: Message, lang: str, groups: GroupNames | None = None) -> str:
    values = {k: _localize(v, lang, groups) for k, v in message.values.items()}
    text = _sentence(formats.message(message.key, lang, **values))
    if not message.lines:
        return text
    rendered = [render(line, lang, groups) for line in message.lines]
    return "\n".join([text, i18n.render("floor.reply.why", lang), *(f"• {r}" for r in rendered)])


def group_name(group: str, lang: str, groups: GroupNames | None = None) -> str:
    """`groups` is the schedule's `group_names()` (defaults included); without it, the default names."""
    if group == NOT_STATED:  # someone who did not say, or chose not to (never a schedule group)
        return i18n.render("group_prompt.not_stated", lang)
    names = groups if groups is not None else default_group_names()
    return text_in(names[group], lang) if group in names else group


def _localize(value: Value, lang: str, groups: GroupNames | None) -> str | int:
    if isinstance(value, Ordinal):
        return formats.ordinal(value.n, lang)
    if isinstance(value, Wait):
        return formats.wait(value.time, lang)
    if isinstance(value, Span):
        return formats.duration(value.time, lang, short=True)
    if isinstance(value, GroupName):
        if value.group == NOT_STATED:  # not "the “group not stated” group"
            return i18n.render("group_prompt.named_not_stated", lang)
        return i18n.render("floor.group_named", lang, group=group_name(value.group, lang, groups))
    if isinstance(value, KindName):
        return i18n.render(f"floor.kind.{value.kind.value}", lang)
    return value


def _sentence(text: str) -> str:
    """Placeholders may open a sentence ("the … group has …"): capitalise its first letter."""
    return text[:1].upper() + text[1:]


