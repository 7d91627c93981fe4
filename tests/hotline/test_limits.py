"""Floods, as an attacker would send them: fresh web chat sessions by the
hundred, made-up session ids, guessed passwords and operator codes. Each limit
refuses the flood (429, or the operators' line's spoken goodbye), counts the
refusal, and leaves everyone else answered; Twilio's webhooks for people are
never refused, and no address or number is kept by the limiter.

The real bot and gunicorn's workers under a flood: ``test_flood.py``."""

from __future__ import annotations

import logging
import secrets
import string
from pathlib import Path
from typing import Any

import pytest
from conftest import (
    DEFAULT_SENDER,
    SESSIONS,
    Twilio,
    fall_silent,
    make_app,
    message_bodies,
    new_session,
    numbers_for,
    twiml,
)
from flask import Flask
from flask.testing import FlaskClient
from prometheus_client import REGISTRY
from sqlalchemy import select
from test_console import Person
from test_voice_queue import new_sid, say_texts, spoken_prompt

from hotline import limits
from hotline.extensions import db
from hotline.limits import LimitsConfigurationError
from hotline.models import Conversation, Message, MessageStatus
from hotline.voice import prompts
from hotline.webchat.labels import BUSY, widget_labels
from hotline.webchat.sessions import new_session_id

MESSAGES = "/webchat/api/v1/messages"
REPLIES = "/webchat/api/v1/replies"
ALLOWED = "https://ngo.example"


def rejected(route: str, reason: str) -> float:
    return (
        REGISTRY.get_sample_value(
            "aliada_rejected_requests_total", {"route": route, "reason": reason}
        )
        or 0.0
    )


def from_address(address: str) -> dict[str, Any]:
    """A request from this client (the test client's own address otherwise)."""
    return {"environ_base": {"REMOTE_ADDR": address}}


def send(client: FlaskClient, session_id: str, text: str, **kwargs: Any):
    return client.post(
        MESSAGES, json={"session_id": session_id, "text": text}, **kwargs
    )


def stored_texts(app: Flask) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(select(Message.text).where(Message.direction == "in"))
        )


def conversations_stored(app: Flask) -> int:
    with app.app_context():
        return len(db.session.scalars(select(Conversation.id)).all())


# --- web chat sessions -------------------------------------------------------


def test_one_client_making_sessions_by_the_hundred_is_refused(tmp_path: Path) -> None:
    line = make_app(tmp_path, WEBCHAT_SESSIONS_PER_CLIENT="3 per hour")
    client = line.test_client()
    before = rejected(SESSIONS, "webchat_sessions_per_client")

    answers = [
        client.post(SESSIONS, headers={"Accept-Language": "pt-BR"}) for _ in range(100)
    ]

    assert [a.status_code for a in answers[:3]] == [201, 201, 201]
    refused = answers[3:]
    assert {a.status_code for a in refused} == {429}
    assert rejected(SESSIONS, "webchat_sessions_per_client") - before == 97
    first = refused[0]
    wait = int(first.headers["Retry-After"])
    assert 1 <= wait <= 3600
    assert first.json == {
        "error": first.json["error"],
        "status": 429,
        "retry_after": wait,
        # In the browser's language, with the emergency number.
        "message": BUSY("pt", **numbers_for("pt", None)),
    }
    # Another client still starts a conversation.
    assert client.post(SESSIONS, **from_address("192.0.2.44")).status_code == 201


def test_new_sessions_for_the_whole_line_are_capped_but_conversations_go_on(
    tmp_path: Path,
) -> None:
    """Many clients (as a proxy tells them apart), each asking once: the line
    as a whole issues only so many new sessions; a conversation already going
    on is still answered."""
    line = make_app(tmp_path, PROXY_COUNT=1, WEBCHAT_SESSIONS_GLOBAL="5 per hour")
    client = line.test_client()
    person = new_session(client, **{"X-Forwarded-For": "192.0.2.1"})
    statuses = [
        client.post(
            SESSIONS, headers={"X-Forwarded-For": f"198.51.100.{n}"}
        ).status_code
        for n in range(1, 41)
    ]
    assert statuses.count(201) == 4
    assert statuses.count(429) == 36
    answered = send(client, person, "hola", headers={"X-Forwarded-For": "192.0.2.1"})
    assert answered.status_code == 200
    assert answered.json["replies"]  # the line's answer (no bot here)
    assert stored_texts(line) == ["hola"]


