"""`floorbot validate` on broken fixtures: each file ends with the exact lines it must produce."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli.main import app

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN = sorted((FIXTURES / "broken").glob("*.yaml"))


def _expectations(path: Path) -> tuple[int, list[str]]:
    lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
    status = next(int(line.split(":", 1)[1]) for line in lines if line.startswith("# expect exit:"))
    expected = [line.removeprefix("# expect: ") for line in lines if line.startswith("# expect: ")]
    return status, expected


def test_there_are_broken_fixtures() -> None:
    assert len(BROKEN) >= 20


@pytest.mark.parametrize("path", BROKEN, ids=[p.stem for p in BROKEN])
def test_validate_prints_exactly_the_expected_problems(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    status, expected = _expectations(path)
    monkeypatch.chdir(path.parent)
    result = CliRunner().invoke(app, ["validate", path.name])
    assert result.stdout.splitlines() == expected
    assert result.exit_code == status


def test_every_problem_of_every_file_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "broken")
    names = ["unknown-key.yaml", "overlap.yaml", "missing-translation.yaml"]
    result = CliRunner().invoke(app, ["validate", *names])
    expected = [line for name in names for line in _expectations(FIXTURES / "broken" / name)[1]]
    assert result.stdout.splitlines() == expected
    assert result.exit_code == 1


def test_valid_files_print_one_summary_line_each_and_pass(repo_root: Path) -> None:
    files = [str(FIXTURES / "good.yaml"), *map(str, sorted((repo_root / "schedules").glob("*.yaml")))]
    result = CliRunner().invoke(app, ["validate", *files])
    lines = [line for line in result.stdout.splitlines() if ": warning: " not in line]
    assert [line.split(": valid (")[0] for line in lines] == files
    # The reference event declares interpretation and lists no interpreter: the one warning it gets.
    assert lines[-1].endswith(": valid (days: 2, agenda items: 8, cues: 94, warnings: 1)")
    warnings = [line for line in result.stdout.splitlines() if ": warning: " in line]
    assert warnings == [f"{files[-1]}:55:19: warning: interpretation is declared but no interpreters are listed: "
                        "the meetings are scheduled with interpretation on; assign interpreters in the meeting "
                        "(or list them under interpreters:)"]
    assert result.exit_code == 0


def test_interpreters_are_checked_and_the_old_place_still_works(tmp_path: Path, repo_root: Path) -> None:
    text = (repo_root / "schedules" / "ungp-tech-2022.yaml").read_text(encoding="utf-8")
    text = text.replace("    scope: per-session\n", "    scope: per-session\n"
                        "    interpreters:\n      - {email: old@example.org, languages: [en, es]}\n", 1)
    text += ("interpreters:\n  - {email: a@example.org, name: Ana, languages: [en, fr], booth: fr}\n"
             "  - {email: b@example.org, languages: [en, fr], booth: es}\n")
    path = tmp_path / "event.yaml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    out = result.stdout
    assert "warning: interpreters belong in the top-level interpreters: section" in out
    assert ": booth 'es' is not one of this interpreter's languages (en, fr)" in out
    assert "no interpreters are listed" not in out
    assert result.exit_code == 1


def test_an_interpreter_outside_the_events_languages_is_warned_of(tmp_path: Path, repo_root: Path) -> None:
    text = (repo_root / "schedules" / "minimal.yaml").read_text(encoding="utf-8")
    path = tmp_path / "event.yaml"
    path.write_text(text + "interpreters:\n  - {email: b@example.org, languages: [en, es]}\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert "warning: interpreter b@example.org works in 'es', not one of the event's languages" in result.stdout
    assert result.exit_code == 0


def test_warnings_alone_pass_but_are_shown() -> None:
    path = FIXTURES / "broken" / "missing-translation.yaml"
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert ": warning: no es translation" in result.stdout


def test_usage_error_exits_2() -> None:
    assert CliRunner().invoke(app, ["validate"]).exit_code == 2


def test_missing_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["validate", str(tmp_path / "nope.yaml"), str(tmp_path)])
    assert result.stdout.splitlines() == [
        f"{tmp_path / 'nope.yaml'}:1:1: no such file",
        f"{tmp_path}:1:1: is a folder, not a schedule file",
    ]
    assert result.exit_code == 1
