"""Message catalogs in prompts/: every user-facing string, in en, fr and es.

Each language has a folder (prompts/en/, prompts/fr/, prompts/es/) of YAML files whose top-level keys
are namespaces (``cue``, ``floor``, ...); keys are dotted paths such as ``floor.position``. One file
per area keeps the catalogs reviewable by translators and lets areas evolve independently.
Placeholders use ``{name}`` (str.format); the parity check proves the three languages agree.

A message that depends on a count is a plural group: its keys are CLDR plural categories (``one``,
``other``, and ``many`` in fr and es), and each language has exactly its own categories (a group with
``ordinal`` in its path follows CLDR's ordinal rules). `bot.i18n.formats` picks the variant.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from ruamel.yaml import YAML

LANGUAGES: tuple[str, ...] = ("en", "fr", "es")
# bot/prompts links to the top-level prompts/ (where translators find it); a wheel carries the files themselves.
PROMPTS_DIR = Path(__file__).resolve().parents[1] / "prompts"


# CLDR's plural categories; a catalog group keyed by some of these (always with ``other``) is a plural group.
PLURAL_CATEGORIES = frozenset({"zero", "one", "two", "few", "many", "other"})


class CatalogError(Exception):
    """A catalog is missing, malformed, or a key/placeholder is unknown."""


def _flatten(prefix: str, node: Any, out: dict[str, str], origin: str) -> None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out, origin)
    elif isinstance(node, str):
        if prefix in out:
            raise CatalogError(f"{origin}: key {prefix!r} defined twice")
        out[prefix] = node
    else:
        raise CatalogError(f"{origin}: key {prefix!r} must be text, not {type(node).__name__}")


def load_catalog(lang: str, root: Path = PROMPTS_DIR) -> dict[str, str]:
    """All messages of one language, keyed by dotted path."""
    folder = root / lang
    if not folder.is_dir():
        raise CatalogError(f"no catalog folder {folder}")
    yaml = YAML(typ="safe", pure=True)
    out: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8")) or {}
        _flatten("", data, out, str(path))
    return out


def placeholders(template: str) -> frozenset[str]:
    """The named fields a template uses (``{name}`` and ``{name:fmt}``)."""
    names = set()
    for _, field, _, _ in string.Formatter().parse(template):
        if field is not None:
            if not field or field.isdigit():
                raise CatalogError(f"positional placeholder in {template!r}: name it")
            names.add(field.split(".")[0].split("[")[0])
    return frozenset(names)


def plural_categories(lang: str, *, ordinal: bool = False) -> frozenset[str]:
    """The categories a plural (or ordinal) group has in `lang`: CLDR's, plus ``other``."""
    locale = Locale.parse(lang)
    rule = locale.ordinal_form if ordinal else locale.plural_form
    return frozenset(rule.tags) | {"other"}


def _plural_groups(catalog: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """The plural groups of a catalog: prefix -> {category: template}."""
    groups: dict[str, dict[str, str]] = {}
    for key, template in catalog.items():
        prefix, _, last = key.rpartition(".")
        if last in PLURAL_CATEGORIES:
            groups.setdefault(prefix, {})[last] = template
    return {prefix: forms for prefix, forms in groups.items() if "other" in forms}


def _folded(catalog: Mapping[str, str]) -> dict[str, frozenset[str]]:
    """Keys to placeholders, each plural group folded into one key with the union of its variants'."""
    groups = _plural_groups(catalog)
    out = {key: placeholders(t) for key, t in catalog.items() if key.rpartition(".")[0] not in groups}
    for prefix, forms in groups.items():
        out[prefix] = frozenset().union(*(placeholders(t) for t in forms.values()))
    return out


def parity_problems(root: Path = PROMPTS_DIR) -> list[str]:
    """Every difference in keys or placeholders between the languages' catalogs, and every plural group
    whose variants are not its language's CLDR categories."""
    raw = {lang: load_catalog(lang, root) for lang in LANGUAGES}
    problems: list[str] = []
    for lang, catalog in raw.items():
        for prefix, forms in sorted(_plural_groups(catalog).items()):
            expected = plural_categories(lang, ordinal="ordinal" in prefix.split("."))
            if set(forms) != expected:
                problems.append(f"{lang}: {prefix} has variants {sorted(forms)}, CLDR has {sorted(expected)}")
    catalogs = {lang: _folded(catalog) for lang, catalog in raw.items()}
    reference = catalogs["en"]
    for lang in LANGUAGES[1:]:
        other = catalogs[lang]
        for key in sorted(reference.keys() - other.keys()):
            problems.append(f"{lang}: missing key {key}")
        for key in sorted(other.keys() - reference.keys()):
            problems.append(f"{lang}: key {key} is not in en")
        for key in sorted(reference.keys() & other.keys()):
            if reference[key] != other[key]:
                problems.append(f"{lang}: {key} has placeholders {sorted(other[key])}, en has {sorted(reference[key])}")
    return problems


@lru_cache(maxsize=8)
def _catalog(lang: str) -> dict[str, str]:
    return load_catalog(lang)


def render(key: str, lang: str, /, **values: object) -> str:
    """The message `key` in `lang`, with its placeholders filled."""
    if lang not in LANGUAGES:
        raise CatalogError(f"unsupported language {lang!r}")
    try:
        template = _catalog(lang)[key]
    except KeyError:
        raise CatalogError(f"no message {key!r} in {lang}") from None
    try:
        return template.format(**values)
    except KeyError as missing:
        raise CatalogError(f"message {key!r} needs a value for {missing}") from None


def has(key: str) -> bool:
    return key in _catalog("en")
