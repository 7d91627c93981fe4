"""Two topics in one message, a situation told, a follow-up without a topic."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.training_data.message import Message

from actions.country import ValidateCountryForm
from actions.directory.loader import default_directory
from actions.follow_up import ActionWhatNow
from actions.slots import ActionValidateSlotMappings, second_topic
from actions.topics import ActionAnswerTopic
from bot.components.two_topics import TwoTopics
from tests.conftest import Conversation, responses

TOPIC_INTENTS = ["ask_health", "ask_immigration", "ask_work_rights", "ask_shelter"]


def ranked(tracker: Any, *ranking: tuple[str, float]) -> Any:
    tracker.latest_message["intent"] = {
        "name": ranking[0][0],
        "confidence": ranking[0][1],
    }
    tracker.latest_message["intent_ranking"] = [
        {"name": name, "confidence": confidence} for name, confidence in ranking
    ]
    return tracker


@pytest.mark.parametrize(
    ("ranking", "expected"),
    [
        ((("ask_immigration", 0.5), ("ask_health", 0.35)), "health"),
        ((("ask_immigration", 0.9), ("ask_health", 0.05)), None),
        ((("ask_immigration", 0.5), ("greet", 0.4), ("ask_health", 0.1)), None),
        ((("ask_work_rights", 0.45), ("ask_work_rights", 0.4)), None),
        ((("ask_shelter", 0.4), ("emergency", 0.35)), None),
    ],
    ids=["both present", "one dominates", "not a topic", "same topic", "danger"],
)
def test_a_second_topic_is_one_clearly_present(
    conversation: Conversation, ranking: tuple, expected: str | None
) -> None:
    tracker = ranked(conversation.tracker("..."), *ranking)
    first = {"ask_immigration": "immigration", "ask_work_rights": "work_rights"}
    assert second_topic(tracker, first.get(ranking[0][0], "shelter")) == expected


async def test_the_second_topic_is_set_with_the_first(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = ranked(
        conversation.tracker("no tengo papeles y mi hijo necesita un doctor"),
        ("ask_immigration", 0.52),
        ("ask_health", 0.38),
    )
    slots = await ActionValidateSlotMappings().extract_topic(
        dispatcher, tracker, domain_dict
    )
    assert slots == {"topic": "immigration", "second_topic": "health"}


async def test_both_topics_are_answered_with_their_numbers_once(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(
        slots={"country": "US", "topic": "immigration", "second_topic": "health"}
    )
    await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)
    said = responses(dispatcher)
    assert "utter_health_info" in said
    after_second = said[said.index("utter_health_info") :]
    before_second = said[: said.index("utter_health_info")]
    assert "utter_service_trafficking_hotline" in before_second
    assert "utter_service_health" in after_second
    phones = [m["phone"] for m in dispatcher.messages if "phone" in m]
    assert len(phones) == len(set(phones))


async def test_a_second_topic_without_its_own_line_is_not_told_no_number(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    """Mexico has no labour-inspection line: after the situation's lines, "I have
    no number of this kind" followed by nothing new only confused people."""
    assert not default_directory().get("MX").entries("labour_inspection")
    tracker = conversation.tracker(
        slots={"country": "MX", "topic": "situation", "second_topic": "work_rights"}
    )
    await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)
    said = responses(dispatcher)
    assert "utter_work_rights_info" in said
    assert "utter_no_service_kind" not in said


async def test_a_situation_ends_with_the_offer_of_a_person(
    conversation: Conversation, dispatcher: Any, domain_dict: dict
) -> None:
    tracker = conversation.tracker(slots={"country": "MX", "topic": "situation"})
    await ActionAnswerTopic().run(dispatcher, tracker, domain_dict)
    said = responses(dispatcher)
    assert "utter_service_trafficking_hotline" in said
    assert "utter_service_emergency" in said
    assert said[-1] == "utter_person_if_wanted"


@pytest.mark.parametrize(
    ("topic", "first_answer"),
    [
        (None, "utter_situation_what_now"),
        ("situation", "utter_situation_what_now"),
        ("work_rights", "utter_work_rights_info"),
        ("shelter", "utter_shelter_info"),
        ("emergency", "utter_help_danger_local"),
    ],
)
async def test_a_follow_up_is_answered_in_the_conversations_context(
    conversation: Conversation,
    dispatcher: Any,
    domain_dict: dict,
    topic: str | None,
    first_answer: str,
) -> None:
    tracker = conversation.tracker(
        "and what should she do now?",
        intent="ask_what_now",
        slots={"topic": topic, "country": "MX"},
    )
    events = await ActionWhatNow().run(dispatcher, tracker, domain_dict)
    said = responses(dispatcher)
    assert said[0] == first_answer
    assert "utter_fallback" not in said and "utter_help_menu" not in said
    topic_set = [e["value"] for e in events if e.get("name") == "topic"]
    assert topic_set == [topic or "situation"]


@pytest.mark.parametrize("intent", ["describe_situation", "ask_what_now"])
async def test_the_country_question_lets_a_situation_or_a_follow_up_through(
    conversation: Conversation, dispatcher: Any, domain_dict: dict, intent: str
) -> None:
    tracker = conversation.tracker(
        "my cousin works there and they keep her passport, what can she do",
        intent=intent,
        slots={"requested_slot": "country", "topic": "situation"},
        active_loop="country_form",
    )
    events = await ValidateCountryForm().run(dispatcher, tracker, domain_dict)
    assert {"event": "action_execution_rejected", "name": "country_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events
    ]


def message(*ranking: tuple[str, float]) -> Message:
    msg = Message(data={"text": "..."})
    msg.set("intent", {"name": "nlu_fallback", "confidence": 0.7})
    msg.set(
        "intent_ranking",
        [{"name": "nlu_fallback", "confidence": 0.7}]
        + [{"name": n, "confidence": c} for n, c in ranking],
    )
    return msg


@pytest.mark.parametrize(
    ("ranking", "intent"),
    [
        ((("ask_immigration", 0.34), ("ask_health", 0.31)), "ask_immigration"),
        ((("ask_immigration", 0.2), ("ask_health", 0.18)), "nlu_fallback"),
        ((("greet", 0.34), ("ask_health", 0.31)), "nlu_fallback"),
    ],
    ids=["two topics", "nothing clear", "not two topics"],
)
def test_two_topics_are_not_an_unclear_message(ranking: tuple, intent: str) -> None:
    component = TwoTopics({"topics": TOPIC_INTENTS, "together": 0.5})
    [processed] = component.process([message(*ranking)])
    assert processed.get("intent")["name"] == intent
    names = [r["name"] for r in processed.get("intent_ranking")]
    assert ("nlu_fallback" in names) == (intent == "nlu_fallback")
