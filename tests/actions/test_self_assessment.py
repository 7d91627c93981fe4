"""The self-assessment: answers by word or digit, stop at any time, a gentle ending."""

from __future__ import annotations

from typing import Any

import pytest

from actions.self_assessment import (
    QUESTIONS,
    ActionSelfAssessmentResult,
    ActionSelfAssessmentStart,
    ValidateSelfAssessmentForm,
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
