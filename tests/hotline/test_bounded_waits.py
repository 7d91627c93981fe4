"""A request never waits without end: a row another transaction holds locked
makes the hotline give up after ``DATABASE_LOCK_TIMEOUT_SECONDS`` (and the
person's message is kept by the retry or the fallback path) instead of holding
a worker thread for as long as the lock lasts, on PostgreSQL (which waits
forever by default) as on SQLite.

Skipped where PostgreSQL is absent, unless ALIADA_REQUIRE_SERVICES=1 (CI).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import psycopg
from conftest import make_app
from flask import Flask
from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from test_postgres import fresh_database

from hotline.config import DATABASE_LOCK_TIMEOUT_SECONDS, with_bounded_lock_waits
from hotline.conversations import find_or_start
from hotline.extensions import db
from hotline.models import Channel, Conversation

# Far above the lock timeout: a test machine under load still finishes.
GIVE_UP_SECONDS = 20 * DATABASE_LOCK_TIMEOUT_SECONDS


def gives_up_on_a_locked_row(app: Flask, hold_lock: Callable[[int], object]) -> None:
    with app.app_context():
        conversation_id = find_or_start(Channel.SMS, "+15005550006").id
        db.session.commit()
    release = hold_lock(conversation_id)
    outcome: list[BaseException | None] = []

    def update_it() -> None:
        with app.app_context():
            try:
                db.session.execute(
                    update(Conversation)
                    .where(Conversation.id == conversation_id)
                    .values(language="es")
                )
                db.session.commit()
                outcome.append(None)
            except OperationalError as error:
                db.session.rollback()
                outcome.append(error)

    waiting = threading.Thread(target=update_it, daemon=True)
    waiting.start()
    waiting.join(GIVE_UP_SECONDS)
    still_waiting = waiting.is_alive()
    release()
    waiting.join()
    assert not still_waiting, "the request waited for the lock without end"
    assert isinstance(outcome[0], OperationalError)


def test_postgresql_gives_up_on_a_locked_row(tmp_path: Path) -> None:
    with fresh_database("aliada_locks") as url:
        app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)

        def hold_lock(conversation_id: int) -> Callable[[], None]:
            holder = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"))
            holder.execute(
                "SELECT id FROM conversations WHERE id = %s FOR UPDATE",
                (conversation_id,),
            )

            def release() -> None:
                holder.rollback()
                holder.close()

            return release

        try:
            gives_up_on_a_locked_row(app, hold_lock)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def test_sqlite_waits_for_a_lock_only_so_long() -> None:
    options = with_bounded_lock_waits("sqlite:///x.db", {"hide_parameters": True})
    assert options["connect_args"] == {"timeout": DATABASE_LOCK_TIMEOUT_SECONDS}
    own = {"connect_args": {"timeout": 0.2}}
    assert with_bounded_lock_waits("sqlite:///x.db", own) is own
