"""The whole hand-off with the real Rasa and action server: a person asks for
someone, an operator logs in (password and TOTP), claims, replies on the
person's channel, hands back, and the bot answers the next message."""

from __future__ import annotations

from pathlib import Path

import pytest
from bot_texts import bot_says
from conftest import Twilio, make_app, message_bodies, new_session
from fake_twilio import FakeTwilio
from flask import Flask
from sqlalchemy import select
from test_console import Person

from bot.stack import Stack
from hotline import texts
from hotline.extensions import db
from hotline.models import Conversation, MessageStatus, State
from hotline.privacy import pseudonym

SENDER = "+15557770101"
LINE_NUMBER = "+15550100"


@pytest.fixture
def line(tmp_path: Path, bot_stack: Stack, fake_twilio: FakeTwilio) -> Flask:
    return make_app(
        tmp_path,
        RASA_URL=bot_stack.config.rasa_url,
        TWILIO_ACCOUNT_SID="AC" + "2" * 32,
        TWILIO_PHONE_NUMBER=LINE_NUMBER,
        TWILIO_API_URL=fake_twilio.url,
        PUBLIC_URL="https://line.example.org",
    )


def the_conversation(app: Flask, channel: str) -> Conversation:
    with app.app_context():
        return db.session.scalars(
            select(Conversation).where(Conversation.channel == channel)
        ).one()


def take_over(app: Flask, conversation: Conversation) -> Person:
    """An operator logs in, finds the conversation in the queue and claims it."""
    ana = Person(app, "ana", languages="es,en").log_in()
    queue = ana.client.get("/console/").get_data(as_text=True)
    assert pseudonym(conversation.key) in queue
    assert SENDER not in queue and SENDER[2:] not in queue
    ana.post(f"/console/c/{conversation.public_id}/claim")
    assert the_conversation(app, conversation.channel).state == State.WITH_OPERATOR
    return ana


def test_sms_person_is_helped_by_an_operator_then_by_the_bot_again(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    person = Twilio(line.test_client())
    [asked] = message_bodies(person.sms("I want to talk to a person", sender=SENDER))
    assert asked == bot_says("utter_handoff", "en")
    conversation = the_conversation(line, "sms")
    assert conversation.state == State.WAITING

    ana = take_over(line, conversation)
    ana.post(
        f"/console/c/{conversation.public_id}/reply",
        {"text": "Hi, I am Ana. Are you safe?"},
    )
    [sent] = fake_twilio.received
    assert (sent["form"]["To"], sent["form"]["From"]) == (SENDER, LINE_NUMBER)
    assert sent["form"]["Body"] == "Hi, I am Ana. Are you safe?"

    # While Ana has it, what the person writes reaches her, not the bot.
    assert (
        message_bodies(person.sms("yes, I am at a friend's house", sender=SENDER)) == []
    )
    page = ana.client.get(f"/console/c/{conversation.public_id}").get_data(as_text=True)
    assert "yes, I am at a friend&#39;s house" in page

    ana.post(f"/console/c/{conversation.public_id}/return")
    assert fake_twilio.received[-1]["form"]["Body"] == texts.BACK_TO_BOT("en")
    assert the_conversation(line, "sms").contact is None  # the number is forgotten

    [answer] = message_bodies(person.sms("I need a safe place to stay", sender=SENDER))
    assert bot_says("utter_shelter_info", "en") in answer


def test_web_chat_visitor_gets_the_operators_reply_in_the_widget(line: Flask) -> None:
    client = line.test_client()
    session_id = new_session(client)
    first = client.post(
        "/webchat/api/v1/messages",
        json={
            "session_id": session_id,
            "text": "quiero hablar con una persona",
            "language": None,
        },
    ).json
    assert first["handoff"] == "request_human" and first["language"] == "es"
    conversation = the_conversation(line, "webchat")

    ana = take_over(line, conversation)
    ana.post(f"/console/c/{conversation.public_id}/reply", {"text": "Hola, soy Ana."})
    fetched = client.post(
        "/webchat/api/v1/replies", json={"session_id": session_id, "after": 0}
    ).json
    assert [(m["text"], m["from"]) for m in fetched["messages"]] == [
        ("Hola, soy Ana.", "operator")
    ]

    ana.post(f"/console/c/{conversation.public_id}/close")
    with line.app_context():
        closed = db.session.get(Conversation, conversation.id)
        assert closed.state == State.CLOSED
        assert [m.status for m in closed.messages if m.operator_id] == [
            MessageStatus.SENT
        ]
    # After closing, the next message is the bot's again.
    again = client.post(
        "/webchat/api/v1/messages",
        json={
            "session_id": session_id,
            "text": "necesito un lugar seguro",
            "language": None,
        },
    ).json
    assert any(
        bot_says("utter_shelter_info", "es", sms=False) in r["text"]
        for r in again["replies"]
    )
