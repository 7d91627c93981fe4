"""Rasa's SQL tracker store, with trackers that stay small however long the
conversation (``bot/endpoints.yml``, ``type:
bot.tracker_store.RecentTurnsSQLTrackerStore``).

Rasa 3.6 loads every event of a conversation session on each message, replays
them, featurizes the whole history for every policy at every prediction and
sends it all to the action server on each custom action: a turn cost about
1.7x more at the 50th message than in the first ten (``make profile-turn``,
README). Nothing we run looks further back than the message before the
latest one: the rules (an answer, then the person's yes or no) and the
memoized stories (``max_history: 4`` states), the actions (the message
before the latest one, the slots before it) and the NLG (the latest message
with a language, else the ``language`` slot). So this store loads the
``keep_turns`` turns before the new message (from the ``action_listen``
before the ``keep_turns``-th message from the end), preceded by the state of
the conversation at their start, written as the events Rasa itself would
replay to reach it: the session's start, any restart or slot reset, the
latest value of each slot, the active form, a pause. The tracker has the
same slots, form and pause as one replayed from the session's first event,
and the same latest turns.

With SQLite (``make run``, the tests) the file is in WAL mode: its default
journal cost ~17 ms a save here (the hotline's own database does the same,
``hotline.extensions``); PostgreSQL, as production runs, is left as it is.

Every event is still stored, once, in Rasa's own ``events`` table (the
hotline deletes a conversation's rows there, ``hotline.rasa_trackers``), and
``retrieve_full_tracker`` still returns them all.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    ConversationPaused,
    ConversationResumed,
    Restarted,
    SessionStarted,
    SlotSet,
)
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event as sqlalchemy_event

ACTION_LISTEN = "action_listen"
# How many of the latest turns a tracker holds (see the module docstring).
DEFAULT_KEEP_TURNS = 3
# The events that make the state of a conversation before its latest turns.
CLEARS_ALL = Restarted.type_name
CLEARS_SLOTS = AllSlotsReset.type_name
STATE_TYPES = (
    SessionStarted.type_name,
    CLEARS_ALL,
    CLEARS_SLOTS,
    SlotSet.type_name,
    ActiveLoop.type_name,
    ConversationPaused.type_name,
    ConversationResumed.type_name,
)


class RecentTracker(DialogueStateTracker):
    """A tracker of the latest turns; knows how many of its events are stored."""

    stored_events: int = 0


def state_rows(rows: list[Any]) -> list[Any]:
    """Of the state events before a conversation's latest turns (id order),
    those that still count: the session's start, the latest restart and slot
    reset, then the latest value of each slot, the latest form and pause."""
    kept: dict[tuple[str, str | None], Any] = {}
    for row in rows:
        if row.type_name == CLEARS_ALL:
            kept.clear()
        elif row.type_name == CLEARS_SLOTS:
            kept = {key: r for key, r in kept.items() if key[0] != SlotSet.type_name}
        kind = row.type_name
        if kind in (ConversationPaused.type_name, ConversationResumed.type_name):
            kind = "pause"
        name = row.action_name if kind == SlotSet.type_name else None
        kept.pop((kind, name), None)  # re-inserted: latest last
        kept[(kind, name)] = row
    return sorted(kept.values(), key=lambda row: row.id)


def _sqlite_wal(connection: Any, _record: Any) -> None:
    """A save costs about nothing in WAL mode (a power cut may lose the last
    saves, a crashed process loses none)."""
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()


class RecentTurnsSQLTrackerStore(SQLTrackerStore):
    """``SQLTrackerStore`` whose trackers hold the latest ``keep_turns`` turns."""

    def __init__(self, *args: Any, keep_turns: int | str = DEFAULT_KEEP_TURNS,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.keep_turns = int(keep_turns)
        if self.keep_turns < 2:
            raise ValueError("keep_turns: the rules and actions read two turns")
        if self.engine.dialect.name == "sqlite":
            sqlalchemy_event.listen(self.engine, "connect", _sqlite_wal)
            self.engine.dispose()  # the connection Rasa opened has no WAL yet

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The tracker of the latest session: its state, then its latest turns."""
        with self.session_scope() as session:
            rows = list(self._recent_rows(session, sender_id))
        if not rows or not self.domain:
            return None
        events = [json.loads(row.data) for row in rows]
        tracker = RecentTracker.from_dict(sender_id, events, self.domain.slots)
        tracker.stored_events = len(tracker.events)
        return tracker

    def _recent_rows(self, session: Any, sender_id: str) -> Iterator[Any]:
        event = self.SQLEvent
        of_sender = session.query(event).filter(event.sender_id == sender_id)
        session_start = (
            session.query(event.id)
            .filter(event.sender_id == sender_id)
            .filter(event.type_name == SessionStarted.type_name)
            .order_by(event.id.desc())
            .limit(1)
            .scalar()
        ) or 0
        window_start = (
            session.query(event.id)
            .filter(event.sender_id == sender_id, event.id > session_start)
            .filter(event.type_name == ActionExecuted.type_name)
            .filter(event.action_name == ACTION_LISTEN)
            .order_by(event.id.desc())
            .offset(self.keep_turns)
            .limit(1)
            .scalar()
        )
        if window_start is None:  # a short session: all of it
            yield from of_sender.filter(event.id >= session_start).order_by(event.id)
            return
        # The state events are many (slots set on every message): read their
        # kind alone, then the data of those that still count.
        before = (
            session.query(event.id, event.type_name, event.action_name)
            .filter(event.sender_id == sender_id)
            .filter(event.id >= session_start, event.id < window_start)
            .filter(event.type_name.in_(STATE_TYPES))
            .order_by(event.id)
        )
        counting = [row.id for row in state_rows(before.all())]
        yield from of_sender.filter(event.id.in_(counting)).order_by(event.id)
        yield from of_sender.filter(event.id >= window_start).order_by(event.id)

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Any:
        """The events added since the tracker was loaded (Rasa counts the
        session's stored rows, which a tracker of recent turns does not hold)."""
        if isinstance(tracker, RecentTracker):
            return list(tracker.events)[tracker.stored_events :]
        return super()._additional_events(session, tracker)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        if isinstance(tracker, RecentTracker):
            tracker.stored_events = len(tracker.events)
