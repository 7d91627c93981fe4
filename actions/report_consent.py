"""The person's say over a report: shared with the authorities, kept confidential
by the line's staff, or only counted (issue 15).

Before they choose, they hear the only exceptions (a child at risk, someone's life
in immediate danger), where the line may have to act whatever they chose. The
question offers numbered choices (SMS, voice) and buttons (web chat) that send
the same digits; the words of the options are read in every language
(``bot/report_consent_words.yml``). The choice goes to the hotline as a signal,
which keeps it with the report. Reporting again, or asking to change how the
report is used, asks again and names the current choice; a bare "yes" then
keeps it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.answers import is_stop, read_answer
from actions.interruptions import DANGER_INTENT, interrupts
from actions.signals import latest_intent
from bot.normalize import normalize

Consent = Literal["share", "confidential", "anonymous"]
CONSENTS: tuple[Consent, ...] = ("share", "confidential", "anonymous")
SLOT = "report_consent"
# The choice before this question, kept while the question is asked again.
PREVIOUS_SLOT = "report_consent_before"
FORM = "report_consent_form"
# The answer "stop" (or "0"): the question is left without a choice.
STOPPED = "stop"
WORDS_FILE = Path(__file__).resolve().parent.parent / "bot" / "report_consent_words.yml"


def load_consent_words(path: Path = WORDS_FILE) -> dict[str, dict[str, set[str]]]:
    """Language -> choice -> its words, normalised."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    loaded: dict[str, dict[str, set[str]]] = {}
    for language, kinds in raw.items():
        if set(kinds) - set(CONSENTS):
            raise ValueError(f"{path}: {language}: {sorted(kinds)}")
        loaded[language] = {
            consent: {normalize(word) for word in kinds.get(consent) or ()}
            for consent in CONSENTS
        }
    return loaded


_WORDS = load_consent_words()
_BY_CONSENT = {
    consent: set().union(*(kinds[consent] for kinds in _WORDS.values()))
    for consent in CONSENTS
}


def read_consent(text: str) -> Consent | None:
    """The one choice a reply names ("2", "confidencial", "solo contarlo"), or
    None when it names none, several, or says no ("no a la policía")."""
    padded = f" {normalize(text)} "
    named = [
        consent
        for consent in CONSENTS
        if any(f" {word} " in padded for word in _BY_CONSENT[consent])
    ]
    if len(named) != 1:
        return None
    if padded.strip() not in _BY_CONSENT[named[0]] and read_answer(text) == "no":
        return None
    return named[0]


def consent_from(text: str, previous: str | None) -> Consent | None:
    """The choice a reply makes; with a choice already made, "yes" keeps it."""
    if chosen := read_consent(text):
        return chosen
    if previous in CONSENTS and read_answer(text) == "yes":
        return previous  # type: ignore[return-value]
    return None


class ActionReportConsentStart(Action):
    """Names the current choice, if any, and says the exceptions; the form then
    asks."""

    def name(self) -> str:
        return "action_report_consent_start"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        current = tracker.get_slot(SLOT)
        if current in CONSENTS:
            dispatcher.utter_message(response=f"utter_report_consent_now_{current}")
        dispatcher.utter_message(response="utter_report_exceptions")
        return [SlotSet(PREVIOUS_SLOT, current), SlotSet(SLOT, None)]


class ValidateReportConsentForm(FormValidationAction):
    """Reads the choice; an unclear reply is asked again, "stop" (or "0") lets
    go without a choice. Danger is never an answer; a person, deleting or a
    call for help are none unless the reply names a choice: the form lets go
    for their rules."""

    def name(self) -> str:
        return "validate_report_consent_form"

    async def next_requested_slot(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> EventType | None:
        """Asking no further question ends the form; "stop" asks none."""
        if tracker.get_slot(SLOT) == STOPPED:
            return SlotSet(REQUESTED_SLOT, None)
        return await super().next_requested_slot(dispatcher, tracker, domain)

    async def extract_report_consent(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if tracker.get_slot(REQUESTED_SLOT) != SLOT:
            return {}
        text = tracker.latest_message.get("text") or ""
        if latest_intent(tracker) == DANGER_INTENT:
            return {}
        if is_stop(text):
            # An answer that ends the question (Rasa would reject a form that
            # read nothing); the result restores the earlier choice.
            return {SLOT: STOPPED}
        # A clear choice is an answer whatever the classifier thought of it
        # ("keep it private" is no request to delete).
        chosen = consent_from(text, tracker.get_slot(PREVIOUS_SLOT))
        if chosen is None and interrupts(tracker):
            return {}
        if chosen is None:
            dispatcher.utter_message(response="utter_report_consent_not_understood")
        return {SLOT: chosen}


class ActionReportConsentGiven(Action):
    """Confirms the choice and tells the hotline; without one (stopped), the
    earlier choice stands, or nothing is recorded."""

    def name(self) -> str:
        return "action_report_consent_given"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        chosen = tracker.get_slot(SLOT)
        previous = tracker.get_slot(PREVIOUS_SLOT)
        if chosen not in CONSENTS:
            dispatcher.utter_message(response="utter_report_consent_none")
            return [SlotSet(SLOT, previous), SlotSet(PREVIOUS_SLOT, None)]
        dispatcher.utter_message(response=f"utter_report_consent_{chosen}")
        dispatcher.utter_message(response="utter_signal_report", consent=chosen)
        return [SlotSet(PREVIOUS_SLOT, None)]
