"""Console buttons: what a press means, as the verb line a person would have typed and as a `Command`.

The line is only shown (it is the event's text); the command is built from the button's fields, never
parsed back from the line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from bot.app.group_choice import GROUP_ACTION
from bot.app.ports.chat import InboundKind
from bot.domain.durations import parse_duration
from bot.domain.floor.state import RequestKind
from bot.domain.grammar import DEFAULT_EXTENSION, Command, Target, Verb, parse_floor
from bot.i18n.catalog import LANGUAGES

MAX_MESSAGE = 2000  # characters in a chat message or an announcement
_SPACES = re.compile(r"[ \t\f\v]+")


# Console buttons -> the verb line a person would have typed (the chat grammar's language-neutral forms and the
# `/floor <verb>` forms), shown as the event's text; the `Command` itself is built from the button (`button_command`),
# never re-parsed from that line.
ATTENDEE_VERBS = {
    "request": "q+",
    "withdraw": "q-",
    "point-of-order": "point of order",
    "position": "q?",
}
CHAIR_VERBS = {
    "next": "next",
    "give": "give @{target}",
    "skip": "skip",
    "remove": "remove @{target}",
    "move": "move @{target} {value}",  # value: the 1-based place to move to
    "close": "close",
    "open": "open",
    "question": "question {value}",
    "extend": "extend {value}",
    "stop": "stop",
    "announce": "announce {text}",
    "repost": "repost {value}",  # value: the id of a cue reported missed
    # The chair moves the plan live (value: minutes; a delay's may be negative: pulled forward).
    "delay": "delay {value}",
    "extend-discussion": "extend-discussion {value}",
    "next-panellist": "next-panellist",
    "start-discussion": "start-discussion",
}
_PLAN_VERBS = {"delay": Verb.DELAY, "extend-discussion": Verb.EXTEND_DISCUSSION,
               "next-panellist": Verb.NEXT_PANELLIST, "start-discussion": Verb.START_DISCUSSION}
REQUEST_KINDS = ("new", "clarifying", "reply")
REQUEST_KIND_WORDS = {"new": "", "clarifying": "clarify", "reply": "reply"}  # `q+ clarify to <note>`
_PLAIN_VERBS = {"next": Verb.NEXT, "skip": Verb.SKIP, "close": Verb.CLOSE, "open": Verb.OPEN, "stop": Verb.STOP,
                "withdraw": Verb.WITHDRAW, "position": Verb.POSITION}


class InvalidButton(Exception):
    """A press the console cannot mean (missing target, bad number...): `key` is the catalog message."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def announcement_texts(body: Mapping[str, Any]) -> dict[str, str]:
    """The announcement's own text per language (`texts: {lang: text}`), empty fields left out; line breaks
    are kept (an announcement may be a list) and runs of ordinary spaces folded, but no-break spaces stay
    (French typography)."""
    given = body.get("texts")
    if given is None:
        return {}
    if not isinstance(given, Mapping):
        raise InvalidButton("console.error.bad_request")
    out = {}
    for lang, text in given.items():
        if lang not in LANGUAGES or not isinstance(text, str):
            raise InvalidButton("console.error.bad_request")
        lines = (_SPACES.sub(" ", line).strip(" ") for line in text.strip().splitlines())
        folded = "\n".join(line for line in lines if line)
        if len(folded) > MAX_MESSAGE:
            raise InvalidButton("console.error.bad_message")
        if folded:
            out[str(lang)] = folded
    return out


