"""Deleting a conversation when the person asks (after they confirmed)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.languages import current_language


class ActionRequestDeletion(Action):
    """Signals the hotline to delete transcript and tracker; forgets the slots."""

    def name(self) -> str:
        return "action_request_deletion"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        language = current_language(tracker)
        dispatcher.utter_message(response="utter_delete_done")
        dispatcher.utter_message(response="utter_signal_delete_data")
        return [AllSlotsReset(), SlotSet("language", language)]
