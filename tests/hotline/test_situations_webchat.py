"""A person tells their situation, then asks what to do: through the web chat
API, in front of the real Rasa, action server and catalogs.

The conversations (``tests/conversations/<lang>.yml``) were written apart from
the training data, from real public messages, for the person and for someone
writing about another. What the person must never get: the greeting or the
not-understood menu as the answer to their situation, nor the not-understood
menu or "anything else?" as the answer to "what can I do?". Where they named a
place, the answers carry that country's numbers. A conversation handed to a
person (danger) is answered by that person from there on, which counts.

Targets (README): >= 95 % of conversations. The floor here sits under it, so
noise between trainings does not fail the build but a real regression does.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from test_webchat_bot import MESSAGES, SESSIONS, response_text

from actions.directory.loader import default_directory

CONVERSATIONS = Path(__file__).resolve().parents[1] / "conversations"
LANGUAGES = ("en", "es", "pt", "fr")
# Per language (14 conversations each): two misses allowed. Known misses:
# a neighbourhood (the Brás in São Paulo) names no country we can find, and
# "em Salvador" tagged by the NLU still reads as El Salvador (README).
FLOOR = 0.85
# No answer to a situation told.
NOT_AN_ANSWER_TO_A_SITUATION = ("utter_greet", "utter_fallback", "utter_help_menu")
# No answer to "what can I do?".
NOT_AN_ANSWER_TO_A_FOLLOW_UP = (
    "utter_fallback",
    "utter_help_menu",
    "utter_anything_else",
)


@dataclass(frozen=True)
class Told:
    id: str
    language: str
    about: str
    country: str | None
    turns: list[str]


@cache
def conversations(language: str) -> list[Told]:
    data = yaml.safe_load((CONVERSATIONS / f"{language}.yml").read_text("utf-8"))
    return [
        Told(c["id"], language, c["about"], c.get("country"), list(c["turns"]))
        for c in data["conversations"]
    ]


def numbers_of(country: str) -> set[str]:
    directory = default_directory().get(country)
    if directory is None:
        return set()
    return {
        entry.main_number
        for kind in ("trafficking_hotline", "emergency")
        for entry in directory.entries(kind)
    }


def problems(app: Flask, told: Told) -> list[str]:
    """What went wrong for the person in this conversation (nothing, ideally)."""
    client = app.test_client()
    session_id = client.post(SESSIONS).json["session_id"]
    answers: list[dict[str, Any]] = []
    for text in told.turns:
        reply = client.post(MESSAGES, json={"session_id": session_id, "text": text})
        assert reply.status_code == 200
        answers.append(reply.json)
    found = []
    first, follow_up = answers[0], answers[1]
    language = first["language"]
    first_texts = [r["text"] for r in first["replies"]]
    if not first_texts:
        found.append("no answer to the situation")
    for name in NOT_AN_ANSWER_TO_A_SITUATION:
        if response_text(name, language) in first_texts:
            found.append(f"the situation got {name}")
    follow_texts = [r["text"] for r in follow_up["replies"]]
    handed_off = first["handoff"] or follow_up["handoff"]
    if not follow_texts and not handed_off:
        found.append("no answer to the follow-up")
    for name in NOT_AN_ANSWER_TO_A_FOLLOW_UP:
        if response_text(name, follow_up["language"]) in follow_texts:
            found.append(f"the follow-up got {name}")
    if told.country and not handed_off:
        said = " ".join(first_texts + follow_texts)
        if not any(number in said for number in numbers_of(told.country)):
            found.append(f"no number for {told.country}")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_situation_and_what_to_do_are_answered(
    app_with_bot: Flask, language: str
) -> None:
    told = conversations(language)
    failed = {c.id: found for c in told if (found := problems(app_with_bot, c))}
    assert len(told) >= 10
    assert 1 - len(failed) / len(told) >= FLOOR, failed
