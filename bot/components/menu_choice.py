"""Read a bare digit as a choice from the numbered help menu.

The menu that answers unclear messages is numbered so it works by SMS on any phone;
a reply of just "3" (or "3.", "#3") then means that topic. Digits inside a sentence
are left to the classifier.
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

BARE_DIGIT = re.compile(r"^\s*#?\s*([0-9])\s*[.)]?\s*$")


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class MenuChoice(GraphComponent):
    """Maps a bare digit to the intent the menu lists under that number."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"choices": {}}

    def __init__(self, config: dict[str, Any]) -> None:
        self.choices: dict[str, str] = {
            str(digit): intent for digit, intent in config["choices"].items()
        }

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
            match = BARE_DIGIT.match(message.get(TEXT) or "")
            intent = (message.get(INTENT) or {}).get("name")
            if not match or intent == EMERGENCY_INTENT:  # danger stays danger
                continue
            intent = self.choices.get(match.group(1))
            if intent:
                override_intent(message, intent)
        return messages
