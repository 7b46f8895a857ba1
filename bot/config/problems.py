"""Problems found in a schedule file, and the map from data paths back to file positions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

Path = tuple[str | int, ...]
"""Where a value sits in the loaded data: ("days", 0, "items", 1, "start")."""


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file; line and col are 1-based, as editors count them."""

    file: str
    line: int
    col: int
    message: str
    severity: Severity = Severity.ERROR

    def format(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.file}:{self.line}:{self.col}: {prefix}{self.message}"


@dataclass
class SourceMap:
    """Positions (0-based, as ruamel.yaml gives them) of every key and value of one file."""

    file: str
    values: dict[Path, tuple[int, int]] = field(default_factory=dict)
    keys: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def _nearest(self, table: dict[Path, tuple[int, int]], path: Sequence[str | int]) -> tuple[int, int]:
        # A value that was never written (a default, a missing key) is reported where its parent is.
        for end in range(len(path), -1, -1):
            prefix = tuple(path[:end])
            if prefix in table:
                return table[prefix]
            if prefix in self.values:
                return self.values[prefix]
        return (0, 0)

    def value_at(self, path: Sequence[str | int]) -> tuple[int, int]:
        return self._nearest(self.values, path)

    def key_at(self, path: Sequence[str | int]) -> tuple[int, int]:
        """The key's position for a mapping entry (a list entry has no key: its value's position)."""
        return self._nearest(self.keys, path)

    def problem(
        self,
        path: Sequence[str | int],
        message: str,
        severity: Severity = Severity.ERROR,
        *,
        at_key: bool = False,
    ) -> Problem:
        line, col = self.key_at(path) if at_key else self.value_at(path)
        return Problem(self.file, line + 1, col + 1, message, severity)


def has_errors(problems: Sequence[Problem]) -> bool:
    return any(p.severity is Severity.ERROR for p in problems)
