"""The web chat API described as OpenAPI 3.1, built from the same limits the
routes enforce (so the document cannot drift from the code), served at
``GET /webchat/api/v1/openapi.json``. Tests validate real answers against it.
"""

from __future__ import annotations

from typing import Any

from bot.languages import SUPPORTED_LANGUAGES
from hotline.safe_json import MAX_DEPTH
from hotline.webchat.payload import CLIENT_MESSAGE_ID_PATTERN, MAX_TEXT_CHARS
from hotline.webchat.sessions import SESSION_ID_PATTERN

API_PREFIX = "/webchat/api/v1"


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": _json(_ref("schemas", "Error"))}


SCHEMAS: dict[str, Any] = {
    "SessionId": {
        "type": "string",
        "pattern": SESSION_ID_PATTERN,
        "description": "Issued by POST /sessions only, random and secret: "
        "whoever holds it can continue the conversation. An id the line did not "
        "issue is refused (404); one unused for the line's idle time (by "
        "default 2 hours since the conversation's last message, or since it "
        "was issued) is refused (410): get a new session then, which starts a "
        "new conversation. Keep it in memory only, never in cookies or storage.",
    },
    "Language": {"type": "string", "enum": list(SUPPORTED_LANGUAGES)},
    "Session": {
        "type": "object",
        "required": ["session_id"],
        "additionalProperties": False,
        "properties": {"session_id": _ref("schemas", "SessionId")},
    },
    "MessageRequest": {
        "type": "object",
        "required": ["session_id", "text"],
        "description": "Unknown fields are ignored.",
        "properties": {
            "session_id": _ref("schemas", "SessionId"),
            "text": {
                "type": "string",
                "maxLength": MAX_TEXT_CHARS,
                "description": "What the person wrote; empty text gets a short "
                "reminder. A button is answered by sending its payload as text.",
            },
            "language": {
                "oneOf": [_ref("schemas", "Language"), {"type": "null"}],
                "description": "The language the person picked in the widget, or "
                "null to let the bot follow the language they write in.",
            },
            "client_message_id": {
                "oneOf": [
                    {"type": "string", "pattern": CLIENT_MESSAGE_ID_PATTERN},
                    {"type": "null"},
                ],
                "description": "A new random id for each message, sent again "
                "unchanged when the widget retries after a timeout or network "
                "error: the message is then kept and answered once, and the "
                "retry gets the bot's replies to it (without buttons, "
                "handoff null). Omitted or null: every request is a new message.",
            },
        },
    },
    "SessionRequest": {
        "type": "object",
        "required": ["session_id"],
        "description": "Unknown fields are ignored.",
        "properties": {"session_id": _ref("schemas", "SessionId")},
    },
    "Button": {
        "type": "object",
        "required": ["title", "payload"],
        "additionalProperties": False,
        "properties": {
            "title": {"type": "string"},
            "payload": {
                "type": "string",
                "description": "The text to send as the next message when the "
                "button is pressed (its title).",
            },
        },
    },
    "Reply": {
        "type": "object",
        "required": ["text", "buttons"],
        "additionalProperties": False,
        "properties": {
            "text": {"type": "string"},
            "buttons": {"type": "array", "items": _ref("schemas", "Button")},
        },
    },
    "MessageResponse": {
        "type": "object",
        "required": ["replies", "language", "handoff"],
        "additionalProperties": False,
        "properties": {
            "replies": {"type": "array", "items": _ref("schemas", "Reply")},
            "language": {
                **_ref("schemas", "Language"),
                "description": "The language the conversation is in now.",
            },
            "handoff": {
                "type": ["string", "null"],
                "description": "Why the bot asked for a person in this turn "
                "(e.g. request_human, emergency, interpreter), else null.",
            },
        },
    },
    "FetchedMessage": {
        "type": "object",
        "required": ["id", "text", "from"],
        "additionalProperties": False,
        "properties": {
            "id": {
                "type": "integer",
                "description": "Pass the last one as 'after' in the next request.",
            },
            "text": {"type": "string"},
            "from": {
                "type": "string",
                "enum": ["operator", "line"],
                "description": "A person of the team, or the line itself (e.g. "
                "the greeting when the conversation goes back to the bot).",
            },
        },
    },
    "RepliesRequest": {
        "type": "object",
        "required": ["session_id"],
        "properties": {
            "session_id": _ref("schemas", "SessionId"),
            "after": {
                "type": "integer",
                "minimum": 0,
                "default": 0,
                "description": "The last message id the widget has shown.",
            },
        },
    },
    "FetchedMessages": {
        "type": "object",
        "required": ["messages", "language"],
        "additionalProperties": False,
        "properties": {
            "messages": {"type": "array", "items": _ref("schemas", "FetchedMessage")},
            "language": {
                **_ref("schemas", "Language"),
                "description": "The language the conversation is in now.",
            },
        },
    },
    "TooManyRequests": {
        "type": "object",
        "required": ["error", "status", "retry_after", "message"],
        "additionalProperties": False,
        "properties": {
            "error": {"type": "string", "description": "For developers, in English."},
            "status": {"const": 429},
            "retry_after": {
                "type": "integer",
                "minimum": 1,
                "description": "Seconds to wait before sending the request again "
                "(also in the Retry-After header).",
            },
            "message": {
                "type": "string",
                "description": "What to tell the person, in the best language "
                "of the request's Accept-Language: their message is kept and "
                "will be sent; the emergency number.",
            },
        },
    },
    "Error": {
        "type": "object",
        "required": ["error", "status"],
        "additionalProperties": False,
        "properties": {
            "error": {
                "type": "string",
                "description": "For developers, in English; widgets show their "
                "own text for each status.",
            },
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
        },
    },
}

