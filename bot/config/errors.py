"""Pydantic's validation errors, said in plain English for organizers and placed at FILE:LINE:COL.

Pydantic reports a value that fits no member of a union (Text is `str | {lang: str}`, a guiding
question is `Question | Text`) once per member; we keep only the member the organizer evidently meant
(the one whose shape matches, with the fewest complaints), or one combined message.
"""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel
from pydantic_core import ErrorDetails

from bot.config.model import Schedule
from bot.config.problems import Problem, SourceMap

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # written right, but no such day (30 February)

_SHAPE_ERRORS = {"model_type", "dict_type", "string_type", "list_type", "model_attributes_type"}


@dataclass
class _Located:
    loc: tuple[str | int, ...]  # pydantic's loc, union tags still in
    error: ErrorDetails


def _has(node: Any, seg: str | int) -> bool:
    if isinstance(node, Mapping):
        return isinstance(seg, str) and seg in node
    return isinstance(node, list) and isinstance(seg, int) and 0 <= seg < len(node)


def data_path(loc: Sequence[str | int], data: Any) -> tuple[str | int, ...]:
    """The part of a pydantic loc that names real keys and indexes of `data` (union tags dropped)."""
    path: list[str | int] = []
    node = data
    for seg in loc:
        if _has(node, seg):
            node = node[seg]
            path.append(seg)
    return tuple(path)


def _walk(loc: Sequence[str | int], data: Any, etype: str) -> tuple[list[str | int], int | None, bool]:
    """The data path a loc points at, the index in loc of its first union tag, and whether it is a key."""
    node = data
    path: list[str | int] = []
    for index, seg in enumerate(loc):
        if seg == "[key]":
            return path, None, True
        if _has(node, seg):
            node = node[seg]
            path.append(seg)
        elif index == len(loc) - 1 and etype == "missing":
            path.append(seg)
        else:
            return path, index, False
    return path, None, False


def _node(data: Any, path: Sequence[str | int]) -> Any:
    node = data
    for seg in path:
        node = node[seg]  # paths come from _walk, so they exist (except a trailing missing key)
    return node


def _reduce(errors: list[_Located], data: Any) -> list[tuple[_Located, str | None]]:
    """Keep one union member's errors per union; a combined message when none fits at all."""
    kept: list[tuple[_Located, str | None]] = []
    unions: dict[tuple[str | int, ...], list[_Located]] = {}
    for item in errors:
        _, tag_index, _ = _walk(item.loc, data, item.error["type"])
        if tag_index is None:
            kept.append((item, None))
        else:
            unions.setdefault(item.loc[:tag_index], []).append(item)
    for prefix, members in unions.items():
        branches: dict[str | int, list[_Located]] = {}
        for item in members:
            branches.setdefault(item.loc[len(prefix)], []).append(item)
        value = _node(data, _walk(prefix, data, "")[0])

        def mismatch(branch: list[_Located], prefix_len: int = len(prefix)) -> bool:
            return any(len(m.loc) == prefix_len + 1 and m.error["type"] in _SHAPE_ERRORS for m in branch)

        fitting = {tag: branch for tag, branch in branches.items() if not mismatch(branch)}
        if not fitting:
            is_question = any(isinstance(tag, str) and tag[:1].isupper() for tag in branches)
            kept.append((members[0], "question" if is_question else "text"))
            continue
        tag = min(fitting, key=lambda t: (len(fitting[t]), isinstance(value, Mapping) and t == "str"))
        stripped = [_Located(m.loc[: len(prefix)] + m.loc[len(prefix) + 1 :], m.error) for m in fitting[tag]]
        kept.extend(_reduce(stripped, data))
    return kept


def _model_fields(loc: Sequence[str | int]) -> list[str]:
    """The keys allowed where an unknown key was found (for a "did you mean" hint)."""
    annotation: Any = Schedule
    for seg in loc:
        model = _find_model(annotation, seg)
        if model is None:
            annotation = _element(annotation, seg)
        elif isinstance(seg, str) and seg in model.model_fields:
            annotation = model.model_fields[seg].annotation
        elif isinstance(seg, str) and seg == model.__name__:
            annotation = model
        else:
            return []
    model = _find_model(annotation, None)
    return list(model.model_fields) if model else []


