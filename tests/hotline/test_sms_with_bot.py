"""Signed SMS through the hotline to the real Rasa and action server."""

from __future__ import annotations

import pytest
from bot_texts import bot_says
from conftest import Twilio, message_bodies
from flask import Flask
from sqlalchemy import select
from test_rasa_trackers import senders_in

from hotline.extensions import db
from hotline.models import Conversation, Message

SHELTER_QUESTIONS = {
    "en": "I need a safe place to stay",
    "es": "necesito un lugar seguro",
    "pt": "preciso de um lugar seguro",
    "fr": "j'ai besoin d'un endroit sur pour dormir",
}


def conversation_of(app: Flask, channel: str = "sms") -> Conversation:
    with app.app_context():
        return db.session.scalars(
            select(Conversation).where(Conversation.channel == channel)
        ).one()


@pytest.mark.parametrize("language", sorted(SHELTER_QUESTIONS))
def test_a_question_in_each_core_language_is_answered_in_it(
    app_with_bot: Flask, language: str
) -> None:
    twilio = Twilio(app_with_bot.test_client())
    [body] = message_bodies(twilio.sms(SHELTER_QUESTIONS[language]))
    assert bot_says("utter_shelter_info", language) in body
    if language != "en":
        assert bot_says("utter_shelter_info", "en") not in body
    # Signals (language, hand-off) never reach the person.
    assert "{" not in body and "language" not in body
    assert conversation_of(app_with_bot).language == language


def test_a_request_for_a_person_puts_the_conversation_in_the_queue(
    app_with_bot: Flask,
) -> None:
    twilio = Twilio(app_with_bot.test_client())
    [body] = message_bodies(twilio.sms("I want to talk to a person"))
    assert body == bot_says("utter_handoff", "en")
    conversation = conversation_of(app_with_bot)
    assert (conversation.state, conversation.handoff_reason) == (
        "waiting",
        "request_human",
    )


def test_emergency_is_urgent(app_with_bot: Flask) -> None:
    twilio = Twilio(app_with_bot.test_client())
    [body] = message_bodies(twilio.sms("help, he has a gun and says he will kill me"))
    assert "911" in body
    assert conversation_of(app_with_bot).handoff_priority == "urgent"


def test_slash_commands_cannot_reset_the_conversation(app_with_bot: Flask) -> None:
    twilio = Twilio(app_with_bot.test_client())
    twilio.sms("necesito un lugar seguro")
    [body] = message_bodies(twilio.sms("/restart"))
    # "/restart" reached the bot as the word "restart": the conversation keeps
    # its language instead of starting over in English.
    assert conversation_of(app_with_bot).language == "es"
    assert bot_says("utter_shelter_info", "en") not in body


def test_delete_my_data_erases_the_transcript_and_rasas_tracker(
    app_with_bot: Flask,
) -> None:
    twilio = Twilio(app_with_bot.test_client())
    twilio.sms("hello")
    rasa_knew_it_as = conversation_of(app_with_bot).rasa_sender
    trackers = app_with_bot.config["TRACKER_STORE_URL"]
    assert rasa_knew_it_as in senders_in(trackers)
    twilio.sms("delete my data")
    [done] = message_bodies(twilio.sms("yes"))
    assert done == bot_says("utter_delete_done", "en")
    with app_with_bot.app_context():
        assert db.session.scalars(select(Conversation)).all() == []
        assert db.session.scalars(select(Message)).all() == []
    assert rasa_knew_it_as not in senders_in(trackers)
    # Writing again starts afresh, with a new id for Rasa.
    twilio.sms("hello")
    assert conversation_of(app_with_bot).rasa_sender != rasa_knew_it_as


def test_the_questions_stop_with_0_and_the_line_stays_subscribed(
    app_with_bot: Flask,
) -> None:
    """A bare "stop" by SMS unsubscribes (carriers, Twilio and our keywords
    agree), so the self-assessment tells people to write 0 instead."""
    twilio = Twilio(app_with_bot.test_client())
    twilio.sms("hello")
    [questions] = message_bodies(twilio.sms("7"))
    assert bot_says("utter_self_assessment_intro", "en") in questions
    [stopped] = message_bodies(twilio.sms("0"))
    assert bot_says("utter_sa_stopped", "en") in stopped
    assert not conversation_of(app_with_bot).opted_out
