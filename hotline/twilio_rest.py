"""Twilio's REST API, the calls the hotline makes: send one message; and, to
forget, delete a message log, a call log or a recording, and list a call's
recordings and the calls it started.

Plain ``requests`` rather than the ``twilio`` Client: the Client logs each
request it makes, and these carry a person's number, an operator's words or
the SID of someone's message. ``TWILIO_API_URL`` points it elsewhere (a
stand-in server in tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import requests
from flask import current_app

from hotline import safe_json

API_VERSION = "2010-04-01"


# The REST resources that hold a copy of someone's conversation, by kind.
RESOURCES = {"message": "Messages", "call": "Calls", "recording": "Recordings"}


class TwilioError(Exception):
    """A call failed; ``detail`` is Twilio's error code or the exception's
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


def _base() -> str:
    return current_app.config["TWILIO_API_URL"].rstrip("/")


def messages_url(account_sid: str) -> str:
    return f"{_base()}/{API_VERSION}/Accounts/{account_sid}/Messages.json"


def is_configured() -> bool:
    config = current_app.config
    return bool(config["TWILIO_ACCOUNT_SID"] and config["TWILIO_AUTH_TOKEN"])


def _request(method: str, url: str, **kwargs: object) -> requests.Response:
    """One authenticated request; a network failure is a ``TwilioError``
    named by the exception's class (its text may hold the URL, and so a SID)."""
    account_sid = current_app.config["TWILIO_ACCOUNT_SID"]
    try:
        return requests.request(
            method,
            url,
            auth=(account_sid, current_app.config["TWILIO_AUTH_TOKEN"]),
            timeout=current_app.config["TWILIO_API_TIMEOUT_SECONDS"],
            **kwargs,  # type: ignore[arg-type]
        )
    except requests.RequestException as error:
        raise TwilioError(type(error).__name__) from None


def delete(kind: str, sid: str) -> None:
    """Delete one resource (``kind`` from ``RESOURCES``) at Twilio. Gone
    already (404) counts as deleted; any other failure is a ``TwilioError``."""
    account_sid = current_app.config["TWILIO_ACCOUNT_SID"]
    url = f"{_base()}/{API_VERSION}/Accounts/{account_sid}/{RESOURCES[kind]}/{sid}.json"
    response = _request("DELETE", url)
    if response.status_code in (200, 204, 404):
        return
    raise _refusal(response, _json(response))


def recordings_of_call(call_sid: str) -> list[str]:
    """The SIDs of every recording Twilio keeps of one call."""
    return _listed("recording", CallSid=call_sid)


def child_calls(call_sid: str) -> list[str]:
    """The SIDs of the calls one call started (a ``<Dial>`` to the on-call
    number), whose logs name the caller too."""
    return _listed("call", ParentCallSid=call_sid)


def _listed(kind: str, **filters: str) -> list[str]:
    """The SIDs of a list resource filtered as Twilio's list filters allow,
    page by page."""
    resource = RESOURCES[kind]
    account_sid = current_app.config["TWILIO_ACCOUNT_SID"]
    url: str | None = f"{_base()}/{API_VERSION}/Accounts/{account_sid}/{resource}.json"
    params: dict[str, str] | None = {**filters, "PageSize": "1000"}
    sids: list[str] = []
    while url:
        response = _request("GET", url, params=params)
        answer = _json(response)
        if response.status_code >= 400:
            raise _refusal(response, answer)
        items = answer.get(resource.lower())
        if not isinstance(items, list):
            raise TwilioError("no_list")
        sids += [
            item["sid"]
            for item in items
            if isinstance(item, dict) and isinstance(item.get("sid"), str)
        ]
        following = answer.get("next_page_uri")
        # The next page's URI carries the filters and Twilio's page token.
        url = f"{_base()}{following}" if isinstance(following, str) else None
        params = None
    return sids


def send_message(outgoing: OutgoingSms) -> str:
    """Twilio's Message SID for the accepted message, or ``TwilioError``."""
    form = {"To": outgoing.to, "From": outgoing.sender, "Body": outgoing.body}
    if outgoing.status_callback:
        form["StatusCallback"] = outgoing.status_callback
    account_sid = current_app.config["TWILIO_ACCOUNT_SID"]
    response = _request("POST", messages_url(account_sid), data=form)
    answer = _json(response)
    if response.status_code >= 400:
        raise _refusal(response, answer)
    sid = answer.get("sid")
    if not isinstance(sid, str) or not sid:
        raise TwilioError("no_sid")
    return sid


def _refusal(response: requests.Response, answer: dict) -> TwilioError:
    """Twilio's error code, or the HTTP status when it gave none."""
    return TwilioError(str(answer.get("code") or f"http_{response.status_code}"))


def _json(response: requests.Response) -> dict:
    try:
        value = safe_json.loads(response.content)
    except ValueError:  # not JSON, or nested too deep
        return {}
    return value if isinstance(value, dict) else {}
