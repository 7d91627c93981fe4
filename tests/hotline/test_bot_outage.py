"""Rasa stopped mid-conversation costs no message: the person gets a short
answer in their language with the numbers, the conversation waits for a person,
and once a person has read it and handed it back, the bot answers again where
it was. Its own stack, since it stops Rasa."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from bot_texts import bot_says
from conftest import Twilio, make_app, message_bodies, numbers_for, start_bot_stack
from sqlalchemy import select

from actions.directory.loader import default_directory
from bot.stack import Stack
from hotline import handoff, texts
from hotline.extensions import db
from hotline.models import Conversation, Message, MessageStatus, Operator, State


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
    assert answer == texts.BOT_UNAVAILABLE("pt", **numbers_for("pt"))
    with app.app_context():
        kept = db.session.scalars(
            select(Message).where(Message.direction == "in").order_by(Message.id)
        ).all()
        assert kept[-1].text == "estou com medo, preciso falar com alguém"
        assert kept[-1].status == MessageStatus.FOR_PERSON
        conversation = db.session.scalars(select(Conversation)).one()
        # "A person will read it": the conversation waits for one.
        assert conversation.state == State.WAITING
        assert conversation.handoff_reason == "bot_unavailable"

    own_stack.start_rasa()
    own_stack.wait_ready()
    # Until a person has read it, messages go to the team, not to the bot.
    [in_line] = message_bodies(twilio.sms("alô?"))
    assert in_line == texts.IN_LINE(
        "pt", position=1, emergency=numbers_for("pt")["emergency"]
    )
    with app.app_context():
        operator = Operator(
            username="rui", display_name="Rui", password_hash="-", totp_secret="-"
        )
        db.session.add(operator)
        db.session.commit()
        conversation = db.session.scalars(select(Conversation)).one()
        assert handoff.claim(conversation.id, operator)
        handoff.return_to_bot(conversation, operator)
    # Handed back, the bot is where the conversation was: it wants the country.
    [back] = message_bodies(twilio.sms("Brasil"))
    brazil = default_directory().get("BR")
    assert brazil.entries("trafficking_hotline")[0].main_number in back


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
    assert replies[0][0].startswith(texts.BOT_UNAVAILABLE("es", **numbers_for("es")))
