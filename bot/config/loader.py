"""Reading schedule files: YAML 1.2 with a position for every key and value, then the pydantic model.

Nothing here raises on bad input: a broken file (binary junk, a syntax error, duplicate keys, wrong
types) comes back as a list of `Problem`s pointing at `FILE:LINE:COL`, so that an organizer sees every
mistake at once and a bad file can never start a run.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode

from bot.config.errors import data_path, describe_errors, droppable_prefix
from bot.config.model import Schedule
from bot.config.problems import Problem, Severity, SourceMap, has_errors

MAX_BYTES = 2_000_000
"""A schedule is a few dozen kilobytes; anything this big is a mistake (or an attack)."""

MAX_NODES = 200_000
"""Aliases can make a tiny file expand exponentially ("billion laughs"): stop well before that hurts."""


@dataclass
class LoadResult:
    """The schedule when the file has no error (warnings allowed), and every problem found."""

    schedule: Schedule | None
    problems: list[Problem] = field(default_factory=list)
    source: SourceMap | None = None

    @property
    def ok(self) -> bool:
        return self.schedule is not None and not has_errors(self.problems)


@dataclass
class RawDocument:
    """The file as plain Python data (dict, list, str, int, float, bool, date, None) plus positions."""

    data: Any
    source: SourceMap
    problems: list[Problem]


class _TooBig(Exception):
    pass


class _Constructor(RoundTripConstructor):
    """Dates stay text until the model reads them: ruamel would raise on `2030-02-30` while loading, with no
    position, where the model's error has one (FILE:LINE:COL of that very date)."""


def _timestamp_as_text(constructor: RoundTripConstructor, node: ScalarNode) -> str:
    return str(constructor.construct_scalar(node))


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.version = (1, 2)  # `10:00` and `NO` stay strings
    yaml.allow_duplicate_keys = False
    return yaml


def _mark_problem(file: str, error: MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = (error.problem or error.context or "invalid YAML").strip()
    if problem.startswith("found duplicate key"):
        key = problem.split('"')[1] if problem.count('"') >= 2 else "?"
        return Problem(file, line, col, f'duplicate key "{key}": a key may appear only once in a mapping')
    return Problem(file, line, col, f"YAML syntax error: {problem}")


def _key_text(key: object) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


class _Converter:
    """Turns ruamel's round-trip nodes into plain data, recording where each came from."""

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.nodes = 0
        self._open: set[int] = set()

    def convert(self, node: Any, path: tuple[str | int, ...]) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooBig
        if isinstance(node, CommentedMap | CommentedSeq):
            if id(node) in self._open:
                self.problems.append(self.source.problem(path, "an alias refers to itself (a loop)"))
                return None
            self._open.add(id(node))
            try:
                if isinstance(node, CommentedMap):
                    return self._mapping(node, path)
                return self._sequence(node, path)
            finally:
                self._open.discard(id(node))
        return self._scalar(node, path)

    def _mapping(self, node: CommentedMap, path: tuple[str | int, ...]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in list(node.keys()):
            name = _key_text(key)
            child = (*path, name)
            try:
                self.source.keys[child] = node.lc.key(key)
                self.source.values[child] = node.lc.value(key)
            except (KeyError, TypeError, AttributeError):
                self.source.keys[child] = self.source.values[child] = self.source.value_at(path)
            if not isinstance(key, str | int) or isinstance(key, bool):
                self.problems.append(self.source.problem(child, f"a key must be a name, not {key!r}", at_key=True))
            out[name] = self.convert(node[key], child)
        return out

    def _sequence(self, node: CommentedSeq, path: tuple[str | int, ...]) -> list[Any]:
        out: list[Any] = []
        for index, value in enumerate(node):
            child = (*path, index)
            try:
                self.source.values[child] = node.lc.item(index)
            except (KeyError, TypeError, AttributeError, IndexError):
                self.source.values[child] = self.source.value_at(path)
            out.append(self.convert(value, child))
        return out

    def _scalar(self, node: Any, path: tuple[str | int, ...]) -> Any:
        if isinstance(node, TaggedScalar):
            if str(node.tag) != "tag:yaml.org,2002:str":
                self.problems.append(self.source.problem(path, f"YAML tags such as {node.tag} are not supported"))
            return str(node.value)
        if node is None or isinstance(node, bool | str):
            return str(node) if isinstance(node, str) else node
        if isinstance(node, int):
            return int(node)
        if isinstance(node, float):
            return float(node)
        if isinstance(node, dt.datetime):
            # The agenda's times are HH:MM strings; a full timestamp is only meaningful as a date.
            return node.date() if node.time() == dt.time(0) else node
        if isinstance(node, dt.date):
            return dt.date(node.year, node.month, node.day)
        return str(node)


def read_document(text: str | bytes, file: str) -> RawDocument:
    """Parse YAML text into plain data with positions; problems instead of exceptions."""
    source = SourceMap(file)
    if isinstance(text, bytes):
        if len(text) > MAX_BYTES:
            return RawDocument(None, source, [Problem(file, 1, 1, f"file is larger than {MAX_BYTES} bytes")])
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            line = error.object[: error.start].count(b"\n") + 1
            return RawDocument(None, source, [Problem(file, line, 1, "file is not UTF-8 text")])
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return RawDocument(None, source, [Problem(file, line, 1, "file is binary, not YAML text")])
    if len(text) > MAX_BYTES:
        return RawDocument(None, source, [Problem(file, 1, 1, f"file is larger than {MAX_BYTES} bytes")])
    caught: list[warnings.WarningMessage] = []
    try:
        # ruamel warns (rather than fails) on a few oddities such as a reused anchor: report them, never
        # let them reach the terminal or a test's warnings-as-errors.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            node = _yaml().load(text)
    except MarkedYAMLError as error:
        return RawDocument(None, source, [_mark_problem(file, error)])
    except (YAMLError, ValueError, TypeError, AttributeError, IndexError, KeyError, OverflowError) as error:
        # ruamel raises a few plain exceptions on odd input (bad escapes, huge numbers); report them too.
        return RawDocument(None, source, [Problem(file, 1, 1, f"YAML syntax error: {error}")])
    except RecursionError:
        return RawDocument(None, source, [Problem(file, 1, 1, "YAML nesting is too deep")])
    if node is None:
        return RawDocument(None, source, [Problem(file, 1, 1, "file is empty: a schedule needs event: and days:")])
    source.values[()] = (0, 0)
    converter = _Converter(source)
    try:
        data = converter.convert(node, ())
    except _TooBig:
        return RawDocument(None, source, [Problem(file, 1, 1, "file expands to too many values (aliases?)")])
    except RecursionError:
        return RawDocument(None, source, [Problem(file, 1, 1, "YAML nesting is too deep")])
    problems = converter.problems
    for warning in caught:
        first_line = str(warning.message).strip().splitlines()[0] if str(warning.message).strip() else "YAML warning"
        problems.append(Problem(file, 1, 1, f"YAML: {first_line}", Severity.WARNING))
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"the single value {data!r}"
        problems.append(Problem(file, 1, 1, f"a schedule is a mapping of keys (event:, days:, ...), not {kind}"))
        return RawDocument(None, source, problems)
    return RawDocument(data, source, problems)


def build_schedule(doc: RawDocument) -> tuple[Schedule | None, list[Problem]]:
    """The pydantic model of a parsed document, or the problems that prevent it."""
    if doc.data is None:
        return None, []
    try:
        return Schedule.model_validate(doc.data), []
    except ValidationError as error:
        return None, describe_errors(error.errors(), doc.data, doc.source)
    except RecursionError:
        return None, [Problem(doc.source.file, 1, 1, "YAML nesting is too deep")]


def _without_keys(data: Any, paths: Iterable[tuple[str | int, ...]]) -> Any:
    """A copy of `data` without the given keys."""
    drop = {tuple(p) for p in paths}

    def walk(node: Any, path: tuple[str | int, ...]) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, (*path, k)) for k, v in node.items() if (*path, k) not in drop}
        if isinstance(node, list):
            return [walk(v, (*path, i)) for i, v in enumerate(node)]
        return node

    return walk(data, ())


