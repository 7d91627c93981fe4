"""Babel extractor for the console's templates (used by ``make translations``).

Jinja's own extraction, with every text put in the ``console`` context: the
templates' ``_()`` and ``{% trans %}`` look texts up there (``console.i18n``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from jinja2.ext import babel_extract

from hotline.console.i18n import CONTEXT

WITH_CONTEXT = {"_": "pgettext", "gettext": "pgettext", "ngettext": "npgettext"}


def extract_console_templates(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str, Any, list[str]]]:
    """Yield ``(line, "pgettext" | "npgettext", (context, text...), comments)``."""
    found = babel_extract(fileobj, tuple(WITH_CONTEXT), comment_tags, options)
    for lineno, funcname, message, comments in found:
        texts = message if isinstance(message, tuple) else (message,)
        yield lineno, WITH_CONTEXT[funcname], (CONTEXT, *texts), comments
