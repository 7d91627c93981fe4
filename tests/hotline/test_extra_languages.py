"""Every extra language (Haitian Creole, Quechua, Guarani, K'iche', Aymara and
any added since) on the line's text channels, through the real bot: a question
in the language is answered in it, and the language's person word brings a
person marked "needs interpreter". Driven by bot/languages.yml and each
language's own data, so a new language is tested as soon as it exists."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml
from bot_texts import bot_says
from conftest import SESSIONS, Twilio, message_bodies
from flask import Flask
from sqlalchemy import select

from bot.languages import EXTRA_LANGUAGES, LANGUAGES
from hotline.extensions import db
from hotline.models import Conversation, State

NLU_DIR = Path(__file__).resolve().parents[2] / "bot" / "data" / "nlu"
MESSAGES = "/webchat/api/v1/messages"


@cache
def shelter_question(language: str) -> str:
    """The language's longest taught way of asking for a safe place: the test
    is about the channels carrying the language, not about the classifier."""
    data = yaml.safe_load((NLU_DIR / f"{language}.yml").read_text(encoding="utf-8"))
    examples = [
        line.strip().removeprefix("- ").strip()
        for block in data["nlu"]
        if block.get("intent") == "ask_shelter"
        for line in block["examples"].splitlines()
        if line.strip().startswith("- ") and "[" not in line
    ]
    return max(examples, key=len)


def only_conversation(app: Flask) -> Conversation:
    with app.app_context():
        return db.session.scalars(select(Conversation)).one()


@pytest.mark.parametrize("language", EXTRA_LANGUAGES)
def test_by_sms_answered_in_the_language_then_a_person_with_an_interpreter(
    app_with_bot: Flask, language: str
) -> None:
    twilio = Twilio(app_with_bot.test_client())
    bodies = message_bodies(twilio.sms(shelter_question(language)))
    assert any(bot_says("utter_shelter_info", language) in body for body in bodies)
    assert only_conversation(app_with_bot).language == language

    [body] = message_bodies(twilio.sms(LANGUAGES[language].person_word))
    assert body == bot_says("utter_handoff_interpreter", language)
    conversation = only_conversation(app_with_bot)
    assert (conversation.state, conversation.handoff_reason) == (
        State.WAITING,
        "interpreter",
    )


@pytest.mark.parametrize("language", EXTRA_LANGUAGES)
def test_by_web_chat_answered_in_the_language_then_a_person_with_an_interpreter(
    app_with_bot: Flask, language: str
) -> None:
    client = app_with_bot.test_client()
    session_id = client.post(SESSIONS).json["session_id"]
    answer = client.post(
        MESSAGES, json={"session_id": session_id, "text": shelter_question(language)}
    )
    assert answer.status_code == 200
    assert answer.json["language"] == language
    replies = [reply["text"] for reply in answer.json["replies"]]
    assert any(
        bot_says("utter_shelter_info", language, sms=False) in r for r in replies
    )

    person = client.post(
        MESSAGES,
        json={"session_id": session_id, "text": LANGUAGES[language].person_word},
    )
    assert person.json["handoff"] == "interpreter"
    replies = [reply["text"] for reply in person.json["replies"]]
    assert bot_says("utter_handoff_interpreter", language, sms=False) in replies
    assert only_conversation(app_with_bot).state == State.WAITING
