"""`floorbot registrants FILE [--csv PATH]` end to end: settings from the environment, a SQLite store, the fake
Zoom on the wire (or Zoom's CSV export), one summary line, clear errors."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.adapters.store.engine import create_engine
from bot.adapters.store.key_values import SqlKeyValues
from bot.app.people import NAMESPACE
from bot.cli.main import app
from tests.adapters.zoom.test_provision_cli import SCHEDULE, zoom_env  # noqa: F401 - the fixture
from tests.adapters.zoom.test_registrants import GROUP, LANGUAGE
from tests.fakes.zoom_api import FakeZoom

# The shape of Zoom's registration report: a few lines about the meeting, then the registrants.
EXPORT = (
    "\ufeffTopic,ID,Start Time\n"
    "Test consultation — First session,81234567890,03/07/2022 10:00:00 AM\n"
    "\n"
    f"First Name,Last Name,Email,Registration Time,Approval Status,{GROUP},{LANGUAGE}\n"
    "Ana,López,ana@example.org,02/20/2022 10:00:00 AM,approved,Sociedad civil,Español\n"
    "Bo,Berg,bo@example.org,02/21/2022 10:00:00 AM,denied,Business,English\n"
    "Cy,Chan,cy@example.org,02/22/2022 10:00:00 AM,approved,Journalists,English\n"
)


def stored(tmp_path: Path, key: str) -> dict[str, object] | None:
    async def read() -> dict[str, object] | None:
        engine = create_engine(f"sqlite:///{tmp_path / 'state.sqlite'}")
        try:
            return await SqlKeyValues(engine).get(NAMESPACE, key)  # type: ignore[no-any-return]
        finally:
            await engine.dispose()

    return asyncio.run(read())


def test_from_zoom_then_again(zoom_env: FakeZoom, tmp_path: Path) -> None:  # noqa: F811
    runner = CliRunner()
    assert runner.invoke(app, ["provision", SCHEDULE]).exit_code == 0
    first = min(zoom_env.meetings)
    zoom_env.register(first, "ana@example.org", "Ana", "López", answers={GROUP: "Société civile", LANGUAGE: "Français"})
    zoom_env.register(first, "cy@example.org", "Cy", answers={GROUP: "Journalists"})
    result = runner.invoke(app, ["registrants", SCHEDULE])
    assert result.exit_code == 0, result.output
    assert "Registrants of zoom-test: imported 2, updated 0, group not stated 1." in result.output
    assert "cy@example.org: the answer “Journalists”" in result.output
    assert stored(tmp_path, "email:ana@example.org") == {
        "name": "Ana López", "group": "civil-society", "language": "fr", "chosen_language": "fr"}
    again = runner.invoke(app, ["registrants", SCHEDULE])
    assert again.exit_code == 0 and "imported 0, updated 0, group not stated 1." in again.output
    assert zoom_env.client_secret not in result.output + again.output


def test_nothing_provisioned_is_a_clear_error(zoom_env: FakeZoom) -> None:  # noqa: F811
    result = CliRunner().invoke(app, ["registrants", SCHEDULE])
    assert result.exit_code == 1
    assert "No provisioned Zoom meetings for zoom-test: run `floorbot provision" in result.output


def test_zoom_refusing_is_a_clear_error_without_secrets(zoom_env: FakeZoom) -> None:  # noqa: F811
    runner = CliRunner()
    assert runner.invoke(app, ["provision", SCHEDULE]).exit_code == 0
    zoom_env.meetings.clear()  # deleted in Zoom since
    result = runner.invoke(app, ["registrants", SCHEDULE])
    assert result.exit_code == 1
    assert "Zoom refused: Zoom meeting registrants failed (HTTP 404, Zoom code 3001)" in result.output
    assert zoom_env.client_secret not in result.output
    assert all(token not in result.output for token in zoom_env.tokens)


def test_from_zoom_without_credentials_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("ZOOM_ACCOUNT_ID", "ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FLOORBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'state.sqlite'}")
    result = CliRunner().invoke(app, ["registrants", SCHEDULE])
    assert result.exit_code == 1 and "or give --csv" in result.output


def test_from_zooms_csv_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLOORBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'state.sqlite'}")
    export = tmp_path / "registrants.csv"
    export.write_text(EXPORT, encoding="utf-8")
    result = CliRunner().invoke(app, ["registrants", SCHEDULE, "--csv", str(export)])
    assert result.exit_code == 0, result.output
    assert "imported 2, updated 0, group not stated 1." in result.output  # Bo was denied
    assert (stored(tmp_path, "email:ana@example.org") or {})["group"] == "civil-society"
    assert stored(tmp_path, "email:bo@example.org") is None


@pytest.mark.parametrize(("content", "message"), [
    ("Name,Mail\nAna,ana@example.org\n", "no header row with “First Name” and “Email”"),
    ("First Name,Email\nAna,nobody\n", "a row without an e-mail address"),
    (None, "is not Zoom's registrants export: not UTF-8 text"),
])
def test_a_bad_csv_is_refused_and_imports_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  content: str | None, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLOORBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'state.sqlite'}")
    export = tmp_path / "registrants.csv"
    if content is None:
        export.write_bytes(b"First Name,Email\n\xff\xfe,ana@example.org\n")
    else:
        export.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["registrants", SCHEDULE, "--csv", str(export)])
    assert result.exit_code == 1 and message in result.output
    assert not (tmp_path / "state.sqlite").exists()


def test_missing_files_are_clear_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("FLOORBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'state.sqlite'}")
    missing_csv = CliRunner().invoke(app, ["registrants", SCHEDULE, "--csv", str(tmp_path / "nope.csv")])
    assert missing_csv.exit_code == 1 and "No such file:" in missing_csv.output
    missing_schedule = CliRunner().invoke(app, ["registrants", str(tmp_path / "nope.yaml")])
    assert missing_schedule.exit_code == 1 and "nope.yaml" in missing_schedule.output
