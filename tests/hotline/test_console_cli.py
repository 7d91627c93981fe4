"""``create-admin`` and ``create-operator``: the password typed twice, short ones
refused, the TOTP secret shown once and working."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pyotp
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from hotline.console import accounts
from hotline.extensions import db
from hotline.models import Operator, Role

PASSWORD = "a long enough password"


def test_create_admin_prints_the_totp_uri_once(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(
        args=["create-admin", "root", "--languages", "es, EN"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    [uri] = [
        line.split(": ", 1)[1]
        for line in result.output.splitlines()
        if "otpauth" in line
    ]
    secret = parse_qs(urlparse(uri).query)["secret"][0]
    with app.app_context():
        admin = db.session.scalar(select(Operator))
        assert (admin.username, admin.role, admin.languages) == (
            "root",
            Role.ADMIN,
            "es,en",
        )
        assert admin.password_hash.startswith("$argon2")
        assert PASSWORD not in admin.password_hash
        assert accounts.check_password(admin, PASSWORD)
        assert accounts.check_code(admin, pyotp.TOTP(secret).now())
        # The number the operators' phone line asks for.
        assert f"operator number (for the operators' phone line): {admin.id}" in (
            result.output
        )


def test_create_operator_with_a_role(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["create-operator", "sue", "--role", "supervisor", "--languages", "pt"],
        input=f"{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(Operator.role)) == Role.SUPERVISOR


def test_short_passwords_and_second_accounts_of_a_name_are_refused(
    app: Flask, runner: FlaskCliRunner
) -> None:
    short = runner.invoke(
        args=["create-operator", "ana"], input="short pass\nshort pass\n"
    )
    assert short.exit_code != 0
    assert "at least 12 characters" in short.output
    mismatch = runner.invoke(
        args=["create-operator", "ana"], input=f"{PASSWORD}\nsomething else\n" * 3
    )
    assert mismatch.exit_code != 0
    runner.invoke(args=["create-operator", "ana"], input=f"{PASSWORD}\n{PASSWORD}\n")
    again = runner.invoke(
        args=["create-operator", "ana"], input=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert "exists already" in again.output
    with app.app_context():
        assert len(db.session.scalars(select(Operator)).all()) == 1
