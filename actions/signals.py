"""Signals for the hotline, sent as custom payloads the person never sees."""

from __future__ import annotations

from typing import Literal

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.languages import current_language

Priority = Literal["urgent", "high", "normal"]


def signal_handoff(
    dispatcher: CollectingDispatcher, tracker: Tracker, reason: str, priority: Priority
) -> None:
    """Ask the hotline to bring a person into this conversation; the topic the
    person asked about helps the operator who takes it."""
    dispatcher.utter_message(
        response="utter_signal_handoff",
        reason=reason,
        priority=priority,
        language=current_language(tracker),
        topic=tracker.get_slot("topic") or "",
    )


def signal_emergency_number(dispatcher: CollectingDispatcher) -> None:
    """Tell the hotline this answer gives the emergency number, so that it does
    not add its own for danger (one SMS segment less on a phone with little
    credit)."""
    dispatcher.utter_message(response="utter_signal_emergency_number")


def signal_country(dispatcher: CollectingDispatcher, country: str) -> None:
    """Tell the hotline which country the person is in (an ISO code), so its
    own texts give that country's emergency number."""
    dispatcher.utter_message(response="utter_signal_country", country=country)


def latest_intent(tracker: Tracker) -> str | None:
    return (tracker.latest_message.get("intent") or {}).get("name")


def split_at_latest_message(tracker: Tracker) -> tuple[list[dict], list[dict]]:
    """The tracker's events before the person's latest message, and after it."""
    events = list(tracker.events)
    last_user = max(
        (i for i, e in enumerate(events) if e.get("event") == "user"), default=-1
    )
    return events[: max(last_user, 0)], events[last_user + 1 :]
