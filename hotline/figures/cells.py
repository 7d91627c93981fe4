"""One cell of the line's figures before any suppression: what the store gives
(``hotline.figures.store``) and publication reads (``hotline.figures.publish``).

A cell never holds anything about one person: counts, and waits as a histogram
of buckets (an exact wait next to a week and a language could single someone
out; a bucket count cannot).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

# Where the person is, their language or their topic, when nobody knows.
UNKNOWN = "unknown"

# Upper bounds of the wait buckets, in seconds; a wait beyond the last one
# counts in ``LONGER`` (a percentile that falls there is "over a day").
WAIT_BUCKETS: tuple[int, ...] = (
    15, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600, 900, 1200, 1800, 2700,
    3600, 5400, 7200, 10800, 14400, 21600, 43200, 86400,
)  # fmt: skip
LONGER = -1

DIMENSIONS: tuple[str, ...] = ("week", "channel", "language", "topic", "country")
COUNTS: tuple[str, ...] = (
    "conversations",
    "messages",
    "danger",
    "handoffs",
    "after_hours",
    "not_understood",
    "deletions",
)


def monday(day: date) -> date:
    """The week a day belongs to, named by its Monday (ISO weeks, UTC)."""
    return day - timedelta(days=day.weekday())


def wait_bucket(seconds: float) -> int:
    """The bucket a wait counts in: the first upper bound it does not pass."""
    for bound in WAIT_BUCKETS:
        if seconds <= bound:
            return bound
    return LONGER


@dataclass(frozen=True)
class RawCell:
    """Counts for one week (its Monday, UTC) x channel x language x topic x
    country, and the histogram of waits for a person (bucket -> waits)."""

    week: date
    channel: str
    language: str = UNKNOWN
    topic: str = UNKNOWN
    country: str = UNKNOWN
    conversations: int = 0
    messages: int = 0
    danger: int = 0
    handoffs: int = 0
    after_hours: int = 0
    not_understood: int = 0
    deletions: int = 0
    waits: Mapping[int, int] = field(default_factory=dict)

    def key(self, by: tuple[str, ...] = DIMENSIONS) -> tuple[str, ...]:
        return tuple(
            self.week.isoformat() if name == "week" else getattr(self, name)
            for name in by
        )
