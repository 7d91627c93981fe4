"""The country form: where the person is (and, for consulates, where they are from).

It is opened by every topic that needs local numbers; when the country is already
known it closes at once. A reply that names no country we know is taken as
"unknown" rather than asked again and again: the person still gets an answer and
can name the country later. Emergencies and requests for a person interrupt it.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.geo import UNKNOWN_COUNTRY, resolve_country
from actions.signals import latest_intent

INTERRUPTING_INTENTS = {"emergency", "request_human"}


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
    if latest_intent(tracker) in INTERRUPTING_INTENTS:
        return {}
    return {slot: UNKNOWN_COUNTRY}


class ValidateCountryForm(FormValidationAction):
    """Extracts the country (and nationality for consulates) from short replies."""

    def name(self) -> str:
        return "validate_country_form"

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
