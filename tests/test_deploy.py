"""The deployment files say what the README says: the Dockerfile installs as the README does and runs the
`floorbot` command; it is slim, not root, and checks /healthz. Parsed, not built (no Docker in the suite)."""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import sqlite3
import subprocess
import tomllib
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import psycopg
import pytest
from ruamel.yaml import YAML
from sqlalchemy.engine import make_url

from bot.wiring import open_store
from tests.conftest import ROOT

POSTGRES_URL = os.environ.get("FLOORBOT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def readme_install() -> list[str]:
    """The README's first command: `pip install … && floorbot …`, split into words."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("```bash", 1)[1].split("```", 1)[0]
    line = next(line for line in block.splitlines() if line.startswith("pip install -e . &&"))
    return shlex.split(line)


def test_the_dockerfile_installs_and_runs_as_the_readme_says() -> None:
    steps = instructions(ROOT / "Dockerfile")
    first = readme_install()
    install, command = first[: first.index("&&")], first[first.index("&&") + 1]
    runs = [shlex.split(arguments) for word, arguments in steps if word == "RUN"]
    pips = [words[: words.index("&&")] if "&&" in words else words for words in runs if words[:2] == ["pip", "install"]]
    assert len(pips) == 1, "one install"
    (pip,) = pips
    assert [w for w in pip if w not in ("-c", "constraints.txt")] == install, "the README's install, pinned"
    assert "constraints.txt" in pip
    entry = json.loads(next(arguments for word, arguments in steps if word == "ENTRYPOINT"))
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert entry == [command] and command in scripts, "the README's command, the package's entry point"
    cmd = json.loads(next(arguments for word, arguments in steps if word == "CMD"))
    assert cmd[0] == "serve"


def test_the_image_is_slim_not_root_and_checks_healthz() -> None:
    steps = instructions(ROOT / "Dockerfile")
    base = next(arguments for word, arguments in steps if word == "FROM")
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["requires-python"]
    assert re.fullmatch(r"python:3\.(\d+)-slim", base) and int(base.split(".")[1].split("-")[0]) >= int(
        requires.split(".")[1])
    users = [arguments for word, arguments in steps if word == "USER"]
    assert users and users[-1] not in ("root", "0")
    healthcheck = next(arguments for word, arguments in steps if word == "HEALTHCHECK")
    assert "/healthz" in healthcheck and "CMD" in healthcheck
    env = " ".join(arguments for word, arguments in steps if word == "ENV")
    assert "FLOORBOT_HOST=0.0.0.0" in env, "reachable from outside the container"


def test_compose_runs_the_image_on_postgresql() -> None:
    compose = YAML(typ="safe").load((ROOT / "deploy" / "compose.yaml").read_text(encoding="utf-8"))
    bot, db = compose["services"]["floorbot"], compose["services"]["db"]
    assert db["image"].startswith("postgres:")
    assert bot["environment"]["FLOORBOT_DATABASE_URL"].startswith("postgresql://")
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["command"][0] == "serve"


def test_the_unit_and_the_proxy_point_at_the_same_place() -> None:
    unit = (ROOT / "deploy" / "floorbot.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/floorbot/venv/bin/floorbot serve " in unit and "User=floorbot" in unit
    proxy = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "listen 443 ssl" in proxy and "proxy_pass http://127.0.0.1:3000" in proxy and "FLOORBOT_PORT=3000" in unit


async def test_the_documented_sqlite_backup_copies_a_running_store(tmp_path: Path) -> None:
    """docs/deploy.md: sqlite3's backup (the `.backup` command, or Python's) while the bot holds the file."""
    from datetime import UTC, datetime

    from bot.domain.agenda.recovery import LedgerState

    live = tmp_path / "floorbot.sqlite"
    store = await open_store(f"sqlite:///{live}")
    try:
        now = datetime(2026, 12, 1, 9, tzinfo=UTC)
        assert await store.ledger.claim_cue("opening/start", "me", now)
        await store.ledger.mark_cue("opening/start", LedgerState.POSTED, now)
        copy = tmp_path / "copy.sqlite"
        with closing(sqlite3.connect(live)) as source, closing(sqlite3.connect(copy)) as target:
            source.backup(target)
    finally:
        await store.close()
    restored = await open_store(f"sqlite:///{copy}")
    try:
        assert await restored.ledger.cue_states() == {"opening/start": LedgerState.POSTED}
    finally:
        await restored.close()
    assert "sqlite3 /var/lib/floorbot/floorbot.sqlite \".backup '" in (ROOT / "docs" / "deploy.md").read_text()


def documented_postgres_commands() -> list[str]:
    """docs/deploy.md's pg_dump and pg_restore lines, as an operator would paste them."""
    block = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8").split("PostgreSQL: `pg_dump`", 1)[1]
    block = block.split("```bash", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.startswith(("pg_dump ", "pg_restore "))]


@pytest.fixture
def scratch_database() -> Iterator[str]:
    """A database of its own on the test PostgreSQL (the documented commands work on a whole database)."""
    server = make_url(POSTGRES_URL).set(drivername="postgresql")
    name = f"floorbot_backup_{secrets.token_hex(6)}"
    admin = server.render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.mark.skipif(shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
                    reason="PostgreSQL's client tools (pg_dump, pg_restore) are not installed")
async def test_the_documented_postgresql_backup_restores_the_bots_rows(tmp_path: Path, scratch_database: str) -> None:
    """docs/deploy.md's pg_dump, then its pg_restore over a store that moved on after it: the backup's rows
    come back, what was written after it goes, and the schema is this version's."""
    from datetime import UTC, datetime

    from bot.adapters.store.migrate import current_revision, head_revision
    from bot.domain.agenda.recovery import LedgerState

    dump, restore = documented_postgres_commands()
    backups = tmp_path / "backup"
    backups.mkdir()
    dump = dump.replace("$(date +%F)", "2026-12-01")

    def run(command: str) -> None:
        line = command.replace("/backup/", f"{backups}/")
        done = subprocess.run(["bash", "-c", line], env={**os.environ, "FLOORBOT_DATABASE_URL": scratch_database},
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, f"{line}\n{done.stderr}"

    store_url = scratch_database  # the bot takes the same postgresql:// URL as the tools
    now = datetime(2026, 12, 1, 9, tzinfo=UTC)
    store = await open_store(store_url)
    try:
        for cue in ("opening/start", "session-1/start"):
            assert await store.ledger.claim_cue(cue, "me", now)
            await store.ledger.mark_cue(cue, LedgerState.POSTED, now)
        run(dump)
        assert await store.ledger.claim_cue("session-1/end", "me", now)  # after the backup: the restore drops it
    finally:
        await store.close()
    run(restore)
    restored = await open_store(store_url)
    try:
        states = await restored.ledger.cue_states()
    finally:
        await restored.close()
    assert states == {
        "opening/start": LedgerState.POSTED, "session-1/start": LedgerState.POSTED}
    assert await current_revision(store_url) == head_revision()
