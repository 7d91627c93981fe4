"""What the operators' line says when ``hotline.limits`` refuses a calling
number: a spoken goodbye, answered 200 so Twilio says it (a 429 would make
Twilio play its own error message)."""

from __future__ import annotations

from flask import Response

from hotline.twiml import twiml_response
from hotline.voice import prompts, twiml, voicing
from hotline.voice.operator_line import OPERATOR_LANGUAGE


def too_many_calls(_retry_after: int) -> Response:
    said = voicing.prompt(prompts.OPERATOR_TOO_MANY_CALLS, OPERATOR_LANGUAGE)
    return twiml_response(twiml.goodbye(said))
