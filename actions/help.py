"""A bare call for help ("AYUDA", "aide", "èd", "yanapay", "pytyvõ").

Someone who writes only "help" may be in trouble and unable to say more: they
get the emergency number first (the local one when we know the country), the
way to a person, then the menu of what the line can do.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.topics import utter_emergency_number


class ActionHelp(Action):
    """Emergency number and the way to a person, then the help menu."""

    def name(self) -> str:
        return "action_help"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        utter_emergency_number(dispatcher, tracker, "utter_help_danger")
        dispatcher.utter_message(response="utter_help_menu")
        return []
