"""Shared fixtures: the real domain, and a helper to build rasa_sdk trackers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parent.parent
MODEL_PATH = ROOT / "models" / "aliada.tar.gz"


@pytest.fixture(scope="session")
def domain() -> Any:
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "bot" / "domain"))


@pytest.fixture(scope="session")
def domain_dict(domain: Any) -> dict[str, Any]:
    return domain.as_dict()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


class Conversation:
    """Builds rasa_sdk trackers as the action server receives them."""

    @staticmethod
    def tracker(
        text: str = "",
        intent: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        slots: dict[str, Any] | None = None,
        language_guess: dict[str, Any] | None = None,
        metadata: dict[str, Any] | None = None,
        earlier_messages: list[dict[str, Any]] | None = None,
        active_loop: str | None = None,
    ) -> Tracker:
        latest: dict[str, Any] = {
            "text": text,
            "intent": {"name": intent, "confidence": 1.0} if intent else {},
            "entities": entities or [],
            "metadata": metadata or {},
        }
        if language_guess:
            latest["language"] = language_guess
        events = [
            {"event": "user", "text": m.get("text"), "parse_data": m}
            for m in earlier_messages or []
        ]
        events.append({"event": "user", "text": text, "parse_data": latest})
        return Tracker(
            sender_id="test-conversation",
            slots=slots or {},
            latest_message=latest,
            events=events,
            paused=False,
            followup_action=None,
            active_loop={"name": active_loop} if active_loop else {},
            latest_action_name="action_listen",
        )

    @staticmethod
    def guess(code: str, confidence: float = 0.99, ambiguous: bool = False) -> dict:
        return {"code": code, "confidence": confidence, "ambiguous": ambiguous}


@pytest.fixture
def conversation() -> Conversation:
    return Conversation()


# Where the person is, told to the hotline alongside many answers; it changes
# nothing the person reads, so the order of what they read is checked without
# it (tests of the signal read the dispatcher's messages).
QUIET_SIGNALS = {"utter_signal_country"}


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    """The response names an action uttered, in order (the country signal
    aside)."""
    return [
        m.get("response")
        for m in dispatcher.messages
        if m.get("response") not in QUIET_SIGNALS
    ]


@pytest.fixture(scope="session")
def trained_model() -> Path:
    if not MODEL_PATH.exists():
        pytest.skip("no trained model: run `make model` (make test does)")
    return MODEL_PATH
