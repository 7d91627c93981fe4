"""How long the retention purge takes to forget 100,000 messages on
PostgreSQL (issue 15), measured on a throwaway database this module creates
on the server of ``--server`` (and drops afterwards).

Each run seeds 10,000 SMS conversations of 10 messages (5 from the person,
each with its MessageSid, 5 answers), every one past ``RETENTION_DAYS``, with
10,000 more recent ones the purge must keep, then times one whole recorded
``retention.purge()``: deleting the conversations, their messages and events,
queueing 50,000 SIDs for Twilio, the other steps. Twilio is not configured, so
no request leaves (deleting at Twilio is one HTTP request per copy and takes
as long as Twilio's API answers). Median of ``--runs`` runs.

``python -m tools.measure_purge`` (``make measure-purge``).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import timedelta

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, insert, select

from hotline import create_app, retention
from hotline.extensions import db
from hotline.models import Conversation, Message, MessageStatus, utcnow
from tools.databases import throwaway_database

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CONVERSATIONS = 10_000
MESSAGES_EACH = 10
BATCH = 2_000


def seed(conversations: int, days_ago: float) -> None:
    """``conversations`` SMS conversations of ``MESSAGES_EACH`` messages,
    last written ``days_ago``; inserted in bulk, as a busy month leaves them."""
    when = utcnow() - timedelta(days=days_ago)
    for start in range(0, conversations, BATCH):
        rows = [
            {
                "key": uuid.uuid4().hex * 2,
                "public_id": uuid.uuid4().hex,
                "rasa_sender": uuid.uuid4().hex,
                "channel": "sms",
                "state": "bot",
                "opted_out": False,
                "created_at": when,
                "last_message_at": when,
            }
            for _ in range(min(BATCH, conversations - start))
        ]
        ids = db.session.scalars(
            insert(Conversation).returning(Conversation.id), rows
        ).all()
        db.session.execute(
            insert(Message),
            [
                {
                    "conversation_id": conversation_id,
                    "direction": "in" if turn % 2 == 0 else "out",
                    "text": "necesito ayuda, me quitaron el pasaporte en la finca",
                    "status": MessageStatus.ANSWERED
                    if turn % 2 == 0
                    else MessageStatus.SENT,
                    "provider_id": f"SM{uuid.uuid4().hex}" if turn % 2 == 0 else None,
                    "created_at": when,
                    "attempts": 0,
                }
                for conversation_id in ids
                for turn in range(MESSAGES_EACH)
            ],
        )
        db.session.commit()


def one_run(app: Flask) -> float:
    with app.app_context():
        seed(CONVERSATIONS, days_ago=40)
        seed(CONVERSATIONS, days_ago=1)
        db.session.execute(db.text("ANALYZE"))
        db.session.commit()
        started = time.perf_counter()
        run = retention.purge()
        seconds = time.perf_counter() - started
        left = db.session.scalar(select(func.count(Message.id)))
        assert run.ok and run.conversations == CONVERSATIONS, run.error
        assert left == CONVERSATIONS * MESSAGES_EACH, left
        assert run.twilio_pending == CONVERSATIONS * MESSAGES_EACH // 2
        # The next run starts from the same state: only the recent ones.
        db.session.execute(db.text("TRUNCATE conversations, twilio_deletions CASCADE"))
        db.session.commit()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--server", default=SERVER, help="PostgreSQL to use")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with (
        throwaway_database(args.server, "aliada_measure_purge") as url,
        tempfile.TemporaryDirectory() as tmp,
    ):
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "CONVERSATION_KEY_SECRET": "measure",
                "TRACKER_STORE_URL": f"sqlite:///{tmp}/trackers.db",
            }
        )
        with app.app_context():
            upgrade()
        times = [one_run(app) for _ in range(args.runs)]
        with app.app_context():
            db.engine.dispose()
    messages = CONVERSATIONS * MESSAGES_EACH
    print(
        f"purge of {messages:,} messages ({CONVERSATIONS:,} conversations) "
        f"beside as many kept, PostgreSQL: median {statistics.median(times):.2f} s "
        f"over {args.runs} runs (each: {', '.join(f'{t:.2f}' for t in times)} s)"
    )


if __name__ == "__main__":
    main()
