"""Changing the conversation's language on request."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.slots import requested_language


class ActionChangeLanguage(Action):
    """Confirms a named language (the slot is already set), else shows the menu."""

    def name(self) -> str:
        return "action_change_language"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        language = requested_language(tracker)
        if language is None:
            dispatcher.utter_message(response="utter_language_menu")
        else:
            dispatcher.utter_message(
                response="utter_language_changed", language=language
            )
        return []
