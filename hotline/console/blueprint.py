"""The console's blueprint, with its gate and the headers every page carries."""

from __future__ import annotations

import math

from flask import Blueprint, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from hotline import retention
from hotline.console import access, i18n
from hotline.console.forms import ReasonForm
from hotline.privacy import pseudonym
from hotline.texts import Text

bp = Blueprint("console", __name__, url_prefix="/console")


@bp.before_request
def forms_only() -> Response | None:
    """The console's forms are posted form-encoded, and nothing else. Flask-WTF
    would also fill a form from a JSON body (``request.get_json()`` into a
    ``MultiDict``), where a list, a number or a nested value, or nesting a few
    thousand deep, ends in a 500. No page of the console sends JSON: refuse
    it (after the CSRF check, before the login gate), in JSON."""
    if not request.is_json:
        return None
    response = jsonify(
        error="the console takes its forms form-encoded, not JSON", status=415
    )
    response.status_code = 415
    return response


bp.before_request(access.require_login)
bp.record_once(lambda state: i18n.init_app(state.app))


@bp.context_processor
def purge_alarm() -> dict[str, bool]:
    """Supervisors and administrators see, on every page, that forgetting
    has stopped (``hotline.retention``: overdue after 36 hours); operators
    cannot act on it."""
    operator = g.get("operator")
    overdue = bool(
        operator is not None and operator.supervises and retention.standing().overdue
    )
    return {"purge_overdue": overdue}


FORM_EXPIRED = Text("console", "The form expired")
FORM_EXPIRED_DETAIL = Text(
    "console",
    "This form was missing its security token or it had expired. Go back, "
    "reload the page and try again.",
)
TOO_MANY_ATTEMPTS = Text("console", "Too many attempts")
TOO_MANY_ATTEMPTS_DETAIL = Text(
    "console",
    "Too many login attempts came from your network. Wait %(minutes)s minutes, "
    "then try again.",
)
NOT_YOURS = Text("console", "Not yours to open")
NOT_YOURS_DETAIL = Text(
    "console", "This page belongs to another operator or to supervisors."
)
NOTHING_HERE = Text("console", "Nothing to open here")
NOTHING_HERE_DETAIL = Text(
    "console",
    "There is no conversation here that you may open: it may have been closed, "
    "handed on or deleted, or the address is wrong.",
)

# Only our own files: no inline script, no third party, no framing.
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)


@bp.after_request
def protect_the_page(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(CSRFError)
def form_expired(error: CSRFError) -> tuple[str | Response, int]:
    if request.is_json:  # no page of ours sent it: answered as it was asked
        return jsonify(error=error.description, status=400), 400
    return render_template(
        "console/error.html",
        title=i18n.say(FORM_EXPIRED),
        message=i18n.say(FORM_EXPIRED_DETAIL),
    ), 400


@bp.errorhandler(403)
def forbidden(_error: Exception) -> tuple[str, int]:
    return render_template(
        "console/error.html",
        title=i18n.say(NOT_YOURS),
        message=i18n.say(NOT_YOURS_DETAIL),
    ), 403


def _is_api() -> bool:
    return request.path.startswith("/console/api/")


@bp.errorhandler(404)
def not_found(_error: Exception) -> tuple[str | Response, int]:
    """Also what an operator gets for a conversation they may not read: the
    same answer whether it exists or not."""
    if _is_api():
        return jsonify(error="not found", status=404), 404
    return render_template(
        "console/error.html",
        title=i18n.say(NOTHING_HERE),
        message=i18n.say(NOTHING_HERE_DETAIL),
    ), 404


@bp.errorhandler(access.ReasonRequired)
def ask_reason(error: access.ReasonRequired) -> tuple[str | Response, int]:
    """A supervisor reads a conversation that never reached people only after
    writing why (``views.give_reason``); the polled JSON just refuses."""
    if _is_api():
        return jsonify(error="reason required", status=403), 403
    record = error.conversation
    return render_template(
        "console/reason.html",
        public_id=record.public_id,
        pseudonym=pseudonym(record.key),
        form=ReasonForm(),
        minutes=int(access.REASON_LASTS.total_seconds() // 60),
    ), 403


def too_many_attempts(retry_after: int) -> Response:
    """The login limit of ``hotline.limits`` refused this address for now."""
    page = render_template(
        "console/error.html",
        title=i18n.say(TOO_MANY_ATTEMPTS),
        message=i18n.say(TOO_MANY_ATTEMPTS_DETAIL, minutes=math.ceil(retry_after / 60)),
    )
    return Response(page, status=429, mimetype="text/html")
