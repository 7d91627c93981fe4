"""TwiML for messaging, built by pure functions and tested by parsing the XML."""

from __future__ import annotations

from flask import Response
from twilio.twiml.messaging_response import MessagingResponse


def messages(bodies: list[str], action: str | None = None) -> str:
    """``<Response>`` with one ``<Message>`` per body (none: Twilio sends
    nothing); Twilio reports each message's SID and status to ``action``."""
    response = MessagingResponse()
    for body in bodies:
        if action:
            response.message(body, action=action, method="POST")
        else:
            response.message(body)
    return str(response)


def twiml_response(xml: str) -> Response:
    return Response(xml, mimetype="application/xml")
