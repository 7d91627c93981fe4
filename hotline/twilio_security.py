"""Only Twilio may call ``/twilio/...``: every request's signature is checked.

Twilio signs the full URL it was configured with plus the POST parameters with
the account's auth token. Behind a proxy, ``PROXY_COUNT`` makes Flask see that
public URL (``ProxyFix``). With no token configured the routes refuse to work:
trusting anyone would let a stranger read or write any conversation.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from flask import Response, abort, current_app, request
from twilio.request_validator import RequestValidator

from hotline import metrics

log = logging.getLogger(__name__)


def signature_is_valid() -> bool:
    token = current_app.config["TWILIO_AUTH_TOKEN"]
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature:
        return False
    validator = RequestValidator(token)
    params = request.form if request.method == "POST" else {}
    return validator.validate(request.url, params, signature)


def twilio_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """403 for anything Twilio did not sign; 503 when no auth token is set."""

    @functools.wraps(view)
    def checked(*args: Any, **kwargs: Any) -> Response:
        if not current_app.config["TWILIO_AUTH_TOKEN"]:
            log.error("refusing %s: TWILIO_AUTH_TOKEN is not configured", request.path)
            metrics.REJECTED.labels(request.path, "no_token").inc()
            abort(503)
        if not signature_is_valid():
            # The sender's number is never logged, signed or not.
            log.warning("refusing %s: bad or missing Twilio signature", request.path)
            metrics.REJECTED.labels(request.path, "bad_signature").inc()
            abort(403)
        return view(*args, **kwargs)

    return checked
