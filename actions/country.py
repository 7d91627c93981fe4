"""The country form: where the person is (and, for consulates, where they are from).

It is opened by every topic that needs local numbers; when the country is already
known it closes at once. A reply that names no country we know is taken as
"unknown" rather than asked again and again: the person still gets an answer and
can name the country later. Danger, asking for a person, deleting and a bare call
for help are no answer: the form lets them through (see actions/interruptions.py),
keeping a country the message also named.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.geo import UNKNOWN_COUNTRY, resolve_country
from actions.interruptions import (
    COUNTRY_QUESTION_INTERRUPTIONS,
    interrupts,
    replying_to,
)


def _answer_for(tracker: Tracker, slot: str) -> dict[str, Any]:
    """Read the country a reply names, by entity or by name, else "unknown"."""
    if tracker.get_slot("requested_slot") != slot:
        return {}
    for found in tracker.latest_message.get("entities") or []:
        if found.get("entity") not in ("country", "nationality"):
            continue
        if code := resolve_country(found.get("value")):
            return {slot: code}
    if code := resolve_country(tracker.latest_message.get("text")):
        return {slot: code}
    if interrupts(tracker, COUNTRY_QUESTION_INTERRUPTIONS):
        return {}
    return {slot: UNKNOWN_COUNTRY}


class ValidateCountryForm(FormValidationAction):
    """Extracts the country (and nationality for consulates) from short replies."""

    def name(self) -> str:
        return "validate_country_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Lets go of a reply that is no answer, even one that names a country
        ("estoy en México y me están pegando"): the country is kept, the form is
        rejected so that the rules for danger, a person or deleting run."""
        form = self.form_name()
        if (
            tracker.active_loop_name == form
            and replying_to(tracker, form)
            and interrupts(tracker, COUNTRY_QUESTION_INTERRUPTIONS)
        ):
            requested = tracker.get_slot(REQUESTED_SLOT)
            keep = _answer_for(tracker, requested) if requested else {}
            return [
                *(SlotSet(slot, code) for slot, code in keep.items() if code),
                ActionExecutionRejected(form),
            ]
        return await super().run(dispatcher, tracker, domain)

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        if tracker.get_slot("topic") == "consulate":
            return ["nationality", *domain_slots]
        return domain_slots

    async def extract_country(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _answer_for(tracker, "country")

    async def extract_nationality(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        return _answer_for(tracker, "nationality")
