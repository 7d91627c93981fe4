"""Immediate danger: the answer comes first, then a person is called in."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.signals import signal_handoff
from actions.topics import utter_emergency_number


class ActionEmergency(Action):
    """Local emergency number (or the general one), and an urgent hand-off."""

    def name(self) -> str:
        return "action_emergency"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        utter_emergency_number(dispatcher, tracker, "utter_emergency")
        signal_handoff(dispatcher, tracker, reason="emergency", priority="urgent")
        return []
