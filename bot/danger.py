"""The one danger detector: does a message tell of immediate danger?

Pure Python, shared by both environments: the Rasa component
(``bot.components.emergency_net``) compiles it into the model, and the hotline
runs it on every incoming message on every channel, so danger is noticed while
a person waits for or talks to an operator, during a bot outage, a flood or
after STOP, not only when Rasa reads the message.

Two parts, and either one is enough (recall first: a false alarm costs an
operator a minute, a miss can cost a life):

- the keyword net, one plain-text file per language in
  ``bot/emergency_keywords/``: a phrase per line, written without accents; a
  word ending in ``*`` matches any word it begins; a line starting with ``=``
  must be the whole message ("= sos": "SOS" alone, but not the Rioplatense "vos
  sos"). Any language's phrase counts, since people mix languages;
- a classifier trained for danger alone (``bot.danger_training``, on
  ``bot/danger_data/`` and the NLU examples) for danger told in a person's own
  words: a linear model over the words, word pairs and character n-grams of
  the normalised text. It is used here as plain weights, not as a scikit-learn
  object, because a pickle does not travel between the bot's scikit-learn (held
  back by Rasa 3.6) and the hotline's environment.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from bot.normalize import normalize, words

KEYWORDS_DIR = Path(__file__).parent / "emergency_keywords"
DEFAULT_MODEL_PATH = Path(__file__).resolve().parent.parent / "models" / "danger.json"
CHAR_NGRAMS = range(2, 6)
# Shorter messages are left to the keyword net ("socorro", "SOS", "help me
# now"): on two words the classifier has too little to go on, and "help" or
# "y ahora?" alone raised false alarms without catching any more danger on
# the outside set (README).
MIN_CLASSIFIER_WORDS = 3

log = logging.getLogger(__name__)


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
    def from_directory(cls, directory: Path = KEYWORDS_DIR) -> KeywordNet:
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


def danger_features(text: str) -> list[str]:
    """The classifier's features, the same in training and in use: words
    (``w``), word pairs (``b``) and the 2-5 letter pieces of each word, padded
    with a space at both ends (``c``), of the normalised text."""
    tokens = normalize(text).split()
    features = [f"w {token}" for token in tokens]
    features += [f"b {first} {second}" for first, second in pairwise(tokens)]
    for token in tokens:
        padded = f" {token} "
        for n in CHAR_NGRAMS:
            last_start = max(len(padded) - n, 0)
            features += [f"c {padded[i : i + n]}" for i in range(last_start + 1)]
    return features


@dataclass(frozen=True)
class DangerClassifier:
    """Logistic regression over TF-IDF features, as its exported weights.

    ``weights`` maps a feature to its (idf, coefficient); the score is the
    model's probability of danger. From ``threshold`` (chosen in training for
    recall) a message counts as danger: the hotline puts it at the head of the
    queue and gives the emergency number. From ``certain_threshold`` (chosen
    for few false alarms) the bot also answers it as an emergency instead of
    the question it may have asked."""

    weights: dict[str, tuple[float, float]]
    intercept: float
    threshold: float
    certain_threshold: float
    about: dict[str, Any]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DangerClassifier:
        return cls(
            weights={f: (idf, coef) for f, (idf, coef) in data["weights"].items()},
            intercept=data["intercept"],
            threshold=data["threshold"],
            certain_threshold=data["certain_threshold"],
            about=data.get("about", {}),
        )

    @classmethod
    def from_file(cls, path: Path) -> DangerClassifier:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8")))

    def score(self, text: str) -> float:
        counts = Counter(f for f in danger_features(text) if f in self.weights)
        tfidf = {f: count * self.weights[f][0] for f, count in counts.items()}
        norm = math.sqrt(sum(value * value for value in tfidf.values())) or 1.0
        z = self.intercept + sum(
            value / norm * self.weights[f][1] for f, value in tfidf.items()
        )
        return 1.0 / (1.0 + math.exp(-z))


@dataclass(frozen=True)
class Verdict:
    """What the detector saw: ``by`` is "keywords", "classifier" or None;
    ``certain`` when the keyword net matched or the classifier is sure."""

    by: str | None
    score: float | None = None
    certain: bool = False

    @property
    def danger(self) -> bool:
        return self.by is not None


class DangerDetector:
    """The keyword net, then the classifier: either one is enough."""

    def __init__(self, net: KeywordNet, classifier: DangerClassifier | None) -> None:
        self.net = net
        self.classifier = classifier

    def assess(self, text: str) -> Verdict:
        """The net first; the classifier only for what the net lets through
        (the hotline asks this of every message)."""
        if self.net.match(text) is not None:
            return Verdict("keywords", certain=True)
        if self.classifier is None or len(words(text)) < MIN_CLASSIFIER_WORDS:
            return Verdict(None)
        score = self.classifier.score(text)
        if score < self.classifier.threshold:
            return Verdict(None, score)
        sure = score >= self.classifier.certain_threshold
        return Verdict("classifier", score, certain=sure)


def model_path() -> Path:
    """Where the trained classifier is: ``DANGER_MODEL_PATH``, else ``models/``."""
    return Path(os.environ.get("DANGER_MODEL_PATH") or DEFAULT_MODEL_PATH)


@cache
def default_net() -> KeywordNet:
    """The net as the repository's keyword files define it, read once."""
    return KeywordNet.from_directory(KEYWORDS_DIR)


@cache
def default_detector() -> DangerDetector:
    """The net and the trained classifier, read once. Without a trained
    classifier (``make`` builds it) the net works alone, and says so."""
    path = model_path()
    if not path.exists():
        log.warning("no danger classifier at %s: the keyword net works alone", path)
        return DangerDetector(default_net(), None)
    return DangerDetector(default_net(), DangerClassifier.from_file(path))


def assess_danger(text: str) -> Verdict:
    """What the detector makes of a message."""
    return default_detector().assess(text)
