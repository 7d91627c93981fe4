"""Operator accounts: argon2 password hashes, a TOTP second factor for everyone,
and a lockout after repeated failures (of either step) that says until when."""

from __future__ import annotations

import contextlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from hotline.extensions import db
from hotline.models import Operator, Role, utcnow

MIN_PASSWORD_LENGTH = 12
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
ISSUER = "Aliada hotline"

_hasher = PasswordHasher()
# Verified against when the username is unknown, so a wrong name costs the
# same time as a wrong password and does not reveal which accounts exist.
_DUMMY_HASH = _hasher.hash("no such operator, no such password")


class AccountError(ValueError):
    """A new account cannot be made as asked (the message says why)."""


@dataclass(frozen=True)
class NewAccount:
    operator: Operator
    totp_uri: str


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(
            f"the password must have at least {MIN_PASSWORD_LENGTH} characters"
        )


def totp_uri(operator: Operator) -> str:
    return pyotp.TOTP(operator.totp_secret).provisioning_uri(
        name=operator.username, issuer_name=ISSUER
    )


def create_operator(
    username: str,
    password: str,
    role: str = Role.OPERATOR,
    languages: str = "",
    display_name: str | None = None,
) -> NewAccount:
    """A new account with its own TOTP secret (shown once, for the app)."""
    username = username.strip()
    if not username:
        raise AccountError("the username is empty")
    if role not in set(Role):
        raise AccountError(f"unknown role {role!r}")
    check_new_password(password)
    if find(username) is not None:
        raise AccountError(f"an account named {username!r} exists already")
    codes = ",".join(
        code.strip().lower() for code in languages.split(",") if code.strip()
    )
    operator = Operator(
        username=username,
        display_name=display_name or username,
        password_hash=hash_password(password),
        totp_secret=pyotp.random_base32(),
        role=role,
        languages=codes,
    )
    db.session.add(operator)
    db.session.commit()
    return NewAccount(operator, totp_uri(operator))


def find(username: str) -> Operator | None:
    return db.session.scalar(select(Operator).where(Operator.username == username))


def is_locked(operator: Operator, now: datetime | None = None) -> bool:
    return operator.locked_until is not None and operator.locked_until > (
        now or utcnow()
    )


def _failed(operator: Operator) -> None:
    operator.failed_logins += 1
    if operator.failed_logins >= MAX_FAILURES:
        operator.locked_until = utcnow() + LOCKOUT
        operator.failed_logins = 0
    db.session.commit()


def _succeeded(operator: Operator) -> None:
    operator.failed_logins = 0
    operator.locked_until = None
    db.session.commit()


def check_password(operator: Operator | None, password: str) -> bool:
    """True when the password is right; a wrong one counts towards the lockout.
    Callers check ``is_locked`` first: a locked account is not even tried."""
    if operator is None or not operator.active:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password)
        return False
    try:
        _hasher.verify(operator.password_hash, password)
    except (VerificationError, InvalidHashError):
        _failed(operator)
        return False
    if _hasher.check_needs_rehash(operator.password_hash):
        operator.password_hash = hash_password(password)
        db.session.commit()
    return True


def _matching_step(secret: str, code: str) -> int | None:
    """The time step whose code this is (one step of clock drift allowed)."""
    totp = pyotp.TOTP(secret)
    now = totp.timecode(datetime.now(UTC))
    for step in (now - 1, now, now + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def check_code(operator: Operator, code: str) -> bool:
    """The authenticator's 6-digit code, accepted once: a code seen on a
    shoulder or in a screenshot cannot open a second session."""
    code = code.strip().replace(" ", "")
    step = _matching_step(operator.totp_secret, code) if len(code) == 6 else None
    if step is not None and step > (operator.last_totp_step or -1):
        operator.last_totp_step = step
        _succeeded(operator)
        return True
    _failed(operator)
    return False
