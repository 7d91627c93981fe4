"""``flask --app hotline figures``: the line's figures as CSV or JSON, small
numbers always withheld (README, "Figures")."""

from __future__ import annotations

import json
from datetime import date, datetime

import click
from flask import Flask

from hotline.figures import publish
from hotline.figures.cells import DIMENSIONS


def _by(_context: click.Context, _parameter: click.Parameter, value: str) -> tuple:
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    if "week" not in names or not set(names) <= set(DIMENSIONS):
        raise click.BadParameter(
            f"a comma-separated list of {', '.join(DIMENSIONS)}, with week"
        )
    return names


def init_app(app: Flask) -> None:
    @app.cli.command("figures")
    @click.option(
        "--since", required=True, type=click.DateTime(["%Y-%m-%d"]),
        help="First day (YYYY-MM-DD); its whole week counts.",
    )  # fmt: skip
    @click.option(
        "--until", type=click.DateTime(["%Y-%m-%d"]),
        help="Last day (YYYY-MM-DD), its whole week counting [today].",
    )  # fmt: skip
    @click.option(
        "--by", default=",".join(DIMENSIONS), callback=_by, show_default=True,
        help="The dimensions of the rows, comma-separated; week always.",
    )  # fmt: skip
    @click.option(
        "--format", "form", type=click.Choice(["csv", "json"]), default="csv",
        show_default=True,
    )  # fmt: skip
    @click.option(
        "--output", type=click.Path(dir_okay=False, writable=True),
        help="Write to this file instead of standard output.",
    )  # fmt: skip
    def figures(
        since: datetime,
        until: datetime | None,
        by: tuple[str, ...],
        form: str,
        output: str | None,
    ) -> None:
        """The line's weekly figures, small numbers withheld (FIGURES_THRESHOLD)."""
        last = until.date() if until else date.today()
        if last < since.date():
            raise click.BadParameter("is before --since", param_hint="--until")
        view = publish.published(since.date(), last, by)
        text = (
            publish.to_csv(view)
            if form == "csv"
            else json.dumps(publish.to_json(view), indent=2) + "\n"
        )
        if output:
            with open(output, "w", encoding="utf-8", newline="") as file:
                file.write(text)
        else:
            click.echo(text, nl=False)