RESPONSES: dict[str, Any] = {
    "BadRequest": _error(
        f"Malformed JSON, JSON nested deeper than {MAX_DEPTH} levels, invalid "
        "UTF-8, or a missing or wrongly typed field (the message names it); a "
        "session id that is not random enough; an "
        "unsupported language; a malformed client_message_id."
    ),
    "Forbidden": _error("The request's Origin may not use this API."),
    "TooLarge": _error(
        f"The body is larger than the server's limit, or the text is longer "
        f"than {MAX_TEXT_CHARS} characters."
    ),
    "UnsupportedMediaType": _error("The body is not application/json."),
    "UnknownSession": _error(
        "The line did not issue this session id (a made-up id, or one from "
        "before the line's secret changed): get a new one from POST /sessions."
    ),
    "SessionEnded": _error(
        "The session was unused for longer than the line's idle time: get a "
        "new one from POST /sessions (a new conversation) and tell the person "
        "their previous conversation ended."
    ),
    "TooManyRequests": {
        "description": "Too many requests from this client, or too many new "
        "sessions on the whole line: nothing was done; send the same request "
        "again after Retry-After seconds.",
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait.",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
        "content": _json(_ref("schemas", "TooManyRequests")),
    },
    "ServerError": _error("Something failed on our side; nothing else is said."),
}

OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "Aliada web chat API",
        "version": "2.0.0",
        "description": "The API behind Aliada's chat widget. Create a session, "
        "then send the person's messages with it; each answer holds the bot's "
        "replies in the conversation's language. Sessions are issued by the "
        "line only and end after a long pause. Requests are limited per client "
        "and new sessions for the whole line (429 with Retry-After). Browsers "
        "may call it only from the hotline's own pages and the configured "
        "origins (CORS, no credentials).",
    },
    "paths": {
        f"{API_PREFIX}/sessions": {
            "post": {
                "operationId": "createSession",
                "summary": "Start a new conversation: a fresh session id, "
                "issued and signed by the line.",
                "responses": {
                    "201": {
                        "description": "A new session id.",
                        "content": _json(_ref("schemas", "Session")),
                    },
                    "403": _ref("responses", "Forbidden"),
                    "429": _ref("responses", "TooManyRequests"),
                    "500": _ref("responses", "ServerError"),
                },
            },
            "delete": {
                "operationId": "deleteSession",
                "summary": "Delete the conversation and its messages, at once.",
                "description": "For the person who wants nothing kept. The "
                "transcript also leaves the operators' console; a later message "
                "with the same session id starts a new conversation. An unknown, "
                "made-up or ended session id gets the same answer (an ended "
                "session's conversation is deleted too). The session id goes in "
                "the body, so it stays out of URLs.",
                "requestBody": {
                    "required": True,
                    "content": _json(_ref("schemas", "SessionRequest")),
                },
                "responses": {
                    "204": {"description": "Deleted (or there was nothing to delete)."},
                    "400": _ref("responses", "BadRequest"),
                    "403": _ref("responses", "Forbidden"),
                    "415": _ref("responses", "UnsupportedMediaType"),
                    "429": _ref("responses", "TooManyRequests"),
                    "500": _ref("responses", "ServerError"),
                },
            },
        },
        f"{API_PREFIX}/messages": {
            "post": {
                "operationId": "sendMessage",
                "summary": "One message from the person; the bot's replies.",
                "requestBody": {
                    "required": True,
                    "content": _json(_ref("schemas", "MessageRequest")),
                },
                "responses": {
                    "200": {
                        "description": "The replies (the bot's, or a short "
                        "notice when the bot cannot answer or the person writes "
                        "too fast; their messages are kept for a person).",
                        "content": _json(_ref("schemas", "MessageResponse")),
                    },
                    "400": _ref("responses", "BadRequest"),
                    "403": _ref("responses", "Forbidden"),
                    "404": _ref("responses", "UnknownSession"),
                    "410": _ref("responses", "SessionEnded"),
                    "413": _ref("responses", "TooLarge"),
                    "415": _ref("responses", "UnsupportedMediaType"),
                    "429": _ref("responses", "TooManyRequests"),
                    "500": _ref("responses", "ServerError"),
                },
            },
        },
        f"{API_PREFIX}/replies": {
            "post": {
                "operationId": "fetchReplies",
                "summary": "Replies from people of the team not yet shown: poll "
                "while a person has the conversation.",
                "description": "The bot's replies come in the answer to each "
                "message and are not repeated here. A session of the line's "
                "without a conversation yet gets an empty list. A POST, so the "
                "session id stays out of URLs.",
                "requestBody": {
                    "required": True,
                    "content": _json(_ref("schemas", "RepliesRequest")),
                },
                "responses": {
                    "200": {
                        "description": "Messages with an id above 'after', oldest "
                        "first.",
                        "content": _json(_ref("schemas", "FetchedMessages")),
                    },
                    "400": _ref("responses", "BadRequest"),
                    "403": _ref("responses", "Forbidden"),
                    "404": _ref("responses", "UnknownSession"),
                    "410": _ref("responses", "SessionEnded"),
                    "415": _ref("responses", "UnsupportedMediaType"),
                    "429": _ref("responses", "TooManyRequests"),
                    "500": _ref("responses", "ServerError"),
                },
            },
        },
        f"{API_PREFIX}/openapi.json": {
            "get": {
                "operationId": "getOpenApi",
                "summary": "This document.",
                "responses": {
                    "200": {
                        "description": "OpenAPI 3.1 document.",
                        "content": _json({"type": "object"}),
                    },
                    "403": _ref("responses", "Forbidden"),
                },
            }
        },
    },
    "components": {"schemas": SCHEMAS, "responses": RESPONSES},
}
