"""What the bot says, looked up the way its NLG renders it: the English source
from the domain, translated through the catalogs with the response name as
context. Tests compare hotline answers with these, never with literals."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from bot.catalogs import translate
from hotline.sms.segments import plain_punctuation

ROOT = Path(__file__).resolve().parents[2]


@cache
def _sources() -> dict[tuple[str, str | None], str]:
    """(response, channel) -> English source; channel None for the default."""
    return {
        (name, variation.get("channel")): variation["text"]
        for domain in sorted((ROOT / "bot" / "domain").glob("*.yml"))
        for name, variations in (
            yaml.safe_load(domain.read_text()).get("responses") or {}
        ).items()
        for variation in variations or []
        if "text" in variation
    }


def bot_says(response: str, language: str, sms: bool = True) -> str:
    """The response as it reaches the person by SMS (its SMS variation, if it
    has one, with plain punctuation), or on the web (``sms=False``)."""
    sources = _sources()
    source = sources.get((response, "sms")) if sms else None
    text = translate(response, source or sources[(response, None)], language)
    return plain_punctuation(text) if sms else text
