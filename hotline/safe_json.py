"""JSON from outside (a request body, Rasa's or Twilio's answer), read without
letting its shape crash the hotline.

Python's parser recurses once per ``[`` or ``{``: a body of 10,000 brackets
(20 KB, under the size limit) ends in ``RecursionError``, which no caller
expects (a 500 and a traceback). The depth is checked first by a linear scan
that skips strings, so the parser never goes deeper than ``MAX_DEPTH`` (our
bodies are one or two levels deep), whatever the interpreter's recursion limit
or the thread's stack size.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 32

# A string (to skip, escapes included; unterminated, it runs to the end) or a
# bracket. Brackets outside strings are exactly what the parser recurses on.
_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\]+|\\.)*"?|[\[\]{}]', re.DOTALL)


class TooDeep(ValueError):
    """Nested deeper than ``MAX_DEPTH``: refused before parsing."""


def deeper_than(text: str, limit: int) -> bool:
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        first = match.group()[0]
        if first in "[{":
            depth += 1
            if depth > limit:
                return True
        elif first in "]}":
            depth -= 1
    return False


def loads(document: str | bytes) -> Any:
    """``json.loads``, raising ``ValueError`` for anything it cannot read and
    ``TooDeep`` (a ``ValueError`` too) past ``MAX_DEPTH`` levels."""
    if isinstance(document, bytes | bytearray):
        # What json.loads does with bytes: UTF-8, -16 or -32 by the first bytes.
        document = document.decode(json.detect_encoding(document), "surrogatepass")
    if deeper_than(document, MAX_DEPTH):
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels")
    return json.loads(document)
