"""``/webchat/api/v1`` without the bot behind it: sessions, the answer when the
bot cannot be reached, privacy of the session id, and every kind of bad input."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import make_app
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from hotline import conversations, texts
from hotline.bot_client import Handoff
from hotline.extensions import db
from hotline.models import Conversation, Message, MessageStatus
from hotline.privacy import conversation_key
from hotline.webchat.routes import answer
from hotline.webchat.sessions import looks_random

SESSIONS = "/webchat/api/v1/sessions"
MESSAGES = "/webchat/api/v1/messages"


def new_session(client: FlaskClient) -> str:
    response = client.post(SESSIONS)
    assert response.status_code == 201
    return response.json["session_id"]


def send(client: FlaskClient, **fields: Any):
    return client.post(MESSAGES, json=fields)


def assert_error(response: Any, status: int, mentions: str = "") -> None:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.json == {"error": response.json["error"], "status": status}
    assert mentions in response.json["error"]
    assert "Traceback" not in response.get_data(as_text=True)


def conversations_stored(app: Flask) -> list[Conversation]:
    with app.app_context():
        return list(db.session.scalars(select(Conversation)))


def incoming_messages(app: Flask) -> list[Message]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Message).where(Message.direction == "in").order_by(Message.id)
            )
        )


def unavailable(language: str) -> str:
    return texts.BOT_UNAVAILABLE(language, emergency="911", hotline="+1 555 0100")


def test_sessions_are_new_random_and_long(client: FlaskClient) -> None:
    first, second = new_session(client), new_session(client)
    assert first != second
    assert len(first) >= 43
    assert looks_random(first)
    assert looks_random(second)


@pytest.mark.parametrize("language", ["fr", "pt"])
def test_without_the_bot_the_person_is_told_a_person_will_read_it(
    app: Flask, client: FlaskClient, language: str
) -> None:
    response = send(
        client, session_id=new_session(client), text="necesito ayuda", language=language
    )
    assert response.status_code == 200
    assert response.json == {
        "replies": [{"text": unavailable(language), "buttons": []}],
        "language": language,
        "handoff": None,
    }
    [message] = incoming_messages(app)
    assert message.text == "necesito ayuda"
    assert message.status == MessageStatus.FOR_PERSON


def test_the_stored_key_is_a_keyed_hash_not_the_session_id(
    app: Flask, client: FlaskClient
) -> None:
    session_id = new_session(client)
    send(client, session_id=session_id, text="hello", language="en")
    [conversation] = conversations_stored(app)
    assert conversation.channel == "webchat"
    assert conversation.key != session_id
    with app.app_context():
        assert conversation.key == conversation_key("webchat", session_id)
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    stored = b"".join(path.read_bytes() for path in database.parent.glob("*.db*"))
    assert session_id.encode() not in stored


def test_each_session_is_its_own_conversation(app: Flask, client: FlaskClient) -> None:
    for session_id in (new_session(client), new_session(client)):
        send(client, session_id=session_id, text="hello")
        send(client, session_id=session_id, text="again")
    assert len(conversations_stored(app)) == 2


def test_empty_text_gets_the_empty_message_answer(client: FlaskClient) -> None:
    response = send(client, session_id=new_session(client), text="  ", language="es")
    assert response.status_code == 200
    assert response.json["replies"] == [
        {"text": texts.EMPTY_MESSAGE("es"), "buttons": []}
    ]


def test_a_flood_gets_one_polite_answer_and_every_message_is_kept(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, RATE_LIMIT_PER_MINUTE=2)
    client = app.test_client()
    session_id = new_session(client)
    answers = [
        send(client, session_id=session_id, text=f"message {n}", language="es").json
        for n in range(4)
    ]
    assert answers[2]["replies"] == [{"text": texts.RATE_LIMITED("es"), "buttons": []}]
    assert answers[3]["replies"] == []
    assert [m.status for m in incoming_messages(app)][2:] == [MessageStatus.HELD] * 2


def test_text_of_the_longest_allowed_length_is_accepted(client: FlaskClient) -> None:
    response = send(client, session_id=new_session(client), text="a" * 4000)
    assert response.status_code == 200


def test_a_longer_text_is_too_large(app: Flask, client: FlaskClient) -> None:
    response = send(client, session_id=new_session(client), text="a" * 4001)
    assert_error(response, 413, "'text'")
    assert conversations_stored(app) == []


def test_a_body_over_the_size_limit_is_too_large(client: FlaskClient) -> None:
    body = b'{"text": "' + b"a" * (33 * 1024) + b'"}'
    response = client.post(MESSAGES, data=body, content_type="application/json")
    assert_error(response, 413)


@pytest.mark.parametrize(
    "session_id",
    [
        "1",
        "a" * 31,
        "a" * 129,
        "a" * 40 + "\n",
        "a" * 20 + " " + "a" * 20,
        "a" * 20 + "/" + "a" * 20,
        "ñ" * 40,
    ],
)
def test_guessable_or_odd_session_ids_are_refused(
    app: Flask, client: FlaskClient, session_id: str
) -> None:
    response = send(client, session_id=session_id, text="hello")
    assert_error(response, 400, "'session_id'")
    assert conversations_stored(app) == []


@pytest.mark.parametrize("language", ["de", "EN", "es-MX", ""])
def test_an_unsupported_language_is_refused(client: FlaskClient, language: str) -> None:
    response = send(
        client, session_id=new_session(client), text="hi", language=language
    )
    assert_error(response, 400, "'language'")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"text": "hi"}, "session_id"),
        ({"session_id": None, "text": "hi"}, "session_id"),
        ({"session_id": 12345, "text": "hi"}, "session_id"),
        ({"session_id": "S" * 43}, "text"),
        ({"session_id": "S" * 43, "text": None}, "text"),
        ({"session_id": "S" * 43, "text": ["hi"]}, "text"),
        ({"session_id": "S" * 43, "text": "hi", "language": 7}, "language"),
        ({"session_id": "S" * 43, "text": "hi", "language": ["es"]}, "language"),
    ],
)
def test_a_missing_or_wrongly_typed_field_is_named(
    client: FlaskClient, fields: dict[str, Any], field: str
) -> None:
    assert_error(send(client, **fields), 400, f"'{field}'")


def test_unknown_fields_are_ignored(client: FlaskClient) -> None:
    response = send(
        client, session_id=new_session(client), text="hi", colour="blue", language=None
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "mentions"),
    [
        (b'{"session_id": "abc", "text": ', "JSON"),
        (b"", "JSON"),
        (b'["hello"]', "object"),
        (b'"hello"', "object"),
        (b'{"session_id": "' + b"S" * 43 + b'", "text": "caf\xe9"}', "UTF-8"),
        (b'{"session_id": "' + b"S" * 43 + b'", "text": "\\ud800"}', "'text'"),
    ],
)
def test_malformed_bodies_are_refused(
    app: Flask, client: FlaskClient, body: bytes, mentions: str
) -> None:
    response = client.post(MESSAGES, data=body, content_type="application/json")
    assert_error(response, 400, mentions)
    assert incoming_messages(app) == []


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", None]
)
def test_a_body_that_is_not_json_is_refused(
    client: FlaskClient, content_type: str | None
) -> None:
    body = '{"session_id": "' + "S" * 43 + '", "text": "hi"}'
    response = client.post(MESSAGES, data=body, content_type=content_type)
    assert_error(response, 415, "application/json")


def test_json_with_a_charset_is_fine(client: FlaskClient) -> None:
    body = '{"session_id": "' + "S" * 43 + '", "text": "olá"}'
    response = client.post(
        MESSAGES, data=body.encode(), content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 200


def test_an_unexpected_failure_shows_no_stack_trace(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_: object) -> None:
        raise RuntimeError("database on fire: secret detail")

    monkeypatch.setattr(conversations, "handle", broken)
    response = send(client, session_id="S" * 43, text="hi")
    assert_error(response, 500)
    assert "secret detail" not in response.get_data(as_text=True)


def test_buttons_carry_their_title_as_payload_never_an_intent(app: Flask) -> None:
    conversation = Conversation(key="k", channel="webchat", language="es")
    outcome = conversations.Outcome(
        conversation=conversation,
        texts=["¿Algo más?", "Adiós"],
        buttons=[
            [
                {"title": "Tus derechos", "payload": "/ask_rights"},
                {"title": "Hablar con una persona", "payload": "/request_human"},
            ],
            [],
        ],
        handoff=Handoff(reason="request_human", priority="normal"),
    )
    with app.app_context():
        body = answer(outcome)
    assert body == {
        "replies": [
            {
                "text": "¿Algo más?",
                "buttons": [
                    {"title": "Tus derechos", "payload": "Tus derechos"},
                    {
                        "title": "Hablar con una persona",
                        "payload": "Hablar con una persona",
                    },
                ],
            },
            {"text": "Adiós", "buttons": []},
        ],
        "language": "es",
        "handoff": "request_human",
    }
