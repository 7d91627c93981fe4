"""Web chat session ids: issued by the line only, unguessable, never stored in
clear, and ending after a long pause.

The id is the only thing tying a browser tab to its conversation, so anyone who
can guess it can read the bot's answers to that person. The service stores only
a keyed hash of it.

An id carries when it was issued, 16 random bytes, and a MAC of both with the
deployment's secret (``CONVERSATION_KEY_SECRET``): every worker and host
recognises the line's own ids without a table or shared memory, and an id a
client made up is refused (404), so sessions cost their maker a request to
``POST /sessions``, which is limited (``hotline.limits``). An id unused for
``WEBCHAT_SESSION_IDLE_MINUTES`` (since its conversation's last message, or
since it was issued) is refused too (410): the widget then starts a new
session and tells the person their previous conversation ended.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import re
import secrets
import time
from datetime import UTC, datetime, timedelta

from flask import current_app, request
from sqlalchemy import func, select
from werkzeug.exceptions import Gone, NotFound

from hotline import conversations, metrics
from hotline.extensions import db
from hotline.models import Channel, Conversation, Message, utcnow
from hotline.privacy import keyed_digest

_VERSION = b"\x01"
_ISSUED_BYTES = 8
_RANDOM_BYTES = 16
_MAC_BYTES = 16
_RAW_BYTES = len(_VERSION) + _ISSUED_BYTES + _RANDOM_BYTES + _MAC_BYTES  # 55 chars
_NAMESPACE = "webchat-session"
# Any id the API accepts in its shape; whether it is ours is checked apart.
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{32,128}")
SESSION_ID_PATTERN = f"^{_SESSION_ID.pattern}$"  # the same rule, for OpenAPI


class UnknownSession(NotFound):
    description = (
        "this session id was not issued by this line; get one from "
        "POST /webchat/api/v1/sessions"
    )


class SessionEnded(Gone):
    description = (
        "this session ended after a long pause; get a new one from "
        "POST /webchat/api/v1/sessions"
    )


def _mac(body: bytes) -> bytes:
    return keyed_digest(_NAMESPACE, body)[:_MAC_BYTES]


def new_session_id() -> str:
    body = (
        _VERSION
        + int(time.time()).to_bytes(_ISSUED_BYTES, "big")
        + secrets.token_bytes(_RANDOM_BYTES)
    )
    return _encode(body + _mac(body))


def _encode(raw: bytes) -> str:
    """The one spelling of an id: base64 ignores a last character's unused
    bits, so several strings decode to the same bytes."""
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def looks_random(session_id: str) -> bool:
    """Long enough and URL-safe, as ``new_session_id`` makes them ("1" is not)."""
    return _SESSION_ID.fullmatch(session_id) is not None


def issued_at(session_id: str) -> datetime | None:
    """When the line issued this id (naive UTC, like the database's times);
    None when it did not: a client made it up, or another secret signed it."""
    try:
        raw = base64.urlsafe_b64decode(session_id + "=" * (-len(session_id) % 4))
    except (ValueError, binascii.Error):
        return None
    if len(raw) != _RAW_BYTES or not raw.startswith(_VERSION):
        return None
    if _encode(raw) != session_id:  # the same bytes spelled another way
        return None
    body, mac = raw[:-_MAC_BYTES], raw[-_MAC_BYTES:]
    if not hmac.compare_digest(mac, _mac(body)):
        return None
    seconds = int.from_bytes(body[len(_VERSION) : len(_VERSION) + _ISSUED_BYTES], "big")
    return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)


def _last_message_at(conversation: Conversation) -> datetime | None:
    """The conversation's last message either way: a reply from the team
    keeps the session alive for the person to read it."""
    return db.session.scalar(
        select(func.max(Message.created_at)).where(
            Message.conversation_id == conversation.id
        )
    )


def current_conversation(session_id: str) -> Conversation | None:
    """The session's conversation (None before its first message); refused
    when the line did not issue the id (404) or it has been idle too long
    (410)."""
    issued = issued_at(session_id)
    if issued is None:
        metrics.REJECTED.labels(request.path, "unknown_session").inc()
        raise UnknownSession()
    conversation = conversations.find(Channel.WEBCHAT, session_id)
    last = _last_message_at(conversation) if conversation is not None else None
    idle = timedelta(minutes=current_app.config["WEBCHAT_SESSION_IDLE_MINUTES"])
    if utcnow() - (last or issued) > idle:
        metrics.REJECTED.labels(request.path, "session_ended").inc()
        raise SessionEnded()
    return conversation
