"""``/twilio/sms`` without the bot behind it: security, keywords, duplicates,
bad input, floods and the answer when the bot cannot be reached."""

from __future__ import annotations

import logging

import pytest
from conftest import Twilio, make_app, message_bodies, numbers_for, twiml
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from hotline import texts
from hotline.extensions import db
from hotline.models import Conversation, Message, MessageStatus
from hotline.sms.keywords import WORDS, Keyword
from hotline.sms.routes import parse_webhook

SENDER = "+15005550006"


def stored_messages(app: Flask) -> list[Message]:
    with app.app_context():
        return list(db.session.scalars(select(Message).order_by(Message.id)))


def unavailable(language: str) -> str:
    return texts.BOT_UNAVAILABLE(language, **numbers_for(language))


def test_unsigned_request_is_refused_and_nothing_is_stored(
    app: Flask, twilio: Twilio
) -> None:
    response = twilio.post(
        "/twilio/sms", {"From": SENDER, "Body": "hola", "MessageSid": "SM1"}, sign=False
    )
    assert response.status_code == 403
    assert stored_messages(app) == []


def test_badly_signed_request_is_refused(app: Flask, client) -> None:
    forger = Twilio(client, token="not-the-account-token")
    assert forger.sms("hola").status_code == 403
    assert stored_messages(app) == []


def test_signature_over_other_parameters_is_refused(twilio: Twilio) -> None:
    params = {"From": SENDER, "Body": "hola", "MessageSid": "SM2"}
    signature = twilio.validator.compute_signature(
        "http://localhost/twilio/sms", params
    )
    tampered = {**params, "Body": "/restart"}
    response = twilio.client.post(
        "/twilio/sms", data=tampered, headers={"X-Twilio-Signature": signature}
    )
    assert response.status_code == 403


def test_without_auth_token_the_routes_refuse_to_work(tmp_path) -> None:
    app = make_app(tmp_path, TWILIO_AUTH_TOKEN="")
    response = Twilio(app.test_client()).sms("hola")
    assert response.status_code == 503
    assert stored_messages(app) == []


