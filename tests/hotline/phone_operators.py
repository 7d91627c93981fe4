"""Operators set up for the operators' phone line (a PIN, their own phones),
and their calls to it, made as Twilio makes them: signed requests, each
answer sent to the action of the ``<Gather>`` that asked for it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from xml.etree.ElementTree import Element

import pyotp
from conftest import DEFAULT_SENDER, Twilio, twiml
from flask import Flask
from sqlalchemy import select

from hotline.console import accounts, operator_phones
from hotline.extensions import db
from hotline.models import AuditEntry, Operator, utcnow
from hotline.texts import Text
from hotline.voice.speech import spoken

PASSWORD = "a long enough password"
PIN = "402718"
OWN_PHONE = DEFAULT_SENDER  # what Twilio.call sends as From
STRANGERS_PHONE = "+15005550009"


def new_sid() -> str:
    return f"CA{uuid.uuid4().hex}"


def phone_operator(
    app: Flask,
    languages: str = "es",
    pin: str | None = PIN,
    phones: Sequence[str] = (OWN_PHONE,),
    on_duty: bool = True,
) -> Operator:
    """A new operator (detached from any session), with a phone PIN and
    phones for the line unless told otherwise."""
    with app.app_context():
        made = accounts.create_operator(
            f"op{uuid.uuid4().hex[:8]}", PASSWORD, languages=languages
        ).operator
        if pin is not None:
            accounts.set_phone_pin(made, pin)
        for phone in phones:
            operator_phones.add(made, phone)
        if on_duty:
            made.last_seen_at = utcnow()
        db.session.commit()
        db.session.refresh(made)
        db.session.expunge(made)
        return made


def current_code(app: Flask, operator_id: int, later: int = 0) -> str:
    """The operator's code now, or ``later`` steps of 30 seconds ahead (the
    line accepts the next step too: a second call once this code is used)."""
    with app.app_context():
        secret = db.session.get(Operator, operator_id).totp_secret
    return pyotp.TOTP(secret).at(datetime.now(UTC), counter_offset=later)


def wrong(code: str) -> str:
    return str((int(code) + 500_000) % 1_000_000).zfill(6)


def say_texts(root: Element) -> list[str]:
    return [node.text or "" for node in root.iter("Say")]


def spoken_prompt(text: Text, language: str, **values: object) -> str:
    return spoken(text(language, **values))


def post(twilio: Twilio, path: str, sid: str, **params: str) -> Element:
    response = twilio.call(path, call_sid=sid, **params)
    assert response.status_code == 200, response.data[:200]
    return twiml(response)


def call_operator_line(
    twilio: Twilio,
    keyed_id: int | str,
    code: str,
    pin: str = PIN,
    caller: str = OWN_PHONE,
    sid: str | None = None,
) -> Element:
    """A whole call: each ``<Gather>`` gets the next answer (operator number,
    code, PIN) at its action; the TwiML of the last step is returned."""
    sid = sid or new_sid()
    answers = iter([str(keyed_id), code, pin])
    root = post(twilio, "/twilio/voice/operator", sid, From=caller)
    while (gather := root.find("Gather")) is not None:
        digits = next(answers)
        root = post(twilio, gather.attrib["action"], sid, From=caller, Digits=digits)
    return root


def audit_trail(app: Flask) -> list[tuple[int | None, str, str]]:
    """(operator id, action, detail) of every audit entry, oldest first."""
    with app.app_context():
        return [
            (entry.operator_id, entry.action, entry.detail or "")
            for entry in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]
