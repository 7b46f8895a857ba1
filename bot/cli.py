"""The `floorbot` command. Exit status: 0 success, 1 wrong input or refused action, 2 usage error."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="floorbot",
    help="Runs the live side of virtual multi-stakeholder consultations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def main() -> None:
    app()


# Each area registers its commands here; keep the command bodies in their own modules.
