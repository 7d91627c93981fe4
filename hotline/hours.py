"""Opening hours of the team, per language and weekday, with holidays.

Read from ``OPENING_HOURS_FILE`` (``hotline/hours.yml`` by default). The bot
covers the night; these hours only decide whether a person of the team can
answer now, and when they are next back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml
from babel.dates import format_datetime
from flask import current_app

from bot.languages import CORE_LANGUAGES, DEFAULT_LANGUAGE, fallback_chain

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOOK_AHEAD_DAYS = 31


@dataclass(frozen=True)
class OpeningHours:
    zone: ZoneInfo
    weekly: dict[str, dict[str, list[tuple[time, time]]]]  # language -> day -> spans
    holidays: frozenset[date]

    def spans(self, language: str | None, day: date) -> list[tuple[time, time]]:
        if day in self.holidays:
            return []
        week = self.weekly.get(language or "", self.weekly.get("default", {}))
        return week.get(WEEKDAYS[day.weekday()], [])

    def is_open(self, language: str | None, at: datetime) -> bool:
        local = at.astimezone(self.zone)
        return any(
            start <= local.time() < end
            for start, end in self.spans(language, local.date())
        )

    def next_opening(self, language: str | None, at: datetime) -> datetime | None:
        """The next moment a person answers in this language (None: not this month)."""
        local = at.astimezone(self.zone)
        for offset in range(LOOK_AHEAD_DAYS + 1):
            day = local.date() + timedelta(days=offset)
            for start, _end in self.spans(language, day):
                opening = datetime.combine(day, start, tzinfo=self.zone)
                if opening > local:
                    return opening
        return None


def _clock(text: str) -> time:
    text = text.strip()
    return time.max if text == "24:00" else time.fromisoformat(text)


def _span(text: str) -> tuple[time, time]:
    """ "08:00-20:00"; "24:00" ends a span at midnight."""
    start, end = (_clock(part) for part in text.split("-"))
    if not start < end:
        raise ValueError(f"opening span {text!r} must end after it starts")
    return start, end


def parse(data: dict) -> OpeningHours:
    """The file's content, checked: a typo fails at start, not at 3 a.m."""
    weekly = {
        language: {day: [_span(s) for s in spans or []] for day, spans in days.items()}
        for language, days in (data.get("hours") or {}).items()
    }
    for language, days in weekly.items():
        unknown = set(days) - set(WEEKDAYS)
        if unknown:
            raise ValueError(f"hours.{language}: unknown days {sorted(unknown)}")
    holidays = frozenset(date.fromisoformat(str(d)) for d in data.get("holidays") or [])
    return OpeningHours(ZoneInfo(data["timezone"]), weekly, holidays)


@cache
def load(path: str) -> OpeningHours:
    return parse(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def opening_hours() -> OpeningHours:
    return load(current_app.config["OPENING_HOURS_FILE"])


def when_back(
    language: str, at: datetime, schedule: OpeningHours | None = None
) -> str | None:
    """The next opening, written for the person ("lunes 08:00")."""
    opening = (schedule or opening_hours()).next_opening(language, at)
    if opening is None:
        return None
    return format_datetime(opening, "EEEE HH:mm", locale=_babel_locale(language))


def _babel_locale(language: str) -> str:
    """Babel lacks day names in most extra languages (or the language): the
    nearest core language its speakers read (qu -> es, ht -> fr)."""
    return next(
        (code for code in fallback_chain(language) if code in CORE_LANGUAGES),
        DEFAULT_LANGUAGE,
    )
