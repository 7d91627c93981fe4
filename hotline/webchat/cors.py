"""Cross-origin rules for the web chat API: only the sites that embed the widget.

The widget runs on NGO and government pages (``WEBCHAT_ALLOWED_ORIGINS``) and on
the hotline's own demo page (same host as the request, always allowed). Any other
page gets 403 and nothing else: its browser may read that refusal (so a widget
pasted on the wrong site can say so and give the hotline number instead of
retrying forever), and no other answer. No cookies or credentials are ever
allowed: the session id travels in the body.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import Forbidden

PREFLIGHT_MAX_AGE_SECONDS = 600
# POST for everything, DELETE for the person deleting their conversation.
ALLOWED_METHODS = "POST, DELETE"


def _normalised(origin: str) -> str:
    return origin.strip().rstrip("/").lower()


def is_allowed(origin: str) -> bool:
    """The hotline's own host, or a configured origin (scheme, host and port).
    An Origin that is no URL (``http://[::1``: ``urlsplit`` raises) is no
    page of ours."""
    try:
        host = urlsplit(origin).netloc.lower()
    except ValueError:
        return False
    if host == request.host.lower():
        return True
    configured = current_app.config.get("WEBCHAT_ALLOWED_ORIGINS") or []
    return _normalised(origin) in {_normalised(o) for o in configured}


def refuse_other_origins() -> Response | None:
    """Before the route: 403 for a foreign origin; answer a preflight at once.

    A request without ``Origin`` comes from no browser page (curl, a server), so
    CORS does not apply to it.
    """
    origin = request.headers.get("Origin")
    if origin is None:
        return None
    if not is_allowed(origin):
        g.refused_origin = True
        raise Forbidden("this origin may not use the web chat API")
    if request.method == "OPTIONS":
        response = current_app.response_class(status=204)
        del response.headers["Content-Type"]
        response.headers["Access-Control-Allow-Methods"] = ALLOWED_METHODS
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)
        return response
    return None


def add_cors_headers(response: Response) -> Response:
    """Echo an allowed origin, or a refused one on its 403; every answer
    varies by ``Origin``."""
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    if origin is not None and (g.get("refused_origin") or is_allowed(origin)):
        response.headers["Access-Control-Allow-Origin"] = origin
        # A page may read how long the line asks it to wait (a 429).
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    return response


def init_cors(blueprint: Blueprint) -> None:
    blueprint.before_request(refuse_other_origins)
    blueprint.after_request(add_cors_headers)
