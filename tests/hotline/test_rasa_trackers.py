"""Rasa's copy of a conversation (its tracker, in Rasa's SQL tracker store)
goes when the hotline's does: at the person's request and after retention.
Here on a tracker store laid out as Rasa's; with the real Rasa in
test_webchat_bot.py and test_widget_browser.py."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from conftest import make_app, new_session
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Conversation
from hotline.rasa_trackers import hotline_url


def rasa_events(url: str, rows: list[tuple[str, float]]) -> None:
    """Rows as Rasa's SQL tracker store keeps them (table ``events``)."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        connection.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) "
            "NOT NULL, type_name VARCHAR(255), timestamp FLOAT, data TEXT)"
        )
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) "
            "VALUES (?, 'user', ?, '{}')",
            rows,
        )


def test_purge_deletes_rasas_trackers_silent_past_retention(tmp_path: Path) -> None:
    trackers = f"sqlite:///{tmp_path / 'trackers.db'}"
    now = time.time()
    day = 24 * 3600
    rasa_events(
        trackers,
        [
            ("silent", now - 40 * day),
            ("silent", now - 31 * day),
            ("still-talking", now - 45 * day),  # began long ago, wrote today
            ("still-talking", now - 60),
        ],
    )
    app = make_app(tmp_path / "line", TRACKER_STORE_URL=trackers)

    result = app.test_cli_runner().invoke(args=["purge"])

    assert "2 events of Rasa's trackers" in result.output
    assert senders_in(trackers) == {"still-talking"}


def test_deleting_a_conversation_deletes_rasas_tracker_of_it(tmp_path: Path) -> None:
    trackers = f"sqlite:///{tmp_path / 'trackers.db'}"
    app = make_app(tmp_path / "line", TRACKER_STORE_URL=trackers)
    session_id = new_session(app.test_client())
    app.test_client().post(
        "/webchat/api/v1/messages", json={"session_id": session_id, "text": "hola"}
    )
    with app.app_context():
        sender = db.session.scalars(select(Conversation.rasa_sender)).one()
    rasa_events(trackers, [(sender, time.time()), ("someone-else", time.time())])

    response = app.test_client().delete(
        "/webchat/api/v1/sessions", json={"session_id": session_id}
    )

    assert response.status_code == 204
    assert senders_in(trackers) == {"someone-else"}


def senders_in(url: str) -> set[str]:
    """Whose trackers Rasa's store holds (for tests with the real Rasa too)."""
    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        return {row[0] for row in connection.execute("SELECT sender_id FROM events")}


def test_without_a_tracker_store_configured_deleting_still_works(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    client = app.test_client()
    session = {"session_id": new_session(client)}
    client.post("/webchat/api/v1/messages", json={**session, "text": "x"})
    response = client.delete("/webchat/api/v1/sessions", json=session)
    assert response.status_code == 204


def test_rasas_postgresql_url_is_read_with_the_hotlines_driver() -> None:
    assert hotline_url("postgresql://rasa@db:5432/rasa") == (
        "postgresql+psycopg://rasa@db:5432/rasa"
    )
    assert hotline_url("sqlite:////data/trackers.db") == "sqlite:////data/trackers.db"
