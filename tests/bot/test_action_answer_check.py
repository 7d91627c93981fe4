"""The action server's answers are checked as Rasa checks them, without
re-checking Rasa's own schema on every answer (bot.action_answer_check)."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction

from bot import action_answer_check
from bot.rasa_server import prepare_rasa

GOOD = {
    "events": [{"event": "slot", "name": "language", "value": "es"}],
    "responses": [{"response": "utter_greet"}],
}
BAD = {"events": [{"name": "language", "value": "es"}], "responses": []}


@pytest.fixture
def rasa_check(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Rasa's own check, put back after the test."""
    original = RemoteAction._validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result", original)
    return original


@pytest.fixture
def meta_checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the checks of a schema against the meta-schema."""
    counted: list[int] = []
    validator_class = validator_for(RemoteAction.action_response_format_spec())
    check_schema = validator_class.check_schema

    def counting(schema: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        counted.append(1)
        check_schema(schema, *args, **kwargs)

    monkeypatch.setattr(validator_class, "check_schema", counting)
    action_answer_check.answer_validator.cache_clear()
    yield counted
    action_answer_check.answer_validator.cache_clear()


def test_a_well_formed_answer_passes(rasa_check: Any) -> None:
    prepare_rasa()
    assert RemoteAction("action_help", None)._validate_action_result(GOOD) is True


def test_a_malformed_answer_fails_as_rasa_fails_it(rasa_check: Any) -> None:
    with pytest.raises(ValidationError) as by_rasa:
        rasa_check(RemoteAction("action_help", None), dict(BAD))
    prepare_rasa()
    with pytest.raises(ValidationError) as by_us:
        RemoteAction("action_help", None)._validate_action_result(dict(BAD))
    assert by_us.value.message == by_rasa.value.message
    assert "custom-actions" in by_us.value.message


def test_rasa_s_schema_is_checked_once_not_per_answer(
    rasa_check: Any, meta_checks: list[int]
) -> None:
    """Each check cost about 25 ms of CPU, up to three times a turn."""
    prepare_rasa()
    action = RemoteAction("action_validate_slot_mappings", None)
    for _ in range(3):
        action._validate_action_result(GOOD)
    assert len(meta_checks) <= 1
