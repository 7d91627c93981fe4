"""The console's blueprint, with its gate and the headers every page carries."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from hotline.console import access, i18n
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

FORM_EXPIRED = Text("console", "The form expired")
FORM_EXPIRED_DETAIL = Text(
    "console",
    "This form was missing its security token or it had expired. Go back, "
    "reload the page and try again.",
)
NOT_YOURS = Text("console", "Not yours to open")
NOT_YOURS_DETAIL = Text(
    "console", "This page belongs to another operator or to supervisors."
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
