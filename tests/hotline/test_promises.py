"""The promises the line makes to a person, kept on every channel (issue 10):
a message the bot does not answer reaches a person; a cry for help is never a
carrier keyword; danger is noticed whoever has the conversation; urgent comes
first; nothing starts with ``/`` on its way to Rasa.

These run without the bot (its port is closed) unless they say otherwise.
"""

from __future__ import annotations

import pytest
from conftest import Twilio, make_app, message_bodies
from flask import Flask
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from hotline import handoff, texts
from hotline.console.routing import queue_for
from hotline.conversations import clean_text
from hotline.extensions import db
from hotline.models import (
    Conversation,
    ConversationEvent,
    Message,
    MessageStatus,
    Operator,
    State,
)

NUMBERS = {"emergency": "911", "hotline": "+1 555 0100"}
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
    reply = app.test_client().post(
        "/webchat/api/v1/messages",
        json={"session_id": "W" * 43, "text": "hola", "language": "es"},
    )
    assert reply.get_json()["handoff"] == handoff.BOT_UNAVAILABLE
    assert the_conversation(app).state == State.WAITING


# -- 3. A cry for help is never swallowed as a carrier keyword ---------------


@pytest.mark.parametrize("word", ["AYUDA", "ajuda", "Aide", "ÈD", "YANAPAY", "PYTYVÕ"])
def test_help_in_a_persons_language_is_a_message_for_the_bot_and_a_person(
    app: Flask, twilio: Twilio, word: str
) -> None:
    [body] = message_bodies(twilio.sms(word))
    assert texts.SMS_HELP("en", **NUMBERS) not in body
    # The bot is down here: the message is kept for a person, who will read it.
    assert "911" in body
    assert the_conversation(app).state == State.WAITING


@pytest.mark.parametrize("word", ["HELP", "info"])
def test_the_carriers_help_words_still_get_the_help_text(
    twilio: Twilio, word: str
) -> None:
    assert message_bodies(twilio.sms(word)) == [texts.SMS_HELP("en", **NUMBERS)]


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
    assert body == texts.DANGER_ANSWER("es", **NUMBERS)
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
    assert body == texts.DANGER_ANSWER("es", **NUMBERS)
    assert the_conversation(app).handoff_priority == handoff.URGENT


def test_danger_after_stop_is_answered_and_urgent(app: Flask, twilio: Twilio) -> None:
    twilio.sms("STOP")
    [body] = message_bodies(twilio.sms("they locked me in, I can't get out"))
    assert body == texts.DANGER_ANSWER("en", **NUMBERS)
    assert the_conversation(app).handoff_priority == handoff.URGENT


def test_danger_on_a_call_with_the_bot_down_is_urgent(
    app: Flask, twilio: Twilio
) -> None:
    twilio.call(
        "/twilio/voice/turn?lang=es",
        call_sid="CA" + "1" * 32,
        SpeechResult="me están pegando ayúdenme",
    )
    assert the_conversation(app).handoff_priority == handoff.URGENT


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
