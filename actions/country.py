"""The country form: where the person is (and, for consulates, where they are from).

It is opened by every topic that needs local numbers; when the country is already
known it closes at once. A reply that names no country we know is taken as
"unknown" rather than asked again and again: the person still gets an answer and
can name the country later. A town several countries share ("Santa Cruz",
"León") is asked about: "Bolivia, Spain or Brazil?". Danger, asking for a
person, deleting and a bare call for help are no answer: the form lets them
through (see actions/interruptions.py), keeping a country the message also
named.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecutionRejected, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.geo import (
    UNKNOWN_COUNTRY,
    country_candidates,
    country_choice,
    located_candidates,
    resolve_country,
)
from actions.interruptions import (
    COUNTRY_QUESTION_INTERRUPTIONS,
    interrupts,
    replying_to,
)
from actions.languages import current_language


def ambiguous_place(tracker: Tracker, slot: str) -> tuple[str, ...]:
    """The countries the latest message's place may be in, when it names a town
    several countries share ("Santa Cruz": Bolivia, Spain or Brazil); () when
    it names none or only one. For the nationality, where the person says
    they are is no answer ("soy de Honduras, estoy en Santa Cruz")."""
    message = tracker.latest_message
    entities = ("country", "nationality") if slot == "country" else (slot,)
    mentions = [
        found.get("value")
        for found in message.get("entities") or []
        if found.get("entity") in entities
    ]
    text = message.get("text")
    located = located_candidates(text) if slot == "country" else ()
    for candidates in (
        *(country_candidates(value) for value in mentions),
        located,
        country_candidates(text),
    ):
        if len(candidates) > 1:
            return candidates
    return ()


def _answer_for(tracker: Tracker, slot: str) -> dict[str, Any]:
    """Read the country a reply names, by entity or by name, else "unknown".

    For the country, where the person says they are ("estou em Salvador", the
    Brazilian city) comes before the names anywhere in the reply. A town
    several countries share fills nothing, and the form asks which country
    (``ActionAskCountry``)."""
    if tracker.get_slot("requested_slot") != slot:
        return {}
    for found in tracker.latest_message.get("entities") or []:
        if found.get("entity") not in ("country", "nationality"):
            continue
        if code := resolve_country(found.get("value")):
            return {slot: code}
    text = tracker.latest_message.get("text")
    # Where the person says they are wins over any other name in the reply
    # ("soy de Honduras, estoy en Santa Cruz" is not Honduras).
    located = located_candidates(text) if slot == "country" else ()
    if len(located) == 1:
        return {slot: located[0]}
    if not located and (code := resolve_country(text)):
        return {slot: code}
    if interrupts(tracker, COUNTRY_QUESTION_INTERRUPTIONS):
        return {}
    # An explicit empty value: the form asks again rather than letting go.
    if located or ambiguous_place(tracker, slot):
        return {slot: None}
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
        if "consulate" in (tracker.get_slot("topic"), tracker.get_slot("second_topic")):
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


class ActionAskCountry(Action):
    """The form's question for the country: which one, when the person named a
    town several countries share ("Santa Cruz": "Bolivia, Spain or Brazil?"),
    otherwise the plain question."""

    slot = "country"

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if candidates := ambiguous_place(tracker, self.slot):
            dispatcher.utter_message(
                response="utter_ask_which_country",
                countries=country_choice(candidates, current_language(tracker)),
            )
        else:
            dispatcher.utter_message(response=f"utter_ask_{self.slot}")
        return []


class ActionAskNationality(ActionAskCountry):
    """The same for the person's own country ("soy de León")."""

    slot = "nationality"
