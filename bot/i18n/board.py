"""The chairs' board in one language: the text and the buttons a surface shows for a board view.

The view is `bot.app.ports.board.BoardView`; it is described here by its shape (Protocols) so that i18n
depends on no layer above it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.i18n import catalog, formats


class _Person(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def group_name(self) -> Mapping[str, str]: ...
    @property
    def language(self) -> str: ...


class _Speaker(Protocol):
    @property
    def who(self) -> _Person: ...
    @property
    def until(self) -> datetime: ...


class _Entry(Protocol):
    @property
    def place(self) -> int: ...
    @property
    def who(self) -> _Person: ...
    @property
    def kind(self) -> str: ...
    @property
    def note(self) -> str | None: ...


class _Budget(Protocol):
    @property
    def group_name(self) -> Mapping[str, str]: ...
    @property
    def used(self) -> timedelta: ...
    @property
    def budget(self) -> timedelta | None: ...
    @property
    def remaining(self) -> timedelta | None: ...


class Board(Protocol):
    @property
    def discussion(self) -> str: ...
    @property
    def title(self) -> Mapping[str, str]: ...
    @property
    def timezone(self) -> str: ...
    @property
    def is_open(self) -> bool: ...
    @property
    def speaking(self) -> _Speaker | None: ...
    @property
    def queue(self) -> Sequence[_Entry]: ...
    @property
    def languages(self) -> Sequence[str]: ...
    @property
    def controls(self) -> Sequence[tuple[str, str]]: ...
    @property
    def budgets(self) -> Sequence[_Budget]: ...


def _pick(text: Mapping[str, str], lang: str) -> str:
    return text.get(lang) or text.get("en") or next(iter(text.values()), "")


def language_name(code: str, reader: str) -> str:
    key = f"common.language_name.{code}"
    return catalog.render(key, reader) if catalog.has(key) else code


def board_text(board: Board, lang: str) -> str:
    title = _pick(board.title, lang) or board.discussion
    lines = [catalog.render("runtime.board.title", lang, title=title)]
    if board.speaking is not None:
        p = board.speaking.who
        shown = formats.clock(board.speaking.until.astimezone(ZoneInfo(board.timezone)), lang, seconds=True)
        lines.append(catalog.render("runtime.board.speaking", lang, name=p.name, group=_pick(p.group_name, lang),
                                    language=language_name(p.language, lang), until=shown))
    if not board.queue:
        lines.append(catalog.render("runtime.board.empty", lang))
    for entry in board.queue:
        p = entry.who
        lines.append(catalog.render(
            "runtime.board.entry", lang, place=entry.place, name=p.name, group=_pick(p.group_name, lang),
            language=language_name(p.language, lang), kind=catalog.render(f"floor.kind.{entry.kind}", lang),
            note=f" — {entry.note}" if entry.note else "",
        ))
    if board.queue:
        lines.append(catalog.render("runtime.board.next_language", lang,
                                    language=language_name(board.queue[0].who.language, lang)))
    if not board.is_open:
        lines.append(catalog.render("runtime.board.closed", lang))
    if board.budgets:
        lines.append(catalog.render("record.board.heading", lang))
        lines += [budget_text(b, lang) for b in board.budgets]
    return "\n".join(lines)


def budget_text(use: _Budget, lang: str) -> str:
    """ "Civil society: 4:30 used, 5:30 left of 10:00" (or just the time used, with no budget)."""
    group = _pick(use.group_name, lang)
    if use.budget is None or use.remaining is None:
        return catalog.render("record.board.used", lang, group=group, used=formats.stopwatch(use.used))
    return catalog.render("record.board.left", lang, group=group, used=formats.stopwatch(use.used),
                          remaining=formats.stopwatch(use.remaining), budget=formats.stopwatch(use.budget))



def board_buttons(board: Board, lang: str) -> list[tuple[str, str, str, str]]:
    """(action id, label, value, style) of each control: surfaces turn them into their own buttons."""
    return [(f"floor:{verb}", catalog.render(f"runtime.button.{verb}", lang), verb, style)
            for verb, style in board.controls]
