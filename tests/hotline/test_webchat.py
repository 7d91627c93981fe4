"""``/webchat/api/v1`` without the bot behind it: sessions, the answer when the
bot cannot be reached, privacy of the session id, retried messages answered
once, deleting a conversation, and every kind of bad input."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import SESSIONS, make_app, new_session, numbers_for
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from hotline import conversations, handoff, texts
from hotline.bot_client import BotClient, BotTurn, Handoff
from hotline.extensions import db
from hotline.models import (
    Channel,
    Conversation,
    ConversationEvent,
    Message,
    MessageStatus,
)
from hotline.privacy import conversation_key
from hotline.webchat import routes
from hotline.webchat.routes import answer
from hotline.webchat.sessions import looks_random

MESSAGES = "/webchat/api/v1/messages"


CLIENT_ID = "m-0001-retry"


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
    return texts.BOT_UNAVAILABLE(language, **numbers_for(language, None))


def rows(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def delete_session(client: FlaskClient, **fields: Any):
    return client.delete(SESSIONS, json=fields)


@pytest.fixture
def bot_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the hotline sends to the (unreachable) bot."""
    calls: list[str] = []
    real_send = BotClient.send

    def counting(self: BotClient, sender: str, text: str, metadata: Any) -> BotTurn:
        calls.append(text)
        return real_send(self, sender, text, metadata)

    monkeypatch.setattr(BotClient, "send", counting)
    return calls