def test_refusals_do_not_log_the_number(
    twilio: Twilio, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    twilio.post(
        "/twilio/sms",
        {"From": SENDER, "Body": "secret words", "MessageSid": "SM3"},
        sign=False,
    )
    assert "refusing" in caplog.text
    assert SENDER not in caplog.text and "secret words" not in caplog.text


def test_missing_twilio_parameters_are_a_clean_400(twilio: Twilio) -> None:
    response = twilio.post("/twilio/sms", {"Body": "hola"})
    assert response.status_code == 400
    assert b"Traceback" not in response.data


def test_extra_parameters_are_ignored(app: Flask, twilio: Twilio) -> None:
    response = twilio.sms(
        "hola", NewTwilioField="x", MediaUrl0="https://example.org/a.jpg"
    )
    assert response.status_code == 200
    assert message_bodies(response)


def test_bot_down_answers_in_both_default_languages_and_keeps_message(
    app: Flask, twilio: Twilio
) -> None:
    response = twilio.sms("necesito ayuda")
    assert message_bodies(response) == [f"{unavailable('es')}\n\n{unavailable('en')}"]
    [incoming, _reply] = stored_messages(app)
    assert (incoming.text, incoming.status) == (
        "necesito ayuda",
        MessageStatus.FOR_PERSON,
    )
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        # "A person will read it": the conversation waits for one.
        assert conversation.state == "waiting"
        assert conversation.handoff_reason == "bot_unavailable"
        assert [e.kind for e in conversation.events] == ["handoff"]


def test_duplicate_delivery_is_answered_once(app: Flask, twilio: Twilio) -> None:
    first = twilio.sms("hola", sid="SMduplicate")
    again = twilio.sms("hola", sid="SMduplicate")
    assert message_bodies(first)
    assert twiml(again).tag == "Response" and message_bodies(again) == []
    assert [m.direction for m in stored_messages(app)] == ["in", "out"]


def test_phone_number_is_never_stored(app: Flask, twilio: Twilio) -> None:
    twilio.sms("hola")
    with app.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        assert SENDER not in conversation.key and "5005550006" not in conversation.key
        dump = "\n".join(db.session.connection().connection.iterdump())
    assert "5005550006" not in dump


def test_whatsapp_and_sms_from_one_number_are_two_conversations(
    app: Flask, twilio: Twilio
) -> None:
    twilio.sms("hola", sender=SENDER)
    twilio.sms("hola", sender=f"whatsapp:{SENDER}")
    with app.app_context():
        channels = sorted(c.channel for c in db.session.scalars(select(Conversation)))
    assert channels == ["sms", "whatsapp"]


def test_stop_silences_the_line_until_start_and_keeps_messages(
    app: Flask, twilio: Twilio
) -> None:
    assert message_bodies(twilio.sms("STOP")) == [texts.SMS_STOPPED("en")]
    assert message_bodies(twilio.sms("they took my passport")) == []
    assert message_bodies(twilio.sms("start")) == [texts.SMS_STARTED("en")]
    statuses = [(m.text, m.status) for m in stored_messages(app) if m.direction == "in"]
    assert ("they took my passport", MessageStatus.FOR_PERSON) in statuses


@pytest.mark.parametrize("language", ["es", "pt", "fr"])
def test_stop_words_of_each_language_answer_in_it(
    app: Flask, twilio: Twilio, language: str
) -> None:
    stop_word = WORDS[Keyword.STOP](language).split(",")[0].strip()
    assert stop_word != "STOP", "no words of its own"
    [body] = message_bodies(twilio.sms(stop_word.lower()))
    assert body == texts.SMS_STOPPED(language)
    with app.app_context():
        assert db.session.scalars(select(Conversation)).one().opted_out


def test_help_gives_the_emergency_number(twilio: Twilio) -> None:
    [body] = message_bodies(twilio.sms("HELP"))
    assert "911" in body and body == texts.SMS_HELP("en", **numbers_for("en"))


def test_a_sentence_with_stop_in_it_is_not_a_keyword(
    app: Flask, twilio: Twilio
) -> None:
    twilio.sms("stop, they hit me")
    with app.app_context():
        assert not db.session.scalars(select(Conversation)).one().opted_out


def test_empty_body_gets_a_clear_answer(twilio: Twilio) -> None:
    assert message_bodies(twilio.sms("   ")) == [texts.EMPTY_MESSAGE("es")]


def test_flood_is_answered_once_and_every_message_kept(tmp_path) -> None:
    app = make_app(tmp_path, RATE_LIMIT_PER_MINUTE=3)
    twilio = Twilio(app.test_client())
    answers = [message_bodies(twilio.sms(f"message {n}")) for n in range(6)]
    # The bot is down: the first answer says so, the next two give the place
    # in line, then one polite answer for the flood and silence.
    assert all(answers[:3])
    assert answers[3] == [texts.RATE_LIMITED("es")]
    assert answers[4] == answers[5] == []
    kept = [m.text for m in stored_messages(app) if m.direction == "in"]
    assert kept == [f"message {n}" for n in range(6)]
    assert all(
        m.status == MessageStatus.FOR_PERSON
        for m in stored_messages(app)
        if m.direction == "in"
    )


def test_fallback_url_answers_without_the_bot_and_keeps_the_message(
    app: Flask, twilio: Twilio
) -> None:
    params = {
        "MessageSid": "SMfallback",
        "From": SENDER,
        "To": "+15550100",
        "Body": "ayuda",
    }
    response = twilio.post("/twilio/sms/fallback", params)
    assert message_bodies(response) == [f"{unavailable('es')}\n\n{unavailable('en')}"]
    [incoming] = [m for m in stored_messages(app) if m.direction == "in"]
    assert incoming.status == MessageStatus.FOR_PERSON


def test_fallback_after_a_slow_main_url_marks_the_stored_message(
    app: Flask, twilio: Twilio
) -> None:
    twilio.sms("ayuda", sid="SMslow")
    params = {
        "MessageSid": "SMslow",
        "From": SENDER,
        "To": "+15550100",
        "Body": "ayuda",
    }
    assert message_bodies(twilio.post("/twilio/sms/fallback", params))
    incoming = [m for m in stored_messages(app) if m.direction == "in"]
    assert [m.status for m in incoming] == [MessageStatus.FOR_PERSON]


@pytest.mark.parametrize(
    "body",
    [
        "x" * 10_000,
        "🙂🙏 ayuda 助けて помогите",
        "<script>alert(1)</script>",
        "\x00\x07bell\x1b[31m",
        "/restart",
        "//",
    ],
)
def test_hostile_bodies_get_a_defined_answer(
    app: Flask, twilio: Twilio, body: str
) -> None:
    response = twilio.sms(body)
    assert response.status_code == 200
    assert message_bodies(response)
    [incoming] = [m for m in stored_messages(app) if m.direction == "in"]
    assert not incoming.text.startswith("/")
    assert "\x00" not in incoming.text and "\x1b" not in incoming.text
    assert len(incoming.text) <= 10_000


def test_invalid_utf8_is_answered_not_crashed(app: Flask, twilio: Twilio) -> None:
    raw = b"MessageSid=SMutf&From=%2B15005550006&Body=%FF%FEhola"
    params = {"MessageSid": "SMutf", "From": "+15005550006", "Body": "%FF%FEhola"}
    signature = twilio.validator.compute_signature(
        "http://localhost/twilio/sms", params
    )
    response = twilio.client.post(
        "/twilio/sms",
        data=raw,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )
    assert response.status_code == 200
    assert message_bodies(response)
    [incoming] = [m for m in stored_messages(app) if m.direction == "in"]
    # Werkzeug keeps undecodable escapes as they came: stored, never a crash.
    assert incoming.text == "%FF%FEhola"


form_values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=50)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
@given(
    st.dictionaries(
        st.sampled_from(["From", "Body", "MessageSid", "SmsSid", "To", "X"]),
        form_values,
    )
)
def test_webhook_parsing_never_fails(form: dict[str, str]) -> None:
    parsed = parse_webhook(form)
    has_sender = bool(form.get("From", "").strip())
    has_sid = bool(form.get("MessageSid", "").strip() or form.get("SmsSid", "").strip())
    assert (parsed is not None) == (has_sender and has_sid)
    if parsed:
        assert parsed.channel == (
            "whatsapp" if parsed.sender.startswith("whatsapp:") else "sms"
        )
        assert parsed.body == form.get("Body", "")


def test_behind_a_proxy_the_public_url_is_what_twilio_signed(tmp_path) -> None:
    app = make_app(tmp_path, PROXY_COUNT=1)
    twilio = Twilio(app.test_client())
    twilio.base = "https://line.example.org"
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "line.example.org"}
    response = twilio.sms("hola", headers=forwarded)
    assert response.status_code == 200
    # Without the proxy setting the same request looks forged.
    direct = Twilio(make_app(tmp_path / "direct").test_client())
    direct.base = "https://line.example.org"
    assert direct.sms("hola", headers=forwarded).status_code == 403
