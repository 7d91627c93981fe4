"""The line's figures outlive the conversations (issue 15, item 3): what a
conversation did is counted in its cell while it lives, and still after the
retention purge or an erasure, exactly once, with nothing in any row that
leads back to the person.

On SQLite and on the real PostgreSQL (skipped where it is absent, unless
ALIADA_REQUIRE_SERVICES=1). The bot is replaced as the web chat's tests do
(``BotClient.send``), so each turn says what the bot read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import DEFAULT_SENDER, Twilio, everything_stored, make_app, new_session
from flask import Flask
from sqlalchemy import func, select, update
from test_console import Person, at

from hotline import forgetting, retention
from hotline.bot_client import BotClient, BotTurn, Reading
from hotline.extensions import db
from hotline.figures import store
from hotline.figures.cells import RawCell, monday
from hotline.figures.tables import FigureCell
from hotline.models import Conversation, Message, utcnow
from tools import figures_sample as sample

DANGER = "me tienen encerrada y no puedo escapar"
TODAY = date.today()


def line(tmp_path: Path, database_url: str, **settings: Any) -> Flask:
    return make_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url, **settings)


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    app = line(tmp_path, database_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def bot_reads(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """A bot that answers in Spanish, having read each message as told."""

    def script(*readings: Reading) -> None:
        turns = iter(readings)

        def send(self: BotClient, sender: str, text: str, metadata: Any) -> BotTurn:
            return BotTurn(texts=["..."], language="es", reading=next(turns))

        monkeypatch.setattr(BotClient, "send", send)

    return script


def cells(app: Flask) -> list[RawCell]:
    with app.app_context():
        return store.raw_cells(TODAY, TODAY)


def the_cell(app: Flask) -> RawCell:
    [cell] = cells(app)
    return cell


def conversations_left(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Conversation.id)))


def fall_out_of_retention(app: Flask) -> None:
    with app.app_context():
        db.session.execute(
            update(Conversation).values(last_message_at=utcnow() - timedelta(days=365))
        )
        db.session.commit()


def purge(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output


def waited(app: Flask, seconds: int) -> None:
    """As if the waiting conversation had entered the queue ``seconds`` ago."""
    with app.app_context():
        db.session.execute(
            update(Conversation)
            .where(Conversation.waiting_since.is_not(None))
            .values(waiting_since=utcnow() - timedelta(seconds=seconds))
        )
        db.session.commit()


def only_conversation_id(app: Flask) -> int:
    with app.app_context():
        return db.session.scalars(select(Conversation.id)).one()


SHELTER = Reading(intent="ask_shelter", confidence=0.93, topic="shelter")
HEALTH = Reading(intent="ask_health", confidence=0.9, topic="health")
LOST = Reading(intent="nlu_fallback", confidence=0.2, understood=False)


def a_conversation_in_danger_that_waited(app: Flask, twilio: Twilio) -> list[str]:
    """Asks for a shelter, is not understood once, then signals danger and
    waits 2 min 50 s for an operator, who takes it in the console."""
    said = ["necesito un lugar seguro", "xq no se", DANGER]
    for text in said:
        twilio.sms(text)
    waited(app, 170)
    ana = Person(app, "ana").log_in()
    response = ana.post(at(app, only_conversation_id(app), "claim"))
    assert response.status_code == 302
    return said


def test_what_a_conversation_did_is_counted_and_outlives_the_purge(
    app: Flask, bot_reads: Callable[..., None]
) -> None:
    bot_reads(SHELTER, LOST, HEALTH)
    said = a_conversation_in_danger_that_waited(app, Twilio(app.test_client()))
    with app.app_context():
        key = db.session.scalars(select(Conversation.key)).one()
    expected = RawCell(
        week=TODAY - timedelta(days=TODAY.weekday()),
        channel="sms",
        language="es",
        topic="shelter",  # the first the bot read, not the last
        country="US",  # the caller's number
        conversations=1,
        messages=3,
        danger=1,
        handoffs=1,
        after_hours=0,  # the test line is always open
        not_understood=1,
        deletions=0,
        waits={180: 1},
    )
    assert the_cell(app) == expected

    fall_out_of_retention(app)
    purge(app)

    assert conversations_left(app) == 0
    assert the_cell(app) == expected  # counted once: folded, no longer live
    stored = everything_stored(app)
    for trace in [key, DEFAULT_SENDER, DEFAULT_SENDER.lstrip("+"), *said]:
        assert trace not in stored


def test_an_erasure_still_counts_the_conversation_and_one_deletion(
    app: Flask, bot_reads: Callable[..., None]
) -> None:
    bot_reads(HEALTH)
    client = app.test_client()
    session_id = new_session(client)
    said = "me duele el brazo y no tengo papeles"
    response = client.post(
        "/webchat/api/v1/messages", json={"session_id": session_id, "text": said}
    )
    assert response.status_code == 200
    with app.app_context():
        key = db.session.scalars(select(Conversation.key)).one()
    before = the_cell(app)

    response = client.delete(
        "/webchat/api/v1/sessions", json={"session_id": session_id}
    )

    assert response.status_code == 204
    assert conversations_left(app) == 0
    cell = the_cell(app)
    assert (cell.channel, cell.language, cell.topic) == ("webchat", "es", "health")
    assert (cell.conversations, cell.messages, cell.deletions) == (1, 1, 1)
    assert cell == RawCell(**{**before.__dict__, "deletions": 1})
    stored = everything_stored(app)
    for trace in [key, session_id, said]:
        assert trace not in stored


def test_a_first_contact_while_the_team_is_away_counts_after_hours(
    tmp_path: Path, database_url: str
) -> None:
    never = tmp_path / "never.yml"
    never.write_text("timezone: UTC\nhours: {}\n")
    app = line(tmp_path, database_url, OPENING_HOURS_FILE=str(never))
    twilio = Twilio(app.test_client())
    twilio.sms("hola?", sender="+15550061")  # the bot is down: a person reads it
    cell = the_cell(app)
    assert (cell.after_hours, cell.handoffs, cell.danger, cell.waits) == (1, 1, 0, {})
    assert cell.topic == "unknown"  # the bot read nothing

    fall_out_of_retention(app)
    purge(app)
    assert the_cell(app).after_hours == 1
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_live_and_folded_conversations_are_each_counted_once(app: Flask) -> None:
    twilio = Twilio(app.test_client())
    for sender in ("+15550001", "+15550002", "+15550003"):
        twilio.sms("hola", sender=sender)
    with app.app_context():
        db.session.execute(
            update(Conversation)
            .where(Conversation.id != db.session.scalar(func.min(Conversation.id)))
            .values(last_message_at=utcnow() - timedelta(days=365))
        )
        db.session.commit()

    purge(app)

    assert conversations_left(app) == 1
    cell = the_cell(app)
    assert (cell.conversations, cell.messages, cell.handoffs) == (3, 3, 3)
    with app.app_context():
        [folded] = db.session.scalars(select(FigureCell)).all()
    assert folded.conversations == 2  # the third is still counted live
    purge(app)  # nothing more expired: nothing folded twice
    assert the_cell(app).conversations == 3


def test_weeks_outside_the_span_asked_for_are_left_out(app: Flask) -> None:
    Twilio(app.test_client()).sms("hola")
    with app.app_context():
        db.session.execute(
            update(Conversation).values(created_at=utcnow() - timedelta(days=21))
        )
        db.session.commit()
        last_week = TODAY - timedelta(days=7)
        assert store.raw_cells(last_week, TODAY) == []
        [cell] = store.raw_cells(TODAY - timedelta(days=21), TODAY)
    assert cell.week == monday(TODAY - timedelta(days=21))


def test_concurrent_folds_into_one_cell_lose_no_count(app: Flask) -> None:
    """Two gunicorn workers erasing at once (threads here, each with its own
    connection) add to the same new cell: every conversation counts."""
    twilio = Twilio(app.test_client())
    senders = [f"+1555000{n:02d}" for n in range(12)]
    for sender in senders:
        twilio.sms("hola", sender=sender)
    with app.app_context():
        ids = db.session.scalars(select(Conversation.id)).all()

    def erase(conversation_id: int) -> None:
        with app.app_context():
            forgetting.forget([conversation_id], on_request=True)
            db.session.commit()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(erase, ids))

    cell = the_cell(app)
    assert (cell.conversations, cell.messages, cell.deletions) == (12, 12, 12)
    assert conversations_left(app) == 0
    with app.app_context():
        assert db.session.scalar(select(func.count(Message.id))) == 0


def test_two_purges_at_once_fold_each_conversation_once(app: Flask) -> None:
    """A purge started twice (a timer and a person, or two replicas): the
    second waits for the first, then finds nothing left to fold."""
    twilio = Twilio(app.test_client())
    for n in range(8):
        twilio.sms("hola", sender=f"+1555000{n:02d}")
    fall_out_of_retention(app)

    def purge_now(_: int) -> int:
        with app.app_context():
            return retention.purge().conversations

    with ThreadPoolExecutor(max_workers=2) as pool:
        deleted = list(pool.map(purge_now, range(2)))

    assert sum(deleted) == 8
    assert the_cell(app).conversations == 8


def test_sample_figures_for_measurement_add_up(app: Flask) -> None:
    made_up = sample.sample(weeks=3, per_week=60, seed=1, until=TODAY)
    with app.app_context():
        for _ in range(2):  # run twice, the counts add up
            store.add(made_up)
            db.session.commit()
        read = store.raw_cells(TODAY - timedelta(weeks=2), TODAY)
    assert {cell.week for cell in read} == {
        monday(TODAY) - timedelta(weeks=back) for back in range(3)
    }
    assert sum(c.conversations for c in read) == 2 * sum(
        c.conversations for c in made_up
    )
    assert sum(sum(c.waits.values()) for c in read) == 2 * sum(
        sum(c.waits.values()) for c in made_up
    )


def test_what_the_real_bot_read_reaches_the_figures(app_with_bot: Flask) -> None:
    """The bot's own reading of each turn (``bot.nlg.turn_signal``), through
    the real Rasa and action server: the topic asked about, and a turn it did
    not understand."""
    client = app_with_bot.test_client()
    session_id = new_session(client)
    for text in ("necesito un lugar seguro para dormir", "Perú", "zxqv plomf grunt"):
        answer = client.post(
            "/webchat/api/v1/messages", json={"session_id": session_id, "text": text}
        )
        assert answer.status_code == 200
    cell = the_cell(app_with_bot)
    assert (cell.channel, cell.language, cell.topic, cell.country) == (
        "webchat",
        "es",
        "shelter",
        "PE",
    )
    assert (cell.messages, cell.not_understood) == (3, 1)
