"""Evaluation of the NLU and the danger detector, per language (``make eval``).

Two held-out sets, never trained on (``tests/nlu_holdout/``):

- ``team/``: written by the team alongside the training data; it flatters;
- ``outside/``: written after and apart from the training data, by someone who
  had not seen it, in the manner of real messages to helplines and forums (each
  batch names its source), plus ``outside/danger_<lang>.yml``: messages that
  tell of immediate danger and hard ones that do not.

Reported per set and language: intent macro-F1, accuracy, top-2 accuracy,
emergency recall and false emergencies as the person gets them (the model's
intent), language identification on messages of three words or more; for the
danger detector alone (what the hotline runs on every message): recall and
false-alarm rate, and what the keyword net catches alone. Also the parse time
per message and the training time. ``--compare`` trains each candidate intent
classifier on the same features and scores it on both sets;
``--cross-validation`` adds 5-fold cross-validation per language on the
training data for the deployed pipeline.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sklearn.metrics import f1_score

from bot.danger import DangerDetector, default_detector
from bot.languages import CORE_LANGUAGES, SUPPORTED_LANGUAGES
from bot.normalize import words

ROOT = Path(__file__).resolve().parent.parent
HOLDOUT_DIR = ROOT / "tests" / "nlu_holdout"
SETS = ("team", "outside")
TARGETS = {
    "macro_f1_core": 0.95,
    "macro_f1_other": 0.85,
    "top2_accuracy": 0.95,
    "danger_recall": 0.99,
    "danger_false_alarm_rate": 0.03,
    "language_accuracy": 0.97,
}
EMERGENCY = "emergency"
# The intent classifiers compared on the same features (``--compare``): each
# replaces the classifier node of config.yml in a copy of it.
CANDIDATES: dict[str, dict[str, Any]] = {
    "diet": {
        "name": "DIETClassifier",
        "epochs": 100,
        "batch_size": [256, 512],
        "number_of_transformer_layers": 0,
        "entity_recognition": False,
        "constrain_similarities": True,
        "random_seed": 7,
    },
    "linear": {
        "name": "bot.components.linear_intent_classifier.LinearIntentClassifier"
    },
}
CLASSIFIER_NAMES = {c["name"] for c in CANDIDATES.values()}


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    language: str


@dataclass(frozen=True)
class DangerSample:
    text: str
    danger: bool
    language: str


def load_holdout(directory: Path = HOLDOUT_DIR / "team") -> list[Example]:
    """Every example of one held-out set, with its file's language."""
    return load_nlu_files(
        {lang: directory / f"{lang}.yml" for lang in SUPPORTED_LANGUAGES}
    )


def load_nlu_files(paths: dict[str, Path]) -> list[Example]:
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    examples = []
    for language, path in paths.items():
        if not path.exists():
            continue
        data = RasaYAMLReader().read(str(path))
        examples += [
            Example(m.get("text"), m.get("intent"), language)
            for m in data.intent_examples
        ]
    return examples


def load_danger_set(directory: Path = HOLDOUT_DIR / "outside") -> list[DangerSample]:
    """The outside danger sets, and every outside NLU example (its emergency
    examples are danger; all others are not)."""
    samples = []
    for language in SUPPORTED_LANGUAGES:
        path = directory / f"danger_{language}.yml"
        if path.exists():
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            if unknown := set(data) - {"danger", "not_danger"}:
                raise ValueError(f"{path}: unknown lists {sorted(unknown)}")
            for key, danger in (("danger", True), ("not_danger", False)):
                samples += [
                    DangerSample(str(t), danger, language) for t in data.get(key) or []
                ]
    samples += [
        DangerSample(e.text, e.intent == EMERGENCY, e.language)
        for e in load_holdout(directory)
    ]
    return samples


