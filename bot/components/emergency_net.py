"""The danger detector (``bot.danger``) inside Rasa: it catches immediate danger
even when the intent classifier does not.

The keyword phrases and the danger classifier's weights (``make`` trains them
into ``models/danger.json`` first) are compiled at training time into the
model, so a deployed model behaves exactly as it was evaluated. Sure danger
(the keyword net, or the classifier well above its threshold) sets the intent
to ``emergency`` with full confidence, whatever the intent classifier said;
a keyword match also marks the message. The hotline runs the same
detector on every message before (and whether or not) Rasa sees it.
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

from bot.danger import DangerClassifier, DangerDetector, KeywordNet, model_path

EMERGENCY_INTENT = "emergency"
MATCH_KEY = "emergency_keyword"
PATTERNS_FILE = "emergency_patterns.json"
CLASSIFIER_FILE = "danger_classifier.json"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class EmergencyKeywordNet(GraphComponent):
    """Overrides the intent with ``emergency`` when the detector sees danger."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        # No classifier file: the one ``bot.danger.model_path`` names.
        return {"keywords_dir": "bot/emergency_keywords", "classifier_file": None}

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        detector: DangerDetector | None = None,
    ) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.detector = detector

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
        """Compile the net and copy the classifier's weights into the model;
        a model without its classifier would miss danger told in words."""
        net = KeywordNet.from_directory(Path(self.config["keywords_dir"]))
        classifier_file = Path(self.config["classifier_file"] or model_path())
        if not classifier_file.exists():
            raise FileNotFoundError(
                f"{classifier_file}: train the danger classifier first "
                "(make models/danger.json)"
            )
        weights = classifier_file.read_text(encoding="utf-8")
        self.detector = DangerDetector(
            net, DangerClassifier.from_dict(json.loads(weights))
        )
        with self._model_storage.write_to(self._resource) as directory:
            (directory / PATTERNS_FILE).write_text(
                json.dumps(net.patterns), encoding="utf-8"
            )
            (directory / CLASSIFIER_FILE).write_text(weights, encoding="utf-8")
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
            weights = json.loads((directory / CLASSIFIER_FILE).read_text("utf-8"))
        detector = DangerDetector(
            KeywordNet(patterns), DangerClassifier.from_dict(weights)
        )
        return cls(config, model_storage, resource, detector)

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if self.detector is None:
                continue
            verdict = self.detector.assess(message.get(TEXT) or "")
            # Possible danger: the hotline (which runs the same detector) adds
            # the emergency number and calls a person; only sure danger
            # replaces the answer to the question.
            if not verdict.certain:
                continue
            override_intent(message, EMERGENCY_INTENT)
            message.set(MATCH_KEY, verdict.by == "keywords", add_to_output=True)
        return messages


def override_intent(message: Message, intent: str) -> None:
    """Set an intent with full confidence, keeping it first in the ranking."""
    chosen = {"name": intent, "confidence": 1.0}
    ranking = [
        r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != intent
    ]
    message.set(INTENT, chosen, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [chosen, *ranking], add_to_output=True)
