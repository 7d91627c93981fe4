"""Operators' replies reach the person on their channel: SMS and WhatsApp through
Twilio's REST API (a local HTTP server stands in for it), the web chat through
the widget's fetch; failures are kept, shown as FAILED and retried, and the
person's number appears in no log and no event."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta
from typing import Any

import pytest
from conftest import AUTH_TOKEN, Twilio
from fake_twilio import FakeTwilio
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select
from test_webchat_openapi import assert_matches_document

from hotline import delivery, texts
from hotline.conversations import find_or_start, keep
from hotline.extensions import db
from hotline.handoff import request_person
from hotline.models import (
    Channel,
    Conversation,
    ConversationEvent,
    Message,
    MessageStatus,
    Operator,
    utcnow,
)
from hotline.webchat.openapi import OPENAPI

ACCOUNT_SID = "AC" + "1" * 32
LINE_NUMBER = "+15550100"
WHATSAPP_NUMBER = "+15550111"
PERSON = "+15557654321"
REPLY = "Hola, soy Ana. Te ayudo con el albergue."
FETCH = "/webchat/api/v1/replies"


@pytest.fixture
def line(app: Flask, fake_twilio: FakeTwilio) -> Flask:
    """The hotline configured to send through the stand-in Twilio."""
    app.config.update(
        TWILIO_ACCOUNT_SID=ACCOUNT_SID,
        TWILIO_PHONE_NUMBER=LINE_NUMBER,
        TWILIO_WHATSAPP_NUMBER=WHATSAPP_NUMBER,
        TWILIO_API_URL=fake_twilio.url,
        TWILIO_API_TIMEOUT_SECONDS=0.3,
        PUBLIC_URL="https://line.example.org/",
    )
    return app


def handed_off(app: Flask, channel: str, address: str) -> int:
    """A conversation whose person wrote and asked for a person."""
    with app.test_request_context():
        conversation = find_or_start(channel, address)
        keep(conversation, "necesito ayuda", MessageStatus.FOR_PERSON)
        request_person(conversation, "request_human", "normal", address)
        db.session.commit()
        return conversation.id


def send_reply(app: Flask, conversation_id: int, text: str = REPLY) -> int:
    """What the console does: store the operator's reply, then deliver it."""
    with app.test_request_context():
        operator = Operator(
            username=f"op{conversation_id}-{text[:3]}",
            display_name="Ana",
            password_hash="x",
            totp_secret="x",
        )
        db.session.add(operator)
        db.session.flush()
        message = Message(
            conversation_id=conversation_id,
            direction="out",
            text=text,
            status=MessageStatus.QUEUED,
            operator_id=operator.id,
        )
        db.session.add(message)
        db.session.commit()
        delivery.deliver(message)
        return message.id


def stored(app: Flask, message_id: int) -> Message:
    with app.app_context():
        message = db.session.get(Message, message_id)
        db.session.expunge(message)
        return message


def failure_details(app: Flask) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(ConversationEvent.detail).where(
                    ConversationEvent.kind == "delivery_failed"
                )
            )
        )