def parse_all(model_path: Path, texts: list[str]) -> list[dict[str, Any]]:
    """Run the trained model's NLU on every text; each parse records its time."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))

    async def parse() -> list[dict[str, Any]]:
        parses = []
        for text in texts:
            started = time.perf_counter()
            parsed = await agent.parse_message(text)
            parsed["seconds"] = time.perf_counter() - started
            parses.append(parsed)
        return parses

    return asyncio.run(parse())


def _intent(parse: dict[str, Any]) -> str | None:
    return (parse.get("intent") or {}).get("name")


def _top2(parse: dict[str, Any]) -> list[str]:
    names = [
        r.get("name")
        for r in parse.get("intent_ranking") or []
        if r.get("name") != "nlu_fallback"
    ]
    return names[:2]


def evaluate(examples: list[Example], parses: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-language scores from held-out examples and the model's parses."""
    by_language: dict[str, list[tuple[Example, dict[str, Any]]]] = defaultdict(list)
    for example, parse in zip(examples, parses, strict=True):
        by_language[example.language].append((example, parse))
    report: dict[str, Any] = {}
    for language, pairs in by_language.items():
        report[language] = _intent_scores(pairs)
    report["all"] = _intent_scores(list(zip(examples, parses, strict=True)))
    return report


def _intent_scores(pairs: list[tuple[Example, dict[str, Any]]]) -> dict[str, Any]:
    gold = [e.intent for e, _ in pairs]
    predicted = [_intent(p) for _, p in pairs]
    emergencies = [(e, p) for e, p in pairs if e.intent == EMERGENCY]
    others = [(e, p) for e, p in pairs if e.intent != EMERGENCY]
    long_messages = [(e, p) for e, p in pairs if len(words(e.text)) >= 3]
    return {
        "examples": len(pairs),
        "macro_f1": round(
            f1_score(gold, predicted, labels=sorted(set(gold)), average="macro"), 4
        ),
        "accuracy": _share(pairs, lambda e, p: _intent(p) == e.intent),
        "top2_accuracy": _share(pairs, lambda e, p: e.intent in _top2(p)),
        "emergency_examples": len(emergencies),
        "emergency_recall": _share(emergencies, lambda e, p: _intent(p) == EMERGENCY),
        "emergency_keyword_net_recall": _share(
            emergencies, lambda e, p: bool(p.get("emergency_keyword"))
        ),
        "false_emergencies": sum(1 for _, p in others if _intent(p) == EMERGENCY),
        "intent_errors": [
            {"text": e.text, "expected": e.intent, "predicted": name}
            for (e, _), name in zip(pairs, predicted, strict=True)
            if name != e.intent
        ],
        "language_examples_3_words": len(long_messages),
        "language_accuracy_3_words": _share(
            long_messages,
            lambda e, p: (p.get("language") or {}).get("code") == e.language,
        ),
    }


def danger_report(
    samples: list[DangerSample], detector: DangerDetector
) -> dict[str, Any]:
    """Recall and false alarms of the detector the hotline runs, per language."""
    verdicts = [detector.assess(s.text) for s in samples]
    pairs = list(zip(samples, verdicts, strict=True))
    report = {}
    for language in [*SUPPORTED_LANGUAGES, "all"]:
        chosen = [(s, v) for s, v in pairs if language in (s.language, "all")]
        danger = [(s, v) for s, v in chosen if s.danger]
        safe = [(s, v) for s, v in chosen if not s.danger]
        if not chosen:
            continue
        report[language] = {
            "danger": len(danger),
            "not_danger": len(safe),
            "recall": _share(danger, lambda s, v: v.danger),
            "keyword_net_recall": _share(danger, lambda s, v: v.by == "keywords"),
            "false_alarm_rate": _share(safe, lambda s, v: v.danger),
            "certain_recall": _share(danger, lambda s, v: v.certain),
            "certain_false_alarm_rate": _share(safe, lambda s, v: v.certain),
            "missed": [s.text for s, v in danger if not v.danger],
            "false_alarms": [s.text for s, v in safe if v.danger],
        }
    return report


def _share(
    pairs: list[tuple[Any, Any]], hit: Callable[[Any, Any], bool]
) -> float | None:
    if not pairs:
        return None
    return round(sum(1 for a, b in pairs if hit(a, b)) / len(pairs), 4)


