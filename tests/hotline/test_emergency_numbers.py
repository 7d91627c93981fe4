"""The line's own texts give the emergency number of the country the person is
in: the one the bot learnt in the conversation, else the caller's number's;
before that, the numbers of every country the directory covers."""

from __future__ import annotations

import pytest
from conftest import Twilio, message_bodies, twiml
from flask import Flask
from sqlalchemy import select

from actions.directory.emergency import (
    common_emergency_numbers,
    emergency_numbers_for,
)
from actions.directory.loader import default_directory
from hotline.extensions import db
from hotline.models import Conversation
from hotline.places import country_of_number
from hotline.voice.speech import spoken

MESSAGES = "/webchat/api/v1/messages"
SESSIONS = "/webchat/api/v1/sessions"


def emergency_of(code: str) -> str:
    return default_directory().get(code).emergency_number()


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("+5511987654321", "BR"),
        ("+573001234567", "CO"),
        ("+51987654321", "PE"),
        ("+59171234567", "BO"),
        ("+18095551234", "DO"),
        ("+50937001234", "HT"),
    ],
)
def test_help_gives_the_callers_country_emergency_number(
    twilio: Twilio, number: str, code: str
) -> None:
    assert country_of_number(number) == code
    [body] = message_bodies(twilio.sms("HELP", sender=number))
    # The number, with the country named (the person may be a visitor).
    assert emergency_numbers_for(code, "en") in body
    if emergency_of(code) != "911":
        assert "911" not in body


def test_a_whatsapp_number_does_not_say_where_the_person_is(twilio: Twilio) -> None:
    """People keep their WhatsApp number when they move: a +57 number may be
    a Colombian in Peru, so every country's number is given."""
    [body] = message_bodies(twilio.sms("HELP", sender="whatsapp:+573001234567"))
    assert common_emergency_numbers("en") in body


def test_a_number_from_outside_the_directory_hears_every_countrys_number(
    twilio: Twilio,
) -> None:
    [body] = message_bodies(twilio.sms("HELP", sender="+447700900123"))
    assert common_emergency_numbers("en") in body
    for code in ("BR", "PE", "CO", "CL", "BO", "GT", "HT"):
        assert emergency_of(code) in body, code


def test_the_outage_answer_gives_the_local_emergency_number(twilio: Twilio) -> None:
    """The bot is down (nothing listens at RASA_URL): a Colombian number is
    told Colombia's emergency number, never 911."""
    bodies = message_bodies(twilio.sms("me tienen encerrada", sender="+573001234567"))
    assert any(emergency_of("CO") in body for body in bodies)
    assert not any("911" in body for body in bodies)


def test_a_caller_on_hold_hears_their_countrys_emergency_number(
    twilio: Twilio,
) -> None:
    response = twilio.call(
        "/twilio/voice/hold?lang=es", From="+5511987654321", QueuePosition="2"
    )
    said = " ".join(s.text or "" for s in twiml(response).iter("Say"))
    assert spoken(emergency_of("BR")) in said
    assert spoken("911") not in said


def test_the_country_the_bot_learns_is_kept_for_the_lines_texts(
    app_with_bot: Flask,
) -> None:
    client = app_with_bot.test_client()
    session_id = client.post(SESSIONS).json["session_id"]
    for text in ("necesito un lugar seguro para dormir", "Perú"):
        answer = client.post(MESSAGES, json={"session_id": session_id, "text": text})
        assert answer.status_code == 200
    with app_with_bot.app_context():
        countries = db.session.scalars(select(Conversation.country)).all()
    assert countries == ["PE"]


def test_danger_from_a_brazilian_number_is_answered_with_brazils_number(
    app_with_bot: Flask,
) -> None:
    """The bot does not know yet where the person is; the hotline tells it
    the country of their number, so the danger answer gives 190, not a list."""
    twilio = Twilio(app_with_bot.test_client())
    bodies = message_bodies(
        twilio.sms("socorro ele esta me batendo agora", sender="+5511987654321")
    )
    said = " ".join(bodies)
    assert emergency_of("BR") in said
    assert common_emergency_numbers("pt") not in said
