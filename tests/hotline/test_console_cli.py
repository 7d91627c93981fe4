"""``create-admin`` and ``create-operator``: the password typed twice, short ones
refused, the TOTP secret shown once and working; the phone line's PIN and
phones set from the command line."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pyotp
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import select

from hotline.console import accounts, operator_phones
from hotline.extensions import db
from hotline.models import AuditEntry, Operator, Role

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


def test_the_phone_line_factors_are_set_from_the_command_line(
    app: Flask, runner: FlaskCliRunner
) -> None:
    runner.invoke(args=["create-operator", "ana"], input=f"{PASSWORD}\n{PASSWORD}\n")
    easy = runner.invoke(args=["set-phone-pin", "ana"], input="123456\n123456\n")
    assert easy.exit_code != 0 and "too easy" in easy.output
    pin = runner.invoke(args=["set-phone-pin", "ana"], input="402718\n402718\n")
    assert pin.exit_code == 0, pin.output
    added = runner.invoke(args=["add-operator-phone", "ana", "+1 500 555 0006"])
    assert added.exit_code == 0, added.output
    assert "from 1 phone(s)" in added.output
    assert "5005550006" not in added.output  # never echoed back
    not_a_number = runner.invoke(args=["add-operator-phone", "ana", "call me"])
    assert not_a_number.exit_code != 0 and "not a phone number" in not_a_number.output
    nobody = runner.invoke(args=["add-operator-phone", "zoe", "+15005550006"])
    assert nobody.exit_code != 0 and "no account named 'zoe'" in nobody.output
    with app.app_context():
        ana = accounts.find("ana")
        assert accounts.check_phone_pin(ana, "402718")
        key = operator_phones.number_key("+15005550006")
        assert operator_phones.is_allowed(ana, key)
        actions = db.session.scalars(select(AuditEntry.action)).all()
        assert actions == ["phone_pin_set", "phone_added"]
    removed = runner.invoke(args=["remove-operator-phone", "ana", "+15005550006"])
    assert removed.exit_code == 0 and "from 0 phone(s)" in removed.output
    again = runner.invoke(args=["remove-operator-phone", "ana", "+15005550006"])
    assert again.exit_code != 0
    with app.app_context():
        assert not operator_phones.is_allowed(accounts.find("ana"), key)
