"""A bare call for help: the emergency number, the way to a person, the menu."""

from __future__ import annotations

from typing import Any

from actions.help import ActionHelp
from tests.conftest import Conversation, responses


async def test_help_without_a_country_gives_the_general_emergency_number(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker("AYUDA", intent="ask_help")
    assert await ActionHelp().run(dispatcher, tracker, domain_dict) == []
    assert responses(dispatcher) == [
        "utter_help_danger_generic",
        "utter_signal_emergency_number",
        "utter_help_menu",
    ]


async def test_help_where_we_know_the_country_gives_its_number(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker("ayuda", intent="ask_help", slots={"country": "CO"})
    await ActionHelp().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == [
        "utter_help_danger_local",
        "utter_signal_emergency_number",
        "utter_help_menu",
    ]
    assert dispatcher.messages[0]["phone"] == "123"


def test_help_texts_offer_a_person_and_the_emergency_number(domain: Any) -> None:
    for name in ("utter_help_danger_generic", "utter_help_danger_local"):
        text = domain.responses[name][0]["text"]
        assert "danger" in text and "person" in text
