"""The domain's messages (bot.domain.floor.explain) rendered in a reader's language.

A `Message` is a catalog key and typed values; here each value is localized (an ordinal place, a wait,
a duration, a group's name, a request kind), a plural key is chosen by its ``count``, and the reasons
that follow a message are listed under "Why:".
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from bot.config.model import DEFAULT_GROUPS, Text, text_in
from bot.domain.floor.explain import GroupName, KindName, Message, Ordinal, Span, Value, Wait
from bot.i18n import catalog as i18n

GroupNames = Mapping[str, Text]


def render(message: Message, lang: str, groups: GroupNames | None = None) -> str:
    values = {k: _localize(v, lang, groups) for k, v in message.values.items()}
    text = _sentence(i18n.render(_key(message), lang, **values))
    if not message.lines:
        return text
    rendered = [render(line, lang, groups) for line in message.lines]
    return "\n".join([text, i18n.render("floor.reply.why", lang), *(f"• {r}" for r in rendered)])


def _key(message: Message) -> str:
    count = message.values.get("count")
    if isinstance(count, int) and i18n.has(f"{message.key}.one"):
        return f"{message.key}.one" if count == 1 else f"{message.key}.other"
    return message.key


def ordinal(n: int, lang: str) -> str:
    """1st/2nd/3rd/11th; French for a feminine noun ("en 1re position", "3e"); Spanish "3.º"."""
    if lang == "fr":
        return "1re" if n == 1 else f"{n}e"
    if lang == "es":
        return f"{n}.º"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def wait_text(wait: timedelta, lang: str) -> str:
    """Rounded to the nearest minute: the estimate is only ever approximate."""
    seconds = wait.total_seconds()
    if seconds <= 0:
        return i18n.render("floor.wait.now", lang)
    if seconds < 60:
        return i18n.render("floor.wait.under_a_minute", lang)
    minutes = round(seconds / 60)
    if minutes == 1:
        return i18n.render("floor.wait.one_minute", lang)
    return i18n.render("floor.wait.minutes", lang, minutes=minutes)


def duration_text(span: timedelta, lang: str) -> str:
    total = max(0, int(span.total_seconds()))
    minutes, seconds = divmod(total, 60)
    if minutes and seconds:
        return i18n.render("floor.duration.minutes_seconds", lang, minutes=minutes, seconds=seconds)
    if minutes == 1:
        return i18n.render("floor.duration.one_minute", lang)
    if minutes:
        return i18n.render("floor.duration.minutes", lang, minutes=minutes)
    return i18n.render("floor.duration.seconds", lang, seconds=seconds)


def group_name(group: str, lang: str, groups: GroupNames | None = None) -> str:
    if groups and group in groups:
        return text_in(groups[group], lang)
    if group in DEFAULT_GROUPS:
        return DEFAULT_GROUPS[group].get(lang, DEFAULT_GROUPS[group]["en"])
    return group


def _localize(value: Value, lang: str, groups: GroupNames | None) -> str | int:
    if isinstance(value, Ordinal):
        return ordinal(value.n, lang)
    if isinstance(value, Wait):
        return wait_text(value.time, lang)
    if isinstance(value, Span):
        return duration_text(value.time, lang)
    if isinstance(value, GroupName):
        return i18n.render("floor.group_named", lang, group=group_name(value.group, lang, groups))
    if isinstance(value, KindName):
        return i18n.render(f"floor.kind.{value.kind.value}", lang)
    return value


def _sentence(text: str) -> str:
    """Placeholders may open a sentence ("the … group has …"): capitalise its first letter."""
    return text[:1].upper() + text[1:]


