"""The phones each operator may call the operators' line from (caller ID).

Kept only as keyed hashes (``hotline.privacy``, in a namespace of their own),
like a caller's number: the database alone does not tell whose phones these
are, and a number can be checked, never listed.

An administrator adds and removes them (``flask add-operator-phone``), not
the operator from the console: the list is there for the day someone has an
operator's password, code and PIN, and whoever holds a console session
could otherwise add their own phone to it. Caller ID can be forged by
someone who knows the number, so it is one more hurdle, never the only one.
"""

from __future__ import annotations

import phonenumbers
from sqlalchemy import delete, func, select

from hotline.extensions import db
from hotline.models import Operator, OperatorPhone
from hotline.privacy import conversation_key

NAMESPACE = "operator-line-number"


class NotANumber(ValueError):
    """What was given cannot be a phone number (E.164, with its +)."""


def e164(number: str) -> str:
    """The number as Twilio sends it in ``From`` (+ and digits)."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException as error:
        raise NotANumber(str(error)) from error
    if not phonenumbers.is_possible_number(parsed):
        raise NotANumber("not a possible phone number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def number_key(caller: str) -> str:
    """The keyed hash of a calling number. Anything that is not a number
    (``anonymous``, a SIP address) is hashed as it came, so it has a key to
    count failures by, and matches no operator's phone."""
    try:
        caller = e164(caller)
    except NotANumber:
        caller = caller.strip()
    return conversation_key(NAMESPACE, caller)


def add(operator: Operator, number: str) -> None:
    """Allow ``number`` (raises ``NotANumber``); adding one twice keeps one."""
    key = number_key(e164(number))
    if not is_allowed(operator, key):
        db.session.add(OperatorPhone(operator_id=operator.id, number_key=key))
        db.session.commit()


def remove(operator: Operator, number: str) -> bool:
    """Take ``number`` off the operator's list; False if it was not on it."""
    result = db.session.execute(
        delete(OperatorPhone).where(
            OperatorPhone.operator_id == operator.id,
            OperatorPhone.number_key == number_key(e164(number)),
        )
    )
    db.session.commit()
    return bool(result.rowcount)


def is_allowed(operator: Operator, key: str) -> bool:
    """The number of this key is one of the operator's phones."""
    found = db.session.scalar(
        select(OperatorPhone.id).where(
            OperatorPhone.operator_id == operator.id, OperatorPhone.number_key == key
        )
    )
    return found is not None


def count(operator: Operator) -> int:
    return (
        db.session.scalar(
            select(func.count()).where(OperatorPhone.operator_id == operator.id)
        )
        or 0
    )
