"""How a report may be used (issue 15): the exceptions said first, the choice
read in every language, a change that names the current choice, and the
signal the hotline keeps."""

from __future__ import annotations

from typing import Any

import pytest

from actions.report_consent import (
    CONSENTS,
    ActionReportConsentGiven,
    ActionReportConsentStart,
    ValidateReportConsentForm,
    consent_from,
    load_consent_words,
    read_consent,
)
from bot.languages import SUPPORTED_LANGUAGES
from tests.conftest import Conversation, responses

FORM = "report_consent_form"


@pytest.mark.parametrize(
    ("text", "chosen"),
    [
        ("1", "share"),
        (" 2. ", "confidential"),
        ("#3", "anonymous"),
        ("share it with the police", "share"),
        ("keep it private please", "confidential"),
        ("Confidencial", "confidential"),
        ("solo contarlo, sin nombre", "anonymous"),
        ("pode passar para a polícia", "share"),
        ("anonyme", "anonymous"),
        ("konfidansyel", "confidential"),
        ("pakallapi", "confidential"),
        ("jan sutini", "anonymous"),
    ],
)
def test_the_choice_is_read_as_a_digit_or_the_options_words(
    text: str, chosen: str
) -> None:
    assert read_consent(text) == chosen


@pytest.mark.parametrize(
    "text",
    [
        "no a la policía",  # a no is no choice
        "not the police",
        "1 or 2",  # two choices
        "confidencial o anónimo",
        "maybe",
        "",
    ],
)
def test_no_choice_or_two_choices_are_asked_again(text: str) -> None:
    assert read_consent(text) is None


def test_yes_keeps_the_choice_already_made_and_chooses_nothing_new() -> None:
    assert consent_from("sí", "share") == "share"
    assert consent_from("oui", "anonymous") == "anonymous"
    assert consent_from("yes", None) is None


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_language_has_words_for_every_choice(language: str) -> None:
    words = load_consent_words()[language]
    assert all(words[consent] for consent in CONSENTS)
    # No word stands for two choices.
    for consent in CONSENTS:
        others = set().union(*(words[c] for c in CONSENTS if c != consent))
        assert not words[consent] & others, (language, consent)


async def test_a_first_report_hears_the_exceptions_before_the_question(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker("quiero denunciar", intent="report_case")
    events = await ActionReportConsentStart().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == ["utter_report_exceptions"]
    assert _slot(events, "report_consent") is None


async def test_reporting_again_names_the_current_choice(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "quiero cambiar como se usa mi denuncia",
        intent="report_case",
        slots={"report_consent": "confidential"},
    )
    events = await ActionReportConsentStart().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == [
        "utter_report_consent_now_confidential",
        "utter_report_exceptions",
    ]
    assert _slot(events, "report_consent_before") == "confidential"


async def _validate(
    conversation: Conversation,
    dispatcher: Any,
    domain_dict: dict,
    text: str,
    intent: str = "nlu_fallback",
    slots: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    tracker = conversation.tracker(
        text,
        intent=intent,
        slots={"requested_slot": "report_consent", **(slots or {})},
        active_loop=FORM,
    )
    return await ValidateReportConsentForm().run(dispatcher, tracker, domain_dict)


def _slot(events: list[dict[str, Any]], name: str) -> Any:
    return next(e["value"] for e in events if e.get("name") == name)


async def test_the_form_reads_a_digit_the_menu_would_take_for_a_topic(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    events = await _validate(conversation, dispatcher, domain_dict, "2", "ask_shelter")
    assert _slot(events, "report_consent") == "confidential"


async def test_an_unclear_answer_is_asked_again(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    events = await _validate(conversation, dispatcher, domain_dict, "hmm")
    assert responses(dispatcher) == ["utter_report_consent_not_understood"]
    assert _slot(events, "report_consent") is None


async def test_zero_lets_go_without_a_choice(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    events = await _validate(conversation, dispatcher, domain_dict, "0")
    assert _slot(events, "requested_slot") is None
    assert _slot(events, "report_consent") == "stop"


async def test_asking_for_a_person_is_no_answer(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    events = await _validate(
        conversation,
        dispatcher,
        domain_dict,
        "quiero hablar con una persona",
        "request_human",
    )
    assert not any(e.get("name") == "report_consent" for e in events)
    assert responses(dispatcher) == []


async def test_the_choice_is_confirmed_and_signalled(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker("1", slots={"report_consent": "share"})
    await ActionReportConsentGiven().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == [
        "utter_report_consent_share",
        "utter_signal_report",
    ]
    assert dispatcher.messages[1]["consent"] == "share"


async def test_stopping_keeps_the_earlier_choice_and_signals_nothing(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "0", slots={"report_consent": "stop", "report_consent_before": "anonymous"}
    )
    events = await ActionReportConsentGiven().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == ["utter_report_consent_none"]
    assert _slot(events, "report_consent") == "anonymous"


async def test_a_clear_choice_wins_over_what_the_classifier_thought(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    events = await _validate(
        conversation, dispatcher, domain_dict, "keep it private please", "delete_data"
    )
    assert _slot(events, "report_consent") == "confidential"


async def test_danger_is_never_an_answer(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    events = await _validate(
        conversation, dispatcher, domain_dict, "1 he has a gun, police now", "emergency"
    )
    assert not any(e.get("name") == "report_consent" for e in events)