def median_ms(parses: list[dict[str, Any]]) -> float:
    return round(statistics.median(p["seconds"] for p in parses) * 1000, 1)


# --- training candidates and folds -------------------------------------------


def config_with(classifier: dict[str, Any], path: Path) -> Path:
    """config.yml with its intent classifier replaced by ``classifier``."""
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    config["pipeline"] = [
        dict(classifier) if step["name"] in CLASSIFIER_NAMES else step
        for step in config["pipeline"]
    ]
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


def deployed_classifier() -> str:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    names = {step["name"] for step in config["pipeline"]}
    return next(key for key, c in CANDIDATES.items() if c["name"] in names)


def train_nlu(config: Path, nlu: Path, out: Path) -> tuple[Path, float]:
    """An NLU-only model; the wall-clock seconds its training took."""
    from rasa.model_training import train_nlu as rasa_train_nlu

    started = time.monotonic()
    model = rasa_train_nlu(
        str(config),
        str(nlu),
        str(out),
        domain=str(ROOT / "bot" / "domain"),
        # Rasa's cache cannot see inside our components' files (bot/train.py).
        additional_arguments={"force_full_training": True},
    )
    return Path(model), time.monotonic() - started


def compare(sets: dict[str, list[Example]]) -> dict[str, Any]:
    """Each candidate classifier, trained on the same data and features."""
    results = {}
    with tempfile.TemporaryDirectory() as scratch:
        for name, classifier in CANDIDATES.items():
            config = config_with(classifier, Path(scratch) / f"{name}.yml")
            model, seconds = train_nlu(
                config, ROOT / "bot" / "data" / "nlu", Path(scratch)
            )
            result: dict[str, Any] = {"nlu_training_seconds": round(seconds, 1)}
            for set_name, examples in sets.items():
                parses = parse_all(model, [e.text for e in examples])
                scores = evaluate(examples, parses)
                result[set_name] = {
                    lang: {k: v for k, v in s.items() if k != "intent_errors"}
                    for lang, s in scores.items()
                }
                result[f"{set_name}_parse_ms_median"] = median_ms(parses)
            results[name] = result
    return results