def parse_schedule(text: str | bytes, file: str = "<schedule>") -> LoadResult:
    """Everything `floorbot validate` checks, on text already read."""
    from bot.config.validate import check_schedule

    doc = read_document(text, file)
    problems = list(doc.problems)
    schedule, structural = build_schedule(doc)
    problems.extend(structural)
    checked = schedule
    if schedule is None and structural:
        # Check the rest of the file too, so that every mistake shows at once.
        checked = _repaired(doc.data)
    if checked is not None:
        problems.extend(check_schedule(checked, doc.source))
    problems = sorted(set(problems), key=lambda p: (p.line, p.col, p.severity != Severity.ERROR, p.message))
    ok = schedule is not None and not has_errors(problems)
    return LoadResult(schedule if ok else None, problems, doc.source)


def _repaired(data: Any, rounds: int = 3) -> Schedule | None:
    """The schedule without the unknown or invalid optional keys, if that is enough to build it."""
    for _ in range(rounds):
        try:
            return Schedule.model_validate(data)
        except ValidationError as error:
            drops: list[tuple[str | int, ...]] = []
            for err in error.errors():
                loc = tuple(err["loc"])
                if err["type"] != "extra_forbidden":
                    length = droppable_prefix(loc)
                    if length is None:
                        return None
                    loc = loc[:length]
                path = data_path(loc, data)
                if not path or path[-1] != loc[-1]:
                    return None
                drops.append(path)
            data = _without_keys(data, drops)
        except RecursionError:
            return None
    return None


def load_schedule(path: str | FilePath) -> LoadResult:
    """Read and check one schedule file; never raises for a bad file (a missing one is a problem too)."""
    name = str(path)
    try:
        raw = FilePath(path).read_bytes()
    except FileNotFoundError:
        return LoadResult(None, [Problem(name, 1, 1, "no such file")])
    except IsADirectoryError:
        return LoadResult(None, [Problem(name, 1, 1, "is a folder, not a schedule file")])
    except OSError as error:
        return LoadResult(None, [Problem(name, 1, 1, f"cannot read the file: {error.strerror or error}")])
    return parse_schedule(raw, name)
