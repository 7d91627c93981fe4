"""The operators' line: ``POST /twilio/voice/operator``, set as the voice URL
of a separate Twilio number that only the team knows.

An operator calls it from one of their own phones, keys their operator
number and ``#``, the 6-digit code of their authenticator app (the console's
TOTP secret), then their phone PIN and ``#``; who gets through, and what a
failure costs, is ``operator_access``'s. The line then takes the caller on
hold the operator should answer first (``queue.next_call_for``) with
``<Dial><Queue>``; just before Twilio bridges the two it asks ``/bridged``
with the caller's CallSid, and that conversation is claimed for the operator.
Claiming there, not when the operator is let in, records the caller Twilio
really connected. Neither the code, the PIN nor the keys pressed are ever
logged.
"""

from __future__ import annotations

from babel import Locale
from flask import Response, request, url_for

from bot.languages import LANGUAGES
from hotline import handoff, lockout
from hotline.console import accounts
from hotline.extensions import db
from hotline.models import Operator, State
from hotline.texts import Text
from hotline.twilio_security import twilio_only
from hotline.twiml import twiml_response
from hotline.voice import operator_access, prompts, queue, twiml, voicing
from hotline.voice.blueprint import bp
from hotline.voice.params import bounded, call_sid

# The team's working language: the line does not know who calls before the id.
OPERATOR_LANGUAGE = "en"
MAX_OPERATOR_ID = 999_999_999


def _say(text: Text, **values: object) -> list[twiml.Utterance]:
    return voicing.prompt(text, OPERATOR_LANGUAGE, **values)


def _goodbye(text: Text, **values: object) -> Response:
    return twiml_response(twiml.goodbye(_say(text, **values)))


def _operator_in_query() -> Operator | None:
    """The operator named in our own (Twilio-signed) URL."""
    operator_id = bounded(request.args.get("operator"), 0, MAX_OPERATOR_ID)
    return db.session.get(Operator, operator_id) if operator_id else None


def _language_name(code: str | None) -> str:
    if not code:
        return "an unknown language"
    if code in LANGUAGES:  # Babel has no name for some of ours (Aymara)
        return LANGUAGES[code].name
    return Locale.parse(code).get_display_name(OPERATOR_LANGUAGE) or code


@bp.post("/operator")
@twilio_only
def operator_line() -> Response:
    call_sid()
    if operator_access.locked_caller_turned_away():
        minutes = lockout.LOCKOUT_MINUTES
        return _goodbye(prompts.OPERATOR_CALLER_LOCKED, minutes=minutes)
    action = url_for("voice.operator_id")
    return twiml_response(twiml.ask_digits(_say(prompts.OPERATOR_ASK_ID), action))


@bp.post("/operator/id")
@twilio_only
def operator_id() -> Response:
    """The code is asked for whatever id was keyed: the answer never tells
    which operator numbers exist."""
    call_sid()
    keyed = bounded(request.form.get("Digits"), 0, MAX_OPERATOR_ID)
    action = url_for("voice.operator_code", operator=keyed)
    said = _say(prompts.OPERATOR_ASK_CODE)
    digits = accounts.TOTP_DIGITS
    return twiml_response(twiml.ask_digits(said, action, num_digits=digits))


@bp.post("/operator/code")
@twilio_only
def operator_code() -> Response:
    """The PIN is asked whatever the code was: nothing is decided before it."""
    sid = call_sid()
    operator = _operator_in_query()
    operator_access.code_step(sid, operator, request.form.get("Digits", ""))
    keyed = bounded(request.args.get("operator"), 0, MAX_OPERATOR_ID)
    action = url_for("voice.operator_pin", operator=keyed)
    return twiml_response(twiml.ask_digits(_say(prompts.OPERATOR_ASK_PIN), action))


@bp.post("/operator/pin")
@twilio_only
def operator_pin() -> Response:
    sid = call_sid()
    keyed = _operator_in_query()
    operator = operator_access.pin_step(sid, keyed, request.form.get("Digits", ""))
    if operator is None:
        return _goodbye(prompts.OPERATOR_REFUSED)
    conversation = queue.next_call_for(operator)
    if conversation is None or conversation.language is None:
        return _goodbye(prompts.OPERATOR_NO_CALLS)
    said = _say(
        prompts.OPERATOR_CONNECTING,
        language_name=_language_name(conversation.language),
    )
    name = queue.queue_name(conversation.language, conversation.handoff_priority)
    url = url_for("voice.bridged", operator=operator.id)
    return twiml_response(twiml.pick_up(said, name, url))


@bp.post("/bridged")
@twilio_only
def bridged() -> Response:
    """``<Queue url>``: Twilio is about to connect the operator named in the
    URL with the caller of this CallSid. A waiting conversation becomes the
    operator's; in any case the trail says who answered the call."""
    caller = call_sid()
    operator = _operator_in_query()
    conversation = queue.call_conversation(caller)
    if operator is not None and conversation is not None:
        if conversation.state == State.WAITING:
            handoff.claim(conversation.id, operator)
        handoff.record(conversation, queue.ANSWERED, operator)
        db.session.commit()
    return twiml_response(twiml.nothing())
