"""Rasa stopped mid-conversation costs no message: the person gets a short
answer in their language with the numbers, the message waits for a person, and
the bot answers again once Rasa is back. Its own stack, since it stops Rasa."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_texts import bot_says
from conftest import Twilio, make_app, message_bodies, start_bot_stack
from sqlalchemy import select

from bot.stack import Stack
from hotline import texts
from hotline.extensions import db
from hotline.models import Conversation, Message, MessageStatus


@pytest.fixture(scope="module")
def own_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = start_bot_stack(tmp_path_factory.mktemp("outage"))
    yield stack
    stack.stop()


def test_rasa_stopped_mid_conversation_loses_nothing(
    own_stack: Stack, tmp_path: Path
) -> None:
    app = make_app(tmp_path, RASA_URL=own_stack.config.rasa_url)
    twilio = Twilio(app.test_client())
    [first] = message_bodies(twilio.sms("preciso de um lugar seguro"))
    assert bot_says("utter_shelter_info", "pt") in first

    own_stack.stop_one("rasa")
    [answer] = message_bodies(twilio.sms("estou com medo, preciso falar com alguém"))
    assert answer == texts.BOT_UNAVAILABLE("pt", emergency="911", hotline="+1 555 0100")
    with app.app_context():
        kept = db.session.scalars(
            select(Message).where(Message.direction == "in").order_by(Message.id)
        ).all()
        assert kept[-1].text == "estou com medo, preciso falar com alguém"
        assert kept[-1].status == MessageStatus.FOR_PERSON
        conversation = db.session.scalars(select(Conversation)).one()
        assert "bot_unavailable" in [e.kind for e in conversation.events]

    own_stack.start_rasa()
    own_stack.wait_ready()
    # The bot is back where the conversation was: it still wants the country.
    [back] = message_bodies(twilio.sms("Brasil"))
    assert bot_says("utter_service_unchecked", "pt") in back


def test_a_bot_that_never_answers_is_cut_off_in_time(tmp_path: Path) -> None:
    """A Rasa that accepts the connection and then hangs (overloaded, stuck)."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        app = make_app(
            tmp_path, RASA_URL=f"http://127.0.0.1:{port}", BOT_TIMEOUT_SECONDS=0.5
        )
        twilio = Twilio(app.test_client())
        replies: list[list[str]] = []
        worker = threading.Thread(
            target=lambda: replies.append(message_bodies(twilio.sms("hola")))
        )
        worker.start()
        worker.join(timeout=10)
        assert not worker.is_alive(), "the hotline waited for the bot past its deadline"
    assert replies[0][0].startswith(
        texts.BOT_UNAVAILABLE("es", emergency="911", hotline="+1 555 0100")
    )
