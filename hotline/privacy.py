"""Keyed hashes: how the hotline recognises a person without keeping who they are.

A phone number or web session id is reduced to an HMAC with the deployment's
secret, namespaced by channel, so ``whatsapp:+1...`` and the same SMS number are
two conversations, and nobody holding the database alone can test a number.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app


def conversation_key(channel: str, address: str) -> str:
    secret = current_app.config["CONVERSATION_KEY_SECRET"].encode()
    message = f"{channel}\x1f{address}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def pseudonym(key: str) -> str:
    """A short, stable label for logs and people: never the number itself."""
    return key[:8]
