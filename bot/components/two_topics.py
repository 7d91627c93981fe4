"""A message that asks about two topics is not an unclear message.

"I have no papers and my son needs a doctor" splits the classifier's
confidence between two topics, and Rasa's ``FallbackClassifier`` then calls
the message ambiguous and answers with the not-understood menu. When the two
leading intents are both topics (or a situation told, or a rights question)
and together hold most of the confidence, this component undoes that: the
first becomes the intent again, with the ranking as the classifier gave it,
and the dialogue answers both (``actions.slots.second_topic``). Anything else
stays a fallback.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY
from rasa.shared.nlu.training_data.message import Message

FALLBACK_INTENT = "nlu_fallback"


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False
)
class TwoTopics(GraphComponent):
    """Turns an ambiguity between two topics back into the first topic."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {"topics": [], "together": 0.5}

    def __init__(self, config: dict[str, Any]) -> None:
        self.topics = frozenset(config["topics"])
        self.together = float(config["together"])

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> TwoTopics:
        return cls({**cls.get_default_config(), **config})

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if (message.get(INTENT) or {}).get("name") != FALLBACK_INTENT:
                continue
            ranking = [
                r
                for r in message.get(INTENT_RANKING_KEY) or []
                if r.get("name") != FALLBACK_INTENT
            ]
            if self.two_topics(ranking):
                message.set(INTENT, ranking[0], add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def two_topics(self, ranking: list[dict[str, Any]]) -> bool:
        if len(ranking) < 2:
            return False
        first, second = ranking[0], ranking[1]
        return (
            first.get("name") in self.topics
            and second.get("name") in self.topics
            and (first.get("confidence") or 0) + (second.get("confidence") or 0)
            >= self.together
        )
