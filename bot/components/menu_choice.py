"""Read a bare digit as a choice from the numbered help menu, and the word the
line tells people to write for a person as a request for one.

The menu that answers unclear messages is numbered so it works by SMS on any phone;
a reply of just "3" (or "3.", "#3") then means that topic. The answers say "to
talk to a person, write: persona" (humain, moun, ...): that word alone must
bring a person, whatever the classifier thinks of it ("humain" also reads as
"are you human?"). Digits and words inside a sentence are left to the
classifier.
"""

from __future__ import annotations

import re
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.components.emergency_net import EMERGENCY_INTENT, override_intent
from bot.languages import LANGUAGES
from bot.normalize import normalize

BARE_DIGIT = re.compile(r"^\s*#?\s*([0-9])\s*[.)]?\s*$")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class MenuChoice(GraphComponent):
    """Maps a bare digit to the intent the menu lists under that number."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # No person_words configured: every language's own, from the registry.
        return {"choices": {}, "person_words": None, "person_intent": "request_human"}

    def __init__(self, config: dict[str, Any]) -> None:
        config = {**self.get_default_config(), **config}
        self.choices: dict[str, str] = {
            str(digit): intent for digit, intent in config["choices"].items()
        }
        words = config["person_words"]
        if words is None:
            words = [lang.person_word for lang in LANGUAGES.values()]
        words = [word for word in words if word]
        self.person_words = frozenset(normalize(w) for w in words)
        self.person_intent = config["person_intent"]

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> MenuChoice:
        return cls(config)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if (message.get(INTENT) or {}).get("name") == EMERGENCY_INTENT:
                continue  # danger stays danger
            text = message.get(TEXT) or ""
            if match := BARE_DIGIT.match(text):
                chosen = self.choices.get(match.group(1))
            else:
                chosen = self.person_intent if self.is_person_word(text) else None
            if chosen:
                override_intent(message, chosen)
        return messages

    def is_person_word(self, text: str) -> bool:
        return normalize(text) in self.person_words
