"""Trackers of the latest turns, with the whole conversation's state
(bot.tracker_store): what Rasa loads on each message stays small."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from bot.tracker_store import RecentTurnsSQLTrackerStore

SENDER = "someone"


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


@pytest.fixture
def store(tmp_path: Path, domain: Any) -> RecentTurnsSQLTrackerStore:
    return RecentTurnsSQLTrackerStore(
        domain=domain, host=f"sqlite:///{tmp_path / 'trackers.db'}", keep_turns=3
    )


def turn(text: str, intent: str, *events: Event) -> list[Event]:
    """One message and the bot's answer to it, then listening again."""
    return [
        UserUttered(text, {"name": intent, "confidence": 1.0}),
        *events,
        ActionExecuted("utter_greet"),
        BotUttered(text=f"answer to {text}"),
        ActionExecuted("action_listen"),
    ]


def stored(
    store: RecentTurnsSQLTrackerStore,
    events: list[Event],
    domain: Any,
    sender: str = SENDER,
) -> Any:
    """The conversation as Rasa replays it from all its events, once stored."""
    tracker = DialogueStateTracker.from_events(sender, events, domain.slots)
    run(store.save(tracker))
    return tracker


def conversation(turns: int) -> list[Event]:
    events: list[Event] = [
        ActionExecuted("action_session_start"),
        SessionStarted(),
        ActionExecuted("action_listen"),
    ]
    events += turn("hola", "greet", SlotSet("language", "es"))
    events += turn("estoy en México", "inform", SlotSet("country", "MX"))
    events += turn(
        "necesito un abogado", "ask_legal_aid", SlotSet("topic", "legal_aid")
    )
    return events + chatter(turns - 3)


def chatter(turns: int) -> list[Event]:
    """Turns that set no slot."""
    events: list[Event] = []
    for number in range(turns):
        events += turn(f"mensaje {number}", "ask_what_now")
    return events


def user_texts(tracker: Any) -> list[str]:
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def test_a_long_conversation_loads_its_latest_turns_and_its_whole_state(
    store: RecentTurnsSQLTrackerStore, domain: Any
) -> None:
    full = stored(store, conversation(turns=40), domain)
    recent = run(store.retrieve(SENDER))
    assert user_texts(recent) == user_texts(full)[-3:]
    assert recent.current_slot_values() == full.current_slot_values()
    assert recent.get_slot("country") == "MX" and recent.get_slot("language") == "es"
    assert recent.latest_message.text == full.latest_message.text
    assert len(recent.events) < len(full.events) / 5


def test_a_tracker_is_as_small_at_the_60th_message_as_at_the_10th(
    store: RecentTurnsSQLTrackerStore, domain: Any
) -> None:
    stored(store, conversation(turns=10), domain, sender="ten")
    stored(store, conversation(turns=60), domain, sender="sixty")
    at_ten = run(store.retrieve("ten"))
    at_sixty = run(store.retrieve("sixty"))
    assert len(at_sixty.events) == len(at_ten.events)


def test_a_short_conversation_is_loaded_whole(
    store: RecentTurnsSQLTrackerStore, domain: Any
) -> None:
    stored(store, conversation(turns=3), domain)
    as_rasa_loads_it = run(SQLTrackerStore.retrieve(store, SENDER))
    recent = run(store.retrieve(SENDER))
    assert [e.as_dict() for e in recent.events] == [
        e.as_dict() for e in as_rasa_loads_it.events
    ]


def test_new_events_are_stored_once_and_the_whole_conversation_kept(
    store: RecentTurnsSQLTrackerStore, domain: Any
) -> None:
    full = stored(store, conversation(turns=20), domain)
    recent = run(store.retrieve(SENDER))
    for event in turn("y ahora?", "ask_what_now", SlotSet("topic", "situation")):
        recent.update(event)
    run(store.save(recent))
    run(store.save(recent))  # saved twice in one turn: nothing doubled
    everything = run(store.retrieve_full_tracker(SENDER))
    assert user_texts(everything) == [*user_texts(full), "y ahora?"]
    again = run(store.retrieve(SENDER))
    assert again.get_slot("topic") == "situation"
    assert user_texts(again)[-1] == "y ahora?"


def test_a_form_and_a_pause_before_the_latest_turns_still_hold(
    store: RecentTurnsSQLTrackerStore, domain: Any
) -> None:
    events = conversation(turns=4)
    events += [ActiveLoop("self_assessment_form"), ConversationPaused()]
    events += chatter(9)
    full = stored(store, events, domain)
    recent = run(store.retrieve(SENDER))
    assert recent.active_loop_name == full.active_loop_name == "self_assessment_form"
    assert recent.is_paused() and full.is_paused()


def test_a_slot_reset_before_the_latest_turns_still_clears(
    store: RecentTurnsSQLTrackerStore, domain: Any
) -> None:
    events = [*conversation(turns=4), AllSlotsReset(), SlotSet("language", "pt")]
    events += chatter(6)
    full = stored(store, events, domain)
    recent = run(store.retrieve(SENDER))
    assert recent.current_slot_values() == full.current_slot_values()
    assert recent.get_slot("country") is None and recent.get_slot("language") == "pt"


def test_a_restart_before_the_latest_turns_still_clears(
    store: RecentTurnsSQLTrackerStore, domain: Any
) -> None:
    events = [*conversation(turns=4), Restarted(), ActionExecuted("action_listen")]
    events += chatter(6)
    full = stored(store, events, domain)
    recent = run(store.retrieve(SENDER))
    assert recent.current_slot_values() == full.current_slot_values()
    assert recent.get_slot("language") is None and recent.get_slot("topic") is None


def test_only_the_latest_session_is_loaded(
    store: RecentTurnsSQLTrackerStore, domain: Any
) -> None:
    events = conversation(turns=12)
    events += [ActionExecuted("action_session_start"), SessionStarted(),
               SlotSet("language", "es"), ActionExecuted("action_listen")]  # fmt: skip
    events += turn("hola de nuevo", "greet")
    stored(store, events, domain)
    recent = run(store.retrieve(SENDER))
    assert user_texts(recent) == ["hola de nuevo"]
    assert recent.get_slot("country") is None and recent.get_slot("language") == "es"


def test_an_sqlite_store_saves_in_wal_mode(store: RecentTurnsSQLTrackerStore) -> None:
    """Its default journal cost ~17 ms a save."""
    with store.engine.connect() as connection:
        mode = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
    assert mode == "wal"


@pytest.mark.parametrize("keep_turns", [0, 1, "1"])
def test_fewer_turns_than_the_rules_read_is_refused_at_start(
    tmp_path: Path, domain: Any, keep_turns: int | str
) -> None:
    """endpoints.yml's ``keep_turns`` below 2 would drop the turn a yes or no
    answers: Rasa must not start with it."""
    with pytest.raises(ValueError, match="keep_turns"):
        RecentTurnsSQLTrackerStore(
            domain=domain,
            host=f"sqlite:///{tmp_path / 'trackers.db'}",
            keep_turns=keep_turns,
        )
