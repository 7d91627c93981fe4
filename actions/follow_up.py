"""A follow-up without a topic: "what can I do?", "and now?", "what should she
do?", "and if I leave?".

It is answered in the context of the conversation so far, never with the
not-understood menu: after a situation, what can be done now; after a topic,
that topic's text again; after danger, the emergency number; with nothing
before it, what can be done now. The country form that follows (the rule)
then gives the numbers for where the person is.
"""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.topics import INFO_BY_TOPIC, utter_emergency_number

# With no topic before it, a follow-up is about the person's situation.
DEFAULT_TOPIC = "situation"


class ActionWhatNow(Action):
    """What can be done now, for the topic the conversation is about."""

    def name(self) -> str:
        return "action_what_now"

    async def run(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[EventType]:
        topic = tracker.get_slot("topic") or DEFAULT_TOPIC
        if topic == "emergency":
            utter_emergency_number(dispatcher, tracker, "utter_help_danger")
        else:
            dispatcher.utter_message(response=INFO_BY_TOPIC[topic])
        if topic != DEFAULT_TOPIC:
            # The numbers follow; a situation ends with this offer after them.
            dispatcher.utter_message(response="utter_person_if_wanted")
        return [SlotSet("topic", topic), SlotSet("second_topic", None)]
