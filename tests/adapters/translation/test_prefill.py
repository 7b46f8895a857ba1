"""Pre-translation of a schedule into a copy for human review, and the `floorbot translate` command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from typer.testing import CliRunner

from bot.cli.main import app
from bot.cli.prefill import MACHINE_MARK, PrefillError, prefill
from tests.adapters.translation.conftest import make_deepl
from tests.fakes.deepl_server import FakeDeepL

SCHEDULE = """\
# The organizer's own comment
event:
  id: demo
  title: {en: "Demo consultation"}
  timezone: Europe/Zurich
  languages: [en, fr, es]
days:
  - date: 2022-03-07
    items:
      - id: session-1
        kind: session
        start: "10:00"
        end: "12:00"
        title:
          en: "The State duty to protect"
          fr: "L'obligation de protéger incombant à l'État"  # reviewed by OHCHR
        summary: "One text for everyone"
        discussion:
          questions:
            - {en: "What is human rights due diligence?"}
            - text: {fr: "Question en français"}
              points: [{en: "point a"}]
"""


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


@pytest.fixture
def schedule(tmp_path: Path) -> Path:
    path = tmp_path / "event.yaml"
    path.write_text(SCHEDULE, encoding="utf-8")
    return path


async def test_fills_missing_languages_into_a_copy_and_marks_them(fake_deepl: FakeDeepL, schedule: Path) -> None:
    out = schedule.with_name("copy.yaml")
    report = await prefill(schedule, out, make_deepl(fake_deepl))
    assert read(schedule) == SCHEDULE  # the input is untouched
    text = read(out)
    data = YAML(typ="safe", pure=True).load(text)
    assert report.filled == 9 and report.kept == 1 and report.failed == 0
    item = data["days"][0]["items"][0]
    assert item["title"]["fr"] == "L'obligation de protéger incombant à l'État"  # human text kept
    assert item["title"]["es"].startswith("[ES] ")
    assert item["summary"] == "One text for everyone"
    assert data["event"]["title"] == {"en": "Demo consultation", "fr": "[FR] Demo consultation",
                                      "es": "[ES] Demo consultation"}
    questions = item["discussion"]["questions"]
    assert questions[1]["text"]["en"] == "[EN-GB] Question en français"  # French was the only source
    assert questions[1]["points"][0]["fr"] == "[FR] point un"
    assert text.count(f"# {MACHINE_MARK}") == report.filled
    assert "# The organizer's own comment" in text and "# reviewed by OHCHR" in text
    for line in text.splitlines():
        if line.strip().startswith(("fr:", "es:", "en:")) and "[" in line:
            assert line.rstrip().endswith(MACHINE_MARK), line


async def test_never_overwrites_its_input(fake_deepl: FakeDeepL, schedule: Path) -> None:
    with pytest.raises(PrefillError, match="overwrite"):
        await prefill(schedule, schedule, make_deepl(fake_deepl))


async def test_failed_translations_are_left_empty(fake_deepl: FakeDeepL, schedule: Path) -> None:
    fake_deepl.quota_exceeded = True
    out = schedule.with_name("copy.yaml")
    report = await prefill(schedule, out, make_deepl(fake_deepl))
    assert report.filled == 0 and report.failed == 9
    assert MACHINE_MARK not in read(out)


def test_cli_translate_command(fake_deepl: FakeDeepL, schedule: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(schedule.parent)
    monkeypatch.setenv("DEEPL_AUTH_KEY", fake_deepl.auth_key)
    monkeypatch.setenv("DEEPL_SERVER_URL", fake_deepl.url)
    monkeypatch.delenv("LIBRETRANSLATE_URL", raising=False)
    result = CliRunner().invoke(app, ["translate", str(schedule)])
    assert result.exit_code == 0, result.output
    assert re.search(r"Texts machine-translated into .*: 9;", result.output), result.output
    assert fake_deepl.auth_key not in result.output
    out = schedule.with_name("event.translated.yaml")
    assert MACHINE_MARK in out.read_text(encoding="utf-8")
    assert len(fake_deepl.glossaries) == 1  # the glossary was synced before translating

    same = CliRunner().invoke(app, ["translate", str(schedule), "--out", str(schedule)])
    assert same.exit_code == 2


def test_cli_without_translator_fails_clearly(schedule: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(schedule.parent)
    for key in ("DEEPL_AUTH_KEY", "DEEPL_SERVER_URL", "LIBRETRANSLATE_URL"):
        monkeypatch.delenv(key, raising=False)
    result = CliRunner().invoke(app, ["translate", str(schedule)])
    assert result.exit_code == 1
    assert "No translator is configured" in result.output
