"""What Twilio sends on a call, checked before anything uses it."""

from __future__ import annotations

import re

from flask import abort, request

from hotline import metrics

CALL_SID = re.compile(r"CA[0-9a-fA-F]{32}")


def call_sid() -> str:
    """The request's CallSid; 400 for anything that is not one."""
    sid = request.form.get("CallSid", "").strip()
    if not CALL_SID.fullmatch(sid):
        metrics.REJECTED.labels(request.path, "missing_parameters").inc()
        abort(400)
    return sid


def bounded(raw: str | None, default: int, highest: int) -> int:
    """A non-negative number sent as digits; the default for anything odd."""
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit():
        return default
    if len(raw) > len(str(highest)):  # also keeps int() off huge digit strings
        return highest
    return min(int(raw), highest)
