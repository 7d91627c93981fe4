"""Hand-off states: waiting people hear their place in line and never reach the
bot; one claim wins; closing forgets the number; handing back resumes the bot."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from conftest import Twilio, message_bodies, numbers_for
from flask import Flask
from sqlalchemy import select

from hotline import handoff, sealing, texts
from hotline.conversations import find_or_start
from hotline.extensions import db
from hotline.handoff import request_person
from hotline.models import Conversation, Message, MessageStatus, Operator, State, utcnow


def operator(name: str = "ana", languages: str = "es,en") -> Operator:
    person = Operator(
        username=name,
        display_name=name.title(),
        password_hash="x",
        totp_secret="x",
        languages=languages,
    )
    db.session.add(person)
    db.session.commit()
    return person


def waiting(
    app: Flask, sender: str, priority: str = "normal", minutes_ago: int = 0
) -> int:
    with app.test_request_context():
        conversation = find_or_start("sms", sender)
        request_person(conversation, "request_human", priority, sender)
        conversation.waiting_since = utcnow() - timedelta(minutes=minutes_ago)
        db.session.commit()
        return conversation.id


def test_waiting_person_hears_place_in_line_and_the_bot_is_not_asked(
    app: Flask, twilio: Twilio
) -> None:
    waiting(app, "+15550001", "urgent")
    waiting(app, "+15550002", "normal", minutes_ago=5)
    waiting(app, "+15550003", "normal", minutes_ago=1)
    [body] = message_bodies(twilio.sms("/restart", sender="+15550003"))
    emergency = numbers_for("es", "+15550003")["emergency"]
    assert body == texts.IN_LINE("es", position=3, emergency=emergency)
    with app.app_context():
        [kept] = db.session.scalars(
            select(Message).where(Message.direction == "in")
        ).all()
        assert kept.status == MessageStatus.FOR_PERSON
        assert db.session.scalars(select(Conversation)).all()[2].state == State.WAITING


def test_queue_order_is_urgent_then_high_then_longest_waiting(app: Flask) -> None:
    normal_old = waiting(app, "+15550011", "normal", minutes_ago=30)
    high = waiting(app, "+15550012", "high", minutes_ago=1)
    urgent = waiting(app, "+15550013", "urgent", minutes_ago=0)
    normal_new = waiting(app, "+15550014", "normal", minutes_ago=2)
    with app.app_context():
        order = [c.id for c in handoff.waiting_queue()]
    assert order == [urgent, high, normal_old, normal_new]


def test_the_number_is_kept_encrypted_only_while_needed(app: Flask) -> None:
    conversation_id = waiting(app, "+15550021")
    with app.test_request_context():
        conversation = db.session.get(Conversation, conversation_id)
        assert b"15550021" not in conversation.contact
        assert sealing.unseal(conversation.contact) == "+15550021"
        handoff.close(conversation, operator())
        assert conversation.contact is None


def test_two_operators_claiming_at_once_exactly_one_wins(app: Flask) -> None:
    conversation_id = waiting(app, "+15550031")
    with app.app_context():
        ids = [operator(f"op{n}").id for n in range(4)]

    def try_claim(operator_id: int) -> bool:
        with app.app_context():
            return handoff.claim(conversation_id, db.session.get(Operator, operator_id))

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(try_claim, ids))
    assert results.count(True) == 1
    with app.app_context():
        conversation = db.session.get(Conversation, conversation_id)
        assert conversation.state == State.WITH_OPERATOR
        assert conversation.operator_id == ids[results.index(True)]


def test_with_an_operator_the_person_gets_no_automatic_answer(
    app: Flask, twilio: Twilio
) -> None:
    conversation_id = waiting(app, "+15550041")
    with app.app_context():
        assert handoff.claim(conversation_id, operator())
    assert message_bodies(twilio.sms("hello?", sender="+15550041")) == []


def test_handing_back_resumes_the_bot_and_leaves_a_trail(
    app: Flask, twilio: Twilio
) -> None:
    conversation_id = waiting(app, "+15550051")
    with app.app_context():
        ana = operator()
        assert handoff.claim(conversation_id, ana)
        conversation = db.session.get(Conversation, conversation_id)
        handoff.return_to_bot(conversation, ana)
        kinds = [(e.kind, e.actor) for e in conversation.events]
    assert kinds[-2:] == [
        ("claimed", f"operator:{ana.id}"),
        ("returned_to_bot", f"operator:{ana.id}"),
    ]
    # The bot (here unreachable) is asked again: the answer is the bot's fallback.
    [body] = message_bodies(twilio.sms("hola", sender="+15550051"))
    assert body.startswith(
        texts.BOT_UNAVAILABLE("es", **numbers_for("es", "+15550051"))
    )
