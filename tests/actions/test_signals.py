"""Emergency, hand-off, deletion, language change: what person and hotline get."""

from __future__ import annotations

from typing import Any

from actions.conversation import ActionChangeLanguage
from actions.directory.loader import default_directory
from actions.emergency import ActionEmergency
from actions.handoff import ActionHandoff
from actions.privacy import ActionRequestDeletion
from tests.conftest import Conversation, responses


async def test_emergency_answer_comes_first_with_the_local_number(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "me estan golpeando", intent="emergency", slots={"country": "BR"}
    )
    await ActionEmergency().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == [
        "utter_emergency_local",
        "utter_signal_emergency_number",  # the hotline adds no second one
        "utter_signal_handoff",
    ]
    assert (
        dispatcher.messages[0]["phone"]
        == default_directory().get("BR").emergency_number()
    )
    signal = next(m for m in dispatcher.messages if "reason" in m)
    assert (signal["reason"], signal["priority"]) == ("emergency", "urgent")
    # The hotline learns where the person is, for its own texts.
    told = [m for m in dispatcher.messages if m["response"] == "utter_signal_country"]
    assert [m["country"] for m in told] == ["BR"]


async def test_emergency_without_country_gives_the_general_number(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "help he has a gun", intent="emergency", language_guess=conversation.guess("en")
    )
    await ActionEmergency().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher)[0] == "utter_emergency_generic"
    assert dispatcher.messages[2]["language"] == "en"


async def test_handoff_is_normal_priority_in_the_conversation_language(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "quero falar com uma pessoa", intent="request_human", slots={"language": "pt"}
    )
    await ActionHandoff().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == ["utter_handoff", "utter_signal_handoff"]
    signal = dispatcher.messages[1]
    assert (signal["priority"], signal["language"]) == ("normal", "pt")


async def test_handoff_in_quechua_asks_for_an_interpreter(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "runawan rimayta munani", intent="request_human", slots={"language": "qu"}
    )
    await ActionHandoff().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher)[0] == "utter_handoff_interpreter"
    assert dispatcher.messages[1]["reason"] == "interpreter"


async def test_deletion_signals_the_hotline_and_forgets_all_but_the_language(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "si", intent="affirm", slots={"language": "es", "country": "MX"}
    )
    events = await ActionRequestDeletion().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == ["utter_delete_done", "utter_signal_delete_data"]
    assert events[0]["event"] == "reset_slots"
    assert events[1]["name"] == "language" and events[1]["value"] == "es"


async def test_change_language_confirms_in_the_new_language(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "en français svp",
        intent="change_language",
        entities=[{"entity": "language", "value": "fr"}],
    )
    await ActionChangeLanguage().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == ["utter_language_changed"]
    assert dispatcher.messages[0]["language"] == "fr"


async def test_change_language_without_a_name_shows_the_menu(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker("other language", intent="change_language")
    await ActionChangeLanguage().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == ["utter_language_menu"]
