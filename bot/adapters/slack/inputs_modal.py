"""`/floor input`: a Slack modal for a written input (title, organization, stakeholder group, language,
text), in the person's language, checked and kept by the same use case as the console's form
(bot/app/inputs.py); a refusal shows on the field it is about, the receipt replaces the form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.app.inputs import InputRefused, InputsDesk, Submission
from bot.config.model import text_in
from bot.i18n import catalog as i18n
from bot.i18n import formats

CALLBACK = "floor-input"
REFERENCE = re.compile(r"\bWI-[0-9A-F]{8}\b")
WORDS = frozenset({"input", "contribution", "contribución", "contribucion"})
_FIELD_OF = {"inputs.refused.group": "group", "inputs.refused.language": "language",
             "inputs.refused.empty": "text", "inputs.refused.text_too_long": "text"}


def is_input_command(text: object) -> bool:
    return isinstance(text, str) and text.strip().casefold() in WORDS


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:150], "emoji": False}


def _deadline(desk: InputsDesk, lang: str) -> dict[str, str]:
    rules = desk.rules
    if rules is None:
        return {}
    return {"date": formats.long_date(rules.deadline, lang), "time": formats.clock(rules.until, lang),
            "zone": desk.schedule.event.timezone_label or desk.schedule.event.timezone}


def _t(key: str, lang: str, desk: InputsDesk, **values: object) -> str:
    return i18n.render(f"inputs.{key}", lang, **(_deadline(desk, lang) | values))


def _input(block: str, label: str, element: dict[str, Any], optional: bool = False) -> dict[str, Any]:
    return {"type": "input", "block_id": block, "label": _plain(label), "optional": optional,
            "element": element | {"action_id": block}}


def _select(options: list[tuple[str, str]], initial: str | None) -> dict[str, Any]:
    choices = [{"text": _plain(name), "value": value} for value, name in options]
    element: dict[str, Any] = {"type": "static_select", "options": choices}
    chosen = next((c for c in choices if c["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return element


def input_modal(desk: InputsDesk, lang: str, group: str | None) -> dict[str, Any]:
    s = desk.schedule
    groups = [(gid, text_in(name, lang)) for gid, name in s.group_names().items()]
    languages = [(str(c), i18n.render(f"common.language_name.{c}", lang)) for c in s.event.languages]
    return {
        "type": "modal", "callback_id": CALLBACK, "private_metadata": lang,
        "title": _plain(_t("page.modal_title", lang, desk)), "submit": _plain(_t("page.send", lang, desk)),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": _t("page.intro", lang, desk)}},
            _input("title", _t("page.field_title", lang, desk), {"type": "plain_text_input", "max_length": 300}),
            _input("organization", _t("page.field_organization", lang, desk),
                   {"type": "plain_text_input", "max_length": 300}, optional=True),
            _input("group", _t("page.field_group", lang, desk), _select(groups, group)),
            _input("language", _t("page.field_language", lang, desk), _select(languages, lang)),
            _input("text", _t("page.field_text", lang, desk), {"type": "plain_text_input", "multiline": True,
                                                               "max_length": 3000}),
        ],
    }


def _value(values: dict[str, Any], block: str) -> str:
    field = values.get(block, {}).get(block, {})
    selected = field.get("selected_option")
    return str(selected["value"]) if selected else str(field.get("value") or "")


async def submit_modal(desk: InputsDesk, view: dict[str, Any], submitter: str) -> dict[str, Any]:
    """The answer to the modal's submission: the receipt (the modal updated) or the refusal on its field."""
    lang = str(view.get("private_metadata") or "en")
    values = view.get("state", {}).get("values", {})
    submission = Submission(submitter, _value(values, "title"), _value(values, "organization"),
                            _value(values, "group"), _value(values, "language"), _value(values, "text"))
    try:
        record = await desk.submit(submission)
    except InputRefused as refusal:
        shown = {k: v for k, v in refusal.values.items() if isinstance(v, int | str)}
        return {"response_action": "errors",
                "errors": {_FIELD_OF.get(refusal.key, "title"): _t(refusal.key.removeprefix("inputs."), lang, desk,
                                                                   **shown)}}
    at = record.received_at.astimezone(desk.zone)
    receipt = _t("receipt", lang, desk, title=record.title, reference=record.reference,
                 date=formats.long_date(at.date(), lang), time=formats.clock(at, lang))
    receipt += " " + _t("file_hint", lang, desk)
    return {"response_action": "update", "view": {
        "type": "modal", "title": _plain(_t("page.modal_title", lang, desk)),
        "blocks": [{"type": "section", "text": {"type": "plain_text", "text": receipt}}]}}


@dataclass(frozen=True)
class SharedFile:
    """A file shared in the bot's DM with an input's reference in the message."""

    user: str
    reference: str
    name: str
    url: str


SLACK_FILE_HOST = "files.slack.com"


def file_hosts(api_url: str) -> frozenset[str]:
    """Where a shared file may be fetched from with the bot token: Slack's file host (and the API's own host,
    which is a loopback fake in tests). Any other URL, however it got into an event, never sees the token."""
    return frozenset({SLACK_FILE_HOST, urlsplit(api_url).netloc})


def shared_input_file(event: dict[str, Any], hosts: frozenset[str]) -> SharedFile | None:
    if event.get("channel_type") != "im" or event.get("bot_id") or not event.get("files"):
        return None
    found = REFERENCE.search(str(event.get("text", "")).upper())
    file = event["files"][0]
    url = file.get("url_private_download") or file.get("url_private")
    if found is None or not url or not event.get("user") or urlsplit(str(url)).netloc not in hosts:
        return None
    return SharedFile(str(event["user"]), found.group(0), str(file.get("name") or "input"), str(url))


async def download(url: str, token: str, limit: int) -> bytes:
    """The file's bytes (Slack's private URLs take the bot token), at most `limit` + 1 of them."""
    async with httpx.AsyncClient(timeout=30, follow_redirects=True) as client, client.stream(
        "GET", url, headers={"Authorization": f"Bearer {token}"}
    ) as response:
        response.raise_for_status()
        data = bytearray()
        async for chunk in response.aiter_bytes():
            data += chunk
            if len(data) > limit:
                break
        return bytes(data)


async def attach_shared(desk: InputsDesk, shared: SharedFile, submitter: str, token: str, lang: str) -> str:
    """Attach the shared file to its input; what to tell the person (done, or why not), in `lang`."""
    rules = desk.rules
    try:
        if rules is None:
            raise InputRefused("inputs.refused.not_accepting", 404)
        content = await download(shared.url, token, int(rules.max_size))
        record = await desk.attach(shared.reference, submitter, shared.name, content)
    except InputRefused as refusal:
        shown = {k: v for k, v in refusal.values.items() if isinstance(v, int | str)}
        if refusal.key == "inputs.refused.size":
            shown = {k: formats.file_size(int(v), lang) for k, v in shown.items()}
        return _t(refusal.key.removeprefix("inputs."), lang, desk, **shown)
    return _t("attached", lang, desk, name=record.filename or shared.name, reference=record.reference)

