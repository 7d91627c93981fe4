"""Train the danger classifier of ``bot.danger`` (``make`` runs it before Rasa's
training, which compiles the result into the model; the hotline reads it too).

Positive examples: the ``danger`` lists of ``bot/danger_data/<lang>.yml`` and
every NLU example of the ``emergency`` intent. Negative examples: the ``safe``
lists and every other NLU example, so the classifier learns the line's whole
everyday traffic as "not danger". The threshold is chosen on 5-fold
cross-validated scores: the highest at which the whole detector (keyword net or
classifier) keeps the recall at ``TARGET_RECALL``. The exported weights
(``models/danger.json``) carry the detector's cross-validated recall and
false-alarm rate per language, which ``make eval`` reports.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from bot.danger import danger_features, default_net

ROOT = Path(__file__).resolve().parent.parent
DANGER_DATA = ROOT / "bot" / "danger_data"
NLU_DATA = ROOT / "bot" / "data" / "nlu"
EMERGENCY_INTENT = "emergency"
TARGET_RECALL = 0.98
# The bot answers as an emergency (instead of the question asked) only from the
# score at which the classifier's false alarms stay under this share.
CERTAIN_FALSE_ALARMS = 0.01
# Weak regularisation: the data is small and varied, and a miss is the costly
# error; class weights keep the rarer danger examples from being drowned.
# Measured on the outside set (README): C=30 kept recall with fewer false
# alarms than 1, 3 or 10.
C = 30.0


@dataclass(frozen=True)
class Sample:
    text: str
    danger: bool
    language: str


def danger_file_samples(directory: Path = DANGER_DATA) -> list[Sample]:
    samples = []
    for path in sorted(directory.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, danger in (("danger", True), ("safe", False)):
            samples += [Sample(str(t), danger, path.stem) for t in data.get(key) or []]
    return samples


def nlu_samples(directory: Path = NLU_DATA) -> list[Sample]:
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    samples = []
    for path in sorted(directory.glob("*.yml")):
        data = RasaYAMLReader().read(str(path))
        samples += [
            Sample(m.get("text"), m.get("intent") == EMERGENCY_INTENT, path.stem)
            for m in data.intent_examples
        ]
    return samples


def deduplicated(samples: list[Sample]) -> list[Sample]:
    """One sample per text; a text listed as danger anywhere stays danger."""
    by_text: dict[str, Sample] = {}
    for sample in samples:
        kept = by_text.get(sample.text)
        if kept is None or (sample.danger and not kept.danger):
            by_text[sample.text] = sample
    return list(by_text.values())


def threshold_for_recall(
    scores: np.ndarray, labels: np.ndarray, net_hits: np.ndarray
) -> float:
    """The highest threshold at which the detector (the net, or the classifier
    from this score) keeps ``TARGET_RECALL`` of the danger examples; never above
    an even chance."""
    allowed_misses = int(labels.sum() * (1 - TARGET_RECALL))
    left_to_the_classifier = np.sort(scores[labels & ~net_hits])
    if len(left_to_the_classifier) <= allowed_misses:
        return 0.5
    return float(min(left_to_the_classifier[allowed_misses], 0.5))


def certain_threshold(scores: np.ndarray, labels: np.ndarray, floor: float) -> float:
    """The lowest score (not under ``floor``) at which the classifier alone
    raises false alarms on at most ``CERTAIN_FALSE_ALARMS`` of safe examples."""
    safe = np.sort(scores[~labels])[::-1]
    allowed = int(len(safe) * CERTAIN_FALSE_ALARMS)
    return float(max(safe[allowed] + 1e-6, floor)) if len(safe) > allowed else floor


def per_language(
    samples: list[Sample], flagged: np.ndarray
) -> dict[str, dict[str, Any]]:
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for sample, hit in zip(samples, flagged, strict=True):
        c = counts[sample.language]
        c["danger" if sample.danger else "safe"] += 1
        c["caught" if sample.danger and hit else "false_alarms" if hit else "-"] += 1
    return {
        language: {
            "danger": c["danger"],
            "safe": c["safe"],
            "recall": round(c["caught"] / c["danger"], 4) if c["danger"] else None,
            "false_alarm_rate": round(c["false_alarms"] / c["safe"], 4)
            if c["safe"]
            else None,
        }
        for language, c in sorted(counts.items())
    }


def new_model() -> tuple[TfidfVectorizer, LogisticRegression]:
    vectorizer = TfidfVectorizer(analyzer=danger_features, min_df=2)
    return vectorizer, LogisticRegression(C=C, class_weight="balanced", max_iter=5000)


def exported_weights(
    vectorizer: TfidfVectorizer, model: LogisticRegression
) -> dict[str, Any]:
    """What ``bot.danger.DangerClassifier`` reads: per feature (idf, coef)."""
    coefficients = model.coef_[0]
    return {
        "weights": {
            feature: [float(vectorizer.idf_[index]), float(coefficients[index])]
            for feature, index in vectorizer.vocabulary_.items()
        },
        "intercept": float(model.intercept_[0]),
    }


def train(samples: list[Sample]) -> dict[str, Any]:
    """Fit, choose the threshold by cross-validation, export the weights."""
    started = time.monotonic()
    texts = [s.text for s in samples]
    labels = np.array([s.danger for s in samples])
    vectorizer, model = new_model()
    features = vectorizer.fit_transform(texts)
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=7)
    cv_scores = cross_val_predict(
        model, features, labels, cv=folds, method="predict_proba"
    )[:, 1]
    net = default_net()
    net_hits = np.array([net.match(text) is not None for text in texts])
    threshold = threshold_for_recall(cv_scores, labels, net_hits)
    certain = certain_threshold(cv_scores, labels, threshold)
    model.fit(features, labels)
    exported = exported_weights(vectorizer, model)
    return {
        **exported,
        "threshold": threshold,
        "certain_threshold": certain,
        "about": {
            "examples": len(samples),
            "danger_examples": int(labels.sum()),
            "features": len(exported["weights"]),
            "training_seconds": round(time.monotonic() - started, 1),
            "cross_validated": per_language(
                samples, net_hits | (cv_scores >= threshold)
            ),
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "models" / "danger.json")
    args = parser.parse_args()
    samples = deduplicated(danger_file_samples() + nlu_samples())
    exported = train(samples)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    about = exported["about"]
    print(
        f"Danger classifier: {about['examples']} examples "
        f"({about['danger_examples']} danger), {about['features']} features, "
        f"threshold {exported['threshold']:.3f} "
        f"(certain from {exported['certain_threshold']:.3f}), "
        f"{about['training_seconds']} s"
    )
    for language, figures in about["cross_validated"].items():
        print(f"  {language}: 5-fold {figures}")


if __name__ == "__main__":
    main()
