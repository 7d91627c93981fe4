"""Identify which of the line's languages a message is written in.

Trained on the bot's own NLU examples (each intent block carries
``metadata: {language: xx}``), so it knows exactly our languages, Haitian Creole,
Quechua and Guarani included, and needs no downloaded model. It is a multinomial
naive Bayes over character n-grams of the normalised text, plus a list of "marker"
words seen in only one language, which decides whether a very short message says
anything about its language at all ("ok", "no" and "taxi" do not; "obrigado" does).
A message none of whose words the line has ever seen ("blorf snark", "ñañaña")
gets no guess: naive Bayes would hand it, confidently, to whichever language has
the least data (a Spanish speaker's "mmm ñañaña" was answered in Quechua).
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import METADATA, METADATA_INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.normalize import normalize, words

LANGUAGE_KEY = "language"
MODEL_FILE = "language_identifier.json"


@dataclass(frozen=True)
class LanguageGuess:
    """The most likely language of one message and how sure we are."""

    code: str
    confidence: float
    ambiguous: bool
    ranking: list[tuple[str, float]]

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "confidence": round(self.confidence, 4),
            "ambiguous": self.ambiguous,
            "ranking": [
                {"code": code, "confidence": round(p, 4)} for code, p in self.ranking
            ],
        }


class NgramLanguageModel:
    """Naive Bayes over character n-grams, with per-language marker words."""

    def __init__(self, model: dict[str, Any], config: dict[str, Any]) -> None:
        self.model = model
        self.min_n = config["min_ngram"]
        self.max_n = config["max_ngram"]
        self.min_words = config["min_words_for_confidence"]
        self.threshold = config["confidence_threshold"]
        # None: a model trained before the list existed, which knows them all.
        known = model.get("known_words")
        self.known_words = None if known is None else frozenset(known)

    @staticmethod
    def ngrams(text: str, min_n: int, max_n: int) -> list[str]:
        padded = f" {normalize(text)} "
        return [
            padded[i : i + n]
            for n in range(min_n, max_n + 1)
            for i in range(len(padded) - n + 1)
        ]

    @classmethod
    def fit(
        cls, examples: list[tuple[str, str]], config: dict[str, Any]
    ) -> NgramLanguageModel:
        """Count n-grams and words per language from (text, language) pairs."""
        ngram_counts: dict[str, Counter[str]] = defaultdict(Counter)
        word_languages: dict[str, set[str]] = defaultdict(set)
        for text, language in examples:
            ngram_counts[language].update(
                cls.ngrams(text, config["min_ngram"], config["max_ngram"])
            )
            for word in words(text):
                word_languages[word].add(language)
        vocabulary = set().union(*(set(c) for c in ngram_counts.values()))
        model = {
            "languages": sorted(ngram_counts),
            "counts": {lang: dict(c) for lang, c in ngram_counts.items()},
            "totals": {lang: sum(c.values()) for lang, c in ngram_counts.items()},
            "vocabulary_size": len(vocabulary),
            "markers": {
                word: next(iter(langs))
                for word, langs in word_languages.items()
                if len(langs) == 1 and len(word) > 1 and not word.isdigit()
            },
            "known_words": sorted(word for word in word_languages if _telling(word)),
        }
        return cls(model, config)

    def identify(self, text: str) -> LanguageGuess | None:
        """Return the best guess, or None for text with no letters at all or
        with no word the line has seen in any language."""
        message_words = words(text)
        if not any(any(ch.isalpha() for ch in w) for w in message_words):
            return None
        if not self._knows_a_word(message_words):
            return None
        grams = self.ngrams(text, self.min_n, self.max_n)
        vocabulary_size = self.model["vocabulary_size"]
        scores: dict[str, float] = {}
        for language in self.model["languages"]:
            counts = self.model["counts"][language]
            denominator = math.log(self.model["totals"][language] + vocabulary_size)
            scores[language] = sum(
                math.log(counts.get(g, 0) + 1) - denominator for g in grams
            )
        best = max(scores.values())
        exp_scores = {lang: math.exp(s - best) for lang, s in scores.items()}
        total = sum(exp_scores.values())
        ranking = sorted(
            ((lang, s / total) for lang, s in exp_scores.items()),
            key=lambda item: -item[1],
        )
        code, confidence = ranking[0]
        return LanguageGuess(
            code=code,
            confidence=confidence,
            ambiguous=self._is_ambiguous(message_words, code, confidence),
            ranking=ranking[:3],
        )

    def _knows_a_word(self, message_words: list[str]) -> bool:
        """Whether a telling word of the message was seen in training."""
        if self.known_words is None:
            return True
        telling = [word for word in message_words if _telling(word)]
        return not telling or any(word in self.known_words for word in telling)

    def _is_ambiguous(self, message_words: list[str], code: str, p: float) -> bool:
        """Short messages count only when a word of theirs is ours alone."""
        if p < self.threshold:
            return True
        if len(message_words) >= self.min_words:
            return False
        markers = self.model["markers"]
        return not any(markers.get(w) == code for w in message_words)


def _telling(word: str) -> bool:
    """A word that can say something of a language: letters, more than one."""
    return len(word) > 1 and any(ch.isalpha() for ch in word)


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class LanguageIdentifier(GraphComponent):
    """Adds ``language: {code, confidence, ambiguous, ranking}`` to each message."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        return {
            "min_ngram": 1,
            "max_ngram": 4,
            "min_words_for_confidence": 3,
            "confidence_threshold": 0.9,
        }

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        model: NgramLanguageModel | None = None,
    ) -> None:
        self.config = config
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> LanguageIdentifier:
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [
            (message.get(TEXT), language)
            for message in training_data.intent_examples
            if (language := example_language(message))
        ]
        self.model = NgramLanguageModel.fit(examples, self.config)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / MODEL_FILE).write_text(
                json.dumps(self.model.model), encoding="utf-8"
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
    ) -> LanguageIdentifier:
        with model_storage.read_from(resource) as directory:
            model = json.loads((directory / MODEL_FILE).read_text(encoding="utf-8"))
        return cls(config, model_storage, resource, NgramLanguageModel(model, config))

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            guess = self.model.identify(message.get(TEXT) or "") if self.model else None
            if guess is not None:
                message.set(LANGUAGE_KEY, guess.as_dict(), add_to_output=True)
        return messages


def example_language(message: Message) -> str | None:
    """The language an NLU example's intent block declares in its metadata."""
    metadata = message.get(METADATA) or {}
    return (metadata.get(METADATA_INTENT) or {}).get("language")
