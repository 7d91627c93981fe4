"""What a failed console login costs, and to whom.

Five wrong logins used to lock the account itself, so anyone who knew a
username could lock its operator out, and the whole team with a list of
names. Failures now count in three places (``hotline.lockout``), none of
which a stranger can turn against an operator at her own computer:

- **per client**: the browser's address as Flask sees it (``remote_addr``,
  behind ``PROXY_COUNT`` trusted proxies), kept as a keyed hash. Five failed
  steps (password or code, on any username) in 15 minutes and that client
  may not try again for 15 minutes. This is what stops one attacker.
- **per username**, from every client: ten failed steps in 15 minutes and
  the account is *under attack* for 15 minutes. While it is, only a client
  with no failure of its own in its last 15 minutes may try it, so each
  address an attacker has gets one guess, and the operator at her usual
  computer, which has not failed, logs in as usual. Unknown usernames are
  counted the same way (by a keyed hash of the name), so being refused here
  does not tell which names exist.
- **per account, wrong codes**: whoever reaches the code step knew the
  password. Five wrong codes in 15 minutes lock the account for everyone
  for 15 minutes (and the audit log says so): the password is out, or its
  owner needs help; either way a supervisor should look. A stranger without
  the password can never cause it.

The operators' phone line counts its failures apart (its own rules in
``hotline.voice.operator_line``): a brute force on one never locks the other.
"""

from __future__ import annotations

from datetime import datetime

from flask import request

from hotline import lockout
from hotline.console.i18n import say
from hotline.models import Operator
from hotline.privacy import conversation_key
from hotline.texts import Text

CLIENT = lockout.Rule("web_client", max_failures=5)
USERNAME = lockout.Rule("web_username", max_failures=10)
CODE = lockout.Rule("web_code", max_failures=5)
NAMESPACE_CLIENT = "console-client"
NAMESPACE_USERNAME = "console-username"

LOCKED = Text(
    "console",
    "This account is locked for %(minutes)s minutes after %(failures)s failed "
    "attempts. Try again after %(until)s UTC, or ask a supervisor.",
)
PAUSED = Text(
    "console",
    "Too many failed attempts from this device: logging in from here is paused "
    "until %(until)s UTC. A device that has not failed can log in now.",
)


def paused_message(until: datetime) -> str:
    return say(PAUSED, until=until.strftime("%H:%M"))


def locked_message(until: datetime) -> str:
    return say(
        LOCKED,
        minutes=lockout.LOCKOUT_MINUTES,
        failures=CODE.max_failures,
        until=until.strftime("%H:%M"),
    )


def _client() -> str:
    return conversation_key(NAMESPACE_CLIENT, request.remote_addr or "")


def _username(username: str) -> str:
    return conversation_key(NAMESPACE_USERNAME, username)


def paused_until(username: str) -> datetime | None:
    """Until when this client may not try ``username``: its own lock, or the
    account's attack while this client has failed lately. None: go ahead."""
    client = _client()
    own = lockout.locked_until(CLIENT, client)
    if own is not None:
        return own
    under_attack = lockout.locked_until(USERNAME, _username(username))
    if under_attack is not None and lockout.has_failed(CLIENT, client):
        return under_attack
    return None


def client_paused_until() -> datetime | None:
    """This client's own lock, whatever account it tries."""
    return lockout.locked_until(CLIENT, _client())


def account_locked_until(operator: Operator) -> datetime | None:
    """The lock wrong codes put on the account, for every client."""
    return lockout.locked_until(CODE, str(operator.id))


def password_failed(username: str) -> bool:
    """Count a wrong password (or unknown username) against this client and
    the username; True when this failure put the username under attack."""
    lockout.fail(CLIENT, _client())
    return lockout.fail(USERNAME, _username(username)) is not None


def code_failed(operator: Operator) -> datetime | None:
    """Count a wrong code; the end of the account's lock if this one set it."""
    lockout.fail(CLIENT, _client())
    lockout.fail(USERNAME, _username(operator.username))
    return lockout.fail(CODE, str(operator.id))


def logged_in(operator: Operator) -> None:
    """Both steps passed: the account's wrong codes were its owner's. The
    client's and the username's counts are left to expire, so that logging in
    to one's own account cannot wipe a record of guessing at others'."""
    lockout.clear(CODE, str(operator.id))
