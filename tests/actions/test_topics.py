"""Local numbers per topic, the country form, and what happens without a country."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import pytest
import yaml

from actions.country import ValidateCountryForm
from actions.directory.emergency import emergency_number
from actions.directory.loader import default_directory
from actions.geo import resolve_country
from actions.topics import ActionAnswerTopic
from bot.catalogs import translate
from bot.languages import SUPPORTED_LANGUAGES
from tests.conftest import ROOT, Conversation, responses


async def answer(tracker: Any, dispatcher: Any, domain_dict: dict) -> list[dict]:
    return await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)


async def test_shelter_gives_intake_lines_never_addresses(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(slots={"country": "CA", "topic": "shelter"})
    await answer(tracker, dispatcher, domain_dict)
    said = responses(dispatcher)
    assert said[0] == "utter_service_shelter_intake"
    intake = default_directory().get("CA").entries("shelter_intake")[0]
    assert dispatcher.messages[0]["phone"] == intake.main_number
    assert all("address" not in m for m in dispatcher.messages)


async def test_unchecked_entries_are_marked_and_explained(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    country = default_directory().get("MX")
    assert any(not e.is_current() for e in country.entries("trafficking_hotline"))
    tracker = conversation.tracker(slots={"country": "MX", "topic": "report_case"})
    await answer(tracker, dispatcher, domain_dict)
    marks = [m["mark"] for m in dispatcher.messages if "mark" in m]
    assert " *" in marks
    said = responses(dispatcher)
    assert "utter_service_unchecked" in said
    # The footnote names a checked number to call instead.
    footnote = next(
        m for m in dispatcher.messages if m["response"] == "utter_service_unchecked"
    )
    alternatives = [
        e.main_number
        for kind in ("emergency", "trafficking_hotline")
        for e in country.entries(kind)
        if e.is_current()
    ]
    assert footnote["phone"] == alternatives[0]


async def test_checked_entries_carry_no_caution(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    hotline = default_directory().get("US").entries("trafficking_hotline")[0]
    assert hotline.is_current()
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
            "nationality": "VE",
            "topic": "consulate",
            "language": "pt",
        }
    )
    await answer(tracker, dispatcher, domain_dict)
    assert responses(dispatcher)[0] == "utter_no_consulate"
    assert dispatcher.messages[0]["nationality_name"] == "Venezuela"
    assert dispatcher.messages[0]["country_name"] == "Brasil"
    assert "utter_service_trafficking_hotline" in responses(dispatcher)


# The line of its own each topic has where a country lists it; the other
# topics are answered by the anti-trafficking line, which every country has.
OWN_KIND = {
    "shelter": "shelter_intake",
    "legal_aid": "legal_aid",
    "immigration": "legal_aid",
    "health": "health",
    "work_rights": "labour_inspection",
}
TOPICS = [
    "shelter",
    "hotline",
    "consulate",
    "legal_aid",
    "health",
    "immigration",
    "work_rights",
    "report_case",
    "return_home",
    "emergency",
]


def phones(dispatcher: Any) -> list[str]:
    return [m["phone"] for m in dispatcher.messages if "phone" in m]


def hotline_and_emergency(code: str) -> tuple[str, str]:
    country = default_directory().get(code)
    hotline = country.entries("trafficking_hotline")[0].main_number
    return hotline, country.emergency_number()


@pytest.mark.parametrize(
    ("code", "topic"),
    [
        (code, topic)
        for code, country in sorted(default_directory().countries.items())
        for topic, kind in OWN_KIND.items()
        if not country.entries(kind)
    ],
)
async def test_a_topic_without_its_own_line_gets_the_hotline_and_emergency(
    code: str, topic: str, conversation: Conversation, dispatcher: Any, domain_dict
) -> None:
    tracker = conversation.tracker(
        slots={"country": code, "topic": topic, "language": "es"}
    )
    await answer(tracker, dispatcher, domain_dict)
    said = responses(dispatcher)
    assert said[0] == "utter_no_service_kind"
    hotline, emergency = hotline_and_emergency(code)
    assert hotline in phones(dispatcher)
    assert emergency in phones(dispatcher)
    assert "utter_no_directory_country" not in said


@pytest.mark.parametrize("code", sorted(default_directory().countries))
@pytest.mark.parametrize("topic", TOPICS)
async def test_every_directory_country_answers_every_topic_with_lines(
    code: str, topic: str, conversation: Conversation, dispatcher: Any, domain_dict
) -> None:
    tracker = conversation.tracker(
        slots={"country": code, "topic": topic, "nationality": "PH"}
    )
    await answer(tracker, dispatcher, domain_dict)
    said = responses(dispatcher)
    assert "utter_no_directory_country" not in said
    assert phones(dispatcher), said
    # Whatever introduces lines is followed by at least one.
    last_line = max(i for i, r in enumerate(said) if r.startswith("utter_service_"))
    assert all(
        i < last_line
        for i, r in enumerate(said)
        if r in ("utter_no_service_kind", "utter_no_consulate")
    ), said


@pytest.mark.parametrize("slot", ["México", "mexico", "MÉXICO", "no México"])
async def test_a_word_left_in_the_slot_is_still_read_as_its_country(
    slot: str, conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    """Conversations carry their slots over; one from before countries were
    resolved may hold the word the person wrote."""
    tracker = conversation.tracker(slots={"country": slot, "topic": "hotline"})
    events = await answer(tracker, dispatcher, domain_dict)
    assert "utter_no_directory_country" not in responses(dispatcher)
    assert set(hotline_and_emergency("MX")) <= set(phones(dispatcher))
    assert {"event": "slot", "name": "country", "value": "MX"} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events
    ]


@pytest.mark.parametrize(
    ("slot", "code"),
    [("MX", "MX"), ("México", "MX"), ("Haïti", "HT"), ("perú", "PE"), ("ZZ", None)],
)
def test_the_emergency_number_follows_the_country_however_written(
    slot: str, code: str | None
) -> None:
    country = default_directory().get(code)
    expected = country.emergency_number() if country else None
    assert emergency_number(resolve_country(slot)) == expected


async def test_a_missing_consulate_gets_the_hotline_and_emergency(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        slots={"country": "GT", "nationality": "NI", "topic": "consulate"}
    )
    await answer(tracker, dispatcher, domain_dict)
    assert responses(dispatcher)[0] == "utter_no_consulate"
    assert set(hotline_and_emergency("GT")) <= set(phones(dispatcher))


@pytest.mark.parametrize("nationality", ["ZZ", None])
async def test_an_unrecognised_nationality_is_not_named(
    nationality: str | None,
    conversation: Conversation,
    dispatcher: Any,
    domain_dict: dict,
) -> None:
    """The form's "unknown" marker is no country: never "the consulate of
    Unknown Region"."""
    tracker = conversation.tracker(
        slots={"country": "MX", "nationality": nationality, "topic": "consulate"}
    )
    await answer(tracker, dispatcher, domain_dict)
    assert responses(dispatcher)[0] == "utter_no_consulate_unknown_nationality"
    assert all("nationality_name" not in m for m in dispatcher.messages)
    assert set(hotline_and_emergency("MX")) <= set(phones(dispatcher))


