"""The self-assessment: answers by word or digit, stop at any time, a gentle ending."""

from __future__ import annotations

from typing import Any

import pytest

from actions.self_assessment import (
    QUESTIONS,
    ActionSelfAssessmentResult,
    ActionSelfAssessmentStart,
    ValidateSelfAssessmentForm,
    assess,
)
from tests.conftest import Conversation, responses


async def answer(
    text: str, asked: str, conversation: Conversation, dispatcher: Any, domain: dict
) -> dict[str, Any]:
    tracker = conversation.tracker(
        text,
        intent="affirm",
        active_loop="self_assessment_form",
        slots={"requested_slot": asked},
    )
    events = await ValidateSelfAssessmentForm().run(dispatcher, tracker, domain)
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


async def result(
    slots: dict[str, Any], conversation: Conversation, dispatcher: Any, domain: dict
) -> list[str]:
    tracker = conversation.tracker("", slots=slots)
    await ActionSelfAssessmentResult().run(dispatcher, tracker, domain)
    return responses(dispatcher)


async def test_start_explains_and_clears_earlier_answers(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker("am i a victim", intent="self_assessment")
    events = await ActionSelfAssessmentStart().run(dispatcher, tracker, domain_dict)
    assert responses(dispatcher) == ["utter_self_assessment_intro"]
    cleared = {e["name"] for e in events if e["value"] is None}
    assert set(QUESTIONS) <= cleared


@pytest.mark.parametrize(
    ("text", "value"), [("1", "yes"), ("nao", "no"), ("no se", "unsure")]
)
async def test_answers_by_digit_or_word(
    text: str,
    value: str,
    conversation: Conversation,
    dispatcher: Any,
    domain_dict: dict,
) -> None:
    slots = await answer(text, "sa_debt", conversation, dispatcher, domain_dict)
    assert slots["sa_debt"] == value


async def test_unclear_answer_is_asked_again(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    slots = await answer("what?", "sa_threats", conversation, dispatcher, domain_dict)
    assert slots["sa_threats"] is None
    assert responses(dispatcher) == ["utter_sa_not_understood"]


async def test_stop_ends_the_questions(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    slots = await answer("parar", "sa_deceived", conversation, dispatcher, domain_dict)
    assert slots["sa_deceived"] == "stop"
    assert slots["requested_slot"] is None


async def test_stopped_assessment_says_so_and_offers_a_person(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    said = await result({"sa_threats": "stop"}, conversation, dispatcher, domain_dict)
    assert said == ["utter_sa_stopped", "utter_offer_person"]


async def test_worrying_answers_call_in_a_person_at_high_priority(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    slots = dict.fromkeys(QUESTIONS, "no") | {
        "sa_documents_held": "yes",
        "sa_debt": "yes",
    }
    said = await result(slots, conversation, dispatcher, domain_dict)
    assert said[0] == "utter_sa_result_signs"
    assert "utter_rights" in said
    assert said[-2:] == ["utter_sa_handoff", "utter_signal_handoff"]
    assert dispatcher.messages[-1]["priority"] == "high"


async def test_a_minor_hears_of_special_protection(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    slots = dict.fromkeys(QUESTIONS, "no") | {
        "sa_under_18": "yes",
        "sa_deceived": "yes",
    }
    said = await result(slots, conversation, dispatcher, domain_dict)
    assert "utter_sa_result_child" in said
    assert "utter_signal_handoff" in said


async def test_no_signs_never_says_not_a_victim_and_offers_a_person(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    said = await result(
        dict.fromkeys(QUESTIONS, "no"), conversation, dispatcher, domain_dict
    )
    assert said == ["utter_sa_result_few_signs", "utter_offer_person"]


async def run_result(
    slots: dict[str, Any], conversation: Conversation, dispatcher: Any, domain: dict
) -> list[dict[str, Any]]:
    tracker = conversation.tracker("", slots=slots)
    return await ActionSelfAssessmentResult().run(dispatcher, tracker, domain)


@pytest.mark.parametrize("text", ["para nada", "ya no", "Para nada!!"])
async def test_a_strong_no_is_an_answer_not_a_stop(
    text: str, conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    slots = await answer(text, "sa_debt", conversation, dispatcher, domain_dict)
    assert slots["sa_debt"] == "no"
    assert "requested_slot" not in slots


@pytest.mark.parametrize("text", ["a veces", "às vezes", "parfois", "pafwa"])
async def test_sometimes_is_read(
    text: str, conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    slots = await answer(text, "sa_threats", conversation, dispatcher, domain_dict)
    assert slots["sa_threats"] == "sometimes"


async def test_sometimes_is_no_answer_to_the_age_question(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    slots = await answer(
        "a veces", "sa_under_18", conversation, dispatcher, domain_dict
    )
    assert slots["sa_under_18"] is None
    assert responses(dispatcher) == ["utter_sa_not_understood"]


async def test_sometimes_counts_as_a_sign(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    slots = dict.fromkeys(QUESTIONS, "no") | {"sa_threats": "sometimes"}
    said = await result(slots, conversation, dispatcher, domain_dict)
    assert said[0] == "utter_sa_result_signs"
    assert "utter_signal_handoff" in said
    assert dispatcher.messages[-1]["priority"] == "high"


async def test_two_sometimes_are_worrying(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    slots = dict.fromkeys(QUESTIONS, "no") | {
        "sa_debt": "sometimes",
        "sa_pay_withheld": "sometimes",
    }
    said = await result(slots, conversation, dispatcher, domain_dict)
    assert said[-2:] == ["utter_sa_handoff", "utter_signal_handoff"]


async def test_a_minor_who_said_no_to_all_is_not_told_of_signs(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    slots = dict.fromkeys(QUESTIONS, "no") | {"sa_under_18": "yes", "country": "CO"}
    await run_result(slots, conversation, dispatcher, domain_dict)
    said = responses(dispatcher)
    assert "utter_sa_result_signs" not in said
    assert "utter_sa_result_few_signs" not in said
    assert said[0] == "utter_sa_result_minor"
    # Always a person, at high priority, and the lines for children.
    [handoff] = [
        m for m in dispatcher.messages if m["response"] == "utter_signal_handoff"
    ]
    assert handoff["priority"] == "high"
    assert "utter_offer_person" not in said
    assert "utter_service_child_helpline" in said
    assert said.index("utter_service_child_helpline") < said.index(
        "utter_service_trafficking_hotline"
    )


async def test_a_minor_where_we_do_not_know_is_asked_the_country(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    slots = dict.fromkeys(QUESTIONS, "no") | {"sa_under_18": "yes"}
    events = await run_result(slots, conversation, dispatcher, domain_dict)
    assert "utter_signal_handoff" in responses(dispatcher)
    assert {"event": "followup", "name": "country_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]
    assert {e["name"]: e["value"] for e in events if e["event"] == "slot"} == {
        "topic": "hotline",
        "country": None,
    }


async def test_a_minor_with_signs_hears_both(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    slots = dict.fromkeys(QUESTIONS, "no") | {
        "sa_under_18": "yes",
        "sa_debt": "sometimes",
        "country": "CO",
    }
    await run_result(slots, conversation, dispatcher, domain_dict)
    said = responses(dispatcher)
    assert said[:2] == ["utter_sa_result_signs", "utter_sa_result_child"]
    assert "utter_service_child_helpline" in said


async def test_an_adult_gets_no_child_lines(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    slots = dict.fromkeys(QUESTIONS, "no") | {"country": "CO"}
    events = await run_result(slots, conversation, dispatcher, domain_dict)
    assert events == []
    assert "utter_service_child_helpline" not in responses(dispatcher)


INTERRUPTIONS = [
    ("delete_data", "borra mis datos"),
    ("delete_data", "apague meus dados"),
    ("delete_data", "supprime mes données"),
    ("request_human", "quiero hablar con una persona"),
    ("request_human", "no, quiero hablar con alguien"),
    ("emergency", "si me esta pegando ahora"),
    ("emergency", "no puedo salir, me va a matar"),
    ("ask_help", "ayuda"),
]


@pytest.mark.parametrize("asked", QUESTIONS)
@pytest.mark.parametrize(("intent", "text"), INTERRUPTIONS)
async def test_every_question_lets_go_of_what_is_no_answer(
    asked: str,
    intent: str,
    text: str,
    conversation: Conversation,
    dispatcher: Any,
    domain_dict: dict,
) -> None:
    """Nothing is extracted, so Rasa rejects the form and the rules for
    deleting, a person, danger or help run (bot/data/rules.yml)."""
    tracker = conversation.tracker(
        text,
        intent=intent,
        active_loop="self_assessment_form",
        slots={"requested_slot": asked},
    )
    events = await ValidateSelfAssessmentForm().run(dispatcher, tracker, domain_dict)
    assert events == []
    assert dispatcher.messages == []


async def test_a_bare_answer_stays_an_answer_whatever_the_classifier_said(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        "no",
        intent="delete_data",
        active_loop="self_assessment_form",
        slots={"requested_slot": "sa_debt"},
    )
    events = await ValidateSelfAssessmentForm().run(dispatcher, tracker, domain_dict)
    assert {e["name"]: e["value"] for e in events if e["event"] == "slot"} == {
        "sa_debt": "no"
    }


# The ILO's eleven indicators of forced labour, in the order asked.
ILO_INDICATORS = {
    "sa_vulnerability": "abuse of vulnerability",
    "sa_deceived": "deception",
    "sa_cannot_leave": "restriction of movement",
    "sa_isolated": "isolation",
    "sa_violence": "physical and sexual violence",
    "sa_threats": "intimidation and threats",
    "sa_documents_held": "retention of identity documents",
    "sa_pay_withheld": "withholding of wages",
    "sa_debt": "debt bondage",
    "sa_conditions": "abusive working and living conditions",
    "sa_overtime": "excessive overtime",
}


def test_each_ilo_indicator_is_asked_once_then_age(domain_dict: dict) -> None:
    assert list(QUESTIONS) == [*ILO_INDICATORS, "sa_under_18"]
    form = domain_dict["forms"]["self_assessment_form"]["required_slots"]
    assert form == list(QUESTIONS)
    total = len(QUESTIONS)
    for number, slot in enumerate(QUESTIONS, 1):
        text = domain_dict["responses"][f"utter_ask_{slot}"][0]["text"]
        assert text.startswith(f"{number}/{total} "), slot
        # One question each, never two in one.
        assert text.count("?") == 1 and text.endswith("?"), slot
    intro = domain_dict["responses"]["utter_self_assessment_intro"][0]["text"]
    assert f"{total} short questions" in intro
    assert "no wrong answers" in intro


def test_violence_alone_calls_in_a_person() -> None:
    answers = dict.fromkeys(QUESTIONS, "no") | {"sa_violence": "yes"}
    signs, minor, worrying = assess(answers)
    assert (signs, minor, worrying) == (1, False, True)


def test_the_result_never_makes_a_legal_finding(domain_dict: dict) -> None:
    for name in (
        "utter_sa_result_signs",
        "utter_sa_result_few_signs",
        "utter_sa_result_minor",
    ):
        text = domain_dict["responses"][name][0]["text"]
        assert "you are a victim" not in text.lower(), name
        assert "you are not a victim" not in text.lower(), name
    signs = domain_dict["responses"]["utter_sa_result_signs"][0]["text"]
    assert "not a legal decision" in signs
