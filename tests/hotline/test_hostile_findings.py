"""What the hostile-input suite (``test_hostile_input``) found, one focused
attack each, so a finding stays fixed however the generated cases change."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import Twilio, make_app
from flask import Flask
from test_console import Person, at, claimed_by, flashes, stored
from test_postgres import fresh_database

from hotline.extensions import db
from hotline.models import Message, MessageStatus, Note, Role


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/healthz"),  # JSON outside the web chat API
        ("GET", "/readyz"),
        ("GET", "/metrics"),
        ("GET", "/no/such/page"),  # the app's own refusals, in plain text
        ("DELETE", "/"),
        ("GET", "/webchat/api/v2/messages"),  # JSON refusal outside the API
        ("POST", "/twilio/sms"),  # unsigned: 403
    ],
)
def test_no_answer_can_be_sniffed_into_something_else(
    app: Flask, method: str, path: str
) -> None:
    """A browser told ``nosniff`` renders an answer only as its declared
    type: JSON or a plain-text refusal never runs as HTML or script."""
    response = app.test_client().open(path, method=method)
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


def test_twiml_says_nosniff(twilio: Twilio) -> None:
    response = twilio.sms("hola")
    assert response.mimetype == "application/xml"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


# --- the databases the line runs on -------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def line_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The line without a bot, on SQLite and on PostgreSQL (as in production;
    skipped where it is absent)."""
    if request.param == "sqlite":
        yield make_app(tmp_path)
        return
    with fresh_database("aliada_findings") as url:
        app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- ids that no database holds -----------------------------------------------

PAST_ANY_ID = ["2147483648", "9223372036854775808", "9" * 40]


@pytest.mark.parametrize("number", PAST_ANY_ID)
def test_an_id_past_what_the_database_holds_is_simply_not_found(
    line_app: Flask, number: str
) -> None:
    """Past PostgreSQL's INTEGER (2**31 - 1), or SQLite's 64 bits, the
    driver raised instead of finding nothing: every console URL with such an
    id, and the updates' query, was a 500 with a traceback."""
    ana = Person(line_app, "ana", role=Role.SUPERVISOR).log_in()
    conversation_id = claimed_by(line_app, ana)
    assert ana.client.get(f"/console/c/{number}").status_code == 404
    for action in ("claim", "reply", "canned", "note", "transfer", "close", "return"):
        assert ana.post(f"/console/c/{number}/{action}").status_code == 404, action
    retry = at(line_app, conversation_id, f"m/{number}/retry")
    assert ana.post(retry).status_code == 404
    assert (
        ana.client.get(f"/console/api/updates?conversation={number}").status_code == 404
    )
    response = ana.client.get(f"/console/api/updates?after={number}")
    assert response.status_code == 200
    assert "messages" not in response.json
    transfer = ana.post(
        at(line_app, conversation_id, "transfer"), {"operator_id": number}
    )
    assert transfer.status_code == 302
    assert "Choose another active operator." in flashes(
        ana.client.get(transfer.headers["Location"])
    )


@pytest.mark.parametrize("address", ["%00", "ab%00cd", "%C2%85", "x" * 40, "a.b"])
def test_an_address_that_is_no_public_id_is_simply_not_found(
    line_app: Flask, address: str
) -> None:
    """A NUL in a conversation's address reached PostgreSQL, which refuses
    NUL in text: the reason form and every console URL were a 500. An
    address that no public id could be is not looked for at all."""
    ana = Person(line_app, "ana", role=Role.SUPERVISOR).log_in()
    claimed_by(line_app, ana)
    assert ana.client.get(f"/console/c/{address}").status_code == 404
    for action in ("reason", "claim", "reply", "note", "close", "return"):
        assert ana.post(f"/console/c/{address}/{action}").status_code == 404, action
    assert (
        ana.client.get(f"/console/api/updates?conversation={address}").status_code
        == 404
    )


# --- an Origin that is no URL -------------------------------------------------


@pytest.mark.parametrize("origin", ["http://[::1", "http://[zz]:1", "https://[1:2"])
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/webchat/api/v1/sessions"), ("OPTIONS", "/webchat/api/v1/messages")],
)
def test_an_origin_that_is_no_url_is_refused_like_any_foreign_origin(
    app: Flask, caplog: pytest.LogCaptureFixture, method: str, path: str, origin: str
) -> None:
    """``urlsplit`` raises on a broken IPv6 host: the API answered such an
    Origin (any script can send one) with a 500 and a traceback."""
    response = app.test_client().open(path, method=method, headers={"Origin": origin})
    assert response.status_code == 403
    assert response.json == {
        "error": "this origin may not use the web chat API",
        "status": 403,
    }
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- control characters in what an operator types ----------------------------


