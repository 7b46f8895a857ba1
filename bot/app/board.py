"""The chairs' board of a discussion as a typed view (rendered by each surface, in its chairs' language)."""

from __future__ import annotations

from datetime import timedelta

from bot.app.context import EventContext
from bot.app.ports.board import BoardEntry, BoardPerson, BoardSpeaker, BoardView, BudgetUse, Text
from bot.domain.floor.rules import queue
from bot.domain.floor.state import FloorState, Participant


def _text(value: object, languages: list[str], fallback: str) -> Text:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    shown = str(value) if value else fallback
    return {lang: shown for lang in languages}


def _group(ctx: EventContext, group: str) -> Text:
    """A group's name in every language ("group not stated" for someone who did not say)."""
    return {lang: ctx.texts.group_name(group, lang) for lang in ctx.languages}


def _person(ctx: EventContext, p: Participant) -> BoardPerson:
    return BoardPerson(p.name, p.group, _group(ctx, p.group), p.language)


def budget_uses(ctx: EventContext, state: FloorState) -> tuple[BudgetUse, ...]:
    """Every group with a budget (in the schedule's order), then every other group that has spoken (most
    time first): what the chairs weigh when they give the floor."""
    budgets = ctx.policy.group_budgets
    used = state.used_by_group
    others = sorted((g for g, t in used.items() if g not in budgets and t > timedelta(0)),
                    key=lambda g: (-used[g], g))
    return tuple(
        BudgetUse(g, _group(ctx, g), used.get(g, timedelta(0)), budgets.get(g))
        for g in [*budgets, *others]
    )


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
        budgets=budget_uses(ctx, state),
    )
