"""A person asked for a person: tell them what happens and signal the hotline."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.languages import EXTRA_LANGUAGES, current_language
from actions.signals import signal_handoff


class ActionHandoff(Action):
    """Hand-off at normal priority; for ht, qu and gn, ask for an interpreter."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        if current_language(tracker) in EXTRA_LANGUAGES:
            dispatcher.utter_message(response="utter_handoff_interpreter")
            reason = "interpreter"
        else:
            dispatcher.utter_message(response="utter_handoff")
            reason = "request_human"
        signal_handoff(dispatcher, tracker, reason=reason, priority="normal")
        return []
