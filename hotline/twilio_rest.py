"""Twilio's REST API, the one call the hotline makes: send one message.

Plain ``requests`` rather than the ``twilio`` Client: the Client logs each
request it makes, and this one carries a person's number and an operator's
words. ``TWILIO_API_URL`` points it elsewhere (a stand-in server in tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from flask import current_app

from hotline import safe_json

API_VERSION = "2010-04-01"


class TwilioError(Exception):
    """Sending failed; ``detail`` is Twilio's error code or the exception's
    name, safe to keep and show (never the number or the text)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True)
class OutgoingSms:
    to: str
    sender: str
    body: str
    status_callback: str | None = None


def messages_url(account_sid: str) -> str:
    base = current_app.config["TWILIO_API_URL"].rstrip("/")
    return f"{base}/{API_VERSION}/Accounts/{account_sid}/Messages.json"


def send_message(outgoing: OutgoingSms) -> str:
    """Twilio's Message SID for the accepted message, or ``TwilioError``."""
    account_sid = current_app.config["TWILIO_ACCOUNT_SID"]
    form = {"To": outgoing.to, "From": outgoing.sender, "Body": outgoing.body}
    if outgoing.status_callback:
        form["StatusCallback"] = outgoing.status_callback
    try:
        response = requests.post(
            messages_url(account_sid),
            data=form,
            auth=(account_sid, current_app.config["TWILIO_AUTH_TOKEN"]),
            timeout=current_app.config["TWILIO_API_TIMEOUT_SECONDS"],
        )
    except requests.RequestException as error:
        raise TwilioError(type(error).__name__) from None
    answer = _json(response)
    if response.status_code >= 400:
        raise TwilioError(str(answer.get("code") or f"http_{response.status_code}"))
    sid = answer.get("sid")
    if not isinstance(sid, str) or not sid:
        raise TwilioError("no_sid")
    return sid


def _json(response: requests.Response) -> dict:
    try:
        value = safe_json.loads(response.content)
    except ValueError:  # not JSON, or nested too deep
        return {}
    return value if isinstance(value, dict) else {}
