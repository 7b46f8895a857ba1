"""The chairs' board (Slack) shows each group's floor time, and what its budget leaves."""

from __future__ import annotations

from datetime import timedelta

from bot.app.ports.board import BoardView, BudgetUse
from bot.i18n.board import board_text

CIVIL = {"en": "Civil society", "fr": "Société civile", "es": "Sociedad civil"}
STATES = {"en": "States", "fr": "États", "es": "Estados"}


def board(*budgets: BudgetUse) -> BoardView:
    return BoardView("session-1", {"en": "Session 1"}, "Europe/Zurich", True, None, (), ("en", "fr", "es"),
                     budgets=budgets)


def test_used_and_remaining_per_group_in_each_language() -> None:
    view = board(BudgetUse("civil-society", CIVIL, timedelta(minutes=6, seconds=30), timedelta(minutes=5)),
                 BudgetUse("states", STATES, timedelta(seconds=75)))
    en = board_text(view, "en").splitlines()
    assert en[-3:] == ["Floor time per stakeholder group:", "• Civil society: 6:30 used, 0:00 left of 5:00",
                       "• States: 1:15 used"]
    assert "• États\u00a0: temps utilisé 1:15" in board_text(view, "fr")
    assert "• Sociedad civil: tiempo utilizado 6:30, tiempo restante 0:00 de 5:00" in board_text(view, "es")


def test_no_budgets_and_nobody_spoken_shows_nothing_more() -> None:
    assert "Floor time" not in board_text(board(), "en")
