"""``/webchat/api/v1``: sessions and messages for the chat widget, as JSON.

The route only translates JSON to ``Incoming`` and ``Outcome`` back to JSON; the
conversation service keeps, rate-limits and answers every message. Sessions are
the line's own (``sessions``): a made-up or long-idle id is refused. Requests
per client and new sessions for the whole line are limited by
``hotline.limits``, whose refusals are answered here (``too_many_requests``).

A message may carry the widget's ``client_message_id``: the widget sends it
again when it retries after a network error, and the retry gets the replies
already given instead of a second turn of the bot.
"""

from __future__ import annotations

import time
from datetime import timedelta
from itertools import zip_longest
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from werkzeug.exceptions import BadRequest, HTTPException

from bot.languages import SUPPORTED_LANGUAGES
from hotline import conversations, delivery
from hotline.conversations import Incoming, Outcome
from hotline.extensions import db
from hotline.models import Channel, utcnow
from hotline.privacy import conversation_key
from hotline.webchat.cors import init_cors
from hotline.webchat.labels import BUSY
from hotline.webchat.openapi import API_PREFIX, OPENAPI
from hotline.webchat.payload import (
    ChatMessage,
    json_object,
    parse_message,
    parse_session_id,
)
from hotline.webchat.sessions import current_conversation, new_session_id

REPLAY_POLL_SECONDS = 0.1
# Namespace of the keyed hash behind a web message's provider id, so it can
# never equal a conversation key.
_MESSAGE_ID_NAMESPACE = "webchat-message"

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
    return response


@api.post("/sessions")
def create_session() -> tuple[Response, int]:
    return jsonify(session_id=new_session_id()), 201


@api.delete("/sessions")
def delete_session() -> Response:
    """The person deletes their conversation. The session id travels in the
    body, as everywhere; an unknown one gets the same 204 (no oracle)."""
    session_id = parse_session_id(json_object(request))
    conversations.delete_conversation(Channel.WEBCHAT, session_id)
    return Response(status=204)


@api.post("/messages")
def post_message() -> Response:
    message = parse_message(json_object(request))
    conversation = current_conversation(message.session_id)
    provider_id = web_provider_id(message)
    outcome = conversations.handle(
        Incoming(
            channel=Channel.WEBCHAT,
            address=message.session_id,
            text=message.text,
            provider_id=provider_id,
            language_choice=message.language,
        ),
        conversation,
    )
    if outcome.duplicate and provider_id is not None:
        outcome.texts = replay(provider_id)
    return jsonify(answer(outcome))


def replay(provider_id: str) -> list[str]:
    """The replies a retried message already got. A retry can overtake its
    first delivery while the bot is still answering that one (the network
    dropped mid-request): then wait for that answer, as long as the bot may
    take, rather than answer nothing and lose it."""
    patience = timedelta(seconds=current_app.config["BOT_TIMEOUT_SECONDS"] + 1)
    while not (texts := conversations.replies_to(provider_id)):
        asked = conversations.sent_to_bot_at(provider_id)
        if asked is None or utcnow() - asked > patience:
            return []
        db.session.rollback()  # end the read, to see the first delivery's commit
        time.sleep(REPLAY_POLL_SECONDS)
    return texts


@api.post("/replies")
def fetch_replies() -> Response:
    """Replies from people (operators, the line) the widget has not shown yet.
    A POST with a JSON body, so the session id never sits in a URL that proxies
    and access logs keep."""
    body = json_object(request)
    session_id = parse_session_id(body)
    after = body.get("after", 0)
    if isinstance(after, bool) or not isinstance(after, int) or not 0 <= after < 10**18:
        raise BadRequest("field 'after' must be a message id (0 or more)")
    replies = delivery.fetch_for_widget(current_conversation(session_id), after)
    return jsonify(messages=replies.messages, language=replies.language)


def too_many_requests(retry_after: int) -> Response:
    """A limit of ``hotline.limits`` refused the request: ``{"error",
    "status", "retry_after", "message"}``, the message in the browser's
    language for clients without texts of their own (the widget shows its
    own ``busy`` text, the same catalog entry)."""
    language = request.accept_languages.best_match(
        SUPPORTED_LANGUAGES, default=conversations.fallback_languages()[0]
    )
    response = jsonify(
        error="too many requests: try again after retry_after seconds",
        status=429,
        retry_after=retry_after,
        message=BUSY(language, **conversations.line_numbers(language)),
    )
    response.status_code = 429
    return response


@api.get("/openapi.json")
def openapi_document() -> Response:
    return jsonify(OPENAPI)


def web_provider_id(message: ChatMessage) -> str | None:
    """The stored id of a message the widget named: keyed with the session id,
    so two sessions picking the same id never collide, and neither id is
    stored in clear ("web:" and 64 hex digits fit the 80-character column)."""
    if message.client_message_id is None:
        return None
    address = f"{message.session_id}\x1f{message.client_message_id}"
    return "web:" + conversation_key(_MESSAGE_ID_NAMESPACE, address)


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
