"""The loader: YAML 1.2 semantics, positions for every value, and no exception for any input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config.loader import LoadResult, load_schedule, parse_schedule, read_document
from bot.config.model import Schedule
from bot.config.problems import Problem, Severity
from bot.domain.agenda.timeline import plan
from bot.i18n.cues import render_cue

GOOD = Path(__file__).parent / "fixtures" / "good.yaml"
GOOD_TEXT = GOOD.read_text(encoding="utf-8")


def test_yaml_1_2_keeps_times_and_no_as_strings() -> None:
    doc = read_document("a: 10:00\nb: NO\nc: yes\nd: 2022-03-07\n", "x.yaml")
    assert doc.problems == []
    assert doc.data["a"] == "10:00"
    assert doc.data["b"] == "NO"
    assert doc.data["c"] == "yes"
    assert str(doc.data["d"]) == "2022-03-07"


def test_unquoted_agenda_time_is_accepted_as_a_string() -> None:
    result = parse_schedule(GOOD_TEXT.replace('end: "10:15"', "end: 10:15"), "g.yaml")
    assert result.ok, [p.format() for p in result.problems]


def test_positions_of_keys_and_values() -> None:
    doc = read_document("event:\n  id: x\n  title: [a, b]\n", "x.yaml")
    assert doc.source.value_at(("event", "id")) == (1, 6)
    assert doc.source.key_at(("event", "title")) == (2, 2)
    assert doc.source.value_at(("event", "title", 1)) == (2, 13)
    # A value that is not in the file is reported where its nearest parent is.
    assert doc.source.value_at(("event", "nothing", 3)) == (1, 2)


def test_duplicate_key_is_an_error_with_line_and_column() -> None:
    result = parse_schedule("event: {}\ndays: []\nevent: {}\n", "d.yaml")
    assert result.schedule is None
    assert [p.format() for p in result.problems] == [
        'd.yaml:3:1: duplicate key "event": a key may appear only once in a mapping'
    ]


def test_good_file_loads() -> None:
    result = load_schedule(GOOD)
    assert result.ok
    assert isinstance(result.schedule, Schedule)
    assert result.schedule.item("session-1").chair == "lene-wendland"


def test_an_error_withholds_the_schedule() -> None:
    result = parse_schedule(GOOD_TEXT.replace("chair: lene-wendland\n        panel", "chair: nobody\n        panel"))
    assert result.schedule is None
    assert not result.ok


def test_warnings_keep_the_schedule() -> None:
    text = GOOD_TEXT.replace("    es: Consulta de prueba\n", "")
    result = parse_schedule(text, "w.yaml")
    assert result.ok
    assert [p.severity for p in result.problems] == [Severity.WARNING]


def test_union_errors_are_reported_once_at_the_right_place() -> None:
    text = GOOD_TEXT.replace(
        "                - {en: Remedy, fr: Réparation, es: Reparación}",
        "                - {en: Remedy, fr: 12, es: Reparación}",
    )
    result = parse_schedule(text, "u.yaml")
    line = text.splitlines().index("                - {en: Remedy, fr: 12, es: Reparación}") + 1
    assert [p.format() for p in result.problems] == [f"u.yaml:{line}:36: expected text, not 12"]


def test_unknown_key_suggests_the_right_one_and_other_checks_still_run() -> None:
    text = GOOD_TEXT.replace(
        "        chair: lene-wendland\n        panel", "        chiar: lene-wendland\n        panel"
    )
    messages = [p.message for p in parse_schedule(text).problems]
    assert "unknown key 'chiar' (did you mean 'chair'?)" in messages
    assert "session 'session-1' has no chair: add chair: <person id>" in messages


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n",
        "# only a comment\n",
        "[1, 2",
        "a: b: c",
        "- just\n- a list\n",
        "42",
        "\x00\x01\x02",
        "a: &x [*x]\n",
        "a: !!binary aGVsbG8=\n",
        "? [a, b]\n: c\n",
        "a: 1\n---\nb: 2\n",
        "{" * 5000,
        "event: " + "[" * 2000 + "]" * 2000,
        "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\n",
        "days: [{date: 2022-02-30, items: [{id: x, kind: break, start: '24:00', end: '25:00'}]}]\n",
        "event: {title: {en: ''}}\n",
        "\ufeffevent: x\n",
    ],
)
def test_broken_input_yields_problems_not_exceptions(text: str) -> None:
    result = parse_schedule(text, "b.yaml")
    assert result.schedule is None
    assert result.problems
    assert all(p.file == "b.yaml" and p.line >= 1 and p.col >= 1 for p in result.problems)


def test_binary_bytes_and_bad_utf8() -> None:
    result = parse_schedule(b"event: ok\n\xff\xfe junk", "bin.yaml")
    assert [p.format() for p in result.problems] == ["bin.yaml:2:1: file is not UTF-8 text"]


def _check_invariants(result: LoadResult) -> None:
    assert isinstance(result, LoadResult)
    assert all(isinstance(p, Problem) and p.line >= 1 and p.col >= 1 for p in result.problems)
    if result.schedule is None:
        assert any(p.severity is Severity.ERROR for p in result.problems)
    else:
        assert all(p.severity is Severity.WARNING for p in result.problems)


FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text(max_size=400))
def test_fuzz_random_text_never_raises(text: str) -> None:
    _check_invariants(parse_schedule(text, "f.yaml"))


@FUZZ
@given(st.binary(max_size=300))
def test_fuzz_random_bytes_never_raise(data: bytes) -> None:
    _check_invariants(parse_schedule(data, "f.yaml"))


YAML_BITS = st.sampled_from(
    [
        ":",
        "- ",
        "  ",
        "\n",
        "{",
        "}",
        "[",
        "]",
        ",",
        "'",
        '"',
        "&a ",
        "*a",
        "!!str ",
        "#",
        "? ",
        "|",
        ">",
        "10:00",
        "25:99",
        "NO",
        "null",
        "~",
        "2022-03-27",
        "02:30",
        "x" * 3,
        "\t",
        "\\",
        "%YAML 1.1\n---\n",
    ]
)


@st.composite
def mutated_good_file(draw: st.DrawFn) -> str:
    lines = GOOD_TEXT.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        index = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "replace", "indent", "dedent"]))
        line = lines[index]
        if action == "delete":
            del lines[index]
        elif action == "duplicate":
            lines.insert(index, line)
        elif action == "insert":
            at = draw(st.integers(0, len(line)))
            lines[index] = line[:at] + draw(YAML_BITS) + line[at:]
        elif action == "replace":
            at = draw(st.integers(0, max(len(line) - 1, 0)))
            lines[index] = line[:at] + draw(YAML_BITS) + line[at + 1 :]
        elif action == "indent":
            lines[index] = "  " + line
        else:
            lines[index] = line[2:] if line.startswith("  ") else line
        if not lines:
            break
    return "".join(lines)


@FUZZ
@given(mutated_good_file())
def test_fuzz_mutations_of_a_valid_file_never_raise(text: str) -> None:
    _check_invariants(parse_schedule(text, "m.yaml"))


@FUZZ
@given(mutated_good_file())
def test_fuzz_problem_lines_are_inside_the_file(text: str) -> None:
    result = parse_schedule(text, "m.yaml")
    last_line = text.count("\n") + 1
    assert all(p.line <= last_line + 1 for p in result.problems)


@FUZZ
@given(mutated_good_file())
def test_fuzz_a_file_that_passes_validation_can_be_planned_and_rendered(text: str) -> None:
    result = parse_schedule(text, "m.yaml")
    if result.schedule is None:
        return
    for cue in plan(result.schedule):
        for lang in ("en", "fr", "es"):
            assert render_cue(cue, result.schedule, lang).strip()