def test_a_made_up_session_id_is_refused_and_nothing_is_kept(
    app: Flask, client: FlaskClient
) -> None:
    """Ids the line did not issue: long and random enough to pass the old
    check, or one of the line's own with a character changed."""
    issued = new_session(client)
    middle = len(issued) // 2
    other = "A" if issued[middle] != "A" else "B"
    changed = issued[:middle] + other + issued[middle + 1 :]
    before = rejected(MESSAGES, "unknown_session")
    for made_up in ("S" * 43, secrets.token_urlsafe(32), changed, issued + "A"):
        answer = send(client, made_up, "hola")
        assert answer.status_code == 404, made_up
        assert "POST /webchat/api/v1/sessions" in answer.json["error"]
        assert client.post(REPLIES, json={"session_id": made_up}).status_code == 404
    assert conversations_stored(app) == 0
    assert rejected(MESSAGES, "unknown_session") - before == 4
    assert send(client, issued, "hola").status_code == 200


def test_a_session_id_spelled_another_way_is_not_the_same_session(
    app: Flask, client: FlaskClient
) -> None:
    """Base64 leaves the last character's low bits unused: an id with them
    changed decodes to the same bytes, but it is not the id the line issued,
    and it would key a second conversation beside the person's."""
    issued = new_session(client)
    alphabet = string.ascii_uppercase + string.ascii_lowercase + string.digits + "-_"
    same_bytes = issued[:-1] + alphabet[alphabet.index(issued[-1]) ^ 1]
    assert send(client, same_bytes, "hola").status_code == 404
    assert conversations_stored(app) == 0
    assert send(client, issued, "hola").status_code == 200


def test_a_session_signed_with_another_secret_is_not_ours(tmp_path: Path) -> None:
    other = make_app(tmp_path / "other", CONVERSATION_KEY_SECRET="another-secret")
    ours = make_app(tmp_path / "ours")
    theirs = new_session(other.test_client())
    assert send(ours.test_client(), theirs, "hola").status_code == 404


def test_a_session_ends_after_a_long_pause(app: Flask, client: FlaskClient) -> None:
    session_id = new_session(client)
    assert send(client, session_id, "hola").status_code == 200
    fall_silent(app, session_id, hours=2.5)  # the default idle time is 2 hours

    ended = send(client, session_id, "sigo aquí")
    assert ended.status_code == 410
    assert "POST /webchat/api/v1/sessions" in ended.json["error"]
    assert client.post(REPLIES, json={"session_id": session_id}).status_code == 410
    assert stored_texts(app) == ["hola"]  # the widget sends it again, anew

    fresh = new_session(client)
    assert send(client, fresh, "sigo aquí").status_code == 200
    assert conversations_stored(app) == 2
    # The person may still delete what the ended session said (no oracle).
    assert client.delete(SESSIONS, json={"session_id": session_id}).status_code == 204
    assert conversations_stored(app) == 1


def test_a_reply_from_the_team_keeps_the_session_alive(
    app: Flask, client: FlaskClient
) -> None:
    session_id = new_session(client)
    send(client, session_id, "quiero hablar con una persona")
    fall_silent(app, session_id)
    with app.app_context():
        [conversation] = db.session.scalars(select(Conversation)).all()
        db.session.add(
            Message(
                conversation=conversation,
                direction="out",
                text="Hola, te leemos.",
                status=MessageStatus.QUEUED,
            )
        )
        db.session.commit()
    polled = client.post(REPLIES, json={"session_id": session_id})
    assert polled.status_code == 200
    assert [m["text"] for m in polled.json["messages"]] == ["Hola, te leemos."]
    assert send(client, session_id, "gracias").status_code == 200


# --- web chat messages, polls and deletes -----------------------------------


