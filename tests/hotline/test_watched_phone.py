"""Safe for a watched phone: an operator's text after a pause waits for the
person's "yes"; the safe word stops every message at once and gets no answer;
the carrier HELP text does not say what the line is about."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Twilio, make_app, message_bodies
from cryptography.fernet import Fernet
from fake_twilio import FakeTwilio
from flask import Flask
from test_console import Person, at, claimed_by, incoming, stored

from bot.languages import SUPPORTED_LANGUAGES
from hotline import texts
from hotline.models import Conversation, Message, MessageStatus, State

SENDER = "+15550001"


@pytest.fixture
def line(tmp_path: Path, fake_twilio: FakeTwilio) -> Flask:
    """The hotline sending SMS through the stand-in for Twilio's REST API."""
    return make_app(
        tmp_path,
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_PHONE_NUMBER="+15550100",
        TWILIO_API_URL=fake_twilio.url,
        TWILIO_API_TIMEOUT_SECONDS=2.0,
    )


def reply_after_a_pause(app: Flask, minutes: int = 120) -> tuple[Person, int]:
    """Ana writes "Hola, soy Ana" ``minutes`` after the person's last message."""
    ana = Person(app, "ana").log_in()
    conversation_id = claimed_by(app, ana, SENDER)
    incoming(app, conversation_id, "hola, necesito ayuda", minutes_ago=minutes)
    ana.post(at(ana.app, conversation_id, "reply"), {"text": "Hola, soy Ana"})
    return ana, conversation_id


def sent_bodies(fake_twilio: FakeTwilio) -> list[str]:
    return [request["form"]["Body"] for request in fake_twilio.received]


