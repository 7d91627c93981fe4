"""Every language the line offers is complete: catalog, understanding, danger,
measurement and voice slots. A language added with ``make new-language`` fails
here, naming each missing piece, until its translation work is done."""

from __future__ import annotations

import pytest

from bot.language_check import missing_pieces
from bot.languages import SUPPORTED_LANGUAGES


@pytest.mark.parametrize("code", SUPPORTED_LANGUAGES)
def test_every_configured_language_is_complete(code: str) -> None:
    gaps = missing_pieces(code)
    assert not gaps, f"{code} is incomplete:\n  " + "\n  ".join(gaps)
