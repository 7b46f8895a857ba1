from pathlib import Path

import pytest

from bot.i18n import catalog as i18n


def test_catalogs_have_same_keys_and_placeholders() -> None:
    assert i18n.parity_problems() == []


def test_parity_detects_missing_key_and_placeholder(tmp_path: Path) -> None:
    for lang, body in {
        "en": "a:\n  b: 'Hello {name}'\n  c: 'x'\n",
        "fr": "a:\n  b: 'Bonjour {nom}'\n  c: 'x'\n",
        "es": "a:\n  b: 'Hola {name}'\n",
    }.items():
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "t.yaml").write_text(body, encoding="utf-8")
    problems = i18n.parity_problems(tmp_path)
    assert "es: missing key a.c" in problems
    assert any(p.startswith("fr: a.b has placeholders ['nom']") for p in problems)


def test_render_fills_placeholders_and_rejects_unknown_keys() -> None:
    assert i18n.render("common.language_name.es", "fr") == "espagnol"
    with pytest.raises(i18n.CatalogError):
        i18n.render("no.such.key", "en")
    with pytest.raises(i18n.CatalogError):
        i18n.render("common.untranslated", "de")