def test_a_reply_soon_after_the_persons_message_goes_straight_out(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    reply_after_a_pause(line, minutes=5)
    assert sent_bodies(fake_twilio) == ["Hola, soy Ana"]


def test_after_an_hour_the_person_is_asked_first_and_yes_releases_the_reply(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    ana, conversation_id = reply_after_a_pause(line, minutes=90)
    ana.post(at(ana.app, conversation_id, "reply"), {"text": "¿Sigues ahí?"})
    # One neutral question, with the safe word; nothing of Ana's yet.
    safe_word = texts.SAFE_WORD("es")
    assert sent_bodies(fake_twilio) == [texts.SAFETY_CHECK("es", safe_word=safe_word)]
    held = stored(line, Message, Message.status == MessageStatus.AWAITING_SAFE)
    assert [m.text for m in held] == ["Hola, soy Ana", "¿Sigues ahí?"]
    # The person answers "sí": what Ana wrote goes out, in order.
    twilio = Twilio(line.test_client())
    answer = twilio.sms("sí", sender=SENDER)
    assert message_bodies(answer) == []
    assert sent_bodies(fake_twilio)[1:] == ["Hola, soy Ana", "¿Sigues ahí?"]


def test_a_hedged_yes_keeps_the_reply_held(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    reply_after_a_pause(line)
    Twilio(line.test_client()).sms("sí, pero más tarde", sender=SENDER)
    assert len(fake_twilio.received) == 1  # the question only


def test_closing_cancels_what_waited_for_a_yes(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    ana, conversation_id = reply_after_a_pause(line)
    ana.post(at(ana.app, conversation_id, "close"))
    assert stored(line, Message, Message.status == MessageStatus.AWAITING_SAFE) == []
    [cancelled] = stored(line, Message, Message.status == MessageStatus.CANCELLED)
    assert cancelled.text == "Hola, soy Ana"


def test_after_hours_the_first_reply_waits_then_the_conversation_goes_on(
    tmp_path: Path, fake_twilio: FakeTwilio
) -> None:
    """The person wrote at night, when the team was away: the morning's first
    reply waits for their yes; once they answered, replies go straight out."""
    closed = tmp_path / "hours-closed.yml"
    closed.write_text("timezone: UTC\nhours:\n  default: {}\n")
    app = make_app(
        tmp_path,
        OPENING_HOURS_FILE=str(closed),
        TWILIO_ACCOUNT_SID="AC" + "1" * 32,
        TWILIO_PHONE_NUMBER="+15550100",
        TWILIO_API_URL=fake_twilio.url,
        TWILIO_API_TIMEOUT_SECONDS=2.0,
    )
    ana = Person(app, "ana").log_in()
    conversation_id = claimed_by(app, ana, SENDER)
    incoming(app, conversation_id, "hola", minutes_ago=10)
    ana.post(at(ana.app, conversation_id, "reply"), {"text": "Hola, soy Ana"})
    assert len(fake_twilio.received) == 1  # the question
    Twilio(app.test_client()).sms("si", sender=SENDER)
    ana.post(at(ana.app, conversation_id, "reply"), {"text": "¿Dónde estás?"})
    assert sent_bodies(fake_twilio)[1:] == ["Hola, soy Ana", "¿Dónde estás?"]


def test_the_safe_word_works_on_the_fallback_url_too(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    reply_after_a_pause(line)
    twilio = Twilio(line.test_client())
    params = {
        "MessageSid": "SM" + "7" * 32,
        "AccountSid": "AC" + "0" * 32,
        "From": SENDER,
        "To": "+15550100",
        "Body": texts.SAFE_WORD("es"),
    }
    answer = twilio.post("/twilio/sms/fallback", params)
    assert message_bodies(answer) == []
    [conversation] = stored(line, Conversation)
    assert conversation.state == State.CLOSED
    assert conversation.contact is None


def test_an_answer_that_is_not_yes_keeps_the_reply_held(
    line: Flask, fake_twilio: FakeTwilio
) -> None:
    ana, conversation_id = reply_after_a_pause(line)
    Twilio(line.test_client()).sms("ahora no, él está aquí", sender=SENDER)
    assert len(fake_twilio.received) == 1  # the question only
    held = stored(line, Message, Message.status == MessageStatus.AWAITING_SAFE)
    assert [m.text for m in held] == ["Hola, soy Ana"]
    # The person's words reach Ana, who decides what to do.
    page = ana.client.get(at(ana.app, conversation_id)).get_data(as_text=True)
    assert "ahora no, él está aquí" in page


@pytest.mark.parametrize("language", ["es", "en", "pt", "fr"])
def test_the_safe_word_stops_everything_at_once_and_is_not_answered(
    line: Flask, fake_twilio: FakeTwilio, language: str
) -> None:
    ana, conversation_id = reply_after_a_pause(line)
    safe_word = texts.SAFE_WORD(language)
    answer = Twilio(line.test_client()).sms(safe_word.upper(), sender=SENDER)
    assert message_bodies(answer) == []  # silence: nobody to betray
    [cancelled] = stored(line, Message, Message.status == MessageStatus.CANCELLED)
    assert cancelled.text == "Hola, soy Ana"
    [conversation] = stored(line, Conversation)
    assert conversation.state == State.CLOSED
    assert conversation.contact is None
    # Nothing more can be sent: the operator is told it was not sent.
    ana.post(at(ana.app, conversation_id, "reply"), {"text": "¿Hola?"})
    assert len(fake_twilio.received) == 1
    # Writing again later starts afresh with the bot.
    Twilio(line.test_client()).sms("hola otra vez", sender=SENDER)
    [conversation] = stored(line, Conversation)
    assert conversation.state != State.CLOSED


def test_the_safe_word_is_a_different_phrase_in_each_language() -> None:
    words = {
        texts.fold(texts.SAFE_WORD(code)) for code in ("en", "es", "pt", "fr", "ht")
    }
    assert len(words) == 5
    for word in words:
        assert word and len(word.split()) <= 3


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_help_text_does_not_say_what_the_line_is_about(language: str) -> None:
    help_text = texts.SMS_HELP(language, emergency="911", hotline="+1 800").lower()
    for word in ("traffick", "trata", "tráfico", "traite", "trafik", "exploit"):
        assert word not in help_text, (language, word)


def test_without_a_real_hotline_number_the_line_refuses_to_start(
    tmp_path: Path,
) -> None:
    from hotline import config, create_app

    production = {
        "TESTING": False,
        "ALIADA_ENV": "production",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'h.db'}",
        # Every secret set (tests/hotline/test_secrets.py checks those).
        "CONVERSATION_KEY_SECRET": "c" * 43,
        "SECRET_KEY": "s" * 43,
        "RASA_JWT_SECRET": "r" * 43,
        "CONTACT_ENCRYPTION_KEYS": [Fernet.generate_key().decode()],
    }
    for number in ("", "+1 555 0100", "+1-555-0123"):
        with pytest.raises(config.ConfigurationError, match="HOTLINE_NUMBER"):
            create_app({**production, "HOTLINE_NUMBER": number})
    assert create_app({**production, "HOTLINE_NUMBER": "+1 888 373 7888"})
    development = {**production, "ALIADA_ENV": "development", "HOTLINE_NUMBER": ""}
    assert create_app(development)
