"""The console's blueprint, with its gate and the headers every page carries."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from hotline.console import access

bp = Blueprint("console", __name__, url_prefix="/console")
bp.before_request(access.require_login)

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
        title="The form expired",
        message="This form was missing its security token or it had expired. "
        "Go back, reload the page and try again.",
    ), 400


@bp.errorhandler(403)
def forbidden(_error: Exception) -> tuple[str, int]:
    return render_template(
        "console/error.html",
        title="Not yours to open",
        message="This page belongs to another operator or to supervisors.",
    ), 403
