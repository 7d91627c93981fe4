"""Operator accounts: argon2 password hashes, a TOTP second factor for everyone,
and the PIN the operators' phone line asks for. Only verification lives
here; what a failure costs is ``login_guard``'s (web) and the phone line's."""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import pairwise

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import or_, select, update

from hotline.extensions import db
from hotline.models import Operator, Role
from hotline.texts import Text

MIN_PASSWORD_LENGTH = 12
TOTP_DIGITS = 6
PIN_LENGTHS = range(6, 11)
ISSUER = "Aliada hotline"

PIN_SHAPE = Text("console", "A phone PIN is 6 to 10 digits, nothing else.")
PIN_TOO_EASY = Text(
    "console",
    "That PIN is too easy to guess (a repeated digit or block, or a run like "
    "123456). Choose another.",
)

_hasher = PasswordHasher()
# Verified against when the username is unknown (or no PIN is set), so a wrong
# name costs the same time as a wrong password and reveals nothing.
_DUMMY_HASH = _hasher.hash("no such operator, no such password")


class AccountError(ValueError):
    """A new account cannot be made as asked (the message says why)."""


class PinRefused(AccountError):
    """A phone PIN that may not be used; ``problem`` says why, in any language."""

    def __init__(self, problem: Text) -> None:
        super().__init__(problem("en"))
        self.problem = problem


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


def _verify(hashed: str | None, secret: str) -> bool:
    """argon2's verdict; without a hash, the same work against a dummy one,
    so a missing account or PIN takes as long as a wrong secret."""
    try:
        return _hasher.verify(hashed or _DUMMY_HASH, secret) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def check_password(operator: Operator | None, password: str) -> bool:
    """True when the password is right. Counting failures is the caller's
    (``login_guard``): this only verifies."""
    if operator is None or not operator.active:
        _verify(None, password)
        return False
    if not _verify(operator.password_hash, password):
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
    shoulder or in a screenshot cannot open a second session, and of two
    requests racing with one code exactly one wins. The database decides,
    in one conditional UPDATE, never by reading the last step first."""
    code = code.strip().replace(" ", "")
    if len(code) != TOTP_DIGITS or not code.isdigit():
        return False
    step = _matching_step(operator.totp_secret, code)
    if step is None:
        return False
    result = db.session.execute(
        update(Operator)
        .where(
            Operator.id == operator.id,
            or_(Operator.last_totp_step.is_(None), Operator.last_totp_step < step),
        )
        .values(last_totp_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def pin_problem(pin: str) -> Text | None:
    """Why this PIN may not be an operator's phone PIN, or None. A PIN is
    6 to 10 digits and not one a stranger tries first: no digit repeated
    throughout, no run up or down the keypad (123456, 98765432), no block
    repeated (121212, 123123), at least three different digits."""
    if not (pin.isascii() and pin.isdigit() and len(pin) in PIN_LENGTHS):
        return PIN_SHAPE
    steps = {(int(b) - int(a)) % 10 for a, b in pairwise(pin)}
    repeated = any(
        pin == pin[:size] * (len(pin) // size)
        for size in range(1, len(pin) // 2 + 1)
        if len(pin) % size == 0
    )
    if len(set(pin)) < 3 or steps in ({1}, {9}) or repeated:
        return PIN_TOO_EASY
    return None


def set_phone_pin(operator: Operator, pin: str) -> None:
    """Hash and keep a new phone PIN (committed); an unfit one is refused."""
    problem = pin_problem(pin)
    if problem is not None:
        raise PinRefused(problem)
    operator.phone_pin_hash = _hasher.hash(pin)
    db.session.commit()


def check_phone_pin(operator: Operator | None, pin: str) -> bool:
    """The PIN the operator set; False without one (the phone line then
    refuses them), after the same work as a wrong PIN."""
    return _verify(operator.phone_pin_hash if operator else None, pin)
