"""Render every bot response through the Babel catalogs, in the person's language.

Rasa loads this class from ``bot/endpoints.yml`` (``nlg: type: bot.nlg.CatalogNLG``).
Domain responses hold the English source; the response name is the catalog
context. The language is, in order: a ``language`` given by the action, the
hotline's explicit choice in the message metadata, the ``language`` slot, the
language identified in the latest message that had one, the languages of the
country the person's number is from (``country_hint``), English. The channel
(voice, sms, whatsapp, webchat) comes from the metadata too, because Rasa's REST
channel always reports ``collector``; a response variation marked
``channel: voice`` is chosen for calls.
"""

from __future__ import annotations

import copy
from typing import Any

from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.catalogs import translate
from bot.languages import country_languages, first_supported


def latest_language_guess(tracker: DialogueStateTracker) -> str | None:
    """The language identified in the person's most recent message that had one.

    Before the conversation's language is settled ("hola", then "1"), answers
    follow the best guess so far rather than jumping to English.
    """
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            guess = (event.parse_data or {}).get("language") or {}
            if guess.get("code"):
                return guess["code"]
    return None


def conversation_language(tracker: DialogueStateTracker, override: Any = None) -> str:
    """The language to answer in (see the module docstring for the order)."""
    message = tracker.latest_message
    metadata = (message.metadata if message else None) or {}
    return first_supported(
        override,
        metadata.get("language"),
        tracker.get_slot("language"),
        latest_language_guess(tracker),
        *country_languages(metadata.get("country_hint")),
    )


def message_channel(tracker: DialogueStateTracker) -> str | None:
    """The channel the hotline named in the message metadata, if any."""
    message = tracker.latest_message
    metadata = (message.metadata if message else None) or {}
    channel = metadata.get("channel")
    return channel if isinstance(channel, str) else None


# The answers that say the bot did not understand the person: the hotline counts
# those turns (anonymous figures) and offers them for review.
NOT_UNDERSTOOD = frozenset(
    {"utter_fallback", "utter_country_not_understood", "utter_sa_not_understood"}
)


def turn_signal(
    utter_action: str, tracker: DialogueStateTracker
) -> dict[str, Any] | None:
    """What the hotline learns about this turn, riding on the bot's first
    answer to the person's message that carries no signal of its own (and on
    any answer that says it did not understand): the intent the bot read, how
    sure it was, the runner-up, the topic, and whether it understood. Never
    the person's words."""
    understood = utter_action not in NOT_UNDERSTOOD
    if understood and _reading_sent(tracker):
        return None
    parse = tracker.latest_message.parse_data if tracker.latest_message else {}
    ranking = [
        entry for entry in parse.get("intent_ranking") or [] if entry.get("name")
    ]
    intent = parse.get("intent") or {}
    return {
        "intent": intent.get("name"),
        "confidence": round(float(intent.get("confidence") or 0.0), 3),
        "runner_up": ranking[1]["name"] if len(ranking) > 1 else None,
        "topic": tracker.get_slot("topic"),
        "understood": understood,
    }


def _reading_sent(tracker: DialogueStateTracker) -> bool:
    """An answer since the person's latest message already carried it."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and "turn" in (event.data.get("custom") or {}):
            return True
    return False


def localize_response(
    response: dict[str, Any], context: str, language: str
) -> dict[str, Any]:
    """A copy of one response variation with its text and buttons translated."""
    localized = copy.deepcopy(response)
    if isinstance(localized.get("text"), str):
        localized["text"] = translate(context, localized["text"], language)
    for button in localized.get("buttons") or []:
        if isinstance(button.get("title"), str):
            button["title"] = translate(context, button["title"], language)
    return localized


class CatalogNLG(TemplatedNaturalLanguageGenerator):
    """Domain responses, translated through the catalogs, then slots filled in."""

    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        domain: Domain | None = None,
    ) -> None:
        super().__init__((domain or Domain.empty()).responses)

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any] | None:
        language = conversation_language(tracker, kwargs.get("language"))
        channel = message_channel(tracker) or output_channel
        filled_slots = tracker.current_slot_values()
        response = self._random_response_for(utter_action, channel, filled_slots)
        if response is None:
            return None
        localized = localize_response(response, utter_action, language)
        filled = self._fill_response(localized, filled_slots, **kwargs)
        # A signal of its own (hand-off, country...) stays as the hotline reads it.
        if "custom" not in filled and (turn := turn_signal(utter_action, tracker)):
            filled["custom"] = {"turn": turn}
        if (response.get("metadata") or {}).get("question"):
            # The domain marks the texts that wait for an answer (the voice
            # line asks nothing after them).
            filled.setdefault("custom", {})["question"] = True
        return filled
