"""The trained model and the danger detector meet their floors on held-out
messages (never trained on).

Targets (README, ``make eval``): on the set written outside the team, intent
macro-F1 >= 0.95 per core language, danger recall >= 0.99 with <= 3 % false
alarms. The floors here sit under what is measured (macro-F1 0.90 per core
language, danger recall 0.97), so noise between trainings does not fail the
build but a real regression does. The false alarms are far above target
(README): a message the classifier is unsure of gets the emergency number
added and a person at high priority; only sure danger replaces the answer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.danger import default_detector
from bot.evaluate import (
    HOLDOUT_DIR,
    danger_report,
    evaluate,
    load_danger_set,
    load_holdout,
    parse_all,
)
from bot.languages import CORE_LANGUAGES, EXTRA_LANGUAGES

MACRO_F1_FLOOR = 0.90
TOP2_FLOOR = 0.90
DANGER_RECALL_FLOOR = 0.97
# Per language the sets are small (about 60 danger messages): one miss more
# than the overall floor allows.
LANGUAGE_DANGER_RECALL_FLOOR = 0.95
FALSE_ALARM_CEILING = 0.2
SURE_FALSE_ALARM_CEILING = 0.05
SURE_RECALL_FLOOR = 0.85
TEAM_EMERGENCY_RECALL_FLOOR = 0.95
LANGUAGE_ACCURACY_FLOOR = 0.95
# The extra languages (ht qu gn quc ay): target macro-F1 0.85 on the outside set
# (measured 0.83-0.91, README); the floor catches a regression, not noise. Their
# danger sets are small (25-34 messages): one miss is 3-4 points.
EXTRA_MACRO_F1_FLOOR = 0.78
EXTRA_DANGER_RECALL_FLOOR = 0.9
SETS = ("team", "outside")


@pytest.fixture(scope="module")
def reports(trained_model: Path) -> dict[str, dict[str, Any]]:
    reports = {}
    for name in SETS:
        examples = load_holdout(HOLDOUT_DIR / name)
        reports[name] = evaluate(
            examples, parse_all(trained_model, [e.text for e in examples])
        )
    return reports


@pytest.fixture(scope="module")
def danger() -> dict[str, Any]:
    return danger_report(load_danger_set(), default_detector())


@pytest.mark.parametrize("name", SETS)
def test_holdout_is_never_trained_on(name: str) -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    training = {
        m.get("text").strip().lower() for m in load_data("bot/data/nlu").intent_examples
    }
    leaked = [
        e.text
        for e in load_holdout(HOLDOUT_DIR / name)
        if e.text.strip().lower() in training
    ]
    assert not leaked


@pytest.mark.parametrize("name", SETS)
@pytest.mark.parametrize("language", CORE_LANGUAGES)
def test_intent_macro_f1(
    reports: dict[str, dict[str, Any]], name: str, language: str
) -> None:
    assert reports[name][language]["macro_f1"] >= MACRO_F1_FLOOR


def test_top_two_on_messages_written_outside_the_team(
    reports: dict[str, dict[str, Any]],
) -> None:
    assert reports["outside"]["all"]["top2_accuracy"] >= TOP2_FLOOR


def test_danger_is_recognised_as_people_tell_it(danger: dict[str, Any]) -> None:
    assert danger["all"]["recall"] >= DANGER_RECALL_FLOOR, danger["all"]["missed"]
    assert danger["all"]["false_alarm_rate"] <= FALSE_ALARM_CEILING


@pytest.mark.parametrize("language", CORE_LANGUAGES)
def test_danger_is_recognised_in_every_language(
    danger: dict[str, Any], language: str
) -> None:
    found = danger[language]
    assert found["recall"] >= LANGUAGE_DANGER_RECALL_FLOOR, found["missed"]
    assert found["false_alarm_rate"] <= FALSE_ALARM_CEILING


def test_sure_danger_is_answered_as_an_emergency(
    reports: dict[str, dict[str, Any]], danger: dict[str, Any]
) -> None:
    """What the bot answers as an emergency (instead of the question asked):
    most danger, few others."""
    assert danger["all"]["certain_recall"] >= SURE_RECALL_FLOOR
    assert danger["all"]["certain_false_alarm_rate"] <= SURE_FALSE_ALARM_CEILING
    assert reports["outside"]["all"]["emergency_recall"] >= SURE_RECALL_FLOOR
    assert reports["team"]["all"]["emergency_recall"] >= TEAM_EMERGENCY_RECALL_FLOOR


def test_language_identification(reports: dict[str, dict[str, Any]]) -> None:
    for name in SETS:
        accuracy = reports[name]["all"]["language_accuracy_3_words"]
        assert accuracy >= LANGUAGE_ACCURACY_FLOOR


@pytest.mark.parametrize("language", EXTRA_LANGUAGES)
def test_extra_languages_are_understood_told_apart_and_danger_caught(
    reports: dict[str, dict[str, Any]], danger: dict[str, Any], language: str
) -> None:
    """Messages written apart from the training data: the language's intents,
    the language itself told from Spanish, Portuguese and French (three words
    or more), and its danger."""
    outside = reports["outside"][language]
    assert outside["macro_f1"] >= EXTRA_MACRO_F1_FLOOR
    assert outside["language_accuracy_3_words"] >= LANGUAGE_ACCURACY_FLOOR
    assert danger[language]["recall"] >= EXTRA_DANGER_RECALL_FLOOR
    assert danger[language]["false_alarm_rate"] <= FALSE_ALARM_CEILING
