"""Who may see what in the console. Nothing under ``/console/`` answers without
both login steps; sessions end after 8 hours and after a spell of no activity.
Conversations are named by their public id; who may read one is ``reading``.

The session (a signed, HttpOnly, SameSite=Strict cookie) holds only the operator
id and two timestamps; the account is re-read on every request, so a deactivated
account stops working at once. (Wrong codes lock an account against new
logins only: an operator already in is not put out by someone guessing.)
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from flask import (
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    request,
    session,
    url_for,
)
from sqlalchemy import exists, select
from werkzeug.exceptions import Forbidden
from werkzeug.wrappers import Response

from hotline import handoff
from hotline.console import routing
from hotline.console.i18n import say
from hotline.extensions import db
from hotline.ids import is_token
from hotline.models import (
    Conversation,
    ConversationEvent,
    Operator,
    State,
    utcnow,
)
from hotline.texts import Text

# Endpoints a visitor reaches before (or while) logging in.
PUBLIC_ENDPOINTS = {"console.login", "console.code", "console.logout"}
# Polling keeps the page fresh but is not the operator doing something: it
# neither postpones the idle expiry nor is refused a quiet "seen" stamp.
PASSIVE_ENDPOINTS = {"console.updates"}
PENDING_CODE_FOR = timedelta(minutes=5)
LAST_SEEN_EVERY = timedelta(minutes=1)
# A supervisor's written reason opens a bot-only conversation for this long.
REASON_LASTS = timedelta(minutes=30)
GAVE_REASON = "gave_reason"  # the audit action; its detail is the reason
SESSION_EXPIRED = Text("console", "Your session expired. Please log in again.")
ACCOUNT_UNUSABLE = Text(
    "console", "Your account cannot be used now. Please log in again."
)


_EPOCH = datetime(1970, 1, 1)


def _stamp(moment: datetime) -> float:
    """Seconds since the epoch of a naive UTC time (what ``utcnow`` gives)."""
    return (moment - _EPOCH).total_seconds()


def _moment(stamp: float) -> datetime:
    return _EPOCH + timedelta(seconds=stamp)


def start_pending(operator: Operator) -> None:
    """Password accepted: the code is asked next, for a few minutes."""
    session.clear()
    session["pending_id"] = operator.id
    session["pending_at"] = _stamp(utcnow())


def pending_operator() -> Operator | None:
    operator_id, since = session.get("pending_id"), session.get("pending_at")
    if operator_id is None or since is None:
        return None
    if utcnow() - _moment(since) > PENDING_CODE_FOR:
        session.clear()
        return None
    return db.session.get(Operator, operator_id)


def log_in(operator: Operator) -> None:
    session.clear()
    session.permanent = True
    now = _stamp(utcnow())
    session.update(operator_id=operator.id, login_at=now, seen_at=now)
    operator.last_seen_at = utcnow()
    db.session.commit()


def log_out() -> None:
    session.clear()


def _session_expired(now: datetime) -> bool:
    login_at, seen_at = session.get("login_at"), session.get("seen_at")
    if login_at is None or seen_at is None:
        return True
    idle = timedelta(minutes=current_app.config["CONSOLE_IDLE_MINUTES"])
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    return now - _moment(seen_at) > idle or now - _moment(login_at) > lifetime


def _refuse(message: Text | None) -> Response:
    if request.endpoint in PASSIVE_ENDPOINTS or request.path.startswith(
        "/console/api/"
    ):
        response = jsonify(error="login required")
        response.status_code = 401
        return response
    if message:
        flash(say(message), "error")
    return redirect(url_for("console.login"))


def require_login() -> Response | None:
    """The console blueprint's gate, run before every one of its views."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    operator_id = session.get("operator_id")
    if operator_id is None:
        return _refuse(None)
    now = utcnow()
    if _session_expired(now):
        session.clear()
        return _refuse(SESSION_EXPIRED)
    operator = db.session.get(Operator, operator_id)
    if operator is None or not operator.active:
        session.clear()
        return _refuse(ACCOUNT_UNUSABLE)
    if request.endpoint not in PASSIVE_ENDPOINTS:
        session["seen_at"] = _stamp(now)
    if operator.last_seen_at is None or now - operator.last_seen_at > LAST_SEEN_EVERY:
        operator.last_seen_at = now
        db.session.commit()
    g.operator = operator
    return None


