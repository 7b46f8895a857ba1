"""`floorbot rehearse --translate` against the loopback DeepL: the scenario's chat goes through the translator
with the glossary, the transcript shows each reader's version, and every rehearsal prints the characters
the chat would bill beside the account's remaining quota."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.cli.rehearse import run_rehearsal
from bot.config.settings import Settings
from tests.conftest import ROOT
from tests.fakes.deepl_server import FakeDeepL, running_fake_deepl

REFERENCE = ROOT / "schedules" / "ungp-tech-2022.yaml"
# Two messages in the first open discussion; "human rights due diligence" is a glossary row.
SAID = "Human rights due diligence is the question."
SCENARIO = f"""\
attendees:
  kwame: {{name: Kwame Mensah, group: civil-society, language: en}}
  amina: {{name: Amina Diallo, group: civil-society, language: fr}}
actions:
  - {{at: "2022-03-07 10:55", who: kwame, do: say, text: "{SAID}"}}
  - {{at: "2022-03-07 10:56", who: amina, do: say, text: "Merci."}}
  - {{at: "2022-03-07 10:57", who: kwame, do: request}}
"""
EXPECTED = (len(SAID) + len("Merci.")) * 2  # each message once per other language


@pytest.fixture
def fake_deepl() -> Iterator[FakeDeepL]:
    with running_fake_deepl() as fake:
        yield fake


@pytest.fixture
def scenario(tmp_path: Path) -> Path:
    path = tmp_path / "scenario.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def _deepl_settings(fake: FakeDeepL) -> Settings:
    return Settings(_env_file=None, deepl_auth_key=SecretStr(fake.auth_key),  # type: ignore[call-arg]
                    deepl_server_url=fake.url)


def _run(scenario: Path, settings: Settings, *, translate: bool) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_rehearsal(REFERENCE, scenario, None, out, err, color=False, translate=translate, settings=settings)
    return code, out.getvalue(), err.getvalue()


def _section(output: str, heading: str) -> str:
    start = output.index(heading)
    ends = [i for i in (output.find("Transcript", start + 1), output.find("Transcription", start + 1),
                        output.find("Transcripción", start + 1)) if i > 0]
    return output[start:min(ends)] if ends else output[start:]


def test_the_chat_goes_through_the_translator_with_the_glossary(
    scenario: Path, fake_deepl: FakeDeepL
) -> None:
    code, output, errors = _run(scenario, _deepl_settings(fake_deepl), translate=True)
    assert code == 0, errors
    french = _section(output, "Transcription — telle que lue en français")
    spanish = _section(output, "Transcripción — tal como se lee en español")
    english = _section(output, "Transcript — as read in English")
    # Each reader's version: the glossary's term in French and Spanish, the original in its own language.
    assert "Kwame Mensah: [FR] diligence raisonnable en matière de droits de l'homme est" in french
    assert "Traduction automatique" in french and "Amina Diallo: Merci." in french
    assert "Kwame Mensah: [ES] debida diligencia en materia de derechos humanos es" in spanish
    assert "Traducción automática" in spanish and "Amina Diallo: [ES] Gracias." in spanish
    assert f"Kwame Mensah: {SAID}" in english and "Amina Diallo: [EN-GB] Thanks." in english
    assert len(fake_deepl.glossaries) == 1
    billed = fake_deepl.billed_characters
    assert billed == EXPECTED  # the fake bills the source text once per target, as DeepL does
    assert f"about {EXPECTED:,} characters billed" in output
    assert f"Billed by deepl during this rehearsal: {billed:,} characters." in output
    assert f"Translation quota (deepl): {500_000 - billed:,} characters left of 500,000." in output


def test_a_rehearsal_without_translate_bills_nothing_but_shows_the_estimate_beside_the_quota(
    scenario: Path, fake_deepl: FakeDeepL
) -> None:
    fake_deepl.character_count = 499_990
    code, output, errors = _run(scenario, _deepl_settings(fake_deepl), translate=False)
    assert code == 0, errors
    assert fake_deepl.translate_calls == 0 and fake_deepl.character_count == 499_990
    assert f"about {EXPECTED:,} characters billed" in output
    assert "Translation quota (deepl): 10 characters left of 500,000." in output
    assert "would need more characters than the quota has left" in output
    assert "(untranslated)" in output  # no --translate: mirrored copies are marked


def test_an_unreachable_translator_leaves_the_quota_unknown(scenario: Path, fake_deepl: FakeDeepL) -> None:
    fake_deepl.fail_next(403)
    code, output, errors = _run(scenario, _deepl_settings(fake_deepl), translate=False)
    assert code == 0, errors
    assert "Translation quota (deepl): unknown (" in output
    assert fake_deepl.auth_key not in output + errors


def test_translate_without_a_translator_is_refused_and_plain_rehearsals_say_so(scenario: Path) -> None:
    code, _, errors = _run(scenario, Settings(_env_file=None), translate=True)  # type: ignore[call-arg]
    assert code == 2 and "--translate needs a translator" in errors
    code, output, _ = _run(scenario, Settings(_env_file=None), translate=False)  # type: ignore[call-arg]
    assert code == 0 and "No translator is configured" in output and f"about {EXPECTED:,}" in output


def test_refused_credentials_stop_a_translated_rehearsal(scenario: Path, fake_deepl: FakeDeepL) -> None:
    settings = Settings(_env_file=None, deepl_auth_key=SecretStr("wrong-key"),  # type: ignore[call-arg]
                        deepl_server_url=fake_deepl.url)
    code, _, errors = _run(scenario, settings, translate=True)
    assert code == 1 and "refused the credentials" in errors and "wrong-key" not in errors
