"""Web chat session ids: random, unguessable, and never stored in clear.

The id is the only thing tying a browser tab to its conversation, so anyone who
can guess it can read the bot's answers to that person. The service stores only
a keyed hash of it; here we hand out ids and refuse any that look guessable.
"""

from __future__ import annotations

import re
import secrets

SESSION_ID_BYTES = 32  # 43 URL-safe characters
_SESSION_ID = re.compile(r"[A-Za-z0-9_-]{32,128}")
SESSION_ID_PATTERN = f"^{_SESSION_ID.pattern}$"  # the same rule, for OpenAPI


def new_session_id() -> str:
    return secrets.token_urlsafe(SESSION_ID_BYTES)


def looks_random(session_id: str) -> bool:
    """Long enough and URL-safe, as ``new_session_id`` makes them ("1" is not)."""
    return _SESSION_ID.fullmatch(session_id) is not None
