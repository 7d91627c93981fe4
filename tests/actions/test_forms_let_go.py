"""The country form lets go of what is no answer: deleting, a person, danger, help.

Rasa runs ``validate_country_form`` on each reply while the form asks; the
reply "borra mis datos" must not become the country "unknown" (which answered
"I did not recognise that country"), and a reply that names a country while it
asks for something else keeps the country and still lets go.
"""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker

from actions.country import ValidateCountryForm

FORM = "country_form"


def reply(
    text: str,
    intent: str,
    asked: str = "country",
    topic: str = "shelter",
    answered_by: str | None = None,
) -> Tracker:
    """The tracker the action server gets while the form reads ``text``; with
    ``answered_by``, when it comes back to the form after that action ran."""
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [],
        "metadata": {},
    }
    events: list[dict[str, Any]] = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": latest},
    ]
    if answered_by:
        events.append({"event": "action", "name": answered_by})
    events += [
        {"event": "slot", "name": "requested_slot", "value": asked},
        {"event": "action", "name": FORM},
    ]
    return Tracker(
        sender_id="test-conversation",
        slots={"requested_slot": asked, "topic": topic},
        latest_message=latest,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": FORM},
        latest_action_name=FORM,
    )


def slots_set(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def rejected(events: list[dict[str, Any]]) -> bool:
    return any(e["event"] == "action_execution_rejected" for e in events)


INTERRUPTIONS = [
    ("delete_data", "borra mis datos"),
    ("delete_data", "delete my data"),
    ("delete_data", "apague meus dados"),
    ("delete_data", "supprime mes données"),
    ("request_human", "quiero hablar con una persona"),
    ("emergency", "me estan golpeando"),
    ("ask_help", "AYUDA"),
]


@pytest.mark.parametrize("asked", ["country", "nationality"])
@pytest.mark.parametrize(("intent", "text"), INTERRUPTIONS)
async def test_what_is_no_answer_is_not_taken_as_a_country(
    asked: str, intent: str, text: str, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = reply(text, intent, asked=asked, topic="consulate")
    events = await ValidateCountryForm().run(dispatcher, tracker, domain_dict)
    assert rejected(events)
    assert slots_set(events) == {}
    assert dispatcher.messages == []


async def test_a_country_named_with_danger_is_kept_and_the_form_lets_go(
    dispatcher: Any, domain_dict: dict
) -> None:
    tracker = reply("estoy en Mexico y me estan golpeando", "emergency")
    events = await ValidateCountryForm().run(dispatcher, tracker, domain_dict)
    assert rejected(events)
    assert slots_set(events) == {"country": "MX"}


async def test_back_after_the_emergency_answer_the_form_takes_the_country(
    dispatcher: Any, domain_dict: dict
) -> None:
    """The rule answers the danger, then runs the form again on the same
    message: now it reads the country instead of letting go for ever."""
    tracker = reply(
        "estoy en Mexico y me estan golpeando",
        "emergency",
        answered_by="action_emergency",
    )
    events = await ValidateCountryForm().run(dispatcher, tracker, domain_dict)
    assert not rejected(events)
    assert slots_set(events)["country"] == "MX"


async def test_an_ordinary_answer_is_still_read(
    dispatcher: Any, domain_dict: dict
) -> None:
    tracker = reply("guatemala", "inform")
    events = await ValidateCountryForm().run(dispatcher, tracker, domain_dict)
    assert not rejected(events)
    assert slots_set(events)["country"] == "GT"
