"""What the line's rights answers rest on, and the country facts it may add.

``rights.yml`` records, for each general rights answer, the international
texts it rests on, and per country short facts with the page that backs each.
A fact is told to a person only when its source is an official page read
within the year and the rule it states still stands (others stay in the file,
for a maintainer to confirm).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from actions.directory.loader import FRESH_FOR

RIGHTS_PATH = Path(__file__).parent / "rights.yml"
# Sources good enough to tell a person a country's rule.
SHOWN_SOURCE_KINDS = frozenset({"official"})


@dataclass(frozen=True)
class CountryFact:
    country: str
    topic: str
    fact: str
    source: str
    checked: str
    source_kind: str
    superseded: bool = False

    def is_shown(self, today: dt.date | None = None) -> bool:
        today = today or dt.date.today()
        fresh = today - dt.date.fromisoformat(self.checked) <= FRESH_FOR
        official = self.source_kind in SHOWN_SOURCE_KINDS
        return fresh and official and not self.superseded


@cache
def rights_record(path: Path = RIGHTS_PATH) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def all_facts(path: Path = RIGHTS_PATH) -> list[CountryFact]:
    countries = rights_record(path).get("countries") or {}
    return [
        CountryFact(
            country=code,
            topic=item["topic"],
            fact=item["fact"],
            source=item.get("source") or "",
            checked=str(item.get("checked") or ""),
            source_kind=item.get("source_kind") or "",
            superseded=bool(item.get("superseded")),
        )
        for code, items in countries.items()
        for item in items
    ]


def country_facts(country: str | None, topic: str) -> list[CountryFact]:
    """The facts to tell about this topic in this country (maybe none)."""
    return [
        fact
        for fact in all_facts()
        if fact.country == country and fact.topic == topic and fact.is_shown()
    ]
