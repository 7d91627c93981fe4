"""The one place a phone number is kept: encrypted, and only while a person of
the team may need to answer by SMS or WhatsApp (cleared on close or hand-back).

The key is ``CONTACT_ENCRYPTION_KEY`` (a Fernet key); unset, one is derived
from ``CONVERSATION_KEY_SECRET`` so a laptop needs no extra setting.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def _fernet() -> Fernet:
    key = current_app.config.get("CONTACT_ENCRYPTION_KEY")
    if not key:
        secret = current_app.config["CONVERSATION_KEY_SECRET"].encode()
        digest = hashlib.sha256(b"aliada-contact\x1f" + secret).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key)


def seal(address: str) -> bytes:
    return _fernet().encrypt(address.encode())


def unseal(sealed: bytes) -> str | None:
    """The number, decrypted only to send; None if the key has changed."""
    try:
        return _fernet().decrypt(sealed).decode()
    except InvalidToken:
        return None
