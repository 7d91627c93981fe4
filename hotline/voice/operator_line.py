"""The operators' line: ``POST /twilio/voice/operator``, set as the voice URL
of a separate Twilio number that only the team knows.

An operator calls it, keys their operator number and ``#``, then the 6-digit
code of their authenticator app (the console's TOTP secret, failures counted
towards the console's lockout). The line then takes the caller on hold the
operator should answer first (``queue.next_call_for``) with
``<Dial><Queue>``; just before Twilio bridges the two it asks ``/bridged``
with the caller's CallSid, and that conversation is claimed for the operator.
Claiming there, not when the operator is let in, records the caller Twilio
really connected. Neither the code nor the keys pressed are ever logged.
"""

from __future__ import annotations

from babel import Locale
from flask import Response, request, url_for

from hotline import handoff
from hotline.console import accounts
from hotline.extensions import db
from hotline.models import Operator, State, utcnow
from hotline.texts import Text
from hotline.twilio_security import twilio_only
from hotline.twiml import twiml_response
from hotline.voice import prompts, queue, twiml, voicing
from hotline.voice.blueprint import bp
from hotline.voice.params import bounded, call_sid

# The team's working language: the line does not know who calls before the id.
OPERATOR_LANGUAGE = "en"
MAX_OPERATOR_ID = 999_999_999
TOTP_DIGITS = 6


def _say(text: Text, **values: object) -> list[twiml.Utterance]:
    return voicing.prompt(text, OPERATOR_LANGUAGE, **values)


def _goodbye(text: Text) -> Response:
    return twiml_response(twiml.goodbye(_say(text)))


def _operator_in_query() -> Operator | None:
    """The operator named in our own (Twilio-signed) URL."""
    operator_id = bounded(request.args.get("operator"), 0, MAX_OPERATOR_ID)
    return db.session.get(Operator, operator_id) if operator_id else None


def _language_name(code: str | None) -> str:
    if not code:
        return "an unknown language"
    return Locale.parse(code).get_display_name(OPERATOR_LANGUAGE) or code


@bp.post("/operator")
@twilio_only
def operator_line() -> Response:
    call_sid()
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
    return twiml_response(twiml.ask_digits(said, action, num_digits=TOTP_DIGITS))


@bp.post("/operator/code")
@twilio_only
def operator_code() -> Response:
    call_sid()
    operator = _operator_in_query()
    if operator is None or not operator.active:
        return _goodbye(prompts.OPERATOR_REFUSED)
    if accounts.is_locked(operator):
        return _goodbye(prompts.OPERATOR_LOCKED)
    if not accounts.check_code(operator, request.form.get("Digits", "")):
        locked = accounts.is_locked(operator)
        handoff.audit(operator, "locked_out" if locked else "phone_code_refused")
        db.session.commit()
        return _goodbye(prompts.OPERATOR_LOCKED if locked else prompts.OPERATOR_REFUSED)
    operator.last_seen_at = utcnow()
    handoff.audit(operator, "phone_logged_in")
    db.session.commit()
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