def basic_auth(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_sms_reply_goes_to_the_decrypted_number_with_a_status_callback(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    message_id = send_reply(line, handed_off(line, Channel.SMS, PERSON))

    [request] = fake_twilio.received
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert request["authorization"] == basic_auth(ACCOUNT_SID, AUTH_TOKEN)
    assert request["form"] == {
        "To": PERSON,
        "From": LINE_NUMBER,
        "Body": REPLY,
        "StatusCallback": "https://line.example.org/twilio/sms/status",
    }
    message = stored(line, message_id)
    assert message.status == MessageStatus.SENT
    assert message.provider_id == "SM" + "1".zfill(32)
    assert message.attempts == 1


def test_whatsapp_reply_is_sent_from_the_whatsapp_number(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    text = "“Aquí estoy” — Ana"  # WhatsApp keeps typographic punctuation
    send_reply(line, handed_off(line, Channel.WHATSAPP, f"whatsapp:{PERSON}"), text)

    [request] = fake_twilio.received
    assert request["form"]["To"] == f"whatsapp:{PERSON}"
    assert request["form"]["From"] == f"whatsapp:{WHATSAPP_NUMBER}"
    assert request["form"]["Body"] == text


def test_whatsapp_reply_after_24_hours_of_silence_is_not_sent(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    conversation_id = handed_off(line, Channel.WHATSAPP, f"whatsapp:{PERSON}")
    with line.app_context():
        for message in db.session.scalars(select(Message)):
            message.created_at = utcnow() - timedelta(hours=25)
        db.session.commit()

    message_id = send_reply(line, conversation_id)

    assert fake_twilio.received == []
    assert stored(line, message_id).status == MessageStatus.FAILED
    assert failure_details(line) == ["whatsapp_window"]


@pytest.mark.parametrize(
    ("trouble", "detail"),
    [
        ((500, {"code": 20500, "message": f"Internal error for {PERSON}"}), "20500"),
        ("hang", "ReadTimeout"),
    ],
)
def test_a_failed_send_is_kept_without_the_number_and_a_retry_sends_it(
    line: Flask,
    fake_twilio: FakeTwilio,
    caplog: pytest.LogCaptureFixture,
    trouble: Any,
    detail: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    fake_twilio.answers.append(trouble)
    message_id = send_reply(line, handed_off(line, Channel.SMS, PERSON))

    failed = stored(line, message_id)
    assert (failed.status, failed.attempts, failed.provider_id) == (
        MessageStatus.FAILED,
        1,
        None,
    )
    assert failure_details(line) == [detail]

    with line.app_context():
        assert delivery.retry_failed() == 1
    retried = stored(line, message_id)
    assert (retried.status, retried.attempts) == (MessageStatus.SENT, 2)
    assert [r["form"]["To"] for r in fake_twilio.received] == [PERSON, PERSON]
    assert "7654321" not in caplog.text
    assert REPLY not in caplog.text


def test_no_number_kept_means_failed_and_retries_stop_after_three_attempts(
    line: Flask, fake_twilio: FakeTwilio, runner: FlaskCliRunner
) -> None:
    conversation_id = handed_off(line, Channel.SMS, PERSON)
    with line.app_context():
        db.session.get(Conversation, conversation_id).contact = None
        db.session.commit()
    message_id = send_reply(line, conversation_id)

    for _ in range(3):
        assert runner.invoke(args=["retry-deliveries"]).output == "0 replies sent\n"

    message = stored(line, message_id)
    assert (message.status, message.attempts) == (MessageStatus.FAILED, 3)
    assert failure_details(line) == ["no_contact"] * 3
    assert fake_twilio.received == []


def test_the_retry_command_sends_what_failed(
    line: Flask, fake_twilio: FakeTwilio, runner: FlaskCliRunner
) -> None:
    fake_twilio.answers.append((503, {}))
    message_id = send_reply(line, handed_off(line, Channel.SMS, PERSON))
    assert failure_details(line) == ["http_503"]

    assert runner.invoke(args=["retry-deliveries"]).output == "1 replies sent\n"
    assert stored(line, message_id).status == MessageStatus.SENT


def test_a_reply_left_queued_by_a_stopped_process_is_sent_by_the_retry(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    conversation_id = handed_off(line, Channel.SMS, PERSON)
    with line.app_context():
        fresh, stuck = (
            Message(
                conversation_id=conversation_id,
                direction="out",
                text=REPLY,
                status=MessageStatus.QUEUED,
                created_at=utcnow() - timedelta(minutes=minutes),
            )
            for minutes in (0, 10)
        )
        db.session.add_all([fresh, stuck])
        db.session.commit()
        assert delivery.retry_failed() == 1
        assert (fresh.status, stuck.status) == (
            MessageStatus.QUEUED,
            MessageStatus.SENT,
        )
    assert len(fake_twilio.received) == 1


def test_without_twilio_settings_the_reply_fails_visibly(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    line.config["TWILIO_ACCOUNT_SID"] = ""
    message_id = send_reply(line, handed_off(line, Channel.SMS, PERSON))
    assert stored(line, message_id).status == MessageStatus.FAILED
    assert failure_details(line) == ["not_configured"]
    assert fake_twilio.received == []


def test_a_person_who_sent_stop_gets_no_reply(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    conversation_id = handed_off(line, Channel.SMS, PERSON)
    with line.app_context():
        db.session.get(Conversation, conversation_id).opted_out = True
        db.session.commit()
    message_id = send_reply(line, conversation_id)
    assert stored(line, message_id).status == MessageStatus.FAILED
    assert failure_details(line) == ["opted_out"]
    assert fake_twilio.received == []


def test_a_caller_cannot_be_sent_text(line: Flask, fake_twilio: FakeTwilio) -> None:
    message_id = send_reply(line, handed_off(line, Channel.VOICE, PERSON))
    assert stored(line, message_id).status == MessageStatus.FAILED
    assert failure_details(line) == ["voice"]
    with line.app_context():
        assert delivery.retry_failed() == 0
    assert fake_twilio.received == []


# Twilio's delivery reports


def status_report(sid: str, status: str, **extra: str) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "MessageStatus": status,
        "AccountSid": ACCOUNT_SID,
        "To": PERSON,
        "From": LINE_NUMBER,
        **extra,
    }


def test_delivery_reports_confirm_or_fail_the_reply(
    line: Flask, fake_twilio: FakeTwilio, twilio: Twilio
) -> None:
    message_id = send_reply(line, handed_off(line, Channel.SMS, PERSON))
    sid = stored(line, message_id).provider_id
    assert sid

    delivered = twilio.post("/twilio/sms/status", status_report(sid, "delivered"))
    assert delivered.status_code == 200
    assert stored(line, message_id).status == MessageStatus.SENT

    undelivered = status_report(sid, "undelivered", ErrorCode="30003")
    assert twilio.post("/twilio/sms/status", undelivered).status_code == 200
    assert stored(line, message_id).status == MessageStatus.FAILED
    assert failure_details(line) == ["30003"]

    # A late "sent" does not hide the failure.
    twilio.post("/twilio/sms/status", status_report(sid, "sent"))
    assert stored(line, message_id).status == MessageStatus.FAILED


def test_a_report_for_an_unknown_message_changes_nothing(
    line: Flask, twilio: Twilio
) -> None:
    message_id = send_reply(line, handed_off(line, Channel.SMS, PERSON))
    response = twilio.post("/twilio/sms/status", status_report("SMunknown", "failed"))
    assert response.status_code == 200
    assert stored(line, message_id).status == MessageStatus.SENT
    assert failure_details(line) == []


def test_an_unsigned_report_is_refused(line: Flask, twilio: Twilio) -> None:
    message_id = send_reply(line, handed_off(line, Channel.SMS, PERSON))
    sid = stored(line, message_id).provider_id or ""
    response = twilio.post(
        "/twilio/sms/status", status_report(sid, "failed"), sign=False
    )
    assert response.status_code == 403
    assert stored(line, message_id).status == MessageStatus.SENT


# The web chat widget fetches its replies


def chat_session(client: FlaskClient) -> str:
    session_id = client.post("/webchat/api/v1/sessions").json["session_id"]
    client.post(
        "/webchat/api/v1/messages", json={"session_id": session_id, "text": "hola"}
    )
    return session_id


def webchat_conversation(app: Flask, session_id: str) -> int:
    with app.test_request_context():
        conversation = find_or_start(Channel.WEBCHAT, session_id)
        request_person(conversation, "request_human", "normal", session_id)
        db.session.commit()
        return conversation.id


def test_the_widget_gets_the_operators_reply_once_and_it_is_marked_sent(
    line: Flask, client: FlaskClient, fake_twilio: FakeTwilio
) -> None:
    session_id = chat_session(client)  # the bot is down: the line answered
    message_id = send_reply(line, webchat_conversation(line, session_id))
    assert stored(line, message_id).status == MessageStatus.QUEUED
    assert fake_twilio.received == []

    first = client.post(FETCH, json={"session_id": session_id, "after": 0})
    assert first.status_code == 200
    assert first.json == {
        "messages": [{"id": message_id, "text": REPLY, "from": "operator"}],
        "language": "es",
    }
    assert_matches_document(OPENAPI, "post", FETCH, first)
    assert stored(line, message_id).status == MessageStatus.SENT

    again = client.post(FETCH, json={"session_id": session_id, "after": message_id})
    assert again.json["messages"] == []


def test_the_widget_polls_from_an_allowed_page_only(
    line: Flask, client: FlaskClient
) -> None:
    session_id = chat_session(client)
    send_reply(line, webchat_conversation(line, session_id))
    query = {"session_id": session_id}

    allowed = client.post(FETCH, json=query, headers={"Origin": "https://ngo.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://ngo.example"
    assert len(allowed.json["messages"]) == 1
    foreign = client.post(FETCH, json=query, headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403


def test_a_session_without_messages_yet_has_nothing_new(
    client: FlaskClient,
) -> None:
    session_id = client.post("/webchat/api/v1/sessions").json["session_id"]
    response = client.post(FETCH, json={"session_id": session_id})
    assert response.status_code == 200
    assert response.json == {"messages": [], "language": "es"}


def test_a_made_up_session_reads_nothing(client: FlaskClient) -> None:
    response = client.post(FETCH, json={"session_id": "U" * 43})
    assert response.status_code == 404
    assert "messages" not in response.json


@pytest.mark.parametrize(
    "query",
    [{}, {"session_id": "1"}, {"session_id": "S" * 43, "after": "-1"}],
)
def test_a_malformed_fetch_is_a_400(client: FlaskClient, query: dict) -> None:
    response = client.post(FETCH, json=query)
    assert response.status_code == 400
    assert response.json["status"] == 400


def test_the_hand_back_greeting_reaches_the_widget_from_the_line(
    line: Flask, client: FlaskClient
) -> None:
    session_id = chat_session(client)
    conversation_id = webchat_conversation(line, session_id)
    with line.test_request_context():
        greeting = Message(
            conversation_id=conversation_id,
            direction="out",
            text=texts.BACK_TO_BOT("es"),
            status=MessageStatus.QUEUED,
        )
        db.session.add(greeting)
        delivery.deliver(greeting)

    [fetched] = client.post(FETCH, json={"session_id": session_id}).json["messages"]
    assert (fetched["text"], fetched["from"]) == (texts.BACK_TO_BOT("es"), "line")
