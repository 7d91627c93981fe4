"""Rasa 3.6 checks every answer of the action server against its schema with
``jsonschema.validate``, which first checks Rasa's own, constant schema
against the JSON Schema meta-schema (draft 2020-12) on every call: about
25 ms of CPU per custom action here, up to three times a turn, the largest
single cost of a turn (``make profile-turn``, README).

``install()`` makes ``RemoteAction`` check each answer against the same
schema with a validator built once, raising the same ``ValidationError``
(same best match, same hint) for a malformed answer. Installed by
``bot.rasa_server`` before Rasa starts; Rasa 3.6 offers no setting for it.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.exceptions import best_match
from jsonschema.protocols import Validator
from jsonschema.validators import validator_for
from rasa.core.actions.action import RemoteAction
from rasa.shared.constants import DOCS_BASE_URL

# Rasa's own hint, appended to the message of a malformed answer.
HINT = (
    ". Failed to validate Action server response from API, make sure your "
    "response from the Action endpoint is valid. For more information about "
    f"the format visit {DOCS_BASE_URL}/custom-actions"
)


@cache
def answer_validator() -> Validator:
    """The validator of action server answers, its schema checked once."""
    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def check_action_answer(_action: RemoteAction, result: dict[str, Any]) -> bool:
    """``RemoteAction._validate_action_result`` without the schema's re-check."""
    error: ValidationError | None = best_match(answer_validator().iter_errors(result))
    if error is not None:
        error.message += HINT
        raise error
    return True


def install() -> None:
    """Check action server answers with the validator built once."""
    RemoteAction._validate_action_result = check_action_answer  # type: ignore[method-assign]
