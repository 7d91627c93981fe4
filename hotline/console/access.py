"""Who may see what in the console. Nothing under ``/console/`` answers without
both login steps; sessions end after 8 hours and after a spell of no activity.

The session (a signed, HttpOnly, SameSite=Strict cookie) holds only the operator
id and two timestamps; the account is re-read on every request, so a deactivated
account stops working at once. (Wrong codes lock an account against new
logins only: an operator already in is not put out by someone guessing.)
"""

from __future__ import annotations

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
from werkzeug.wrappers import Response

from hotline.console.i18n import say
from hotline.extensions import db
from hotline.models import Conversation, Operator, Role, State, utcnow
from hotline.texts import Text

# Endpoints a visitor reaches before (or while) logging in.
PUBLIC_ENDPOINTS = {"console.login", "console.code", "console.logout"}
# Polling keeps the page fresh but is not the operator doing something: it
# neither postpones the idle expiry nor is refused a quiet "seen" stamp.
PASSIVE_ENDPOINTS = {"console.updates"}
PENDING_CODE_FOR = timedelta(minutes=5)
LAST_SEEN_EVERY = timedelta(minutes=1)
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


def is_supervisor(operator: Operator) -> bool:
    return operator.role in (Role.SUPERVISOR, Role.ADMIN)


def require_supervisor() -> None:
    if not is_supervisor(me()):
        abort(403)


def can_view(operator: Operator, conversation: Conversation) -> bool:
    """Supervisors see everything; an operator sees the waiting queue and the
    conversations they handle (or handled)."""
    return (
        is_supervisor(operator)
        or conversation.state == State.WAITING
        or conversation.operator_id == operator.id
    )


def can_manage(operator: Operator, conversation: Conversation) -> bool:
    """Transfer, note, close, hand back: the owner, or a supervisor."""
    return conversation.operator_id == operator.id or is_supervisor(operator)


def conversation_for(conversation_id: int) -> Conversation:
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None:
        abort(404)
    if not can_view(me(), conversation):
        abort(403)
    return conversation
