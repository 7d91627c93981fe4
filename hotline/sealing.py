"""Encryption at rest for the little the hotline must read back: the number of
a person during a hand-off (kept only while a person of the team may answer by
SMS or WhatsApp) and each operator's TOTP secret.

The keys are ``CONTACT_ENCRYPTION_KEYS``, Fernet keys newest first: a value is
written with the first and read with any (cryptography's ``MultiFernet``), so a
new key can be put in front while the old one still reads what it wrote; the
``reencrypt`` command then rewrites everything with the newest, and the old key
can go. In development, with no key set, one is derived from
``CONVERSATION_KEY_SECRET`` so a laptop needs no extra setting.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app


class Unreadable(RuntimeError):
    """A sealed value none of the configured keys opens (a key was removed
    before ``reencrypt`` ran, or the keys are not this deployment's)."""


def _keys() -> list[Fernet]:
    keys = current_app.config.get("CONTACT_ENCRYPTION_KEYS") or [
        _development_key(current_app.config["CONVERSATION_KEY_SECRET"])
    ]
    return [Fernet(key) for key in keys]


def _development_key(secret: str) -> str:
    digest = hashlib.sha256(b"aliada-contact\x1f" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def seal(text: str) -> bytes:
    """``text`` encrypted with the newest key."""
    return MultiFernet(_keys()).encrypt(text.encode())


def unseal(sealed: bytes) -> str:
    """The clear text, read with whichever configured key wrote it."""
    try:
        return MultiFernet(_keys()).decrypt(sealed).decode()
    except InvalidToken:
        raise Unreadable("no key in CONTACT_ENCRYPTION_KEYS opens this value") from None


def is_current(sealed: bytes) -> bool:
    """Written with the newest key already (nothing for ``reencrypt`` to do)."""
    try:
        _keys()[0].decrypt(sealed)
    except InvalidToken:
        return False
    return True


def reseal(sealed: bytes) -> bytes:
    """The same value encrypted with the newest key (read with any)."""
    try:
        return MultiFernet(_keys()).rotate(sealed)
    except InvalidToken:
        raise Unreadable("no key in CONTACT_ENCRYPTION_KEYS opens this value") from None
