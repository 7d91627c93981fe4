"""The message request, checked field by field with errors that name the field.

Errors here are for the widget's developer (English, in the ``error`` field);
a widget shows the person its own catalog text for each status, never these.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

from bot.languages import SUPPORTED_LANGUAGES
from hotline import safe_json
from hotline.webchat.sessions import looks_random

MAX_TEXT_CHARS = 4_000
JSON_MIMETYPE = "application/json"
_CLIENT_MESSAGE_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
CLIENT_MESSAGE_ID_PATTERN = f"^{_CLIENT_MESSAGE_ID.pattern}$"  # for OpenAPI


@dataclass(frozen=True)
class ChatMessage:
    session_id: str
    text: str
    language: str | None
    # The widget's own id for this message, sent again when it retries.
    client_message_id: str | None = None


def json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object: strict UTF-8, at most ``MAX_DEPTH`` levels
    deep, nothing else accepted."""
    if request.mimetype != JSON_MIMETYPE:
        raise UnsupportedMediaType(f"send the body as {JSON_MIMETYPE}")
    try:
        # Past MAX_CONTENT_LENGTH this raises 413 before reading the body.
        body = request.get_data(cache=False).decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the body is not valid UTF-8") from None
    try:
        value = safe_json.loads(body)
    except safe_json.TooDeep:
        raise BadRequest(
            f"the body is nested deeper than {safe_json.MAX_DEPTH} levels"
        ) from None
    except ValueError:  # numbers of over 4,300 digits too
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(value, dict):
        raise BadRequest("the body must be a JSON object")
    return value


def _string(body: dict[str, Any], name: str) -> str:
    if name not in body:
        raise BadRequest(f"field '{name}' is required")
    value = body[name]
    if not isinstance(value, str):
        raise BadRequest(f"field '{name}' must be a string")
    if not _encodable(value):
        raise BadRequest(f"field '{name}' is not valid Unicode")
    return value


def _encodable(value: str) -> bool:
    """JSON escapes can smuggle in lone surrogates, which no database stores."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_session_id(body: dict[str, Any]) -> str:
    """The session id every route needs, refused when it looks guessable."""
    session_id = _string(body, "session_id")
    if not looks_random(session_id):
        raise BadRequest(
            "field 'session_id' must be 32 to 128 letters, digits, '-' or '_'; "
            "get one from POST /webchat/api/v1/sessions"
        )
    return session_id


def _client_message_id(body: dict[str, Any]) -> str | None:
    value = body.get("client_message_id")
    if value is None:
        return None
    if not isinstance(value, str) or _CLIENT_MESSAGE_ID.fullmatch(value) is None:
        raise BadRequest(
            "field 'client_message_id' must be 8 to 64 letters, digits, '-' or '_', "
            "or null"
        )
    return value


def parse_message(body: dict[str, Any]) -> ChatMessage:
    """Fields we know, checked; fields we do not know, ignored."""
    session_id = parse_session_id(body)
    text = _string(body, "text")
    if len(text) > MAX_TEXT_CHARS:
        raise RequestEntityTooLarge(
            f"field 'text' is longer than {MAX_TEXT_CHARS} characters"
        )
    language = body.get("language")
    if language is not None and not isinstance(language, str):
        raise BadRequest("field 'language' must be a string or null")
    if language is not None and language not in SUPPORTED_LANGUAGES:
        raise BadRequest(
            f"field 'language' must be one of {', '.join(SUPPORTED_LANGUAGES)} or null"
        )
    return ChatMessage(
        session_id=session_id,
        text=text,
        language=language,
        client_message_id=_client_message_id(body),
    )
