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
def _sources() -> dict[str, str]:
    responses = yaml.safe_load((ROOT / "bot" / "domain" / "responses.yml").read_text())
    return {
        name: variations[0]["text"]
        for name, variations in responses["responses"].items()
        if variations and "text" in variations[0]
    }


def bot_says(response: str, language: str, sms: bool = True) -> str:
    text = translate(response, _sources()[response], language)
    return plain_punctuation(text) if sms else text