def floor_intent(body: Mapping[str, Any]) -> tuple[InboundKind, str, dict[str, str]]:
    """A console button press: its kind, the verb line it means (shown as the event's text), its fields."""
    action = str(body.get("action") or "")
    target = str(body.get("target") or "")
    value = str(body.get("value") or "").strip()
    note = " ".join(str(body.get("note") or "").split())[:200]
    text = " ".join(str(body.get("text") or "").split())[:MAX_MESSAGE]
    if action == "post-action":  # a button the bot attached to one of its posts
        action_id = str(body.get("action_id") or "")
        if not action_id:
            raise InvalidButton("console.error.bad_request")
        extra = {"action_id": action_id, "value": value}
        if action_id == GROUP_ACTION:
            extra["message_id"] = _answered_notice(body, value)
        return InboundKind.ACTION, f"{action_id} {value}".strip(), extra
    if action in ATTENDEE_VERBS:
        line = ATTENDEE_VERBS[action]
        extra = {"verb": action}
        if action == "request":
            kind = str(body.get("kind") or "new")
            if kind not in REQUEST_KINDS:
                raise InvalidButton("console.error.bad_request")
            extra["kind"] = kind
            line = " ".join(part for part in ("q+", REQUEST_KIND_WORDS[kind], f"to {note}" if note else "") if part)
            if note:
                extra["note"] = note
        return InboundKind.COMMAND, line, extra
    if action in CHAIR_VERBS:
        if action in ("give", "remove", "move") and not target:
            raise InvalidButton("console.error.bad_request")
        if (action in ("question", "extend") and value or action == "move") and not value.isdigit():
            raise InvalidButton("console.error.bad_request")
        if action == "repost" and (not value or len(value.split()) != 1):
            raise InvalidButton("console.error.bad_request")
        if action in ("delay", "extend-discussion") and not _minutes(value, signed=action == "delay"):
            raise InvalidButton("console.error.bad_request")
        texts = announcement_texts(body) if action == "announce" else {}
        if action == "announce":
            text = text or next(iter(texts.values()), "")
            if not text:
                raise InvalidButton("console.error.bad_message")
        line = CHAIR_VERBS[action].format(target=target, value=value, text=text).strip()
        extra = {"verb": action} | {f"text.{lang}": body for lang, body in texts.items()}
        for name, given in (("target", target), ("value", value), ("text", text)):
            if given:
                extra[name] = given
        return InboundKind.COMMAND, line, extra
    raise InvalidButton("console.error.bad_request")


def _answered_notice(body: Mapping[str, Any], value: str) -> str:
    """A group prompt's button answers one private notice (`message_id`) and says only which group the presser
    belongs to: a value that is not `group <id>` (a chair's verb dressed as a group button) is refused."""
    command = parse_floor(value)
    message_id = str(body.get("message_id") or "")
    if command is None or command.verb is not Verb.GROUP or not command.text or not message_id:
        raise InvalidButton("console.error.bad_request")
    return message_id


def button_command(extra: Mapping[str, str]) -> Command | None:
    """The command a console button means, built from its fields (see `WebConsole._floor_intent`)."""
    action = extra.get("verb", "")
    value, target = extra.get("value", ""), extra.get("target", "")
    if action == "request":
        note = extra.get("note") or None
        return Command(Verb.REQUEST, RequestKind(extra.get("kind") or "new"),
                       note if note and any(c.isalnum() for c in note) else None)
    if action == "point-of-order":
        return Command(Verb.REQUEST, RequestKind.POINT_OF_ORDER)
    if action in _PLAIN_VERBS:
        return Command(_PLAIN_VERBS[action])
    if action in ("give", "remove"):
        return Command(Verb(action), target=Target(f"@{target}"))
    if action == "move":
        return Command(Verb.MOVE, target=Target(f"@{target}"), number=int(value))
    if action == "question":
        return Command(Verb.QUESTION, number=int(value) if value else None)
    if action == "extend":
        return Command(Verb.EXTEND, duration=parse_duration(int(value)) if value else DEFAULT_EXTENSION)
    if action == "announce":
        return Command(Verb.ANNOUNCE, text=extra.get("text"))
    if action == "repost":
        return Command(Verb.REPOST, cue=value)
    if action in _PLAN_VERBS:
        return Command(_PLAN_VERBS[action], number=int(value) if value else None)
    return None


def _minutes(value: str, *, signed: bool) -> bool:
    """A whole, non-zero number of minutes (negative only for a delay: pulled forward)."""
    digits = value[1:] if signed and value.startswith("-") else value
    return digits.isdigit() and int(digits) != 0