def test_one_client_flooding_messages_is_refused_another_is_answered(
    tmp_path: Path,
) -> None:
    line = make_app(tmp_path, WEBCHAT_MESSAGES_PER_CLIENT="4 per hour")
    client = line.test_client()
    sessions = [new_session(client) for _ in range(3)]
    statuses = [
        send(client, sessions[n % 3], f"flood {n}").status_code for n in range(12)
    ]
    assert statuses == [200] * 4 + [429] * 8
    # Deleting counts too: it is what a flood of deletes would cost.
    assert client.delete(SESSIONS, json={"session_id": sessions[0]}).status_code == 429
    # Refused before anything was kept: the widget keeps the text and resends.
    assert sorted(stored_texts(line)) == [f"flood {n}" for n in range(4)]

    someone = new_session(client)
    answer = send(client, someone, "hola", **from_address("192.0.2.9"))
    assert answer.status_code == 200


def test_polling_is_limited_per_client(tmp_path: Path) -> None:
    line = make_app(tmp_path, WEBCHAT_POLLS_PER_CLIENT="5 per hour")
    client = line.test_client()
    session = {"session_id": new_session(client)}
    statuses = [client.post(REPLIES, json=session).status_code for _ in range(8)]
    assert statuses == [200] * 5 + [429] * 3
    assert send(client, session["session_id"], "hola").status_code == 200


def test_an_allowed_page_can_read_how_long_to_wait(tmp_path: Path) -> None:
    line = make_app(tmp_path, WEBCHAT_SESSIONS_PER_CLIENT="1 per hour")
    client = line.test_client()
    client.post(SESSIONS, headers={"Origin": ALLOWED})
    refused = client.post(SESSIONS, headers={"Origin": ALLOWED})
    assert refused.status_code == 429
    assert refused.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert refused.headers["Access-Control-Expose-Headers"] == "Retry-After"
    assert refused.headers["Cache-Control"] == "no-store"


def test_the_widget_has_the_busy_and_ended_texts_in_every_core_language() -> None:
    for language in ("en", "es", "pt", "fr"):
        labels = widget_labels(language, numbers_for(language, None))
        assert labels["busy"] == BUSY(language, **numbers_for(language, None))
        assert labels["ended"]
        if language != "en":
            english = widget_labels("en", numbers_for("en", None))
            assert labels["busy"] != english["busy"]
            assert labels["ended"] != english["ended"]


# --- the console's login ------------------------------------------------------


def test_password_guessing_from_one_address_is_refused(tmp_path: Path) -> None:
    line = make_app(tmp_path, CONSOLE_LOGINS_PER_CLIENT="3 per hour")
    guesser = Person(line, "ana")
    before = rejected("/console/login", "console_logins_per_client")
    for _ in range(3):
        assert guesser.enter_password("wrong password!!").status_code == 401
    refused = guesser.client.post(
        "/console/login",
        data={"csrf_token": guesser.token(), "username": "ana", "password": "x"},
        headers={"Accept-Language": "es"},
    )
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "Demasiados intentos" in refused.get_data(as_text=True)
    assert rejected("/console/login", "console_logins_per_client") - before == 1
    # Even the right password waits: the address is refused, not the guess.
    assert guesser.enter_password().status_code == 429
    # The page itself still loads; another address logs in.
    assert guesser.client.get("/console/login").status_code == 200
    colleague = Person(line, "luis")
    colleague.client.environ_base["REMOTE_ADDR"] = "192.0.2.20"
    colleague.log_in()


# --- the operators' phone line -------------------------------------------------

ATTACKER = "+15005550009"


def code_attempt(twilio: Twilio, number: str) -> Any:
    """One guess on the operators' line: a code, then a PIN (where the line
    decides); what the line says after the PIN, or at the code when it
    refuses the number there."""
    call = new_sid()
    response = twilio.call(
        "/twilio/voice/operator/code?operator=1",
        call_sid=call,
        From=number,
        Digits="123456",
    )
    assert response.status_code == 200, response.data[:200]
    if twiml(response).find(".//Gather") is None:
        return twiml(response)
    response = twilio.call(
        "/twilio/voice/operator/pin?operator=1",
        call_sid=call,
        From=number,
        Digits="864209",
    )
    assert response.status_code == 200, response.data[:200]
    return twiml(response)


