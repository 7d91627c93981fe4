"""The country form and towns: a town resolves to its country's numbers, a
town several countries share is asked about, and a country outside the
directory gets an honest answer."""

from __future__ import annotations

from typing import Any

import pytest

from actions.country import ActionAskCountry, ActionAskNationality, ValidateCountryForm
from actions.directory.loader import default_directory
from actions.topics import ActionAnswerTopic
from bot.catalogs import translate
from bot.languages import CORE_LANGUAGES
from tests.conftest import Conversation, responses


async def run_form(tracker: Any, dispatcher: Any, domain_dict: dict) -> list[dict]:
    return await ValidateCountryForm().run(dispatcher, tracker, domain_dict)


def slots_of(events: list[dict]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


def answering(
    conversation: Conversation, text: str, slot: str = "country", **slots: Any
) -> Any:
    """The person's reply to the form's question for ``slot``."""
    return conversation.tracker(
        text,
        intent="inform",
        active_loop="country_form",
        slots={"requested_slot": slot, "language": "es", **slots},
    )


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Tapachula", "MX"),
        ("estoy en Monterrey", "MX"),
        ("I'm in houston", "US"),
        ("moro em manaus", "BR"),
        ("je suis à Montréal", "CA"),
        ("San Pedro Sula", "HN"),
        ("Qosqo", "PE"),
        ("estou em Salvador", "BR"),
        ("Santa Cruz, Bolivia", "BO"),
    ],
)
async def test_a_town_answers_the_country_question(
    text: str,
    country: str,
    conversation: Conversation,
    dispatcher: Any,
    domain_dict: dict,
) -> None:
    events = await run_form(answering(conversation, text), dispatcher, domain_dict)
    assert slots_of(events)["country"] == country


async def test_a_shared_town_is_asked_about_not_taken_as_unknown(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    events = await run_form(
        answering(conversation, "Santa Cruz"), dispatcher, domain_dict
    )
    # An explicit empty value keeps the form going: Rasa asks again.
    assert slots_of(events) == {"country": None}
    assert not [e for e in events if e["event"] == "action_execution_rejected"]
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    ("text", "language", "choice"),
    [
        ("Santa Cruz", "es", "Bolivia o España"),
        ("santa cruz", "en", "Bolivia or Spain"),
        ("Santiago", "en", "Chile, Dominican Republic, or Cuba"),
        ("estoy en Córdoba", "es", "Argentina, España o México"),
        ("je suis à San José", "fr", "États-Unis ou Costa Rica"),
        ("León", "pt", "México ou Nicarágua"),
        ("León", "ht", "Mexique ou Nicaragua"),
    ],
)
async def test_the_question_names_the_candidates_in_the_persons_language(
    text: str,
    language: str,
    choice: str,
    conversation: Conversation,
    dispatcher: Any,
    domain_dict: dict,
) -> None:
    tracker = answering(conversation, text, language=language)
    assert await ActionAskCountry().run(dispatcher, tracker, domain_dict) == []
    assert responses(dispatcher) == ["utter_ask_which_country"]
    assert dispatcher.messages[0]["countries"] == choice


async def test_a_shared_town_in_the_first_message_is_asked_about(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    """The form opens on "necesito un abogado en León": its first question is
    already "which country?"."""
    tracker = conversation.tracker(
        "necesito un abogado, estoy en León",
        intent="ask_legal_aid",
        slots={"language": "es"},
    )
    await ActionAskCountry().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == ["utter_ask_which_country"]


@pytest.mark.parametrize(
    "text", ["necesito un abogado", "estoy en Tapachula", "Bolivia", "no sé"]
)
async def test_otherwise_the_plain_question(
    text: str, conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(text, slots={"language": "es"})
    await ActionAskCountry().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == ["utter_ask_country"]


async def test_the_nationality_question_asks_which_too(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = answering(
        conversation, "soy de Santiago", slot="nationality", topic="consulate"
    )
    events = await run_form(tracker, dispatcher, domain_dict)
    assert "nationality" in slots_of(events)
    assert slots_of(events)["nationality"] is None
    await ActionAskNationality().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == ["utter_ask_which_country"]
    dispatcher.messages.clear()
    tracker = conversation.tracker("Soy de Guatemala", slots={"language": "es"})
    await ActionAskNationality().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == ["utter_ask_nationality"]


async def test_the_answer_to_which_gives_that_countrys_numbers(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = answering(
        conversation,
        "Bolivia",
        topic="shelter",
        earlier_messages=[{"text": "Santa Cruz"}],
    )
    slots = slots_of(await run_form(tracker, dispatcher, domain_dict))
    assert slots["country"] == "BO"
    tracker = conversation.tracker(slots={"country": "BO", "topic": "shelter"})
    await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)
    said = responses(dispatcher)
    assert "utter_service_trafficking_hotline" in said
    assert "utter_no_directory_country" not in said


async def test_a_town_outside_the_directory_is_answered_honestly(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    """Madrid resolves to Spain, which the directory does not cover: the person
    is told so (and to call the local emergency number or ask for a person),
    and that their own consulate there can help."""
    slots = slots_of(
        await run_form(
            answering(conversation, "Madrid", nationality="HN"),
            dispatcher,
            domain_dict,
        )
    )
    assert slots["country"] == "ES"
    tracker = conversation.tracker(
        slots={
            "country": "ES",
            "nationality": "HN",
            "topic": "legal_aid",
            "language": "es",
        }
    )
    await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)
    # No numbers for Spain; Honduras's own help line for nationals abroad.
    said = responses(dispatcher)
    assert said[:2] == ["utter_no_directory_country", "utter_service_consulate_abroad"]
    assert dispatcher.messages[0]["country_name"] == "España"
    honduras_abroad = default_directory().consular_help("HN", "ES")
    assert dispatcher.messages[1]["phone"] == honduras_abroad[0].main_number


async def test_no_consulate_line_without_a_nationality(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        slots={"country": "IT", "topic": "shelter", "language": "pt"}
    )
    await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == ["utter_no_directory_country"]
    assert dispatcher.messages[0]["country_name"] == "Itália"


@pytest.mark.parametrize("language", [*CORE_LANGUAGES, "ht"])
@pytest.mark.parametrize(
    "name", ["utter_ask_which_country", "utter_no_directory_consulate"]
)
def test_the_new_texts_are_translated(name: str, language: str, domain: Any) -> None:
    source = domain.responses[name][0]["text"]
    text = translate(name, source, language)
    assert (text == source) == (language == "en")
    for placeholder in ("{countries}", "{nationality_name}", "{country_name}"):
        assert (placeholder in text) == (placeholder in source)
