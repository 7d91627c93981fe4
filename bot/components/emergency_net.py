"""The danger detector (``bot.danger``) inside Rasa: it catches immediate danger
even when the classifier does not.

The phrases are compiled at training time into the model, so a deployed model
behaves exactly as it was evaluated. A match sets the intent to ``emergency``
with full confidence and marks the message, whatever the classifier said. The
hotline runs the same detector on every message before (and whether or not)
Rasa sees it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.danger import KeywordNet

EMERGENCY_INTENT = "emergency"
MATCH_KEY = "emergency_keyword"
PATTERNS_FILE = "emergency_patterns.json"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class EmergencyKeywordNet(GraphComponent):
    """Overrides the intent with ``emergency`` when a danger phrase matches."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"keywords_dir": "bot/emergency_keywords"}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        net: KeywordNet | None = None,
    ) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.net = net

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> EmergencyKeywordNet:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        self.net = KeywordNet.from_directory(Path(self.config["keywords_dir"]))
        with self._model_storage.write_to(self._resource) as directory:
            (directory / PATTERNS_FILE).write_text(
                json.dumps(self.net.patterns), encoding="utf-8"
            )
        return self._resource

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> EmergencyKeywordNet:
        with model_storage.read_from(resource) as directory:
            patterns = json.loads((directory / PATTERNS_FILE).read_text("utf-8"))
        return cls(config, model_storage, resource, KeywordNet(patterns))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if self.net is None or not self.net.match(message.get(TEXT) or ""):
                continue
            override_intent(message, EMERGENCY_INTENT)
            message.set(MATCH_KEY, True, add_to_output=True)
        return messages


def override_intent(message: Message, intent: str) -> None:
    """Set an intent with full confidence, keeping it first in the ranking."""
    chosen = {"name": intent, "confidence": 1.0}
    ranking = [
        r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != intent
    ]
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
