"""What the hotline keeps encrypted (a person's number during a hand-off, the
operators' TOTP secrets) under CONTACT_ENCRYPTION_KEYS, and a change of key
while the line keeps serving: [old] -> [new, old] -> `reencrypt` -> [new]."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pyotp
import pytest
from conftest import make_app
from cryptography.fernet import Fernet, InvalidToken
from fake_twilio import FakeTwilio
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text
from test_console import PASSWORD, Person, at, claimed_by, waiting

from hotline import MIGRATIONS, create_app, handoff, key_rotation, sealing
from hotline.extensions import db
from hotline.models import Conversation, Operator

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def line(tmp_path: Path, fake_twilio: FakeTwilio, keys: list[str]) -> Flask:
    """The hotline on one database (the same for every deploy of a test),
    sending SMS through the stand-in Twilio, with ``keys``."""
    return make_app(
        tmp_path,
        CONTACT_ENCRYPTION_KEYS=keys,
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_PHONE_NUMBER="+15550100",
        TWILIO_API_URL=fake_twilio.url,
    )


def on(app: Flask, person: Person) -> Person:
    """The same operator in a browser on another deploy of the line, free to
    log in again with the current code."""
    with app.app_context():
        db.session.get(Operator, person.id).last_totp_step = None
        db.session.commit()
    person.app, person.client, person.logged_in = app, app.test_client(), False
    return person


def sealed_contact(app: Flask, conversation_id: int) -> bytes:
    with app.app_context():
        return db.session.get(Conversation, conversation_id).contact


def opens_with(key: str, sealed: bytes) -> bool:
    try:
        Fernet(key).decrypt(sealed)
    except InvalidToken:
        return False
    return True


def reply_reaches(person: Person, conversation_id: int, number: str, fake) -> bool:
    before = len(fake.received)
    text_ = f"reply {before}"
    person.post(at(person.app, conversation_id, "reply"), {"text": text_})
    return any(
        r["form"].get("To") == number and r["form"].get("Body") == text_
        for r in fake.received[before:]
    )


def test_a_key_changes_while_the_line_keeps_serving(
    tmp_path: Path, fake_twilio: FakeTwilio
) -> None:
    # Deploy 1: [old]. A person waits for a reply; an operator has an account.
    old = line(tmp_path, fake_twilio, [OLD])
    ana = Person(old, "ana").log_in()
    first = claimed_by(old, ana, sender="+15550031")
    assert opens_with(OLD, sealed_contact(old, first))

    # Deploy 2: [new, old]. What the old key wrote still reads; new writes
    # use the new key.
    both = line(tmp_path, fake_twilio, [NEW, OLD])
    on(both, ana).log_in()
    assert reply_reaches(ana, first, "+15550031", fake_twilio)
    second = claimed_by(both, ana, sender="+15550032")
    assert opens_with(NEW, sealed_contact(both, second))
    assert not opens_with(OLD, sealed_contact(both, second))

    # `reencrypt` runs while the operator keeps answering people.
    outcome: list = []
    command = threading.Thread(
        target=lambda: outcome.append(both.test_cli_runner().invoke(args=["reencrypt"]))
    )
    command.start()
    assert reply_reaches(ana, first, "+15550031", fake_twilio)
    third = claimed_by(both, ana, sender="+15550033")
    assert reply_reaches(ana, third, "+15550033", fake_twilio)
    command.join()
    [result] = outcome
    assert result.exit_code == 0, result.output

    # Deploy 3: [new]. Everything still reads: numbers and the TOTP secret.
    new = line(tmp_path, fake_twilio, [NEW])
    on(new, ana).log_in()
    for conversation_id, number in (
        (first, "+15550031"),
        (second, "+15550032"),
        (third, "+15550033"),
    ):
        assert reply_reaches(ana, conversation_id, number, fake_twilio)
    with new.app_context():
        for operator in db.session.scalars(select(Operator)):
            assert opens_with(NEW, operator.totp_secret_sealed)


def test_reencrypt_does_not_bring_back_a_number_cleared_meanwhile(
    tmp_path: Path, fake_twilio: FakeTwilio
) -> None:
    """The command read a number just before an operator closed the
    conversation: the number stays forgotten."""
    old = line(tmp_path, fake_twilio, [OLD])
    ana = Person(old, "ana").log_in()
    conversation_id = claimed_by(old, ana, sender="+15550041")
    stale = sealed_contact(old, conversation_id)
    both = line(tmp_path, fake_twilio, [NEW, OLD])
    with both.test_request_context():
        conversation = db.session.get(Conversation, conversation_id)
        handoff.close(conversation, db.session.get(Operator, ana.id))
        db.session.commit()
        assert not key_rotation.reseal_row(Conversation.contact, conversation_id, stale)
    assert sealed_contact(both, conversation_id) is None


def test_reencrypt_says_when_a_needed_key_is_gone(
    tmp_path: Path, fake_twilio: FakeTwilio
) -> None:
    old = line(tmp_path, fake_twilio, [OLD])
    waiting(old, "+15550051")
    result = (
        line(tmp_path, fake_twilio, [NEW]).test_cli_runner().invoke(args=["reencrypt"])
    )
    assert result.exit_code != 0
    assert "open with none of CONTACT_ENCRYPTION_KEYS: 1;" in result.output


def test_reencrypt_twice_rewrites_nothing_the_second_time(
    tmp_path: Path, fake_twilio: FakeTwilio
) -> None:
    old = line(tmp_path, fake_twilio, [OLD])
    waiting(old, "+15550061")
    Person(old, "ana")
    runner = line(tmp_path, fake_twilio, [NEW, OLD]).test_cli_runner()
    assert "re-encrypted 2," in runner.invoke(args=["reencrypt"]).output
    again = runner.invoke(args=["reencrypt"]).output
    assert "re-encrypted 0, already with the newest key 2," in again


# --- TOTP secrets at rest ---------------------------------------------------


def database_dump(app: Flask) -> str:
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as connection:
        return "\n".join(connection.iterdump())


def test_a_copy_of_the_database_holds_no_totp_secret(app: Flask) -> None:
    """Whoever walks off with the database cannot make an operator's codes."""
    ana = Person(app, "ana")
    secret = ana.totp.secret
    dump = database_dump(app)
    assert secret not in dump
    assert secret.encode().hex() not in dump.lower()  # nor as a blob
    ana.log_in()  # and the operator still logs in


