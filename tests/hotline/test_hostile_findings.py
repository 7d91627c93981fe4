"""What the hostile-input suite (``test_hostile_input``) found, one focused
attack each, so a finding stays fixed however the generated cases change."""

from __future__ import annotations

import pytest
from conftest import Twilio
from flask import Flask


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/healthz"),  # JSON outside the web chat API
        ("GET", "/readyz"),
        ("GET", "/metrics"),
        ("GET", "/no/such/page"),  # the app's own refusals, in plain text
        ("DELETE", "/"),
        ("GET", "/webchat/api/v2/messages"),  # JSON refusal outside the API
        ("POST", "/twilio/sms"),  # unsigned: 403
    ],
)
def test_no_answer_can_be_sniffed_into_something_else(
    app: Flask, method: str, path: str
) -> None:
    """A browser told ``nosniff`` renders an answer only as its declared
    type: JSON or a plain-text refusal never runs as HTML or script."""
    response = app.test_client().open(path, method=method)
    assert response.headers.get("X-Content-Type-Options") == "nosniff"


def test_twiml_says_nosniff(twilio: Twilio) -> None:
    response = twilio.sms("hola")
    assert response.mimetype == "application/xml"
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
