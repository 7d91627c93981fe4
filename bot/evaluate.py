"""Held-out evaluation of the NLU model, per language (``make eval``).

The held-out examples live in ``tests/nlu_holdout/<lang>.yml`` and are never
trained on. Reported per language: intent macro-F1, emergency recall (classifier
plus keyword net, and the net alone), and language-identification accuracy on
messages of three words or more; plus the training time from ``make model``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sklearn.metrics import f1_score

from bot.languages import CORE_LANGUAGES, SUPPORTED_LANGUAGES
from bot.normalize import words

HOLDOUT_DIR = Path(__file__).resolve().parent.parent / "tests" / "nlu_holdout"
TARGETS = {"macro_f1": 0.93, "emergency_recall": 0.98, "language_accuracy": 0.97}


@dataclass(frozen=True)
class Example:
    text: str
    intent: str
    language: str


def load_holdout(directory: Path = HOLDOUT_DIR) -> list[Example]:
    """Every held-out example, with the language its file is named after."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

    examples = []
    for language in SUPPORTED_LANGUAGES:
        path = directory / f"{language}.yml"
        if not path.exists():
            continue
        data = RasaYAMLReader().read(str(path))
        examples += [
            Example(m.get("text"), m.get("intent"), language)
            for m in data.intent_examples
        ]
    return examples


def parse_all(model_path: Path, texts: list[str]) -> list[dict[str, Any]]:
    """Run the trained model's NLU on every text."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model_path))

    async def parse() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(parse())


def evaluate(examples: list[Example], parses: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-language scores from held-out examples and the model's parses."""
    by_language: dict[str, list[tuple[Example, dict[str, Any]]]] = defaultdict(list)
    for example, parse in zip(examples, parses, strict=True):
        by_language[example.language].append((example, parse))
    report: dict[str, Any] = {}
    for language, pairs in by_language.items():
        gold = [e.intent for e, _ in pairs]
        predicted = [(p.get("intent") or {}).get("name") for _, p in pairs]
        emergencies = [(e, p) for e, p in pairs if e.intent == "emergency"]
        long_messages = [(e, p) for e, p in pairs if len(words(e.text)) >= 3]
        report[language] = {
            "examples": len(pairs),
            "macro_f1": round(
                f1_score(gold, predicted, labels=sorted(set(gold)), average="macro"), 4
            ),
            "emergency_examples": len(emergencies),
            "emergency_recall": _share(
                emergencies, lambda e, p: p["intent"]["name"] == "emergency"
            ),
            "emergency_keyword_net_recall": _share(
                emergencies, lambda e, p: bool(p.get("emergency_keyword"))
            ),
            "false_emergencies": sum(
                1
                for e, p in pairs
                if e.intent != "emergency" and p["intent"]["name"] == "emergency"
            ),
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
    all_long = [
        (e, p) for e, p in zip(examples, parses, strict=True) if len(words(e.text)) >= 3
    ]
    all_emergencies = [
        (e, p) for e, p in zip(examples, parses, strict=True) if e.intent == "emergency"
    ]
    report["all"] = {
        "language_accuracy_3_words": _share(
            all_long, lambda e, p: (p.get("language") or {}).get("code") == e.language
        ),
        "emergency_recall": _share(
            all_emergencies, lambda e, p: p["intent"]["name"] == "emergency"
        ),
    }
    return report


def _share(
    pairs: list[tuple[Example, dict[str, Any]]],
    hit: Callable[[Example, dict[str, Any]], bool],
) -> float | None:
    if not pairs:
        return None
    return round(sum(1 for e, p in pairs if hit(e, p)) / len(pairs), 4)


def markdown_table(report: dict[str, Any], training_seconds: float | None) -> str:
    """The table README shows."""
    lines = [
        "| language | held-out | intent macro-F1 | emergency recall (net alone) "
        "| false emergencies | language id, 3+ words |",
        "|---|---|---|---|---|---|",
    ]
    for language in SUPPORTED_LANGUAGES:
        if language not in report:
            continue
        r = report[language]
        lines.append(
            f"| {language} | {r['examples']} | {r['macro_f1']:.3f} "
            f"| {r['emergency_recall']:.3f} ({r['emergency_keyword_net_recall']:.3f}) "
            f"| {r['false_emergencies']} | {r['language_accuracy_3_words']:.3f} |"
        )
    overall = report["all"]
    lines.append(
        "\nAll languages: language identification "
        f"{overall['language_accuracy_3_words']:.3f} on messages of 3+ words; "
        f"emergency recall {overall['emergency_recall']:.3f}."
    )
    if training_seconds is not None:
        lines.append(f"Training time: {training_seconds:.0f} s.")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", type=Path, default=Path("models/aliada.tar.gz"))
    parser.add_argument("--report", type=Path, default=Path("reports/eval.json"))
    args = parser.parse_args()
    examples = load_holdout()
    report = evaluate(examples, parse_all(args.model, [e.text for e in examples]))
    training_file = args.model.parent / "training.json"
    seconds = (
        json.loads(training_file.read_text())["training_seconds"]
        if training_file.exists()
        else None
    )
    report["training_seconds"] = seconds
    report["targets"] = TARGETS
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, indent=2))
    print(markdown_table(report, seconds))
    missed = [
        language
        for language in CORE_LANGUAGES
        if report[language]["macro_f1"] < TARGETS["macro_f1"]
    ]
    if missed:
        print(f"Below the macro-F1 target of {TARGETS['macro_f1']}: {missed}")


if __name__ == "__main__":
    main()
