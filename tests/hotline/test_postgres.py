"""The hotline on PostgreSQL, as in production: migrations, a conversation with
the real bot, and duplicate deliveries racing each other across threads.

Skipped where PostgreSQL is absent, unless ALIADA_REQUIRE_SERVICES=1 (CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import psycopg
import pytest
from bot_texts import bot_says
from conftest import POSTGRES_URL, REQUIRE_SERVICES, Twilio, make_app, message_bodies
from flask import Flask
from sqlalchemy import select

from bot.stack import Stack
from hotline.extensions import db
from hotline.models import Message
from tools.databases import admin_url, throwaway_database

ADMIN_URL = admin_url(POSTGRES_URL)


@contextmanager
def fresh_database(prefix: str) -> Iterator[str]:
    """A PostgreSQL database of its own (the hotline's driver in its URL),
    dropped afterwards; skipped where PostgreSQL is absent, unless required."""
    try:
        psycopg.connect(ADMIN_URL, connect_timeout=3).close()
    except psycopg.OperationalError as error:
        if REQUIRE_SERVICES:
            raise
        pytest.skip(f"PostgreSQL is not reachable: {error}")
    with throwaway_database(POSTGRES_URL, prefix) as url:
        yield url


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A database of its own, dropped afterwards."""
    with fresh_database("aliada_test") as url:
        yield url


@pytest.fixture
def postgres_app(
    tmp_path: Path, postgres_url: str, bot_stack: Stack
) -> Iterator[Flask]:
    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=postgres_url,
        RASA_URL=bot_stack.config.rasa_url,
    )
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_conversation_on_postgresql(postgres_app: Flask) -> None:
    twilio = Twilio(postgres_app.test_client())
    [body] = message_bodies(twilio.sms("necesito un lugar seguro"))
    assert bot_says("utter_shelter_info", "es") in body
    with postgres_app.app_context():
        stored = db.session.scalars(select(Message.direction)).all()
    # One message in; the bot's several messages out, joined into one SMS.
    assert stored.count("in") == 1 and stored.count("out") >= 2


def test_racing_duplicate_deliveries_are_answered_once(postgres_app: Flask) -> None:
    def deliver(_: int) -> list[str]:
        return message_bodies(
            Twilio(postgres_app.test_client()).sms("hola", sid="SMrace")
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        answers = list(pool.map(deliver, range(4)))
    assert sum(1 for answer in answers if answer) == 1
    with postgres_app.app_context():
        incoming = db.session.scalars(
            select(Message).where(Message.direction == "in")
        ).all()
    assert len(incoming) == 1


def test_a_connection_the_database_dropped_does_not_fail_the_next_person(
    postgres_app: Flask, postgres_url: str
) -> None:
    """PostgreSQL restarts, a failover, or an idle connection cut by the network:
    the pooled connection is dead, and the next message must still be
    answered, not refused with a 500."""
    twilio = Twilio(postgres_app.test_client())
    assert message_bodies(twilio.sms("hola"))
    name = postgres_url.rsplit("/", 1)[1]
    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        cut = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (name,),
        ).fetchone()
    assert cut and cut[0] >= 1
    [body] = message_bodies(twilio.sms("necesito un lugar seguro"))
    assert bot_says("utter_shelter_info", "es") in body
