"""``flask --app hotline create-admin`` and ``create-operator``: accounts with
a password typed twice and a TOTP secret shown once for the authenticator app."""

from __future__ import annotations

import click
from flask import Flask

from hotline.console.accounts import AccountError, create_operator
from hotline.models import Role

LANGUAGES_HELP = "Language codes this person answers in, comma-separated: es,en"


def _create(username: str, role: str, languages: str, display_name: str | None) -> None:
    password = click.prompt(
        "Password (at least 12 characters)",
        hide_input=True,
        confirmation_prompt=True,
    )
    try:
        account = create_operator(username, password, role, languages, display_name)
    except AccountError as error:
        raise click.ClickException(str(error)) from error
    operator = account.operator
    click.echo(f"created {operator.role} {operator.username!r} ({operator.languages})")
    click.echo(f"operator number (for the operators' phone line): {operator.id}")
    click.echo("Add this account to an authenticator app now; it is shown once.")
    click.echo(f"otpauth URI: {account.totp_uri}")
    click.echo(f"secret (to type in): {operator.totp_secret}")


def init_app(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.argument("username")
    @click.option("--languages", default="", help=LANGUAGES_HELP)
    @click.option("--name", "display_name", help="Name shown to colleagues.")
    def create_admin(username: str, languages: str, display_name: str | None) -> None:
        """Create an administrator (the first account of a new line)."""
        _create(username, Role.ADMIN, languages, display_name)

    @app.cli.command("create-operator")
    @click.argument("username")
    @click.option(
        "--role",
        type=click.Choice([Role.OPERATOR.value, Role.SUPERVISOR.value]),
        default=Role.OPERATOR.value,
        show_default=True,
    )
    @click.option("--languages", default="", help=LANGUAGES_HELP)
    @click.option("--name", "display_name", help="Name shown to colleagues.")
    def create_operator_command(
        username: str, role: str, languages: str, display_name: str | None
    ) -> None:
        """Create an operator or a supervisor account."""
        _create(username, role, languages, display_name)
