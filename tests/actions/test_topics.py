"""Local numbers per topic, the country form, and what happens without a country."""

from __future__ import annotations

from typing import Any

import pytest

from actions.country import ValidateCountryForm
from actions.directory.loader import default_directory
from actions.topics import ActionAnswerTopic
from tests.conftest import Conversation, responses


async def answer(tracker: Any, dispatcher: Any, domain_dict: dict) -> list[dict]:
    return await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)


async def test_shelter_gives_intake_lines_never_addresses(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(slots={"country": "US", "topic": "shelter"})
    await answer(tracker, dispatcher, domain_dict)
    said = responses(dispatcher)
    assert said[0] == "utter_service_shelter_intake"
    assert "utter_service_trafficking_hotline" in said
    intake = default_directory().get("US").entries("shelter_intake")[0]
    assert dispatcher.messages[0]["phone"] == intake.main_number
    assert all("address" not in m for m in dispatcher.messages)


async def test_unchecked_entries_are_marked_and_explained(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    country = default_directory().get("MX")
    assert any(not e.verified for e in country.entries("trafficking_hotline"))
    tracker = conversation.tracker(slots={"country": "MX", "topic": "report_case"})
    await answer(tracker, dispatcher, domain_dict)
    marks = [m["mark"] for m in dispatcher.messages if "mark" in m]
    assert " *" in marks
    assert responses(dispatcher)[-1] == "utter_service_unchecked"


async def test_checked_entries_carry_no_caution(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    hotline = default_directory().get("US").entries("trafficking_hotline")[0]
    assert hotline.verified
    tracker = conversation.tracker(slots={"country": "US", "topic": "return_home"})
    await answer(tracker, dispatcher, domain_dict)
    assert dispatcher.messages[0]["mark"] == ""
    assert "utter_service_unchecked" not in responses(dispatcher)


async def test_text_line_is_given_with_the_phone(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(slots={"country": "US", "topic": "hotline"})
    await answer(tracker, dispatcher, domain_dict)
    sms = [m for m in dispatcher.messages if m.get("response") == "utter_service_sms"]
    hotline = default_directory().get("US").entries("trafficking_hotline")[0]
    assert sms and sms[0]["number"] == hotline.sms


async def test_consulate_by_nationality(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        slots={"country": "US", "nationality": "MX", "topic": "consulate"}
    )
    await answer(tracker, dispatcher, domain_dict)
    assert responses(dispatcher)[0] == "utter_service_consulate"


async def test_missing_consulate_says_so_in_the_persons_language(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        slots={
            "country": "BR",
            "nationality": "PH",
            "topic": "consulate",
            "language": "pt",
        }
    )
    await answer(tracker, dispatcher, domain_dict)
    assert responses(dispatcher)[0] == "utter_no_consulate"
    assert dispatcher.messages[0]["nationality_name"] == "Filipinas"
    assert dispatcher.messages[0]["country_name"] == "Brasil"
    assert "utter_service_trafficking_hotline" in responses(dispatcher)


async def test_country_without_directory_gets_an_honest_answer(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        slots={"country": "VE", "topic": "shelter", "language": "es"}
    )
    await answer(tracker, dispatcher, domain_dict)
    assert responses(dispatcher) == ["utter_no_directory_country"]
    assert dispatcher.messages[0]["country_name"] == "Venezuela"


async def test_unknown_country_is_forgotten_so_it_is_asked_again(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(slots={"country": "ZZ", "topic": "health"})
    events = await answer(tracker, dispatcher, domain_dict)
    assert responses(dispatcher) == ["utter_country_not_understood"]
    assert {"event": "slot", "name": "country", "value": None} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]


async def test_children_get_the_child_line_first(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        slots={"country": "AR", "topic": "shelter", "sa_under_18": "yes"}
    )
    await answer(tracker, dispatcher, domain_dict)
    assert responses(dispatcher)[0] == "utter_service_child_helpline"


async def run_form(tracker: Any, dispatcher: Any, domain_dict: dict) -> dict:
    events = await ValidateCountryForm().run(dispatcher, tracker, domain_dict)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.mark.parametrize(
    ("text", "intent", "country"),
    [
        ("estoy en méxico", "ask_consulate", "MX"),
        ("Ayiti", "greet", "HT"),
        ("houston", "ask_shelter", "ZZ"),
        ("he is hitting me", "emergency", None),
    ],
    ids=["named", "named in Kreyol", "unknown place", "emergency interrupts"],
)
async def test_country_form_reads_the_answer(
    text: str,
    intent: str,
    country: str | None,
    conversation: Conversation,
    dispatcher: Any,
    domain_dict: dict,
) -> None:
    tracker = conversation.tracker(
        text,
        intent=intent,
        active_loop="country_form",
        slots={"requested_slot": "country"},
    )
    slots = await run_form(tracker, dispatcher, domain_dict)
    assert slots.get("country") == country


async def test_consulate_asks_nationality_first(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "consulado",
        intent="ask_consulate",
        active_loop="country_form",
        slots={"topic": "consulate"},
    )
    slots = await run_form(tracker, dispatcher, domain_dict)
    assert slots["requested_slot"] == "nationality"
