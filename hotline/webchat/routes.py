"""``/webchat/api/v1``: sessions and messages for the chat widget, as JSON.

The route only translates JSON to ``Incoming`` and ``Outcome`` back to JSON; the
conversation service keeps, rate-limits and answers every message.
"""

from __future__ import annotations

from itertools import zip_longest
from typing import Any

from flask import Blueprint, Response, jsonify, request
from werkzeug.exceptions import BadRequest, HTTPException

from hotline import conversations, delivery
from hotline.conversations import Incoming, Outcome
from hotline.models import Channel
from hotline.webchat.cors import init_cors
from hotline.webchat.openapi import API_PREFIX, OPENAPI
from hotline.webchat.payload import json_object, parse_message
from hotline.webchat.sessions import looks_random, new_session_id

bp = Blueprint("webchat", __name__)
api = Blueprint("webchat_api", __name__, url_prefix=API_PREFIX)
init_cors(api)


@api.errorhandler(HTTPException)
def api_error(error: HTTPException) -> tuple[Response, int]:
    """``{"error", "status"}`` with the message that says what to fix."""
    status = error.code or 500
    return jsonify(error=error.description or error.name, status=status), status


@api.after_request
def keep_nothing_in_the_browser(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@api.post("/sessions")
def create_session() -> tuple[Response, int]:
    return jsonify(session_id=new_session_id()), 201


@api.post("/messages")
def post_message() -> Response:
    message = parse_message(json_object(request))
    outcome = conversations.handle(
        Incoming(
            channel=Channel.WEBCHAT,
            address=message.session_id,
            text=message.text,
            language_choice=message.language,
        )
    )
    return jsonify(answer(outcome))


@api.post("/replies")
def fetch_replies() -> Response:
    """Replies from people (operators, the line) the widget has not shown yet.
    A POST with a JSON body, so the session id never sits in a URL that proxies
    and access logs keep."""
    body = json_object(request)
    session_id = body.get("session_id")
    if not isinstance(session_id, str) or not looks_random(session_id):
        raise BadRequest(
            "field 'session_id' must be 32 to 128 letters, digits, '-' or '_'"
        )
    after = body.get("after", 0)
    if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after < 10**18:
        raise BadRequest("field 'after' must be a message id (0 or more)")
    replies = delivery.fetch_for_widget(session_id, after)
    return jsonify(messages=replies.messages, language=replies.language)


@api.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(OPENAPI)


def answer(outcome: Outcome) -> dict[str, Any]:
    """The contract's answer. A button's payload is its title: the widget sends
    it back as text, so an intent payload (``/ask_rights``) never leaves here."""
    replies = [
        {
            "text": text,
            "buttons": [
                {"title": button["title"], "payload": button["title"]}
                for button in buttons or []
                if button.get("title")
            ],
        }
        for text, buttons in zip_longest(outcome.texts, outcome.buttons)
        if text is not None
    ]
    return {
        "replies": replies,
        "language": outcome.language,
        "handoff": outcome.handoff.reason if outcome.handoff else None,
    }


bp.register_blueprint(api)
