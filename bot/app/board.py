"""The chairs' board of a discussion as a typed view (rendered by each surface, in its chairs' language)."""

from __future__ import annotations

from bot.app.context import EventContext
from bot.app.ports.board import BoardEntry, BoardPerson, BoardSpeaker, BoardView, Text
from bot.domain.floor.rules import queue
from bot.domain.floor.state import FloorState, Participant


def _text(value: object, languages: list[str], fallback: str) -> Text:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    shown = str(value) if value else fallback
    return {lang: shown for lang in languages}


def _person(ctx: EventContext, p: Participant) -> BoardPerson:
    return BoardPerson(p.name, p.group, _text(ctx.groups.get(p.group), ctx.languages, p.group), p.language)


def board_view(ctx: EventContext, state: FloorState) -> BoardView:
    item = ctx.item(state.discussion)
    speaking = None
    if state.speaking is not None:
        speaking = BoardSpeaker(_person(ctx, state.speaking.request.participant), state.speaking.ends_at)
    entries = tuple(
        BoardEntry(place, _person(ctx, r.participant), r.kind.value, r.note)
        for place, r in enumerate(queue(state, ctx.policy), start=1)
    )
    return BoardView(
        discussion=state.discussion,
        title=_text(item.title if item is not None else None, ctx.languages, state.discussion),
        timezone=ctx.schedule.event.timezone,
        is_open=state.is_open,
        speaking=speaking,
        queue=entries,
        languages=tuple(ctx.languages),
    )