@pytest.fixture
def echo_bot(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """A bot that answers each message in English with what it was told."""

    def echo(self: BotClient, sender: str, text: str, metadata: Any) -> BotTurn:
        return BotTurn(texts=[f"you said {text}", "anything else?"], language="en")

    return lambda: monkeypatch.setattr(BotClient, "send", echo)


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
        "handoff": "bot_unavailable",
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
    assert [m.text for m in incoming_messages(app)] == [
        f"message {n}" for n in range(4)
    ]


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
    body = '{"session_id": "' + new_session(client) + '", "text": "olá"}'
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
    response = send(client, session_id=new_session(client), text="hi")
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


def test_a_retried_message_is_kept_and_answered_once(
    app: Flask, client: FlaskClient, bot_calls: list[str]
) -> None:
    session_id = new_session(client)
    fields = {"session_id": session_id, "text": "help", "client_message_id": CLIENT_ID}
    first = send(client, **fields, language="fr")
    retry = send(client, **fields, language="fr")
    assert first.status_code == retry.status_code == 200
    assert first.json == {
        "replies": [{"text": unavailable("fr"), "buttons": []}],
        "language": "fr",
        "handoff": "bot_unavailable",
    }
    # A retry gets the same replies; the hand-off was reported the first time.
    assert retry.json == {**first.json, "handoff": None}
    assert [m.text for m in incoming_messages(app)] == ["help"]
    assert bot_calls == ["help"]


def test_a_late_retry_gets_only_the_replies_to_its_own_message(
    app: Flask, client: FlaskClient, echo_bot: Callable[[], None]
) -> None:
    echo_bot()
    session_id = new_session(client)
    send(client, session_id=session_id, text="one", client_message_id="first-msg")
    send(client, session_id=session_id, text="two", client_message_id="second-msg")
    retry = send(
        client, session_id=session_id, text="one", client_message_id="first-msg"
    )
    assert retry.json == {
        "replies": [
            {"text": "you said one", "buttons": []},
            {"text": "anything else?", "buttons": []},
        ],
        "language": "en",
        "handoff": None,
    }
    assert [m.text for m in incoming_messages(app)] == ["one", "two"]


def test_a_retry_that_overtakes_the_first_delivery_waits_for_its_answer(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The network dropped while the bot was still answering: the widget's
    retry arrives first and must get that answer, not nothing."""
    bot_asked, retry_waiting, answer_now = (threading.Event() for _ in range(3))

    def slow_echo(self: BotClient, sender: str, text: str, metadata: Any) -> BotTurn:
        bot_asked.set()
        answer_now.wait(timeout=30)
        return BotTurn(texts=[f"you said {text}"], language="en")

    real_replies_to = conversations.replies_to

    def watched_replies_to(provider_id: str) -> list[str]:
        retry_waiting.set()
        return real_replies_to(provider_id)

    monkeypatch.setattr(BotClient, "send", slow_echo)
    monkeypatch.setattr(conversations, "replies_to", watched_replies_to)
    session_id = new_session(app.test_client())
    fields = {"session_id": session_id, "text": "help", "client_message_id": CLIENT_ID}
    answers: dict[str, Any] = {}

    def deliver(name: str) -> None:
        answers[name] = send(app.test_client(), **fields).json

    first = threading.Thread(target=deliver, args=("first",))
    first.start()
    assert bot_asked.wait(timeout=30)
    retry = threading.Thread(target=deliver, args=("retry",))
    retry.start()
    assert retry_waiting.wait(timeout=30)
    answer_now.set()
    first.join(timeout=30)
    retry.join(timeout=30)
    assert answers["retry"] == answers["first"]
    assert answers["retry"]["replies"] == [{"text": "you said help", "buttons": []}]
    assert [m.text for m in incoming_messages(app)] == ["help"]


def test_a_retry_of_a_message_for_the_team_does_not_hold_the_line(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a message the bot is still answering is waited for: one that went to
    the operators will never get a bot reply, so its retry is answered at once."""
    session_id = new_session(client)
    with app.app_context():
        conversation = conversations.find_or_start(Channel.WEBCHAT, session_id)
        handoff.request_person(conversation, "request_human", "normal")
        db.session.commit()
    fields = {
        "session_id": session_id,
        "text": "hello?",
        "client_message_id": CLIENT_ID,
    }
    assert send(client, **fields).status_code == 200

    def no_waiting(seconds: float) -> None:
        raise AssertionError("the retry waited for a bot reply that cannot come")

    monkeypatch.setattr(routes.time, "sleep", no_waiting)
    retry = send(client, **fields)
    assert retry.status_code == 200
    # The same place in line it was told the first time, at once.
    [in_line] = retry.json["replies"]
    emergency = numbers_for("es", None)["emergency"]
    assert in_line["text"] == texts.IN_LINE("es", position=1, emergency=emergency)
    assert [m.text for m in incoming_messages(app)] == ["hello?"]


def test_without_a_client_message_id_every_request_is_a_new_message(
    app: Flask, client: FlaskClient, bot_calls: list[str]
) -> None:
    session_id = new_session(client)
    send(client, session_id=session_id, text="help")
    send(client, session_id=session_id, text="help", client_message_id=None)
    assert [m.text for m in incoming_messages(app)] == ["help", "help"]
    # The bot is down: the first message put the conversation in front of a
    # person, so the second went to the team, not to the bot.
    assert bot_calls == ["help"]


def test_sessions_using_the_same_client_message_id_do_not_collide(
    app: Flask, client: FlaskClient, bot_calls: list[str]
) -> None:
    for session_id in (new_session(client), new_session(client)):
        response = send(
            client, session_id=session_id, text="hello", client_message_id=CLIENT_ID
        )
        assert response.json["replies"] != []
    assert len(incoming_messages(app)) == 2
    assert len(bot_calls) == 2


def test_the_stored_message_id_reveals_neither_session_nor_client_id(
    app: Flask, client: FlaskClient
) -> None:
    session_id = new_session(client)
    send(client, session_id=session_id, text="hello", client_message_id=CLIENT_ID)
    [message] = incoming_messages(app)
    assert message.provider_id is not None
    assert message.provider_id.startswith("web:")
    assert len(message.provider_id) <= 80
    assert session_id not in message.provider_id
    assert CLIENT_ID not in message.provider_id


@pytest.mark.parametrize(
    "client_message_id",
    ["", "short-7", "a" * 65, "has space1", "slash/abc", "ñññññññññ", 12345678, ["x"]],
)
def test_a_malformed_client_message_id_is_refused(
    app: Flask, client: FlaskClient, client_message_id: Any
) -> None:
    response = send(
        client,
        session_id=new_session(client),
        text="hello",
        client_message_id=client_message_id,
    )
    assert_error(response, 400, "'client_message_id'")
    assert incoming_messages(app) == []


def test_deleting_a_session_deletes_its_whole_conversation(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    other, session_id = new_session(client), new_session(client)
    send(client, session_id=other, text="hello", language="en")
    others = {model: rows(app, model) for model in (Message, ConversationEvent)}
    send(client, session_id=session_id, text="my secret story", language="es")
    with caplog.at_level(logging.INFO):
        response = delete_session(client, session_id=session_id)
    assert response.status_code == 204
    assert response.get_data() == b""
    [kept] = conversations_stored(app)
    with app.app_context():
        assert kept.key == conversation_key("webchat", other)
    # Its messages and events went with it (ON DELETE CASCADE), no one else's.
    assert {model: rows(app, model) for model in others} == others
    assert session_id not in caplog.text
    assert "my secret story" not in caplog.text


def test_after_deleting_the_same_session_starts_afresh(
    app: Flask, client: FlaskClient
) -> None:
    session_id = new_session(client)
    send(client, session_id=session_id, text="first", language="fr")
    delete_session(client, session_id=session_id)
    response = send(client, session_id=session_id, text="again")
    assert response.json["language"] == "es"  # the French choice went too
    assert [m.text for m in incoming_messages(app)] == ["again"]


def test_deleting_an_unknown_session_looks_the_same(
    app: Flask, client: FlaskClient
) -> None:
    send(client, session_id=new_session(client), text="hello")
    response = delete_session(client, session_id=new_session(client))
    assert response.status_code == 204
    assert response.get_data() == b""
    assert len(conversations_stored(app)) == 1


@pytest.mark.parametrize(
    "fields", [{}, {"session_id": None}, {"session_id": 12}, {"session_id": "1"}]
)
def test_deleting_needs_a_real_session_id(
    client: FlaskClient, fields: dict[str, Any]
) -> None:
    assert_error(delete_session(client, **fields), 400, "'session_id'")


def test_deleting_with_a_body_that_is_not_json_is_refused(client: FlaskClient) -> None:
    response = client.delete(SESSIONS, data="session_id=" + "S" * 43)
    assert_error(response, 415, "application/json")
