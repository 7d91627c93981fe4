"""The danger detector: the keyword net, then the classifier trained for danger.

The classifier runs as exported weights in pure Python (the hotline has no
Rasa and another scikit-learn); these tests hold it to what scikit-learn
itself computes, and the detector to its rule: either part is enough.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from bot import danger
from bot.danger import DangerClassifier, DangerDetector, KeywordNet, phrase_pattern
from bot.danger_training import (
    TARGET_RECALL,
    Sample,
    deduplicated,
    exported_weights,
    new_model,
    threshold_for_recall,
)

DANGER = [
    "they locked me in the back room and took my phone",
    "the man says he will move us to another city tonight",
    "my sister is locked in the house and he hits her",
    "he took my phone, i write from a borrowed one, they watch us",
    "me tienen encerrada y no me dejan salir",
    "they said they will hurt my mother if i leave",
]
SAFE = [
    "what are my rights as a worker",
    "my boss did not pay me last month",
    "where can i find a free lawyer",
    "hello, good morning",
    "i need a doctor for my son",
    "is there a shelter in lima",
]


def small_classifier() -> tuple[DangerClassifier, object, object]:
    vectorizer, model = new_model()
    vectorizer.set_params(min_df=1)
    features = vectorizer.fit_transform(DANGER + SAFE)
    model.fit(features, [True] * len(DANGER) + [False] * len(SAFE))
    exported = exported_weights(vectorizer, model)
    classifier = DangerClassifier.from_dict(
        {**exported, "threshold": 0.5, "certain_threshold": 0.9}
    )
    return classifier, vectorizer, model


@pytest.mark.parametrize(
    "text",
    [
        "they took my phone and locked the door",
        "¡ME TIENEN ENCERRADA en Tapachula!",
        "where is the consulate",
        "",
        "zzz qqq",
    ],
)
def test_the_exported_weights_score_as_scikit_learn_does(text: str) -> None:
    classifier, vectorizer, model = small_classifier()
    expected = model.predict_proba(vectorizer.transform([text]))[0, 1]
    assert classifier.score(text) == pytest.approx(expected, abs=1e-9)


def test_either_part_of_the_detector_is_enough() -> None:
    classifier, _, _ = small_classifier()
    net = KeywordNet({"en": [phrase_pattern("= sos")]})
    detector = DangerDetector(net, classifier)
    assert detector.assess("SOS").by == "keywords"
    told = "they locked my sister in the back room and took her phone"
    assert detector.assess(told).by == "classifier"
    assert not detector.assess("what are my rights as a worker").danger
    assert DangerDetector(net, None).assess(told).by is None


def test_without_a_trained_classifier_the_net_works_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DANGER_MODEL_PATH", str(tmp_path / "missing.json"))
    danger.default_detector.cache_clear()
    try:
        assert danger.default_detector().classifier is None
        assert danger.assess_danger("socorro, me van a matar").by == "keywords"
    finally:
        danger.default_detector.cache_clear()


def test_a_text_listed_as_danger_anywhere_stays_danger() -> None:
    samples = [
        Sample("they hit me", False, "en"),
        Sample("they hit me", True, "en"),
        Sample("hello", False, "en"),
    ]
    kept = {s.text: s.danger for s in deduplicated(samples)}
    assert kept == {"they hit me": True, "hello": False}


def test_the_threshold_keeps_the_recall_on_what_the_net_misses() -> None:
    labels = np.array([True] * 100 + [False] * 100)
    scores = np.concatenate([np.linspace(0.05, 0.95, 100), np.full(100, 0.01)])
    net_hits = np.zeros(200, dtype=bool)
    threshold = threshold_for_recall(scores, labels, net_hits)
    caught = ((scores >= threshold) | net_hits)[labels].mean()
    assert caught >= TARGET_RECALL
    # What the net already catches does not pull the threshold down.
    net_hits[:50] = True
    assert threshold_for_recall(scores, labels, net_hits) > threshold


def test_the_trained_classifier_is_in_the_repository_build() -> None:
    """``make`` trains it before Rasa; the hotline and the model read it."""
    exported = json.loads(danger.model_path().read_text(encoding="utf-8"))
    assert 0 < exported["threshold"] <= 0.5
    assert exported["about"]["danger_examples"] > 100
