"""Slack text in and out: decode what users typed into plain text, neutralise what we send, split long texts.

Slack encodes message text: `&`, `<`, `>` arrive as entities and mentions/links arrive as control sequences
(`<@U…>`, `<#C…|name>`, `<!channel>`, `<url|label>`). Inbound text is turned into plain text once at the
edge (so grammar, translation and mirroring never see Slack syntax), and every outgoing text is escaped, so
nothing a user typed can come back out as a live mention or a forged link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

# Limits of Slack's payloads: a mrkdwn/plain text object, and a message's top-level text.
TEXT_OBJECT_LIMIT = 3_000
MESSAGE_LIMIT = 40_000
BUTTON_LABEL_LIMIT = 75

_CONTROL = re.compile(r"<([^<>]*)>")
_SPECIAL = {"channel": "@channel", "here": "@here", "everyone": "@everyone"}


def escape(text: str) -> str:
    """Neutralise user-derived text for a mrkdwn field: after this no `<` or `>` can open a control sequence."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def plain_label(text: str) -> str:
    """For fields Slack shows verbatim (usernames, plain_text labels): no entities, no angle brackets."""
    return text.replace("<", "\u2039").replace(">", "\u203a").replace("\n", " ").strip()


def _render_control(body: str, names: Mapping[str, str]) -> str:
    target, _, label = body.partition("|")
    if target.startswith("@"):
        user = target[1:]
        return "@" + (names.get(user) or label or user)
    if target.startswith("#"):
        return "#" + (label or target[1:])
    if target.startswith("!"):
        special = target[1:]
        if special.startswith("subteam^"):
            return label or "@team"
        if special.startswith("date^"):
            return label or special
        return _SPECIAL.get(special, label or special)
    # A link: keep the URL visible so a label can never disguise where it points.
    if label and label != target:
        return f"{label} ({target})"
    return target.removeprefix("mailto:")


def to_plain(text: str, names: Mapping[str, str] | None = None) -> str:
    """Slack-encoded message text → what the user meant, as plain text (mentions become `@Name`)."""
    names = names or {}
    return unescape(_CONTROL.sub(lambda m: _render_control(unescape(m.group(1)), names), text))


def mentioned_users(text: str) -> list[str]:
    """User ids mentioned in Slack-encoded text, in order, each once."""
    seen: list[str] = []
    for match in _CONTROL.finditer(text):
        target = match.group(1).partition("|")[0]
        if target.startswith("@") and target[1:] not in seen:
            seen.append(target[1:])
    return seen


# Where a long text may be cut, best first: paragraphs, lines, sentences, words.
_BOUNDARIES = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"(?<=[.!?;:])\s+"), re.compile(r"\s+"))


def split_text(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """Cut `text` into pieces each at most `limit` long (as `measure` counts), at the best boundary available.

    `measure` lets callers count the escaped length while cutting the plain text, so an entity such as
    `&amp;` is never split in half.
    """
    if limit < 8:
        raise ValueError("limit too small to split sensibly")
    pieces: list[str] = []
    rest = text
    while measure(rest) > limit:
        cut = _best_cut(rest, limit, measure)
        head, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if head:
            pieces.append(head)
    if not pieces:
        return [rest]
    if rest.strip():
        pieces.append(rest.rstrip())
    return pieces


def _best_cut(text: str, limit: int, measure: Callable[[str], int]) -> int:
    # The longest prefix that fits, found by bisection (measure is monotonic in the prefix length).
    low, high = 1, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if measure(text[:mid]) <= limit:
            low = mid
        else:
            high = mid - 1
    fits = low
    window = text[: fits + 1]
    for boundary in _BOUNDARIES:
        ends = [m.start() for m in boundary.finditer(window) if m.start() > 0]
        # Only accept a boundary that keeps pieces reasonably full (at least a third of the limit).
        good = [end for end in ends if end <= fits and end >= fits // 3]
        if good:
            return good[-1]
    return fits