def test_control_characters_an_operator_sends_are_dropped_not_a_server_error(
    line_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL refuses NUL in text: a reply, a note or a username with
    one was a 500 with a traceback (and the reply was lost). Nobody types
    control characters in a browser: they go, line breaks and tabs stay."""
    ana = Person(line_app, "ana").log_in()
    conversation_id = claimed_by(line_app, ana)
    typed = "hola\x00 mundo\x07\x1b[31m\r\n\tadiós"
    for action in ("reply", "note"):
        response = ana.post(at(line_app, conversation_id, action), {"text": typed})
        assert response.status_code == 302, action
    assert [m.text for m in stored(line_app, Message, Message.direction == "out")] == [
        "hola mundo[31m\r\n\tadiós"
    ]
    assert [n.text for n in stored(line_app, Note)] == ["hola mundo[31m\r\n\tadiós"]
    visitor = Person.__new__(Person)
    visitor.app, visitor.client = line_app, line_app.test_client()
    login = visitor.client.post(
        "/console/login",
        data={"csrf_token": visitor.token(), "username": "ana\x00", "password": "x"},
    )
    assert login.status_code == 401
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- Twilio's ids and codes that are not ids and codes -----------------------


def sign_and_post(app: Flask, path: str, params: dict[str, str]):
    return Twilio(app.test_client()).post(path, params)


@pytest.mark.parametrize(
    "sid", ["SM\x00" + "a" * 32, "SM" + "a" * 100, "SM a", "SM'--"]
)
@pytest.mark.parametrize("path", ["/twilio/sms", "/twilio/sms/fallback"])
def test_a_message_sid_that_is_no_sid_is_refused(
    line_app: Flask, caplog: pytest.LogCaptureFixture, path: str, sid: str
) -> None:
    """Signed, but not Twilio's shape: on PostgreSQL a NUL, or more than the
    column's 80 characters, was a 500 with a traceback."""
    params = {"MessageSid": sid, "From": "+15005550006", "Body": "hola"}
    assert sign_and_post(line_app, path, params).status_code == 400
    assert stored(line_app, Message) == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_delivery_report_with_odd_ids_and_codes_changes_nothing(
    line_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    """Delivery reports are always answered 200 (Twilio retries otherwise);
    a NUL in the id or the error code was a 500 on PostgreSQL."""
    ana = Person(line_app, "ana").log_in()
    conversation_id = claimed_by(line_app, ana)
    sid = "SM" + "b" * 32
    with line_app.app_context():
        reply = Message(
            conversation_id=conversation_id,
            direction="out",
            text="hola",
            status=MessageStatus.QUEUED,
            provider_id=sid,
        )
        db.session.add(reply)
        db.session.commit()
    for report in (
        {"MessageSid": "SM\x00x", "MessageStatus": "failed"},
        {"MessageSid": sid, "MessageStatus": "failed", "ErrorCode": "300\x0003"},
    ):
        response = sign_and_post(line_app, "/twilio/sms/status", report)
        assert response.status_code == 200
    [failed] = stored(line_app, Message, Message.provider_id == sid)
    assert failed.status == MessageStatus.FAILED
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_recording_url_with_control_characters_is_refused(
    line_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    params = {
        "CallSid": "CA" + "c" * 32,
        "From": "+15005550006",
        "RecordingUrl": "https://api.twilio.com/x\x00y",
        "RecordingSid": "RE" + "d" * 32,
    }
    response = sign_and_post(line_app, "/twilio/voice/recorded?lang=es", params)
    assert response.status_code == 400
    assert stored(line_app, Message) == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_signed_sms_cannot_be_replayed_under_a_new_message_sid(
    line_app: Flask,
) -> None:
    """Twilio's signature joins each name and value with no separator, so a
    parameter can be moved into the value before it without breaking the
    signature: a captured request replayed with ``MessageSid`` swallowing
    ``NumMedia=0`` looked like a new message, was kept twice and answered
    again (to whoever replayed it). Twilio's ids are 34 characters."""
    twilio = Twilio(line_app.test_client())
    sid = "SM" + "e" * 32
    params = {
        "AccountSid": "AC" + "0" * 32,
        "Body": "hola",
        "From": "+15005550006",
        "MessageSid": sid,
        "NumMedia": "0",
        "To": "+15550100",
    }
    signature = twilio.validator.compute_signature(
        "http://localhost/twilio/sms", params
    )
    assert twilio.post("/twilio/sms", params).status_code == 200
    smuggled = {**params, "MessageSid": f"{sid}NumMedia0"}
    del smuggled["NumMedia"]
    assert signature == twilio.validator.compute_signature(
        "http://localhost/twilio/sms", smuggled
    )
    replayed = twilio.post(
        "/twilio/sms", smuggled, sign=False, headers={"X-Twilio-Signature": signature}
    )
    assert replayed.status_code == 400
    assert len(stored(line_app, Message, Message.direction == "in")) == 1


def test_a_silent_call_step_cannot_be_replayed_as_words(line_app: Flask) -> None:
    """The same blind spot on a call: a turn where the caller said nothing,
    replayed with ``To`` swallowed by ``SpeechResult``, still verified and
    became words the caller never said ("To+15550100"), kept and answered."""
    twilio = Twilio(line_app.test_client())
    path = "/twilio/voice/turn?lang=es&step=1"
    params = {
        "AccountSid": "AC" + "0" * 32,
        "CallSid": "CA" + "f" * 32,
        "From": "+15005550006",
        "SpeechResult": "",
        "To": "+15550100",
    }
    signature = twilio.validator.compute_signature(f"http://localhost{path}", params)
    assert twilio.post(path, params).status_code == 200
    smuggled = {**params, "SpeechResult": "To+15550100"}
    del smuggled["To"]
    assert signature == twilio.validator.compute_signature(
        f"http://localhost{path}", smuggled
    )
    replayed = twilio.post(
        path, smuggled, sign=False, headers={"X-Twilio-Signature": signature}
    )
    assert replayed.status_code == 400
    assert stored(line_app, Message, Message.direction == "in") == []


# --- an empty message, sent again ---------------------------------------------


@pytest.mark.parametrize("text", ["", "   ", "\u200b\u200f", "\x00\x07"])
def test_an_empty_message_sent_again_gets_the_same_answer(
    app: Flask, text: str
) -> None:
    """The widget sends a message again, with the same id, when the network
    failed. The answer to a message with nothing in it ("your message
    arrived empty") was never kept: the retry got no answer at all, and the
    operators' transcript missed what the line had said."""
    client = app.test_client()
    session_id = client.post("/webchat/api/v1/sessions").json["session_id"]
    message = {"session_id": session_id, "text": text, "client_message_id": "m" * 16}
    first = client.post("/webchat/api/v1/messages", json=message)
    again = client.post("/webchat/api/v1/messages", json=message)
    assert first.status_code == again.status_code == 200
    assert first.json["replies"] and again.json["replies"] == first.json["replies"]
    said = [m.text for m in stored(app, Message, Message.direction == "out")]
    assert said == [reply["text"] for reply in first.json["replies"]]


# --- control characters around an SMS keyword -------------------------------


@pytest.mark.parametrize(
    "body", ["STOP\x00", "\x07help", "START\x1b", "wrong number\x00"]
)
def test_a_keyword_with_control_characters_is_kept_clean(
    line_app: Flask, caplog: pytest.LogCaptureFixture, body: str
) -> None:
    """STOP, START, HELP and the safe word are matched without punctuation
    or control characters, but were kept exactly as sent: on PostgreSQL a
    NUL made STOP a 500 with a traceback (and the person not unsubscribed)."""
    response = Twilio(line_app.test_client()).sms(body)
    assert response.status_code == 200
    [kept] = stored(line_app, Message, Message.direction == "in")
    assert kept.text == "".join(c for c in body if c.isprintable())
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- a web chat's 'after' past any message id --------------------------------


@pytest.mark.parametrize("after", [2**31, 10**12, 10**18 - 1])
def test_replies_after_an_id_past_any_message_are_none(
    line_app: Flask, caplog: pytest.LogCaptureFixture, after: int
) -> None:
    """No message has an id past 2**31 - 1 (PostgreSQL's INTEGER): asking
    for those after it was a 500 with a traceback there, not an empty list."""
    client = line_app.test_client()
    session_id = client.post("/webchat/api/v1/sessions").json["session_id"]
    client.post(
        "/webchat/api/v1/messages", json={"session_id": session_id, "text": "hola"}
    )
    response = client.post(
        "/webchat/api/v1/replies", json={"session_id": session_id, "after": after}
    )
    assert response.status_code == 200
    assert response.json["messages"] == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
