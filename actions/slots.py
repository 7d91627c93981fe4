"""Slots filled on every message: the conversation's language and its topic,
and the country slots the NLU fills, resolved to ISO codes.

Rasa runs ``action_validate_slot_mappings`` after each user message. The language
rule: the hotline's explicit choice (metadata) wins; then a request to change
language (an entity or a bare language name); otherwise the first message whose
language is clear sets it, and after that only two clear messages in a row in
another language switch it, so one ambiguous word ("ok", "no", "taxi") never does.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.geo import UNKNOWN_COUNTRY, located_country, resolve_country
from actions.languages import SUPPORTED_LANGUAGES, find_language_name
from actions.signals import latest_intent, split_at_latest_message
from bot.catalogs import is_reviewed

# Slots that hold an ISO country code, filled from the entity of the same name.
COUNTRY_SLOTS = ("country", "nationality")
# Questions in which a country named is not where the person is now.
NOT_HERE_INTENTS = {"ask_return_home", "ask_immigration", "change_language"}

TOPIC_BY_INTENT = {
    "ask_shelter": "shelter",
    "ask_hotline": "hotline",
    "ask_consulate": "consulate",
    "ask_legal_aid": "legal_aid",
    "ask_health": "health",
    "ask_immigration": "immigration",
    "ask_work_rights": "work_rights",
    "report_case": "report_case",
    "ask_return_home": "return_home",
    "emergency": "emergency",
    "describe_situation": "situation",
}
# A second topic in the same message ("papers, and my son needs a doctor") is
# answered too when the classifier gives it at least SECOND_TOPIC_SHARE of the
# first one's confidence and SECOND_TOPIC_MIN in all: both clearly present.
SECOND_TOPIC_MIN = 0.15
SECOND_TOPIC_SHARE = 0.35
# Forms whose answers are no new topic.
ANSWERING_FORMS = ("country_form", "report_consent_form")
# Only topics answered with their own text and numbers can come second.
SECOND_TOPICS = {
    intent: topic
    for intent, topic in TOPIC_BY_INTENT.items()
    if topic not in ("emergency", "situation")
}


def requested_language(tracker: Tracker) -> str | None:
    """A language the person explicitly asked for in this message.

    A language entity counts only in a request to change language ("my boss only
    speaks english" is no such request); a message that is just a language's
    name ("Español", "kreyol") always does, unless it also names a country
    ("haitiano" answers "where are you from?").
    """
    if latest_intent(tracker) == "change_language":
        for entity in tracker.latest_message.get("entities") or []:
            value = entity.get("value")
            if entity.get("entity") == "language" and value in SUPPORTED_LANGUAGES:
                return value
    text = tracker.latest_message.get("text") or ""
    return None if resolve_country(text) else find_language_name(text)


def _clear_language(parse_data: dict[str, Any]) -> str | None:
    guess = parse_data.get("language") or {}
    if guess.get("ambiguous", True):
        return None
    return guess.get("code")


def _previous_user_parse_data(tracker: Tracker) -> dict[str, Any]:
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    return user_events[-2].get("parse_data") or {} if len(user_events) > 1 else {}


def next_language(tracker: Tracker) -> str | None:
    """The language the conversation should be in after this message."""
    current = tracker.get_slot("language")
    explicit = (tracker.latest_message.get("metadata") or {}).get("language")
    if explicit in SUPPORTED_LANGUAGES:
        return explicit
    if asked := requested_language(tracker):
        return asked
    detected = _clear_language(tracker.latest_message)
    if current is None or detected is None or detected == current:
        return detected or current
    previous = _clear_language(_previous_user_parse_data(tracker))
    return detected if previous == detected else current


def slot_before_message(tracker: Tracker, slot: str) -> Any:
    """The slot's value before the latest user message was processed."""
    before, _after = split_at_latest_message(tracker)
    for event in reversed(before):
        if event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def country_code(value: Any) -> str | None:
    """A country slot's value as it may stand: an ISO code or "unknown"."""
    return value if value == UNKNOWN_COUNTRY else resolve_country(value)


def mentioned_country(tracker: Tracker, entity: str) -> str | None:
    """The code of the last country this message names as ``entity``, if any.

    Rasa fills the slot with the entity's raw word ("México", "Pérou") or, when
    a synonym matched, a code; either way it is resolved here, so a country
    slot only ever holds an ISO code.
    """
    values = [
        found.get("value")
        for found in tracker.latest_message.get("entities") or []
        if found.get("entity") == entity
    ]
    for value in reversed(values):
        if code := resolve_country(value):
            return code
    return None


def said_location(tracker: Tracker) -> str | None:
    """Where the person says they are ("je suis au Pérou", "estou nos EUA")
    when the NLU found no country we know in the message.

    Not in questions about going home or being sent back, where "rentrer en
    Haïti" names a destination, nor in a request to change language.
    """
    if mentioned_country(tracker, "country"):
        return None
    if latest_intent(tracker) in NOT_HERE_INTENTS:
        return None
    return located_country(tracker.latest_message.get("text"))


class ActionValidateSlotMappings(ValidationAction):
    """Keeps ``language`` and ``topic`` up to date on every message, and the
    country slots in ISO codes."""

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Extracted countries become ISO codes; a word that names no country we
        know leaves the slot as it was; a place the NLU missed but the person
        gave ("estoy en México") fills it. And an answer to "where are you
        from?" is a nationality, not where the person is now."""
        slots = tracker.slots_to_validate()
        said = {"country": said_location(tracker), "nationality": None}
        for name in COUNTRY_SLOTS:
            if name in slots or said[name]:
                slots[name] = (
                    resolve_country(slots.get(name))
                    or mentioned_country(tracker, name)
                    or said[name]
                    or country_code(slot_before_message(tracker, name))
                )
        # "Estoy en la República Dominicana" read as a nationality: the person
        # placed themselves there, which says nothing of where they are from.
        if said["country"] and slots.get("nationality") == said["country"]:
            slots["nationality"] = country_code(
                slot_before_message(tracker, "nationality")
            )
        if "country" in slots and tracker.get_slot("requested_slot") == "nationality":
            slots["country"] = country_code(slot_before_message(tracker, "country"))
        return [SlotSet(name, value) for name, value in slots.items()]

    async def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        current = tracker.get_slot("language")
        language = next_language(tracker)
        if language is None or language == current:
            return {}
        # A draft catalog is announced on switching to it, never before an
        # emergency answer.
        if not is_reviewed(language) and latest_intent(tracker) != "emergency":
            dispatcher.utter_message(
                response="utter_language_unreviewed", language=language
            )
        # The hotline learns the conversation's language from this signal.
        dispatcher.utter_message(response="utter_signal_language", language=language)
        return {"language": language}

    async def extract_topic(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        topic = TOPIC_BY_INTENT.get(latest_intent(tracker) or "")
        if topic is None:
            return {}
        # An answer to a form's question ("2" for the report's use reads as
        # the menu's shelter) changes no topic.
        if tracker.active_loop_name in ANSWERING_FORMS and topic != "emergency":
            return {}
        return {"topic": topic, "second_topic": second_topic(tracker, topic)}


def second_topic(tracker: Tracker, first: str) -> str | None:
    """Another topic this message clearly asks about, if any."""
    ranking = tracker.latest_message.get("intent_ranking") or [{}]
    top = ranking[0].get("confidence") or 0.0
    for candidate in ranking[1:3]:
        topic = SECOND_TOPICS.get(candidate.get("name") or "")
        confidence = candidate.get("confidence") or 0.0
        if topic is None or topic == first:
            continue
        if confidence >= SECOND_TOPIC_MIN and confidence >= SECOND_TOPIC_SHARE * top:
            return topic
    return None
