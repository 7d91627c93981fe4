"""Deleting what Rasa keeps of a conversation: its tracker, which holds every
message the person wrote.

The privacy rules want it gone when the person asks and after the retention
period, and Rasa 3.6 has no API that deletes a tracker. So the hotline deletes
the tracker's rows itself, in the ``events`` table of Rasa's SQL tracker store
(``TRACKER_STORE_URL``, the same setting Rasa reads). Rasa loads a tracker from
that table on every message, so a deleted one starts afresh.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from functools import cache

from flask import current_app
from sqlalchemy import Engine, create_engine, inspect, text

log = logging.getLogger(__name__)

EVENTS_TABLE = "events"  # rasa.core.tracker_store.SQLTrackerStore.SQLEvent


def hotline_url(rasa_url: str) -> str:
    """Rasa's URL in the hotline's driver: Rasa names psycopg2's dialect
    (``postgresql://``), the hotline speaks psycopg 3."""
    if rasa_url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + rasa_url.split("://", 1)[1]
    return rasa_url


@cache
def _engine(url: str) -> Engine:
    return create_engine(hotline_url(url), pool_pre_ping=True)


def _store() -> Engine | None:
    """The tracker store, or None when it is not configured or Rasa has not
    written to it yet (nothing to delete then)."""
    url = current_app.config.get("TRACKER_STORE_URL")
    if not url:
        log.warning("TRACKER_STORE_URL is not set: Rasa's trackers are not deleted")
        return None
    engine = _engine(url)
    return engine if inspect(engine).has_table(EVENTS_TABLE) else None


def forget(sender_id: str) -> None:
    """Delete one conversation's tracker (Rasa knows it as ``sender_id``)."""
    engine = _store()
    if engine is None:
        return
    with engine.begin() as connection:
        connection.execute(
            text(f"DELETE FROM {EVENTS_TABLE} WHERE sender_id = :sender"),
            {"sender": sender_id},
        )


def purge_silent_since(cutoff: datetime) -> int:
    """Delete every tracker whose last event is older than ``cutoff`` (naive
    UTC, like the hotline's times); one still in use keeps all its events."""
    engine = _store()
    if engine is None:
        return 0
    with engine.begin() as connection:
        result = connection.execute(
            text(
                f"DELETE FROM {EVENTS_TABLE} WHERE sender_id IN ("
                f"SELECT sender_id FROM {EVENTS_TABLE} GROUP BY sender_id "
                "HAVING MAX(timestamp) < :cutoff)"
            ),
            {"cutoff": cutoff.replace(tzinfo=UTC).timestamp()},
        )
    return result.rowcount or 0
