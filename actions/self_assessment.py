"""A gentle self-assessment on the ILO forced-labour indicators and Palermo.

Seven yes/no questions (deception, freedom to leave, documents, debt, threats,
withheld pay, age), answerable with words or digits, stoppable at any time. The
end says what the answers suggest, never that someone is "not a victim", gives
their rights, and either calls in a person (worrying answers) or offers one.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.answers import read_answer
from actions.signals import latest_intent, signal_handoff

QUESTIONS = (
    "sa_deceived",
    "sa_cannot_leave",
    "sa_documents_held",
    "sa_debt",
    "sa_threats",
    "sa_pay_withheld",
    "sa_under_18",
)
INDICATORS = QUESTIONS[:-1]
# Any one of these alone is a sign of trafficking that a person should look at.
SEVERE_INDICATORS = ("sa_cannot_leave", "sa_threats")
INTERRUPTING_INTENTS = {"emergency", "request_human"}


class ActionSelfAssessmentStart(Action):
    """Explains the questions and clears any earlier answers."""

    def name(self) -> str:
        return "action_self_assessment_start"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_self_assessment_intro")
        return [SlotSet(slot, None) for slot in QUESTIONS]


class ValidateSelfAssessmentForm(FormValidationAction):
    """Reads each answer; "stop" ends the form, unclear answers are asked again.

    A "stop" is stored as the answer to the question it interrupted, so the
    result can tell a stopped assessment from a finished one.
    """

    def name(self) -> str:
        return "validate_self_assessment_form"

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> EventType | None:
        """Asking no further question ends the form; "stop" asks none."""
        if was_stopped(tracker):
            return SlotSet(REQUESTED_SLOT, None)
        return await super().next_requested_slot(dispatcher, tracker, domain)

    def _extract(
        self, slot: str, dispatcher: CollectingDispatcher, tracker: Tracker
    ) -> dict[str, Any]:
        if tracker.get_slot("requested_slot") != slot:
            return {}
        answer = read_answer(tracker.latest_message.get("text") or "")
        if answer is None and latest_intent(tracker) in INTERRUPTING_INTENTS:
            return {}
        if answer is None:
            dispatcher.utter_message(response="utter_sa_not_understood")
        return {slot: answer}

    async def extract_sa_deceived(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._extract("sa_deceived", dispatcher, tracker)

    async def extract_sa_cannot_leave(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._extract("sa_cannot_leave", dispatcher, tracker)

    async def extract_sa_documents_held(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._extract("sa_documents_held", dispatcher, tracker)

    async def extract_sa_debt(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._extract("sa_debt", dispatcher, tracker)

    async def extract_sa_threats(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._extract("sa_threats", dispatcher, tracker)

    async def extract_sa_pay_withheld(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._extract("sa_pay_withheld", dispatcher, tracker)

    async def extract_sa_under_18(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return self._extract("sa_under_18", dispatcher, tracker)


def was_stopped(tracker: Tracker) -> bool:
    return any(tracker.get_slot(slot) == "stop" for slot in QUESTIONS)


def assess(answers: dict[str, str | None]) -> tuple[int, bool, bool]:
    """(number of indicators answered yes, is a minor, needs a person now)."""
    signs = sum(answers.get(slot) == "yes" for slot in INDICATORS)
    minor = answers.get("sa_under_18") == "yes"
    severe = any(answers.get(slot) == "yes" for slot in SEVERE_INDICATORS)
    worrying = signs >= 2 or severe or (minor and signs >= 1)
    return signs, minor, worrying


class ActionSelfAssessmentResult(Action):
    """Says what the answers suggest, the rights that follow, and the next step."""

    def name(self) -> str:
        return "action_self_assessment_result"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        if was_stopped(tracker):
            dispatcher.utter_message(response="utter_sa_stopped")
            dispatcher.utter_message(response="utter_offer_person")
            return []
        answers = {slot: tracker.get_slot(slot) for slot in QUESTIONS}
        signs, minor, worrying = assess(answers)
        if signs or minor:
            dispatcher.utter_message(response="utter_sa_result_signs")
        else:
            dispatcher.utter_message(response="utter_sa_result_few_signs")
        if minor:
            dispatcher.utter_message(response="utter_sa_result_child")
        if signs:
            dispatcher.utter_message(response="utter_rights")
        if worrying:
            dispatcher.utter_message(response="utter_sa_handoff")
            signal_handoff(
                dispatcher, tracker, reason="self_assessment", priority="high"
            )
        else:
            dispatcher.utter_message(response="utter_offer_person")
        return []
