"""A wheel carries what the bot reads at run time: the package-data globs cover every file it loads.

`.ci/run` builds the wheel and runs the rehearsal from it, away from the source tree; this catches the
cheaper mistake first: a prompt file or folder that no glob of pyproject.toml's package-data matches.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _packaged(globs: list[str]) -> set[Path]:
    return {path.relative_to(ROOT / "bot") for pattern in globs for path in (ROOT / "bot").glob(pattern)}


def test_every_prompt_file_is_in_the_package_data() -> None:
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["bot"]
    shipped = {path.relative_to(ROOT) for path in (ROOT / "prompts").rglob("*") if path.is_file()}
    assert len(shipped) > 60  # en, fr and es, each a folder of catalogs, and the glossary
    assert {Path("prompts") / p.relative_to("prompts") for p in _packaged(globs) if p.parts[0] == "prompts"} == shipped


def test_the_package_reads_its_prompts_through_its_own_folder() -> None:
    from bot.adapters.translation.glossary import GLOSSARY_CSV
    from bot.i18n.catalog import PROMPTS_DIR

    assert PROMPTS_DIR == ROOT / "bot" / "prompts"
    assert (ROOT / "bot" / "prompts").resolve() == ROOT / "prompts"  # the link translators never see
    assert GLOSSARY_CSV.parent == PROMPTS_DIR
