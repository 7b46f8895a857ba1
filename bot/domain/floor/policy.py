"""The rules of one list of speakers, as the schedule file's `floor:` section states them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from typing import Protocol


class OrderPolicy(StrEnum):
    FIFO = "fifo"
    BALANCED = "balanced"
    FIRST_TIME_FIRST = "first-time-first"


class FloorRules(Protocol):
    """What a `FloorPolicy` is built from (the schedule model's `Floor` is one)."""

    @property
    def speaking_time(self) -> timedelta: ...
    @property
    def warn_before(self) -> timedelta: ...
    @property
    def order(self) -> OrderPolicy: ...
    @property
    def group_budgets(self) -> Mapping[str, timedelta]: ...
    @property
    def present_only(self) -> bool: ...
    @property
    def carry_over(self) -> bool: ...


@dataclass(frozen=True)
class FloorPolicy:
    """The rules of one list, built from the schedule file's `floor:` section."""

    speaking_time: timedelta = timedelta(minutes=3)
    warn_before: timedelta = timedelta(seconds=30)
    order: OrderPolicy = OrderPolicy.BALANCED
    group_budgets: Mapping[str, timedelta] = field(default_factory=dict)
    present_only: bool = False
    carry_over: bool = False

    def over_budget(self, group: str, used: Mapping[str, timedelta]) -> bool:
        """Has `group` used its speaking-time budget (`used`: time spoken per group)?"""
        budget = self.group_budgets.get(group)
        return budget is not None and used.get(group, timedelta(0)) >= budget

    @classmethod
    def from_schedule(cls, floor: FloorRules) -> FloorPolicy:
        return cls(
            speaking_time=floor.speaking_time,
            warn_before=floor.warn_before,
            order=floor.order,
            group_budgets=dict(floor.group_budgets),
            present_only=floor.present_only,
            carry_over=floor.carry_over,
        )