def droppable_prefix(loc: Sequence[str | int]) -> int | None:
    """How much of `loc` names the deepest optional key above an error: without that key the document
    keeps a valid shape, so the cross-checks can still run. None when only a required key could go."""
    annotation: Any = Schedule
    best: int | None = None
    for index, seg in enumerate(loc):
        model = _find_model(annotation, seg)
        if model is None:
            annotation = _element(annotation, seg)
            if annotation is None:
                break
        elif isinstance(seg, str) and seg in model.model_fields:
            field = model.model_fields[seg]
            if not field.is_required():
                best = index + 1
            annotation = field.annotation
        elif isinstance(seg, str) and seg == model.__name__:
            annotation = model
        else:
            break
    return best


def _find_model(annotation: Any, seg: str | int | None) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) or origin is typing.Annotated:
        for arg in typing.get_args(annotation):
            found = _find_model(arg, seg)
            if found is not None:
                return found
    return None


def _element(annotation: Any, seg: str | int) -> Any:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _element(args[0], seg)
    if origin in (typing.Union, types.UnionType):
        for arg in args:
            if arg is not type(None):
                return _element(arg, seg)
    if origin in (list, tuple) and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None


def dotted(path: Sequence[str | int]) -> str:
    """A data path as an organizer would write it: days[0].items[2].title."""
    out = ""
    for seg in path:
        out += f"[{seg}]" if isinstance(seg, int) else (f".{seg}" if out else str(seg))
    return out


def _show(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    return str(value)


def _message(error: ErrorDetails, data_path: Sequence[str | int], is_key: bool, combined: str | None) -> str:
    etype = error["type"]
    value = error.get("input")
    if combined == "text":
        return f"expected text: one string, or one per language (en: ..., fr: ..., es: ...), not {_show(value)}"
    if combined == "question":
        return f"expected a question: text, or a mapping with text: and points:, not {_show(value)}"
    if etype == "missing":
        where = f" in {dotted(data_path[:-1])}" if data_path[:-1] else ""
        return f"missing required key '{data_path[-1]}'{where}"
    if etype == "extra_forbidden":
        allowed = _model_fields([s for s in error["loc"][:-1]])
        hint = difflib.get_close_matches(str(data_path[-1]), allowed, n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        return f"unknown key '{data_path[-1]}'{suggestion}"
    if etype == "string_pattern_mismatch":
        return f"{_show(value)} is not a valid id: use lowercase letters, digits and hyphens, e.g. session-1"
    if etype == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if etype == "too_short":
        return f"needs at least {error.get('ctx', {}).get('min_length', 1)} entry, not {_show(value)}"
    if etype in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping of keys (key: value), not {_show(value)}"
    if etype == "list_type":
        return f"expected a list, not {_show(value)}"
    if etype == "string_type":
        return f"expected text, not {_show(value)}"
    if etype.startswith("date"):
        if isinstance(value, str) and _ISO_DATE.match(value):
            return f"{_show(value)} is not a day of the calendar (check the month's number of days)"
        return f"expected a date written as YYYY-MM-DD (e.g. 2022-03-07), not {_show(value)}"
    message = str(error["msg"])
    if message.startswith("Input should be "):
        what = "key" if is_key else "value"
        return f"{what} {_show(value)} is not allowed: expected {message.removeprefix('Input should be ')}"
    return f"{message} (got {_show(value)})"


def describe_errors(errors: Sequence[ErrorDetails], data: Any, source: SourceMap) -> list[Problem]:
    """One clear problem per real mistake, at the position of the offending key or value."""
    problems: list[Problem] = []
    for item, combined in _reduce([_Located(tuple(e["loc"]), e) for e in errors], data):
        path, _, is_key = _walk(item.loc, data, item.error["type"])
        message = _message(item.error, path, is_key, combined)
        if item.error["type"] == "missing":
            problems.append(source.problem(path[:-1], message, at_key=bool(path[:-1])))
        else:
            at_key = is_key or item.error["type"] == "extra_forbidden"
            problems.append(source.problem(path, message, at_key=at_key))
    return problems
