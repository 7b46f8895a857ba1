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


def test_plural_groups_have_their_languages_cldr_categories(tmp_path: Path) -> None:
    """French and Spanish have `many` (millions), English has not; ordinals follow CLDR's ordinal rules."""
    bodies = {
        "en": "a:\n  n:\n    one: 'one'\n    other: '{count} x'\n  ordinal:\n    one: '{n}st'\n    other: '{n}th'\n",
        "fr": "a:\n  n:\n    one: '{count} x'\n    many: '{count} de x'\n    other: '{count} x'\n"
              "  ordinal:\n    one: '{n}re'\n    other: '{n}e'\n",
        "es": "a:\n  n:\n    one: 'uno'\n    other: '{count} x'\n  ordinal:\n    other: '{n}.º'\n",
    }
    for lang, body in bodies.items():
        (tmp_path / lang).mkdir()
        (tmp_path / lang / "t.yaml").write_text(body, encoding="utf-8")
    problems = i18n.parity_problems(tmp_path)
    assert "es: a.n has variants ['one', 'other'], CLDR has ['many', 'one', 'other']" in problems
    assert "en: a.ordinal has variants ['one', 'other'], CLDR has ['few', 'one', 'other', 'two']" in problems
    assert "es: a.ordinal has variants ['other'], CLDR has ['one', 'other']" in problems
    assert not any(p.startswith("fr:") for p in problems)  # variants differ in placeholders; the group agrees


def test_every_french_place_is_a_feminine_position() -> None:
    """formats.ordinal is feminine in French ("1re"): each message that shows a place says "… position"."""
    catalog = i18n.load_catalog("fr")
    ordinal_keys = [k for k in catalog if "{place}" in catalog[k] and not k.startswith("runtime.board.")]
    assert ordinal_keys
    for key in ordinal_keys:
        assert "{place} position" in catalog[key].replace("*", ""), key
