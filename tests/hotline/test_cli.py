"""The hotline's commands: migrations and the retention purge."""

from __future__ import annotations

from datetime import timedelta

from conftest import Twilio
from flask import Flask
from sqlalchemy import func, select

from hotline.extensions import db
from hotline.models import Conversation, Message, utcnow


def test_upgrade_db_is_idempotent(runner) -> None:
    result = runner.invoke(args=["upgrade-db"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_purge_deletes_only_conversations_past_retention(app: Flask, runner) -> None:
    twilio = Twilio(app.test_client())
    twilio.sms("old message", sender="+15550001")
    twilio.sms("recent message", sender="+15550002")
    with app.app_context():
        old = db.session.scalars(select(Conversation).order_by(Conversation.id)).first()
        old.last_message_at = utcnow() - timedelta(days=31)
        db.session.commit()

    result = runner.invoke(args=["purge"])

    assert result.exit_code == 0, result.output
    assert "deleted 1 conversations, 0 events" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Conversation.id))) == 1
        left = db.session.scalars(select(Message.text)).all()
    assert "old message" not in left and "recent message" in left


def test_the_migrations_build_exactly_the_models(runner) -> None:
    """A model changed without its migration would fail here, not in production."""
    from hotline import MIGRATIONS

    result = runner.invoke(args=["db", "check", "-d", str(MIGRATIONS)])
    assert result.exit_code == 0, result.output