def test_code_guessing_from_one_number_is_refused(tmp_path: Path) -> None:
    line = make_app(tmp_path, OPERATOR_LINE_PER_NUMBER="3 per hour")
    twilio = Twilio(line.test_client())
    Person(line, "ana")
    refused_text = spoken_prompt(prompts.OPERATOR_REFUSED, "en")
    too_many = spoken_prompt(prompts.OPERATOR_TOO_MANY_CALLS, "en")
    before = rejected("/twilio/voice/operator/code", "operator_line_per_number")

    answers = [say_texts(code_attempt(twilio, ATTACKER)) for _ in range(5)]

    assert answers == [[refused_text]] * 3 + [[too_many]] * 2
    assert (
        rejected("/twilio/voice/operator/code", "operator_line_per_number") - before
        == 2
    )
    # The next call from that number is told at once, before keying anything.
    greeting = twiml(
        twilio.call("/twilio/voice/operator", call_sid=new_sid(), From=ATTACKER)
    )
    assert say_texts(greeting) == [too_many]
    assert greeting.find("Hangup") is not None
    # Another number is asked for its operator number as usual.
    other = twiml(twilio.call("/twilio/voice/operator", call_sid=new_sid()))
    assert say_texts(other) == [spoken_prompt(prompts.OPERATOR_ASK_ID, "en")]


def test_unsigned_requests_do_not_spend_a_numbers_allowance(tmp_path: Path) -> None:
    """Someone who cannot sign as Twilio cannot lock an operator's own number
    out of the line by posting its number."""
    line = make_app(tmp_path, OPERATOR_LINE_PER_NUMBER="2 per hour")
    client = line.test_client()
    for _ in range(10):
        forged = client.post(
            "/twilio/voice/operator/code?operator=1",
            data={"From": DEFAULT_SENDER, "Digits": "123456", "CallSid": new_sid()},
            headers={"X-Twilio-Signature": "forged"},
        )
        assert forged.status_code == 403
    root = code_attempt(Twilio(client), DEFAULT_SENDER)
    assert say_texts(root) == [spoken_prompt(prompts.OPERATOR_REFUSED, "en")]


def test_the_limiter_keeps_no_address_or_number(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    line = make_app(
        tmp_path,
        OPERATOR_LINE_PER_NUMBER="1 per hour",
        WEBCHAT_SESSIONS_PER_CLIENT="1 per hour",
    )
    client = line.test_client()
    twilio = Twilio(client)
    for _ in range(2):
        code_attempt(twilio, ATTACKER)
        client.post(SESSIONS, **from_address("203.0.113.77"))
    storage = line.extensions[limits.EXTENSION].storage
    keys = " ".join(str(key) for key in (*storage.storage, *storage.events))
    assert keys  # the counts are there
    for secret in (ATTACKER, ATTACKER.lstrip("+"), "203.0.113.77"):
        assert secret not in keys
        assert secret not in caplog.text


# --- what is never limited, and what refuses to start --------------------------


def test_twilio_messages_from_people_are_never_refused(tmp_path: Path) -> None:
    """A 429 to Twilio loses the SMS: a flood from one number is held for a
    person by the conversation service instead."""
    tight = {rule.setting: "1 per hour" for rule in limits.RULES}
    line = make_app(tmp_path, **tight)
    twilio = Twilio(line.test_client())
    for n in range(15):
        response = twilio.sms(f"mensaje {n}")
        assert response.status_code == 200
    assert message_bodies(response) == []  # the flood's one answer came before
    assert len(stored_texts(line)) == 15
    call = twilio.call()
    assert call.status_code == 200


def test_a_limit_that_cannot_be_read_stops_the_line_from_starting(
    tmp_path: Path,
) -> None:
    with pytest.raises(LimitsConfigurationError, match="WEBCHAT_MESSAGES_PER_CLIENT"):
        make_app(tmp_path, WEBCHAT_MESSAGES_PER_CLIENT="lots")


def test_session_ids_are_the_lines_own_and_unguessable(app: Flask) -> None:
    with app.app_context():
        first, second = new_session_id(), new_session_id()
    assert first != second
    assert len(first) >= 43
    assert first.isascii() and "=" not in first
