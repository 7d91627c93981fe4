"""The web chat API in front of the real Rasa and action server: a question is
answered in the person's language and a request for a person is handed off."""

from __future__ import annotations

from functools import cache

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from sqlalchemy import select

from bot.catalogs import LOCALES_DIR, translate
from hotline.extensions import db
from hotline.models import Conversation, State

SESSIONS = "/webchat/api/v1/sessions"
MESSAGES = "/webchat/api/v1/messages"


@cache
def english_sources() -> dict[str, str]:
    """Response name -> English source text (the template every catalog follows)."""
    with (LOCALES_DIR / "messages.pot").open("rb") as template:
        catalog = read_po(template)
    return {m.context: m.id for m in catalog if m.context and isinstance(m.id, str)}


def response_text(name: str, language: str) -> str:
    return translate(name, english_sources()[name], language)


@pytest.mark.parametrize(
    ("language", "rights_question", "person_request", "pick_language"),
    [
        ("en", "what are my rights here", "i want to talk to a real person", False),
        ("es", "cuales son mis derechos", "quiero hablar con una persona", False),
        ("pt", "quais sao os meus direitos", "quero falar com uma pessoa", True),
        ("fr", "quels sont mes droits", "je veux parler a une personne", True),
    ],
)
def test_answered_in_the_persons_language_and_handed_off_on_request(
    app_with_bot: Flask,
    language: str,
    rights_question: str,
    person_request: str,
    pick_language: bool,
) -> None:
    client = app_with_bot.test_client()
    session_id = client.post(SESSIONS).json["session_id"]
    chosen = language if pick_language else None

    rights = client.post(
        MESSAGES,
        json={"session_id": session_id, "text": rights_question, "language": chosen},
    )
    assert rights.status_code == 200
    assert rights.json["language"] == language
    assert rights.json["handoff"] is None
    replies = [reply["text"] for reply in rights.json["replies"]]
    assert response_text("utter_rights", language) in replies

    person = client.post(
        MESSAGES, json={"session_id": session_id, "text": person_request}
    )
    assert person.status_code == 200
    assert person.json["language"] == language
    assert person.json["handoff"] == "request_human"
    replies = [reply["text"] for reply in person.json["replies"]]
    assert response_text("utter_handoff", language) in replies
    with app_with_bot.app_context():
        conversation = db.session.scalars(select(Conversation)).one()
        assert conversation.state == State.WAITING
