"""Who the operators' line lets through to a caller on hold, and what a
failed attempt costs.

Three things must be right on one call, and the caller is told only
"not right" whichever was wrong (or whether the operator number exists):

- the call comes from one of the operator's own phones (caller ID, checked
  against the keyed hashes in ``operator_phones``);
- the 6-digit code of the operator's authenticator app, usable once;
- the operator's phone PIN (argon2); without one set, the line refuses them.

What was found wrong at the code step waits in ``operator_line_calls``
(keyed by the call's CallSid) for the PIN step, so no URL carries a verdict;
everything is decided, counted and audited at the PIN step.

Failures count apart from the web console's (``login_guard``), so a brute
force on one never locks the other:

- **per calling number** (its keyed hash, whatever operator number it
  keys): five failed calls in 15 minutes and that number is refused at once
  for 15 minutes;
- **per account**, only the failures of calls from one of the account's
  own phones: five in 15 minutes and the line refuses the account for 15
  minutes. A call from any other number can never get through, so it costs
  the account nothing: strangers cannot lock an operator out of the line
  with guesses from their own phones.

Every attempt is audited (``phone_logged_in``, ``phone_login_refused`` with
the reasons, the locks), with a short pseudonym of the calling number and
never its digits, nor the keys pressed.
"""

from __future__ import annotations

import enum
from datetime import timedelta

from flask import request
from sqlalchemy import delete

from hotline import handoff, lockout
from hotline.console import accounts, operator_phones
from hotline.extensions import db
from hotline.models import Operator, OperatorLineCall, utcnow
from hotline.privacy import pseudonym

CALLER = lockout.Rule("phone_number", max_failures=5)
ACCOUNT = lockout.Rule("phone_account", max_failures=5)
# From the code to the PIN: a few seconds of typing; a call older than this
# at the PIN step starts again.
PIN_WITHIN = timedelta(minutes=2)
MAX_PIN_DIGITS = max(accounts.PIN_LENGTHS)


class Problem(enum.StrEnum):
    """Why a call was refused, as the audit log says it."""

    CALLER_LOCKED = "caller_locked"
    UNKNOWN_OPERATOR = "unknown_operator"
    NUMBER_NOT_ALLOWED = "number_not_allowed"
    ACCOUNT_LOCKED = "account_locked"
    WRONG_CODE = "wrong_code"
    NO_CODE_STEP = "no_code_step"
    NO_PIN = "no_pin"
    WRONG_PIN = "wrong_pin"


def _caller() -> str:
    """The keyed hash of the calling number (``From`` of the signed request)."""
    return operator_phones.number_key(request.form.get("From", ""))


def _usable(operator: Operator | None) -> Operator | None:
    return operator if operator is not None and operator.active else None


def locked_caller_turned_away() -> bool:
    """True (and audited) when the calling number is locked: the call ends
    before any question."""
    caller = _caller()
    if lockout.locked_until(CALLER, caller) is None:
        return False
    _audit_refusal(None, caller, [Problem.CALLER_LOCKED])
    db.session.commit()
    return True


def code_step(call_sid: str, operator: Operator | None, code: str) -> None:
    """Check what the code step can (the number, the account, the code) and
    keep what was wrong for the PIN step. The code is only tried, and then
    used up, on a call that could otherwise succeed."""
    caller = _caller()
    problems: list[Problem] = []
    if lockout.locked_until(CALLER, caller) is not None:
        problems.append(Problem.CALLER_LOCKED)
    operator = _usable(operator)
    if operator is None:
        problems.append(Problem.UNKNOWN_OPERATOR)
    else:
        if not operator_phones.is_allowed(operator, caller):
            problems.append(Problem.NUMBER_NOT_ALLOWED)
        if lockout.locked_until(ACCOUNT, str(operator.id)) is not None:
            problems.append(Problem.ACCOUNT_LOCKED)
        if not problems and not accounts.check_code(operator, code):
            problems.append(Problem.WRONG_CODE)
    forget_stale()
    db.session.merge(
        OperatorLineCall(
            call_sid=call_sid,
            operator_id=operator.id if operator else None,
            problems=",".join(problems),
            created_at=utcnow(),
        )
    )
    db.session.commit()


def forget_stale() -> int:
    """Delete the calls whose PIN step can no longer come (uncommitted): each
    code step does, and the retention purge for a line nobody calls."""
    result = db.session.execute(
        delete(OperatorLineCall).where(
            OperatorLineCall.created_at < utcnow() - PIN_WITHIN
        )
    )
    return result.rowcount or 0


def _problems_at_code_step(call_sid: str, operator: Operator | None) -> list[Problem]:
    """What the code step of this call found (used once), or that this call
    had no code step lately."""
    pending = db.session.get(OperatorLineCall, call_sid)
    if pending is None:
        return [Problem.NO_CODE_STEP]
    db.session.delete(pending)
    fresh = pending.created_at >= utcnow() - PIN_WITHIN
    same = pending.operator_id == (operator.id if operator else None)
    if not (fresh and same):
        return [Problem.NO_CODE_STEP]
    return [Problem(reason) for reason in pending.problems.split(",") if reason]


def pin_step(call_sid: str, operator: Operator | None, pin: str) -> Operator | None:
    """The operator to put through, or None. Every attempt is counted and
    audited here."""
    operator = _usable(operator)
    problems = _problems_at_code_step(call_sid, operator)
    pin = pin.strip() if len(pin) <= MAX_PIN_DIGITS else ""
    if not accounts.check_phone_pin(operator, pin) and operator is not None:
        no_pin = operator.phone_pin_hash is None
        problems.append(Problem.NO_PIN if no_pin else Problem.WRONG_PIN)
    caller = _caller()
    if problems or operator is None:  # an unknown operator is one of them
        _refused(operator, caller, problems)
        return None
    lockout.clear(ACCOUNT, str(operator.id))
    operator.last_seen_at = utcnow()
    handoff.audit(operator, "phone_logged_in", detail=f"caller {pseudonym(caller)}")
    db.session.commit()
    return operator


def _audit_refusal(
    operator: Operator | None, caller: str, problems: list[Problem]
) -> None:
    reasons = ", ".join(problems)
    detail = f"caller {pseudonym(caller)}: {reasons}"
    handoff.audit(operator, "phone_login_refused", detail=detail)


def _refused(operator: Operator | None, caller: str, problems: list[Problem]) -> None:
    """Count the failure against the calling number, and against the
    account when the call came from one of its phones; audit it all."""
    _audit_refusal(operator, caller, problems)
    detail = f"caller {pseudonym(caller)}"
    if lockout.fail(CALLER, caller) is not None:
        handoff.audit(None, "phone_caller_locked", detail=detail)
    account_locked = (
        operator is not None
        and Problem.NUMBER_NOT_ALLOWED not in problems
        and lockout.fail(ACCOUNT, str(operator.id)) is not None
    )
    if account_locked:
        handoff.audit(operator, "phone_locked_out", detail=detail)
    db.session.commit()