def me() -> Operator:
    return g.operator


def require_supervisor() -> None:
    if not me().supervises:
        abort(403)


class Reading(enum.Enum):
    ALLOWED = "allowed"
    NEEDS_REASON = "needs_reason"  # a supervisor, before a written reason
    REFUSED = "refused"  # answered as if the conversation did not exist


class ReasonRequired(Forbidden):
    """A supervisor opened a conversation that never reached people: the
    console asks for a written reason first (``blueprint.ask_reason``)."""

    def __init__(self, conversation: Conversation) -> None:
        super().__init__()
        self.conversation = conversation


def holds(operator: Operator, conversation: Conversation) -> bool:
    """The operator has the conversation now (claimed or transferred to them,
    not closed or handed back since)."""
    return (
        conversation.state == State.WITH_OPERATOR
        and conversation.operator_id == operator.id
    )


def reached_people(conversation: Conversation) -> bool:
    """Handed off at least once: waiting, with a person, or closed or handed
    back after that. Every other conversation was the person and the bot only."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    ConversationEvent.conversation_id == conversation.id,
                    ConversationEvent.kind == handoff.HANDED_OFF,
                )
            )
        )
    )


def reason_given(operator: Operator, conversation: Conversation) -> bool:
    """The supervisor wrote why they read this conversation less than
    ``REASON_LASTS`` ago. The audit entry is the permission itself: no
    reading by reason leaves no trace."""
    return handoff.audited_within(operator, conversation, GAVE_REASON, REASON_LASTS)


def give_reason(operator: Operator, conversation: Conversation, reason: str) -> None:
    """In the supervisor's own words; kept in the audit log, which shows it."""
    handoff.audit(operator, GAVE_REASON, conversation.id, reason)
    db.session.commit()


def reading(operator: Operator, conversation: Conversation) -> Reading:
    """Who may read a transcript. An operator: what they hold, and what waits
    for someone like them (``routing.may_claim``); not what they closed,
    handed back or passed on, nor a colleague's. A supervisor: whatever
    reached people; the rest (the person and the bot only) with a reason."""
    if operator.supervises:
        if reached_people(conversation) or reason_given(operator, conversation):
            return Reading.ALLOWED
        return Reading.NEEDS_REASON
    if holds(operator, conversation) or (
        conversation.state == State.WAITING
        and routing.may_claim(operator, conversation)
    ):
        return Reading.ALLOWED
    return Reading.REFUSED


def can_manage(operator: Operator, conversation: Conversation) -> bool:
    """Transfer, note, close, hand back: whoever holds it, or a supervisor
    (of a conversation with people: nothing to hand back otherwise)."""
    return holds(operator, conversation) or (
        operator.supervises and reached_people(conversation)
    )


# The public_id column (models.new_public_id writes 22 characters).
PUBLIC_ID_LENGTH = 32


def find(public_id: str) -> Conversation:
    """The conversation the address names, by its public id (never the row's
    sequential id); 404 when there is none, and for what no public id could
    be (a NUL there was a 500: PostgreSQL refuses it in text)."""
    if not is_token(public_id, PUBLIC_ID_LENGTH):
        abort(404)
    conversation = db.session.scalar(
        select(Conversation).where(Conversation.public_id == public_id)
    )
    if conversation is None:
        abort(404)
    return conversation


def readable(public_id: str) -> Conversation:
    """The conversation if the signed-in operator may read it. Refused, it is
    a 404 like an address that names nothing, so a refusal tells nobody the
    conversation exists; a supervisor without a reason gets the reason form."""
    conversation = find(public_id)
    result = reading(me(), conversation)
    if result is Reading.REFUSED:
        abort(404)
    if result is Reading.NEEDS_REASON:
        raise ReasonRequired(conversation)
    return conversation
