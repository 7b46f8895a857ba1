"""Lint and type checks run as part of the suite so CI enforces them with the same command."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _tool(name: str) -> str | None:
    """The tool installed beside the interpreter running the suite (the test extra's pinned version), even
    when that venv's bin/ is not on PATH; else the one on PATH."""
    return shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)


@pytest.mark.slow
def test_ruff_is_clean() -> None:
    ruff = _tool("ruff")
    assert ruff, "ruff is part of the test extra"
    cmd = [ruff, "check", "bot", "tests", "bench"]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_the_layers_hold() -> None:
    """The import contracts of pyproject.toml ([tool.importlinter]): domain pure, app over ports, adapters apart."""
    lint = _tool("lint-imports")
    assert lint, "import-linter is part of the test extra"
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_module_in_bot_is_over_420_lines() -> None:
    """Small modules with names that explain themselves: a module past ~400 lines is doing several jobs."""
    sizes = {p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
             for p in (ROOT / "bot").rglob("*.py") if "migrations" not in p.parts}
    assert sizes, "the package's modules were found"
    assert {path: n for path, n in sizes.items() if n > 420} == {}