def cross_validation(folds: int = 5) -> dict[str, Any]:
    """Macro-F1 per language, each training example scored once by a model
    trained on the other folds (the deployed pipeline, NLU only)."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "bot" / "data" / "nlu"))
    examples = [m for m in data.intent_examples if m.get("intent")]
    languages = [
        (m.get("metadata") or {}).get("intent", {}).get("language")
        or (m.get("metadata") or {}).get("language")
        for m in examples
    ]
    order = list(range(len(examples)))
    random.Random(7).shuffle(order)
    parsed: dict[int, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        config = config_with(CANDIDATES[deployed_classifier()], Path(scratch) / "c.yml")
        for fold in range(folds):
            held = set(order[fold::folds])
            held_ids = {id(examples[i]) for i in held}
            train_data = data.filter_training_examples(
                lambda m, held_ids=held_ids: id(m) not in held_ids
            )
            fold_file = Path(scratch) / f"fold{fold}.yml"
            RasaYAMLWriter().dump(fold_file, train_data)
            model, _ = train_nlu(config, fold_file, Path(scratch))
            held_list = sorted(held)
            for i, parse in zip(
                held_list,
                parse_all(model, [examples[i].get("text") for i in held_list]),
                strict=True,
            ):
                parsed[i] = parse
    pairs = [
        (Example(m.get("text"), m.get("intent"), languages[i] or "?"), parsed[i])
        for i, m in enumerate(examples)
    ]
    report = evaluate([e for e, _ in pairs], [p for _, p in pairs])
    return {
        lang: {k: s[k] for k in ("examples", "macro_f1", "accuracy")}
        for lang, s in report.items()
    }


# --- the report ---------------------------------------------------------------


def markdown(report: dict[str, Any]) -> str:
    """The tables README shows."""
    lines = []
    for set_name in SETS:
        scores = report["sets"].get(set_name)
        if not scores:
            continue
        lines += [
            f"\n**{set_name} set** (parse {report['parse_ms_median'][set_name]} ms "
            "per message, median)\n",
            "| language | examples | macro-F1 | accuracy | top-2 | emergency recall "
            "| false emergencies | language id, 3+ words |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for language in [*SUPPORTED_LANGUAGES, "all"]:
            if language in scores:
                r = scores[language]
                lines.append(
                    f"| {language} | {r['examples']} | {r['macro_f1']:.3f} "
                    f"| {r['accuracy']:.3f} | {r['top2_accuracy']:.3f} "
                    f"| {_fmt(r['emergency_recall'])} | {r['false_emergencies']} "
                    f"| {_fmt(r['language_accuracy_3_words'])} |"
                )
    danger = report.get("danger")
    if danger:
        lines += [
            "\n**Danger detector** (keyword net + classifier, as the hotline runs "
            "it), outside set\n",
            "| language | danger | not danger | recall | net alone "
            "| false-alarm rate | sure: recall | sure: false alarms |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for language, r in danger.items():
            lines.append(
                f"| {language} | {r['danger']} | {r['not_danger']} "
                f"| {_fmt(r['recall'])} | {_fmt(r['keyword_net_recall'])} "
                f"| {_fmt(r['false_alarm_rate'])} | {_fmt(r['certain_recall'])} "
                f"| {_fmt(r['certain_false_alarm_rate'])} |"
            )
    if report.get("comparison"):
        lines += [
            "\n**Intent classifiers compared** (same data and features, NLU only)\n",
            "| classifier | training | parse, median | outside macro-F1 en/es/pt/fr "
            "| outside accuracy | outside top-2 | team accuracy |",
            "|---|---|---|---|---|---|---|",
        ]
        for name, r in report["comparison"].items():
            outside = r["outside"]
            f1s = "/".join(
                f"{outside[lang]['macro_f1']:.3f}"
                for lang in CORE_LANGUAGES
                if lang in outside
            )
            lines.append(
                f"| {name} | {r['nlu_training_seconds']:.0f} s "
                f"| {r['outside_parse_ms_median']} ms | {f1s} "
                f"| {outside['all']['accuracy']:.3f} "
                f"| {outside['all']['top2_accuracy']:.3f} "
                f"| {r['team']['all']['accuracy']:.3f} |"
            )
    if report.get("cross_validation"):
        cv = report["cross_validation"]
        lines.append(
            "\n5-fold cross-validation on the training data, macro-F1: "
            + ", ".join(
                f"{lang} {cv[lang]['macro_f1']:.3f}"
                for lang in [*SUPPORTED_LANGUAGES, "all"]
                if lang in cv
            )
        )
    if report.get("training_seconds") is not None:
        lines.append(
            f"\nFull training (make model): {report['training_seconds']:.0f} s."
        )
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=ROOT / "models" / "aliada.tar.gz")
    parser.add_argument("--report", type=Path, default=ROOT / "reports" / "eval.json")
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--cross-validation", action="store_true")
    args = parser.parse_args()
    sets = {name: load_holdout(HOLDOUT_DIR / name) for name in SETS}
    report: dict[str, Any] = {"sets": {}, "parse_ms_median": {}, "targets": TARGETS}
    for name, examples in sets.items():
        parses = parse_all(args.model, [e.text for e in examples])
        report["sets"][name] = evaluate(examples, parses)
        report["parse_ms_median"][name] = median_ms(parses)
    detector = default_detector()
    report["danger"] = danger_report(load_danger_set(), detector)
    if detector.classifier:  # its own 5-fold figures, from its training
        report["danger_cross_validated"] = detector.classifier.about

    training_file = args.model.parent / "training.json"
    if training_file.exists():
        report["training_seconds"] = json.loads(training_file.read_text())[
            "training_seconds"
        ]
    if args.compare:
        report["comparison"] = compare(sets)
    if args.cross_validation:
        report["cross_validation"] = cross_validation()
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(markdown(report))


if __name__ == "__main__":
    main()
