"""Row ids from outside (a URL, a query, a form), read as the database holds
them: every id column is an INTEGER, at most 2**31 - 1 on PostgreSQL. A
larger number names no row, so it is refused here as one; given to the
driver, it raised (an overflow on SQLite past 64 bits, out of range on
PostgreSQL) and the request ended in a 500."""

from __future__ import annotations

import re
from typing import Any

from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**31 - 1


def row_id(raw: Any) -> int:
    """``0`` to ``MAX_ID`` written in ASCII digits; ``ValueError`` for
    anything else (usable as ``type=`` for query arguments and as a form
    field's ``coerce``)."""
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        raise ValueError(f"not a row id: {text[:20]!r}")
    number = int(text)
    if number > MAX_ID:
        raise ValueError(f"not a row id: {text[:20]!r}")
    return number


class RowIdConverter(IntegerConverter):
    """``<int:...>`` in every route, bounded to ``MAX_ID``: past it, 404."""

    def __init__(self, url_map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


# What ``secrets.token_urlsafe`` writes: the opaque ids of conversations and
# review items in the console's addresses.
TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def is_token(raw: str, max_length: int) -> bool:
    """Whether an address part could be one of our random ids (within its
    column); anything else names no row. A NUL given to PostgreSQL, which
    refuses it in text, was a 500."""
    return 0 < len(raw) <= max_length and TOKEN.fullmatch(raw) is not None
