"""``flask --app hotline create-admin`` and ``create-operator``: accounts with
a password typed twice and a TOTP secret shown once for the authenticator app;
``set-phone-pin``, ``add-operator-phone`` and ``remove-operator-phone``: what
the operators' phone line asks for besides the code."""

from __future__ import annotations

import click
from flask import Flask

from hotline.console import accounts, operator_phones
from hotline.console.accounts import AccountError, create_operator
from hotline.extensions import db
from hotline.handoff import audit
from hotline.models import Operator, Role

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
    click.echo(
        "For the operators' phone line, set a PIN (set-phone-pin) and add "
        "the person's phones (add-operator-phone)."
    )


def _operator(username: str) -> Operator:
    operator = accounts.find(username)
    if operator is None:
        raise click.ClickException(f"no account named {username!r}")
    return operator


def _audit(operator: Operator, action: str) -> None:
    """In the audit log under the account it changed, as done from here."""
    audit(operator, action, detail="command line")
    db.session.commit()


def _echo_phones(operator: Operator) -> None:
    """How many phones, never which: only their keyed hashes are kept."""
    total = operator_phones.count(operator)
    click.echo(
        f"{operator.username!r} may call the operators' line from {total} phone(s)"
    )


def _e164(number: str) -> str:
    try:
        return operator_phones.e164(number)
    except operator_phones.NotANumber as error:
        raise click.ClickException(
            f"not a phone number ({error}); write it with + and the country code"
        ) from error


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

    @app.cli.command("set-phone-pin")
    @click.argument("username")
    def set_phone_pin(username: str) -> None:
        """Set the PIN the operators' phone line asks USERNAME for (typed by
        that person; operators can also change it in the console)."""
        operator = _operator(username)
        pin = click.prompt(
            "Phone PIN (6 to 10 digits)", hide_input=True, confirmation_prompt=True
        )
        try:
            accounts.set_phone_pin(operator, pin)
        except AccountError as error:
            raise click.ClickException(str(error)) from error
        _audit(operator, "phone_pin_set")
        click.echo(f"phone PIN set for {operator.username!r}")

    @app.cli.command("add-operator-phone")
    @click.argument("username")
    @click.argument("number")
    def add_operator_phone(username: str, number: str) -> None:
        """Let USERNAME call the operators' line from NUMBER (+ and country
        code). Only a keyed hash of it is kept."""
        operator = _operator(username)
        operator_phones.add(operator, _e164(number))
        _audit(operator, "phone_added")
        _echo_phones(operator)

    @app.cli.command("remove-operator-phone")
    @click.argument("username")
    @click.argument("number")
    def remove_operator_phone(username: str, number: str) -> None:
        """Stop USERNAME calling the operators' line from NUMBER (a lost or
        changed phone)."""
        operator = _operator(username)
        if not operator_phones.remove(operator, _e164(number)):
            raise click.ClickException(
                f"that number is not one of {operator.username!r}'s"
            )
        _audit(operator, "phone_removed")
        _echo_phones(operator)