class Existing(Person):
    """An operator whose account is already in the database."""

    def __init__(self, app: Flask, operator_id: int, secret: str) -> None:
        self.id, self.totp = operator_id, pyotp.TOTP(secret)
        self.app, self.client = app, app.test_client()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'hotline.db'}"
        return
    from test_postgres import fresh_database

    with fresh_database("aliada_sealing") as url:
        yield url


def test_the_migration_encrypts_the_secrets_already_stored(
    tmp_path: Path, database_url: str
) -> None:
    from alembic.script import ScriptDirectory

    before = (
        ScriptDirectory(str(MIGRATIONS))
        .get_revision("0008_sealed_totp_secrets")
        .down_revision
    )
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "CONVERSATION_KEY_SECRET": "test-secret",
            "CONTACT_ENCRYPTION_KEYS": [NEW],
        }
    )
    secret = pyotp.random_base32()
    with app.app_context():
        upgrade(revision=before)
        db.session.execute(
            text(
                "INSERT INTO operators (username, display_name, password_hash, "
                "totp_secret, role, languages, active, created_at) "
                "VALUES ('ana', 'Ana', :hash, :secret, 'operator', 'en', "
                "true, CURRENT_TIMESTAMP)"
            ),
            {"hash": _password_hash(), "secret": secret},
        )
        db.session.commit()
        upgrade()
        row = db.session.execute(text("SELECT * FROM operators")).mappings().one()
        assert secret not in str(dict(row))
        assert Fernet(NEW).decrypt(bytes(row["totp_secret_sealed"])).decode() == secret
        operator_id = row["id"]
    Existing(app, operator_id, secret).log_in()
    with app.app_context():
        downgrade(revision=before)
        assert (
            db.session.execute(text("SELECT totp_secret FROM operators")).scalar_one()
            == secret
        )
        db.session.remove()
        db.engine.dispose()


def _password_hash() -> str:
    from hotline.console.accounts import hash_password

    return hash_password(PASSWORD)


def test_a_totp_secret_no_key_opens_is_an_error_not_an_empty_secret(
    tmp_path: Path, fake_twilio: FakeTwilio
) -> None:
    """An empty secret would give codes anyone can compute."""
    ana = Person(line(tmp_path, fake_twilio, [OLD]), "ana")
    with line(tmp_path, fake_twilio, [NEW]).app_context():
        operator = db.session.get(Operator, ana.id)
        with pytest.raises(sealing.Unreadable):
            _ = operator.totp_secret
