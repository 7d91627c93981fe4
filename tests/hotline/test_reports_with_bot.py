"""Consent for a report through the hotline and the real Rasa and action
server (issue 15): the person hears the exceptions and the question in their
language, answers with a digit, a word or a button, and the hotline keeps the
choice; asking again names it, and a new answer changes it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_texts import bot_says
from conftest import SESSIONS, Twilio, make_app, message_bodies
from flask import Flask
from sqlalchemy import select
from test_postgres import fresh_database

from bot.catalogs import translate
from bot.stack import Stack
from hotline.extensions import db
from hotline.models import ConversationEvent, Report

MESSAGES = "/webchat/api/v1/messages"
TITLES = (
    "1 Share it with the authorities",
    "2 Keep it confidential with our team",
    "3 Only count it, without names",
)


def _report(app: Flask) -> Report | None:
    with app.app_context():
        return db.session.scalars(select(Report)).one_or_none()


def _events(app: Flask) -> list[tuple[str, str | None]]:
    with app.app_context():
        return [
            (event.kind, event.detail)
            for event in db.session.scalars(
                select(ConversationEvent)
                .where(ConversationEvent.kind.like("report%"))
                .order_by(ConversationEvent.id)
            )
        ]


@pytest.mark.parametrize(
    ("language", "report", "answer", "consent"),
    [
        ("es", "quiero denunciar a un tratante", "2", "confidential"),
        (
            "pt",
            "quero denunciar um caso de trafico de pessoas",
            "confidencial",
            "confidential",
        ),
        ("en", "i want to report a trafficker", "share it with the police", "share"),
    ],
)
def test_a_report_by_sms_asks_and_keeps_the_choice(
    app_with_bot: Flask, language: str, report: str, answer: str, consent: str
) -> None:
    twilio = Twilio(app_with_bot.test_client())
    [asked] = message_bodies(twilio.sms(report))
    # The exceptions come before the question, both in the person's language.
    exceptions = bot_says("utter_report_exceptions", language)
    question = bot_says("utter_ask_report_consent", language)
    assert exceptions in asked and question in asked
    assert asked.index(exceptions) < asked.index(question)
    assert _report(app_with_bot) is None  # nothing chosen yet

    [confirmed] = message_bodies(twilio.sms(answer))
    assert bot_says(f"utter_report_consent_{consent}", language) in confirmed
    assert "{" not in confirmed and "consent" not in confirmed  # signal unseen
    report = _report(app_with_bot)
    assert (report.consent, report.source) == (consent, "person")
    assert _events(app_with_bot) == [("report_consent_given", consent)]


def test_the_person_changes_their_choice_later(app_with_bot: Flask) -> None:
    twilio = Twilio(app_with_bot.test_client())
    twilio.sms("quiero denunciar a un tratante")
    twilio.sms("3")
    assert _report(app_with_bot).consent == "anonymous"
    twilio.sms("México")  # then the numbers, as for any report
    [asked] = message_bodies(twilio.sms("quiero cambiar como se usa mi denuncia"))
    # The question comes back, naming the current choice.
    assert bot_says("utter_report_consent_now_anonymous", "es") in asked
    assert bot_says("utter_ask_report_consent", "es") in asked
    twilio.sms("1")
    report = _report(app_with_bot)
    assert (report.consent, report.changed_by) == ("share", "person")
    assert _events(app_with_bot) == [
        ("report_consent_given", "anonymous"),
        ("report_consent_changed", "anonymous -> share"),
    ]


def test_web_chat_offers_buttons_in_the_persons_language(app_with_bot: Flask) -> None:
    client = app_with_bot.test_client()
    session_id = client.post(SESSIONS).json["session_id"]
    reply = client.post(
        MESSAGES,
        json={
            "session_id": session_id,
            "text": "je veux signaler un cas de traite",
            "language": "fr",
        },
    ).json
    [buttons] = [r["buttons"] for r in reply["replies"] if r.get("buttons")]
    titles = [button["title"] for button in buttons]
    assert titles == [translate("utter_ask_report_consent", t, "fr") for t in TITLES]
    assert "autorités" in titles[0]  # in French, not English
    # The person presses the third button: its payload is the digit.
    client.post(
        MESSAGES, json={"session_id": session_id, "text": buttons[2]["payload"]}
    )
    assert _report(app_with_bot).consent == "anonymous"


@pytest.fixture
def postgres_app(tmp_path: Path, bot_stack: Stack) -> Iterator[Flask]:
    """The hotline on the real PostgreSQL, in front of the bot."""
    with fresh_database("aliada_reports_bot") as url:
        app = make_app(
            tmp_path, SQLALCHEMY_DATABASE_URI=url, RASA_URL=bot_stack.config.rasa_url
        )
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_the_choice_is_kept_on_postgresql(postgres_app: Flask) -> None:
    twilio = Twilio(postgres_app.test_client())
    twilio.sms("je veux signaler un cas de traite")
    [confirmed] = message_bodies(twilio.sms("2"))
    assert bot_says("utter_report_consent_confidential", "fr") in confirmed
    assert _report(postgres_app).consent == "confidential"
