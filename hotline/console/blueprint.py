"""The console's blueprint, with its gate and the headers every page carries."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from hotline.console import access, i18n
from hotline.texts import Text

bp = Blueprint("console", __name__, url_prefix="/console")
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
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.errorhandler(CSRFError)
def form_expired(error: CSRFError) -> tuple[str, int]:
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
