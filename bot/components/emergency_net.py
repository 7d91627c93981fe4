"""A keyword net that catches immediate danger even when the classifier does not.

One plain-text file per language in ``bot/emergency_keywords/``: a phrase per line,
written without accents; a word ending in ``*`` matches any word it begins; a line
starting with ``=`` must be the whole message ("= sos": "SOS" alone, but not the
Rioplatense "vos sos"). The
phrases are compiled at training time into the model, so a deployed model behaves
exactly as it was evaluated. A match sets the intent to ``emergency`` with full
confidence and marks the message, whatever the classifier said.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.normalize import normalize

EMERGENCY_INTENT = "emergency"
MATCH_KEY = "emergency_keyword"
PATTERNS_FILE = "emergency_patterns.json"


def phrase_pattern(phrase: str) -> str:
    """Turn ``me golpe* ahora`` into a regex over normalised text."""
    whole_message = phrase.startswith("=")
    parts = []
    for word in normalize(phrase.lstrip("=").replace("*", "STARSUFFIX")).split():
        if word.endswith("starsuffix"):
            parts.append(re.escape(word.removesuffix("starsuffix")) + r"[0-9a-z]*")
        else:
            parts.append(re.escape(word))
    body = r" ".join(parts)
    return rf"^{body}$" if whole_message else rf"\b{body}\b"


def read_keyword_files(directory: Path) -> dict[str, list[str]]:
    """Phrases per language code, from ``<code>.txt`` files."""
    phrases: dict[str, list[str]] = {}
    for path in sorted(directory.glob("*.txt")):
        lines = path.read_text(encoding="utf-8").splitlines()
        phrases[path.stem] = [
            line.strip()
            for line in lines
            if line.strip() and not line.lstrip().startswith("#")
        ]
    return phrases


class KeywordNet:
    """Compiled phrases of every language; any language's phrase counts."""

    def __init__(self, patterns: dict[str, list[str]]) -> None:
        self.patterns = patterns
        self._compiled = [
            (language, re.compile(pattern))
            for language, language_patterns in patterns.items()
            for pattern in language_patterns
        ]

    @classmethod
    def from_directory(cls, directory: Path) -> KeywordNet:
        phrases = read_keyword_files(directory)
        return cls(
            {lang: [phrase_pattern(p) for p in ps] for lang, ps in phrases.items()}
        )

    def match(self, text: str) -> str | None:
        """The language of the first phrase found in the text, or None."""
        normalized = normalize(text)
        for language, pattern in self._compiled:
            if pattern.search(normalized):
                return language
        return None


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