def test_what_a_rule_says_before_the_country_form_stands_alone(domain: Any) -> None:
    """The form may ask for the country, or find none it knows, before any line
    is given: a header ending in ":" would be followed by nothing."""
    rules = yaml.safe_load((ROOT / "bot" / "data" / "rules.yml").read_text())
    intros = {
        before["action"]
        for rule in rules["rules"]
        for before, after in pairwise(rule["steps"])
        if after.get("action") == "country_form"
        and str(before.get("action", "")).startswith("utter_")
    }
    assert "utter_hotline_info" in intros
    for name in sorted(intros):
        for language in SUPPORTED_LANGUAGES:
            text = translate(name, domain.responses[name][0]["text"], language)
            assert not text.rstrip().endswith(":"), (name, language, text)


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
    lines = [r for r in responses(dispatcher) if r.startswith("utter_service_")]
    assert lines[0] == "utter_service_child_helpline"


async def run_form(tracker: Any, dispatcher: Any, domain_dict: dict) -> dict:
    events = await ValidateCountryForm().run(dispatcher, tracker, domain_dict)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.mark.parametrize(
    ("text", "intent", "country"),
    [
        ("estoy en méxico", "ask_consulate", "MX"),
        ("Ayiti", "greet", "HT"),
        ("en el rancho", "ask_shelter", "ZZ"),
        ("houston", "ask_shelter", "US"),
        ("he is hitting me", "emergency", None),
        ("IN THE US", "ask_shelter", "US"),
        ("au Pérou", "ask_shelter", "PE"),
        ("nan Repiblik Dominikèn", "ask_hotline", "DO"),
        ("Guatemla", "ask_hotline", "GT"),
    ],
    ids=[
        "named",
        "named in Kreyol",
        "unknown place",
        "a town",
        "emergency interrupts",
        "capitals and article",
        "French preposition",
        "Kreyol name",
        "typo",
    ],
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
