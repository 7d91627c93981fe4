"""The promises the line makes to a person, kept on every channel (issue 10):
a message the bot does not answer reaches a person; a cry for help is never a
carrier keyword; danger is noticed whoever has the conversation; urgent comes
first; nothing starts with ``/`` on its way to Rasa.

These run without the bot (its port is closed), except the erasure tests, which
run the real Rasa and action server on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_texts import bot_says
from conftest import (
    MODEL,
    Twilio,
    make_app,
    message_bodies,
    new_session,
    numbers_for,
    twiml,
)
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import create_engine, select, text
from test_postgres import fresh_database, postgres_url  # noqa: F401 (a fixture)

from bot import danger
from bot.stack import Stack, start_on_free_ports
from hotline import handoff, texts
from hotline.console.routing import queue_for
from hotline.conversations import clean_text
from hotline.extensions import db
from hotline.models import (
    Conversation,
    ConversationEvent,
    Message,
    MessageStatus,
    Note,
    Operator,
    State,
)
from hotline.rasa_trackers import hotline_url


def danger_answer_in_the_default_languages() -> str:
    """The line's danger answer to someone whose language the bot never
    placed (it is down): Spanish, then English."""
    return "\n\n".join(
        texts.DANGER_ANSWER(code, **numbers_for(code)) for code in ("es", "en")
    )


DANGER = "me tienen encerrada y no puedo escapar"


def the_conversation(app: Flask) -> Conversation:
    with app.app_context():
        return db.session.scalars(select(Conversation)).one()


def handoff_events(app: Flask) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(ConversationEvent.detail).where(
                    ConversationEvent.kind == "handoff"
                )
            )
        )


def waiting(app: Flask) -> list[Conversation]:
    with app.app_context():
        return handoff.waiting_queue()


def operator(app: Flask, name: str = "ana", languages: str = "es") -> int:
    with app.app_context():
        person = Operator(
            username=name,
            display_name=name.title(),
            password_hash="-",
            totp_secret="-",
            languages=languages,
        )
        db.session.add(person)
        db.session.commit()
        return person.id


def claim(app: Flask, operator_id: int) -> None:
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        assert handoff.claim(conversation.id, db.session.get(Operator, operator_id))


# -- 2. "A person will read it": and a person does --------------------------


def test_bot_down_puts_the_conversation_in_the_queue_once(
    app: Flask, twilio: Twilio
) -> None:
    twilio.sms("me quitaron el pasaporte")
    twilio.sms("hola? alguien?")
    conversation = the_conversation(app)
    assert (conversation.state, conversation.handoff_reason) == (
        State.WAITING,
        handoff.BOT_UNAVAILABLE,
    )
    assert conversation.handoff_priority == handoff.NORMAL
    assert [c.id for c in waiting(app)] == [conversation.id]
    assert handoff_events(app) == ["bot_unavailable/normal"]  # one episode


def test_twilio_fallback_url_puts_the_conversation_in_the_queue(
    app: Flask, twilio: Twilio
) -> None:
    params = {"MessageSid": "SMfb1", "From": "+15005550006", "Body": "necesito ayuda"}
    assert message_bodies(twilio.post("/twilio/sms/fallback", params))
    conversation = the_conversation(app)
    assert conversation.state == State.WAITING
    assert conversation.handoff_reason == handoff.BOT_UNAVAILABLE
    assert conversation.contact is not None  # an operator can answer by SMS


def test_a_message_after_stop_reaches_a_person_and_the_line_stays_silent(
    app: Flask, twilio: Twilio
) -> None:
    twilio.sms("STOP")
    assert message_bodies(twilio.sms("me quitaron los papeles")) == []
    conversation = the_conversation(app)
    assert conversation.opted_out
    assert (conversation.state, conversation.handoff_reason) == (
        State.WAITING,
        handoff.AFTER_OPT_OUT,
    )
    assert [c.id for c in waiting(app)] == [conversation.id]


def test_a_fallback_after_stop_is_kept_for_a_person_not_dropped(
    app: Flask, twilio: Twilio
) -> None:
    twilio.sms("BAJA")
    params = {"MessageSid": "SMfb2", "From": "+15005550006", "Body": "por favor"}
    assert message_bodies(twilio.post("/twilio/sms/fallback", params)) == []
    with app.app_context():
        kept = db.session.scalars(
            select(Message).where(Message.text == "por favor")
        ).one()
        assert kept.status == MessageStatus.FOR_PERSON
    assert the_conversation(app).handoff_reason == handoff.AFTER_OPT_OUT


def test_a_web_chat_outage_puts_the_conversation_in_the_queue(app: Flask) -> None:
    client = app.test_client()
    reply = client.post(
        "/webchat/api/v1/messages",
        json={"session_id": new_session(client), "text": "hola", "language": "es"},
    )
    assert reply.get_json()["handoff"] == handoff.BOT_UNAVAILABLE
    assert the_conversation(app).state == State.WAITING


# -- 3. A cry for help is never swallowed as a carrier keyword ---------------


@pytest.mark.parametrize("word", ["AYUDA", "ajuda", "Aide", "ÈD", "YANAPAY", "PYTYVÕ"])
def test_help_in_a_persons_language_is_a_message_for_the_bot_and_a_person(
    app: Flask, twilio: Twilio, word: str
) -> None:
    [body] = message_bodies(twilio.sms(word))
    assert texts.SMS_HELP("en", **numbers_for("en")) not in body
    # The bot is down here: the message is kept for a person, who will read it.
    assert "911" in body
    assert the_conversation(app).state == State.WAITING


@pytest.mark.parametrize("word", ["HELP", "info"])
def test_the_carriers_help_words_still_get_the_help_text(
    twilio: Twilio, word: str
) -> None:
    assert message_bodies(twilio.sms(word)) == [
        texts.SMS_HELP("en", **numbers_for("en"))
    ]


@pytest.mark.parametrize("word", ["SAIR", "sair", "SISPANN", "socorro", "ayuda"])
def test_words_a_person_in_danger_writes_alone_never_opt_out(
    app: Flask, twilio: Twilio, word: str
) -> None:
    twilio.sms(word)
    assert not the_conversation(app).opted_out


# -- 4. Danger is noticed whoever has the conversation -----------------------


def test_danger_with_the_bot_down_gets_the_emergency_answer_and_is_urgent(
    app: Flask, twilio: Twilio
) -> None:
    [body] = message_bodies(twilio.sms(DANGER))
    assert body == danger_answer_in_the_default_languages()
    conversation = the_conversation(app)
    assert (conversation.state, conversation.handoff_priority) == (
        State.WAITING,
        handoff.URGENT,
    )


def test_danger_while_waiting_is_answered_and_jumps_the_queue(
    app: Flask, twilio: Twilio
) -> None:
    twilio.sms("hola", sender="+15005550001")  # waits first (bot down)
    twilio.sms("hola", sender="+15005550002")
    [body] = message_bodies(twilio.sms(DANGER, sender="+15005550002"))
    assert "911" in body
    with app.app_context():
        first = handoff.waiting_queue()[0]
        assert first.handoff_priority == handoff.URGENT
        assert first.handoff_reason == handoff.DANGER
        assert handoff.queue_position(first) == 1


def test_danger_told_to_an_operator_makes_the_conversation_urgent(
    app: Flask, twilio: Twilio
) -> None:
    twilio.sms("quiero hablar con alguien")
    claim(app, operator(app))
    assert message_bodies(twilio.sms(DANGER)) == []  # the operator answers
    conversation = the_conversation(app)
    assert (conversation.state, conversation.handoff_priority) == (
        State.WITH_OPERATOR,
        handoff.URGENT,
    )


def test_danger_during_a_flood_gets_the_emergency_answer(tmp_path) -> None:
    app = make_app(tmp_path, RATE_LIMIT_PER_MINUTE=2)
    twilio = Twilio(app.test_client())
    for n in range(3):
        twilio.sms(f"mensaje {n}")
    [body] = message_bodies(twilio.sms(DANGER))
    assert body == danger_answer_in_the_default_languages()
    assert the_conversation(app).handoff_priority == handoff.URGENT


def test_danger_after_stop_is_answered_and_urgent(app: Flask, twilio: Twilio) -> None:
    twilio.sms("STOP")
    [body] = message_bodies(twilio.sms("they locked me in, I can't get out"))
    assert body == danger_answer_in_the_default_languages()
    assert the_conversation(app).handoff_priority == handoff.URGENT


@pytest.fixture
def classifier_unsure_of_tonight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """A danger classifier that gives any message with "tonight" a score
    (0.73) between its threshold and its certain threshold."""
    path = tmp_path / "danger.json"
    path.write_text(
        json.dumps(
            {
                "weights": {"w tonight": [1.0, 3.0]},
                "intercept": -2.0,
                "threshold": 0.5,
                "certain_threshold": 0.9,
            }
        )
    )
    monkeypatch.setenv("DANGER_MODEL_PATH", str(path))
    danger.default_detector.cache_clear()
    yield
    danger.default_detector.cache_clear()


@pytest.mark.usefixtures("classifier_unsure_of_tonight")
def test_possible_danger_told_in_words_reaches_a_person_soon(
    app: Flask, twilio: Twilio
) -> None:
    """Recall first: what the classifier is unsure of still gets the
    emergency number and a person, ahead of ordinary messages but behind
    sure danger."""
    twilio.sms("hola", sender="+15005550001")
    [body] = message_bodies(
        twilio.sms("they say we leave for the border tonight", sender="+15005550002")
    )
    assert body == danger_answer_in_the_default_languages()
    twilio.sms(DANGER, sender="+15005550003")
    with app.app_context():
        queue = handoff.waiting_queue()
        assert [c.handoff_priority for c in queue] == [
            handoff.URGENT,
            handoff.HIGH,
            handoff.NORMAL,
        ]
        assert queue[0].handoff_reason == handoff.DANGER
        assert queue[1].handoff_reason == handoff.BOT_UNAVAILABLE  # the bot is down


@pytest.mark.usefixtures("classifier_unsure_of_tonight")
def test_possible_danger_keeps_the_bot_answering_until_a_person_comes(
    app_with_bot: Flask,
) -> None:
    """A false alarm must not cost the person their answers: the bot answers
    on while a person is called; asking for one hands the conversation over."""
    client = app_with_bot.test_client()
    session = client.post("/webchat/api/v1/sessions").json["session_id"]

    def say(text: str) -> dict:
        reply = client.post(
            "/webchat/api/v1/messages", json={"session_id": session, "text": text}
        )
        assert reply.status_code == 200
        return reply.json

    first = say("is there a shelter where I can sleep tonight?")
    texts_ = [r["text"] for r in first["replies"]]
    assert bot_says("utter_shelter_info", "en", sms=False) in texts_
    assert texts.DANGER_ANSWER("en", **numbers_for("en", None)) in texts_  # added
    conversation = the_conversation(app_with_bot)
    assert (conversation.state, conversation.handoff_reason) == (
        State.WAITING,
        handoff.POSSIBLE_DANGER,
    )
    assert conversation.handoff_priority == handoff.HIGH
    numbers = [r["text"] for r in say("Mexico")["replies"]]
    assert any("800 5533 000" in text for text in numbers)  # the bot answered
    say("i want to talk to a person")
    conversation = the_conversation(app_with_bot)
    assert conversation.handoff_reason == "request_human"
    assert not handoff.bot_keeps_answering(conversation)


def test_danger_on_a_call_with_the_bot_down_is_urgent(
    app: Flask, twilio: Twilio
) -> None:
    response = twilio.call(
        "/twilio/voice/turn?lang=es",
        call_sid="CA" + "1" * 32,
        SpeechResult="me están pegando ayúdenme",
    )
    assert the_conversation(app).handoff_priority == handoff.URGENT
    # The caller hears the emergency number and is put through to a person
    # (the on-call number: no operator is on duty in this test).
    said = " ".join(element.text or "" for element in twiml(response).iter("Say"))
    assert "9 1 1" in said
    [dialled] = [element.text for element in twiml(response).iter("Dial")]
    assert dialled == "+15550199"


# -- 5. Urgent comes first, always --------------------------------------------


def test_urgent_in_another_language_comes_before_normal_in_mine(
    app: Flask, twilio: Twilio
) -> None:
    twilio.sms("hola, necesito papeles", sender="+15005550001")  # normal
    twilio.sms("I am locked in a room", sender="+15005550002")  # urgent
    with app.app_context():
        normal, urgent = handoff.waiting_queue()[::-1]
        normal.language, urgent.language = "es", "en"
        spanish_speaker = db.session.get(Operator, operator(app, languages="es"))
        rows = queue_for(spanish_speaker)
    assert [row.conversation.handoff_priority for row in rows] == ["urgent", "normal"]
    assert [row.mine for row in rows] == [False, True]


# -- 8. Nothing reaches Rasa starting with "/" ---------------------------------


@pytest.mark.parametrize("raw", ["/ /restart", " / / /emergency", "//\u200b/restart"])
def test_slashes_are_stripped_until_none_leads(raw: str) -> None:
    assert not clean_text(raw).startswith("/")
    assert clean_text(raw) in ("restart", "emergency")


@given(st.text())
def test_no_cleaned_text_starts_with_a_slash(raw: str) -> None:
    assert not clean_text(raw).startswith("/")


@given(st.lists(st.sampled_from(["/", " ", "\t", "\u200b", "\u00a0", "x"])))
def test_no_mix_of_slashes_and_spaces_leads_with_a_slash(parts: list[str]) -> None:
    assert not clean_text("".join(parts) + "/restart").startswith("/")


# -- 7. "Delete my data" leaves no trace, by either path, on either store -----


@pytest.fixture(scope="module")
def postgres_bot_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Rasa and the actions with their trackers on PostgreSQL, as in
    production, in a database of their own (dropped afterwards)."""
    with fresh_database("aliada_trackers") as url:
        stack = start_on_free_ports(
            MODEL,
            tmp_path_factory.mktemp("pg-bot"),
            tracker_store_url=url.replace("postgresql+psycopg://", "postgresql://"),
        )
        try:
            yield stack
        finally:
            stack.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def line(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """The hotline and the real bot, both on SQLite or both on PostgreSQL."""
    if request.param == "sqlite":
        stack = request.getfixturevalue("bot_stack")
        database = f"sqlite:///{tmp_path / 'hotline.db'}"
    else:
        stack = request.getfixturevalue("postgres_bot_stack")
        database = request.getfixturevalue("postgres_url")
    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=database,
        RASA_URL=stack.config.rasa_url,
        TRACKER_STORE_URL=stack.config.tracker_store_url,
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def everything_stored(app: Flask) -> str:
    """Every row of every table: the hotline's database and Rasa's trackers."""
    rows: list[str] = []
    with app.app_context():
        for table in db.metadata.sorted_tables:
            rows += [repr(tuple(row)) for row in db.session.execute(table.select())]
        trackers = create_engine(hotline_url(app.config["TRACKER_STORE_URL"]))
        with trackers.connect() as connection:
            rows += [
                repr(tuple(row))
                for row in connection.execute(text("SELECT * FROM events"))
            ]
        trackers.dispose()
    return "\n".join(rows)


def an_episode_with_people(app: Flask, topic: str) -> str:
    """The conversation was handed to an operator, who wrote a note and gave
    it back to the bot; returns the note."""
    note = "Nota: dijo que la tienen en una finca cerca de Tapachula"
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        handoff.request_person(conversation, "request_human", "normal", topic=topic)
        db.session.commit()
        ana = db.session.get(Operator, operator(app))
        assert handoff.claim(conversation.id, ana)
        db.session.add(Note(conversation_id=conversation.id, text=note))
        handoff.return_to_bot(conversation, ana)
    return note


def test_delete_my_data_through_the_bot_leaves_no_trace(line: Flask) -> None:
    twilio = Twilio(line.test_client())
    said = ["hola, buenas tardes"]
    twilio.sms(said[0])
    with line.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        key, rasa_sender = conversation.key, conversation.rasa_sender
    note = an_episode_with_people(line, topic="shelter_intake_topic")
    said += ["borra mis datos", "si"]
    twilio.sms(said[1])
    [done] = message_bodies(twilio.sms(said[2]))
    assert done == bot_says("utter_delete_done", "es")

    stored = everything_stored(line)
    for trace in [key, rasa_sender, note, "shelter_intake_topic", *said[:2]]:
        assert trace not in stored
    with line.app_context():
        assert db.session.scalars(select(Conversation)).all() == []


def test_the_widgets_delete_leaves_no_trace(line: Flask) -> None:
    client = line.test_client()
    session_id = client.post("/webchat/api/v1/sessions").get_json()["session_id"]
    said = "hola, necesito un lugar seguro para mi y mi hija"
    client.post(
        "/webchat/api/v1/messages", json={"session_id": session_id, "text": said}
    )
    with line.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        key, rasa_sender = conversation.key, conversation.rasa_sender
    note = an_episode_with_people(line, topic="widget_topic")
    response = client.delete(
        "/webchat/api/v1/sessions", json={"session_id": session_id}
    )
    assert response.status_code == 204

    stored = everything_stored(line)
    for trace in [key, rasa_sender, note, "widget_topic", said, session_id]:
        assert trace not in stored
