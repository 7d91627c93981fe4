"""Keyed hashes: how the hotline recognises a person without keeping who they are.

A phone number or web session id is reduced to an HMAC with the deployment's
secret, namespaced by channel, so ``whatsapp:+1...`` and the same SMS number are
two conversations, and nobody holding the database alone can test a number.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app


def keyed_digest(namespace: str, message: bytes) -> bytes:
    """HMAC-SHA256 with the deployment's secret; the namespace keeps digests
    made for one purpose from ever matching those made for another."""
    secret = current_app.config["CONVERSATION_KEY_SECRET"].encode()
    return hmac.new(
        secret, namespace.encode() + b"\x1f" + message, hashlib.sha256
    ).digest()


def conversation_key(channel: str, address: str) -> str:
    return keyed_digest(channel, address.encode()).hex()


def pseudonym(key: str) -> str:
    """A short, stable label for logs and people: never the number itself."""
    return key[:8]
