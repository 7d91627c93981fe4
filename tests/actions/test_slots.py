"""The conversation's language: explicit choices win, one vague word never flips it."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk.events import SlotSet

from actions.slots import ActionValidateSlotMappings
from tests.conftest import Conversation, responses


async def run(tracker: Any, dispatcher: Any, domain_dict: dict) -> dict[str, Any]:
    events = await ActionValidateSlotMappings().run(dispatcher, tracker, domain_dict)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def test_first_clear_message_sets_the_language(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "hola necesito ayuda", intent="greet", language_guess=conversation.guess("es")
    )
    assert (await run(tracker, dispatcher, domain_dict))["language"] == "es"


async def test_ambiguous_first_word_sets_nothing(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "ok", intent="affirm", language_guess=conversation.guess("en", 0.5, True)
    )
    assert "language" not in await run(tracker, dispatcher, domain_dict)


@pytest.mark.parametrize("word", ["ok", "no", "taxi"])
async def test_one_ambiguous_word_does_not_flip_the_language(
    word: str, conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        word,
        intent="affirm",
        slots={"language": "pt"},
        language_guess=conversation.guess("en", 0.8, True),
    )
    assert "language" not in await run(tracker, dispatcher, domain_dict)


async def test_one_clear_message_in_another_language_does_not_flip_it(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "donde hay un refugio",
        intent="ask_shelter",
        slots={"language": "pt"},
        language_guess=conversation.guess("es"),
        earlier_messages=[{"text": "oi", "language": conversation.guess("pt")}],
    )
    assert "language" not in await run(tracker, dispatcher, domain_dict)


async def test_two_clear_messages_in_another_language_switch_it(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "donde hay un refugio",
        intent="ask_shelter",
        slots={"language": "en"},
        language_guess=conversation.guess("es"),
        earlier_messages=[
            {"text": "necesito ayuda por favor", "language": conversation.guess("es")}
        ],
    )
    assert (await run(tracker, dispatcher, domain_dict))["language"] == "es"


async def test_hotline_choice_in_metadata_wins(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "hello there friend",
        intent="greet",
        metadata={"language": "fr"},
        language_guess=conversation.guess("en"),
    )
    assert (await run(tracker, dispatcher, domain_dict))["language"] == "fr"


async def test_language_entity_changes_it_and_unreviewed_catalog_is_announced(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "runasimipi rimay",
        intent="change_language",
        entities=[{"entity": "language", "value": "qu"}],
        slots={"language": "es"},
        language_guess=conversation.guess("qu"),
    )
    assert (await run(tracker, dispatcher, domain_dict))["language"] == "qu"
    assert responses(dispatcher) == [
        "utter_language_unreviewed",
        "utter_signal_language",
    ]
    assert dispatcher.messages[0]["language"] == "qu"


async def test_bare_language_name_changes_it(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker("Kreyòl", intent="greet", slots={"language": "fr"})
    assert (await run(tracker, dispatcher, domain_dict))["language"] == "ht"
    # The hotline learns the new language from the signal that ends the list.
    assert dispatcher.messages[-1]["response"] == "utter_signal_language"
    assert dispatcher.messages[-1]["language"] == "ht"


async def test_topic_follows_the_question_but_not_inside_the_country_form(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    asking = conversation.tracker("shelter?", intent="ask_shelter")
    assert (await run(asking, dispatcher, domain_dict))["topic"] == "shelter"
    answering = conversation.tracker(
        "mexico",
        intent="ask_consulate",
        active_loop="country_form",
        slots={"topic": "shelter"},
    )
    assert "topic" not in await run(answering, dispatcher, domain_dict)
    danger = conversation.tracker(
        "he is hitting me", intent="emergency", active_loop="country_form"
    )
    assert (await run(danger, dispatcher, domain_dict))["topic"] == "emergency"


async def test_a_country_named_when_asked_for_nationality_is_not_a_location(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "honduras",
        intent="ask_consulate",
        entities=[{"entity": "country", "value": "HN"}],
        slots={"requested_slot": "nationality", "country": "HN"},
    )
    tracker.events.insert(0, SlotSet("country", "US"))
    tracker.events.append(SlotSet("country", "HN"))
    assert (await run(tracker, dispatcher, domain_dict))["country"] == "US"


async def test_a_country_named_otherwise_is_where_the_person_is(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "estoy en honduras",
        intent="ask_shelter",
        entities=[{"entity": "country", "value": "HN"}],
        slots={"country": "HN"},
    )
    tracker.events.append(SlotSet("country", "HN"))
    assert (await run(tracker, dispatcher, domain_dict))["country"] == "HN"


async def test_a_language_mentioned_in_passing_does_not_switch(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "mi patron solo habla ingles y no me paga",
        intent="ask_work_rights",
        entities=[{"entity": "language", "value": "en"}],
        slots={"language": "es"},
        language_guess=conversation.guess("es"),
    )
    assert "language" not in await run(tracker, dispatcher, domain_dict)


async def test_a_demonym_answer_does_not_switch_the_language(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "haitiano", intent="ask_consulate", slots={"language": "pt"}
    )
    assert "language" not in await run(tracker, dispatcher, domain_dict)


@pytest.mark.parametrize(
    ("text", "entity", "value", "code"),
    [
        ("¿a qué número puedo llamar? estoy en México", "country", "México", "MX"),
        ("je suis au Pérou", "country", "Pérou", "PE"),
        ("estou no Brasil", "country", "no Brasil", "BR"),
        ("I'm in the US", "country", "the US", "US"),
        ("estoy en republica dominicana", "country", "DO", "DO"),
        ("je suis haïtienne", "nationality", "haïtienne", "HT"),
        ("SOY MEXICANA", "nationality", "MEXICANA", "MX"),
    ],
)
async def test_an_extracted_country_becomes_its_code(
    text: str,
    entity: str,
    value: str,
    code: str,
    conversation: Conversation,
    dispatcher: Any,
    domain_dict: dict,
) -> None:
    """The NLU fills the slot with the word the person wrote (or a code when a
    synonym matched); the slot must hold the ISO code before any action runs."""
    tracker = conversation.tracker(
        text,
        intent="ask_hotline",
        entities=[{"entity": entity, "value": value}],
        slots={entity: value},
    )
    tracker.events.append(SlotSet(entity, value))
    assert (await run(tracker, dispatcher, domain_dict))[entity] == code


async def test_the_last_country_that_resolves_fills_the_slot(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "estoy en México, en Tapachula",
        intent="ask_shelter",
        entities=[
            {"entity": "country", "value": "México"},
            {"entity": "country", "value": "Tapachula"},
        ],
        slots={"country": "Tapachula"},
    )
    tracker.events.append(SlotSet("country", "Tapachula"))
    assert (await run(tracker, dispatcher, domain_dict))["country"] == "MX"


@pytest.mark.parametrize(("before", "after"), [("GT", "GT"), (None, None)])
async def test_a_word_that_names_no_country_changes_nothing(
    before: str | None,
    after: str | None,
    conversation: Conversation,
    dispatcher: Any,
    domain_dict: dict,
) -> None:
    tracker = conversation.tracker(
        "albergue en el rancho",
        intent="ask_shelter",
        entities=[{"entity": "country", "value": "el rancho"}],
        slots={"country": "el rancho"},
    )
    tracker.events.insert(0, SlotSet("country", before))
    tracker.events.append(SlotSet("country", "el rancho"))
    assert (await run(tracker, dispatcher, domain_dict))["country"] == after


@pytest.mark.parametrize(
    ("text", "intent", "entities", "country"),
    [
        ("je suis au Pérou, j'ai besoin d'un avocat", "ask_legal_aid", [], "PE"),
        ("estou nos EUA e preciso de um advogado", "ask_legal_aid", [], "US"),
        (
            "mwen nan Repiblik Dominikèn",
            "ask_hotline",
            [{"entity": "country", "value": "Repiblik"}],
            "DO",
        ),
        ("soy de Honduras, necesito un refugio", "ask_shelter", [], None),
        ("je veux rentrer en Haïti", "ask_return_home", [], None),
        (
            "estoy en México, en Tapachula",
            "ask_hotline",
            [{"entity": "country", "value": "Tapachula"}],
            "MX",
        ),
        (
            "soy hondureña y estoy en México",
            "ask_shelter",
            [{"entity": "nationality", "value": "hondureña"}],
            "MX",
        ),
        (
            "ayuda, estoy en Guatemala",
            "emergency",
            [{"entity": "country", "value": "El Salvador"}],
            "SV",
        ),
    ],
    ids=[
        "fr",
        "pt",
        "partly tagged",
        "origin",
        "going home",
        "town tagged",
        "with a nationality",
        "the NLU's country stands",
    ],
)
async def test_a_place_the_nlu_missed_fills_the_country(
    text: str,
    intent: str,
    entities: list[dict],
    country: str | None,
    conversation: Conversation,
    dispatcher: Any,
    domain_dict: dict,
) -> None:
    tracker = conversation.tracker(text, intent=intent, entities=entities)
    for found in entities:
        tracker.events.append(SlotSet(found["entity"], found["value"]))
    assert (await run(tracker, dispatcher, domain_dict)).get("country") == country


async def test_a_place_read_as_a_nationality_is_where_the_person_is(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "¿a qué número puedo llamar? estoy en la Republica Dominicana",
        intent="ask_hotline",
        entities=[{"entity": "nationality", "value": "Dominicana"}],
    )
    tracker.events.insert(0, SlotSet("nationality", "HT"))
    tracker.events.append(SlotSet("nationality", "Dominicana"))
    slots = await run(tracker, dispatcher, domain_dict)
    assert slots["country"] == "DO"
    assert slots["nationality"] == "HT"
