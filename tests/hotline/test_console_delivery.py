"""What the console does when an operator's reply cannot go out: a refused or
impossible send is kept and shown as failed (with a way to send it again); a
database that fails mid-delivery leaves the reply kept and the console usable;
a bug in delivery is an error everyone sees, never swallowed."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from conftest import make_app
from fake_twilio import FakeTwilio
from flask import Flask
from sqlalchemy import event, select
from test_console import Person, at, claimed_by, stored

from hotline import delivery
from hotline.extensions import db
from hotline.models import (
    Conversation,
    ConversationEvent,
    Message,
    MessageStatus,
    State,
)
from hotline.twilio_rest import OutgoingSms

# Waiting this long for a lock is enough to find the database locked.
LOCK_TIMEOUT_SECONDS = 0.2


@pytest.fixture
def line(tmp_path: Path, fake_twilio: FakeTwilio) -> Flask:
    """The hotline sending SMS through the stand-in Twilio; SQLite gives up
    on a lock quickly, so a locked database shows at once."""
    return make_app(
        tmp_path,
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_PHONE_NUMBER="+15550100",
        TWILIO_API_URL=fake_twilio.url,
        TWILIO_API_TIMEOUT_SECONDS=1.0,
        SQLALCHEMY_ENGINE_OPTIONS={
            "hide_parameters": True,
            "connect_args": {"timeout": LOCK_TIMEOUT_SECONDS},
        },
    )


def page(person: Person, conversation_id: int) -> str:
    return person.client.get(at(person.app, conversation_id)).get_data(as_text=True)


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_reply_twilio_refuses_is_kept_and_shown_as_failed(
    line: Flask, fake_twilio: FakeTwilio, caplog: pytest.LogCaptureFixture
) -> None:
    ana = Person(line, "ana").log_in()
    conversation_id = claimed_by(line, ana)
    fake_twilio.answers.append((400, {"code": 21610, "message": "unsubscribed"}))
    response = ana.post(at(line, conversation_id, "reply"), {"text": "Hola"})
    assert response.status_code == 302
    [reply] = stored(line, Message, Message.direction == "out")
    assert (reply.text, reply.status) == ("Hola", MessageStatus.FAILED)
    [failed] = stored(
        line, ConversationEvent, ConversationEvent.kind == "delivery_failed"
    )
    assert failed.detail == "21610"
    shown = page(ana, conversation_id)
    assert "Hola" in shown and "status-failed" in shown
    assert f"/m/{reply.id}/retry" in shown  # the operator can send it again
    assert errors(caplog) == []


def test_a_bug_in_delivery_is_not_swallowed(
    line: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A programming error is a 500 with its traceback in the log (and counted
    in aliada_errors_total), not a quiet warning: the reply was kept before
    delivery began, so nothing is lost, and the retry job sends it later."""
    ana = Person(line, "ana").log_in()
    conversation_id = claimed_by(line, ana)

    def broken(*args: object, **kwargs: object) -> list[str]:
        raise TypeError("a bug in composing the SMS")

    monkeypatch.setattr(delivery, "compose", broken)
    response = ana.post(at(line, conversation_id, "reply"), {"text": "Hola"})
    assert response.status_code == 500
    assert errors(caplog) == [f"unexpected error on {at(line, conversation_id)}/reply"]
    [reply] = stored(line, Message, Message.direction == "out")
    assert (reply.text, reply.status) == ("Hola", MessageStatus.QUEUED)


def test_a_database_failing_mid_delivery_leaves_the_console_working(
    line: Flask, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The hand-back greeting is sent, then the database is locked when its
    status is written: the greeting stays kept (QUEUED, for the retry job),
    the hand-back itself still happens, and nothing is logged as an error."""
    ana = Person(line, "ana").log_in()
    conversation_id = claimed_by(line, ana)
    database = line.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    holders: list[sqlite3.Connection] = []

    def sent_then_locked(outgoing: OutgoingSms) -> str:
        other = sqlite3.connect(database, timeout=0, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another writer holds the database
        holders.append(other)
        return "SM" + "7" * 32

    def let_go(*_: object) -> None:  # once our side gave up (rolled back)
        while holders:
            holders.pop().close()

    monkeypatch.setattr(delivery, "send_message", sent_then_locked)
    with line.app_context():
        event.listen(db.engine, "rollback", let_go)
    try:
        response = ana.post(at(line, conversation_id, "return"))
    finally:
        let_go()
    assert response.status_code == 302, response.get_data(as_text=True)[:200]
    assert errors(caplog) == []
    assert any("database" in r.getMessage() for r in caplog.records)
    [greeting] = stored(line, Message, Message.direction == "out")
    assert greeting.status == MessageStatus.QUEUED
    with line.app_context():
        conversation = db.session.scalar(select(Conversation))
        assert conversation.state == State.BOT
