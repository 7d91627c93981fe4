"""A gentle self-assessment on the ILO forced-labour indicators and Palermo.

One question for each of the ILO's eleven indicators of forced labour (abuse of
vulnerability, deception, restriction of movement, isolation, physical and
sexual violence, intimidation and threats, retention of documents, withholding
of wages, debt bondage, abusive working and living conditions, excessive
overtime), never two in one, then age. Answerable with words or digits,
stoppable at any time. The end says what the answers suggest, never that
someone is or is not a victim (no legal finding), and either calls in a person
(worrying answers) or offers one.

"Sometimes" is kept as its own answer and counted as a sign: what happens
sometimes happens. A person under 18 gets their own result: a child needs no
force or fraud to be a victim, so a child is always referred to a person and to
the lines for children, and is never told their answers show signs when they
answered no to everything.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.answers import read_answer
from actions.directory.loader import default_directory
from actions.geo import UNKNOWN_COUNTRY
from actions.interruptions import interrupts
from actions.signals import signal_handoff
from actions.topics import give_topic_lines, say_no_directory

# In the order asked; each is one ILO indicator (ILO, "Indicators of Forced
# Labour", 2012), the last is age.
QUESTIONS = (
    "sa_vulnerability",
    "sa_deceived",
    "sa_cannot_leave",
    "sa_isolated",
    "sa_violence",
    "sa_threats",
    "sa_documents_held",
    "sa_pay_withheld",
    "sa_debt",
    "sa_conditions",
    "sa_overtime",
    "sa_under_18",
)
INDICATORS = QUESTIONS[:-1]
# Any one of these alone is a sign of trafficking that a person should look at.
SEVERE_INDICATORS = ("sa_cannot_leave", "sa_violence", "sa_threats")
# Answers that count as a sign for an indicator question.
SIGN_ANSWERS = frozenset({"yes", "sometimes"})
# The lines a child is given: the topic whose lines are the hotline and the
# emergency number (the child lines come first for a person under 18).
CHILD_LINES_TOPIC = "hotline"


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
    result can tell a stopped assessment from a finished one. Danger, asking for
    a person, deleting and a call for help are no answer: the form lets go.
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
        if interrupts(tracker):
            return {}
        answer = read_answer(tracker.latest_message.get("text") or "")
        if slot == "sa_under_18" and answer == "sometimes":
            answer = None
        if answer is None:
            dispatcher.utter_message(response="utter_sa_not_understood")
        return {slot: answer}


def _extractor(slot: str) -> Any:
    """``extract_<slot>``, which rasa_sdk looks up by name, for one question."""

    async def extract(
        self: ValidateSelfAssessmentForm,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        return self._extract(slot, dispatcher, tracker)

    return extract


for _slot in QUESTIONS:
    setattr(ValidateSelfAssessmentForm, f"extract_{_slot}", _extractor(_slot))


def was_stopped(tracker: Tracker) -> bool:
    return any(tracker.get_slot(slot) == "stop" for slot in QUESTIONS)


def assess(answers: dict[str, str | None]) -> tuple[int, bool, bool]:
    """(number of indicators that show a sign, is a minor, needs a person now).

    A child always needs a person: nobody has to prove force or fraud for them.
    """
    signs = sum(answers.get(slot) in SIGN_ANSWERS for slot in INDICATORS)
    minor = answers.get("sa_under_18") == "yes"
    severe = any(answers.get(slot) in SIGN_ANSWERS for slot in SEVERE_INDICATORS)
    worrying = signs >= 2 or severe or minor
    return signs, minor, worrying


def give_child_lines(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType]:
    """The lines for children (and the hotline and emergency number) where the
    person is; when we do not know where, the country form asks and answers."""
    code = tracker.get_slot("country")
    country = default_directory().get(code) if code else None
    if country is None and code not in (None, UNKNOWN_COUNTRY):
        say_no_directory(dispatcher, tracker, code)
        return []
    if country is None:
        return [
            SlotSet("topic", CHILD_LINES_TOPIC),
            SlotSet("country", None),
            FollowupAction("country_form"),
        ]
    dispatcher.utter_message(response="utter_hotline_info")
    give_topic_lines(dispatcher, tracker, country, CHILD_LINES_TOPIC)
    return []


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
        if signs:
            dispatcher.utter_message(response="utter_sa_result_signs")
            if minor:
                dispatcher.utter_message(response="utter_sa_result_child")
        elif minor:
            dispatcher.utter_message(response="utter_sa_result_minor")
        else:
            dispatcher.utter_message(response="utter_sa_result_few_signs")
        if signs:
            dispatcher.utter_message(response="utter_rights")
        if worrying:
            dispatcher.utter_message(response="utter_sa_handoff")
            signal_handoff(
                dispatcher, tracker, reason="self_assessment", priority="high"
            )
        else:
            dispatcher.utter_message(response="utter_offer_person")
        return give_child_lines(dispatcher, tracker) if minor else []
