"""What the supervisors' dashboard (``/console/figures``) shows: each chart's
weeks and series, and the same numbers for its table, built only from the
published views (``hotline.figures.publish``). A value withheld there is None
here, and a page can show nothing else of it.

A week, channel, language or topic missing from a view had no conversation:
its counts are 0 (zero is about nobody, and publication shows it too).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.languages import LANGUAGES
from hotline.figures.cells import UNKNOWN, monday
from hotline.figures.publish import OVER_A_DAY, Row, Table, published, published_views
from hotline.models import Channel
from hotline.texts import Text

# The complete weeks shown before this one when no period is asked for.
WEEKS_BEFORE = 12
LONGEST_PERIOD = timedelta(days=366)

NOT_KNOWN = Text("console", "not known")
CHANNEL_LABELS = {
    str(Channel.SMS): Text("console", "SMS"),
    str(Channel.WHATSAPP): Text("console", "WhatsApp"),
    str(Channel.VOICE): Text("console", "voice calls"),
    str(Channel.WEBCHAT): Text("console", "web chat"),
}
# The bot's topics (slot ``topic`` in bot/domain/core.yml).
TOPIC_LABELS = {
    "shelter": Text("console", "shelter"),
    "hotline": Text("console", "hotline numbers"),
    "consulate": Text("console", "consulate"),
    "legal_aid": Text("console", "legal aid"),
    "health": Text("console", "health"),
    "immigration": Text("console", "papers and migration"),
    "work_rights": Text("console", "rights at work"),
    "report_case": Text("console", "reporting a case"),
    "return_home": Text("console", "going home"),
    "emergency": Text("console", "emergency"),
    "situation": Text("console", "telling their situation"),
}

CONTACTS_BY_CHANNEL = Text("console", "Contacts by channel")
CONTACTS_BY_LANGUAGE = Text("console", "Contacts by language")
DANGER_AND_HANDOFFS = Text("console", "Danger detected and hand-offs")
WAITS = Text("console", "Waits for a person")
NOT_UNDERSTOOD_BY_TOPIC = Text("console", "Not understood by the bot, by topic")
NOT_UNDERSTOOD_BY_LANGUAGE = Text("console", "Not understood by the bot, by language")
CONVERSATIONS = Text("console", "Conversations")
DANGER = Text("console", "Danger detected")
HANDOFFS = Text("console", "Hand-offs to a person")
NOT_UNDERSTOOD = Text("console", "Conversations the bot did not understand")
MEDIAN = Text("console", "Median wait")
P90 = Text("console", "90th-percentile wait")
TARGET = Text("console", "Target")
MINUTES = Text("console", "Minutes")
WEEK_STARTING = Text("console", "Week starting")
WAIT_MEASURES = (("wait_median_seconds", MEDIAN), ("wait_p90_seconds", P90))


@dataclass(frozen=True)
class Period:
    """Whole days, both included; the figures are by week, so a chart shows
    every week with a day in it."""

    since: date
    until: date

    @classmethod
    def default(cls, today: date) -> Period:
        """The last 12 complete weeks and this one."""
        return cls(monday(today) - timedelta(weeks=WEEKS_BEFORE), today)

    def valid(self) -> bool:
        return self.since <= self.until and self.until - self.since < LONGEST_PERIOD

    def weeks(self) -> list[date]:
        first, last = monday(self.since), monday(self.until)
        return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


@dataclass(frozen=True)
class Series:
    """One line of a chart and one column of its table: a value per week,
    None where it is withheld (or, for a wait, where too few waited)."""

    key: str
    label: Text | str
    values: list[int | float | None]
    kind: str = "count"  # count, wait (seconds), target (seconds)


@dataclass(frozen=True)
class Chart:
    id: str
    title: Text
    y_title: Text
    series: list[Series]


@dataclass(frozen=True)
class Glance:
    """This week's line at a glance (None: withheld, or too few waits)."""

    week: date
    conversations: int | None
    danger: int | None
    handoffs: int | None
    median_wait: int | None
    not_understood: int | None


def language_label(code: str) -> Text | str:
    """The registry's name, with the language's own name for itself."""
    language = LANGUAGES.get(code)
    if language is None:
        return NOT_KNOWN if code == UNKNOWN else code
    if language.autonym == language.name:
        return language.name
    return f"{language.name} · {language.autonym}"


def channel_label(code: str) -> Text | str:
    return CHANNEL_LABELS.get(code) or (NOT_KNOWN if code == UNKNOWN else code)


def topic_label(code: str) -> Text | str:
    return TOPIC_LABELS.get(code) or (NOT_KNOWN if code == UNKNOWN else code)


# Categories in the order people know them; any other after them, by name.
ORDERS = {
    "channel": [str(channel) for channel in Channel],
    "language": list(LANGUAGES),
    "topic": list(TOPIC_LABELS),
}
LABELS = {"channel": channel_label, "language": language_label, "topic": topic_label}


def _ordered(dimension: str, present: set[str]) -> list[str]:
    known = [code for code in ORDERS[dimension] if code in present]
    others = sorted(present - set(known) - {UNKNOWN})
    return known + others + ([UNKNOWN] if UNKNOWN in present else [])


def by_category(
    view: Table, dimension: str, measure: str, weeks: Sequence[date]
) -> list[Series]:
    """One series per channel, language or topic in the view."""
    values = {
        (row.key["week"], row.key[dimension]): row.values[measure] for row in view.rows
    }
    present = {row.key[dimension] for row in view.rows}
    return [
        Series(
            code,
            LABELS[dimension](code),
            [values.get((week.isoformat(), code), 0) for week in weeks],
        )
        for code in _ordered(dimension, present)
    ]


def week_totals(view: Table) -> dict[str, Row]:
    return {row.key["week"]: row for row in view.totals if "week" in row.key}


def _total(rows: dict[str, Row], week: date, measure: str) -> int | None:
    row = rows.get(week.isoformat())
    if row is None:  # no conversation that week
        return None if measure.startswith("wait_") else 0
    return row.values[measure]


def totals_series(
    view: Table, measures: Sequence[tuple[str, Text]], weeks: Sequence[date]
) -> list[Series]:
    rows = week_totals(view)
    return [
        Series(
            measure,
            label,
            [_total(rows, week, measure) for week in weeks],
            "wait" if measure.startswith("wait_") else "count",
        )
        for measure, label in measures
    ]


@dataclass(frozen=True)
class Dashboard:
    period: Period
    weeks: list[date]
    threshold: int
    charts: list[Chart]


def build(period: Period, threshold: int, target_seconds: int) -> Dashboard:
    """Every chart of the period, from the store's cells read once."""
    channels, languages, topics = published_views(
        period.since,
        period.until,
        [("week", "channel"), ("week", "language"), ("week", "topic")],
    )
    weeks = period.weeks()
    target = Series("target", TARGET, [target_seconds] * len(weeks), "target")
    charts = [
        Chart(
            "by-channel",
            CONTACTS_BY_CHANNEL,
            CONVERSATIONS,
            by_category(channels, "channel", "conversations", weeks),
        ),
        Chart(
            "by-language",
            CONTACTS_BY_LANGUAGE,
            CONVERSATIONS,
            by_category(languages, "language", "conversations", weeks),
        ),
        Chart(
            "danger",
            DANGER_AND_HANDOFFS,
            CONVERSATIONS,
            totals_series(
                channels,
                [
                    ("conversations", CONVERSATIONS),
                    ("danger", DANGER),
                    ("handoffs", HANDOFFS),
                ],
                weeks,
            ),
        ),
        Chart(
            "waits",
            WAITS,
            MINUTES,
            [*totals_series(channels, WAIT_MEASURES, weeks), target],
        ),
        Chart(
            "not-understood-topic",
            NOT_UNDERSTOOD_BY_TOPIC,
            CONVERSATIONS,
            by_category(topics, "topic", "not_understood", weeks),
        ),
        Chart(
            "not-understood-language",
            NOT_UNDERSTOOD_BY_LANGUAGE,
            CONVERSATIONS,
            by_category(languages, "language", "not_understood", weeks),
        ),
    ]
    return Dashboard(period, weeks, threshold, charts)


def glance(today: date) -> Glance:
    """This week so far, as published (the same node as in any other view)."""
    week = monday(today)
    view = published(week, today, ("week",))
    rows = week_totals(view)
    return Glance(
        week,
        _total(rows, week, "conversations"),
        _total(rows, week, "danger"),
        _total(rows, week, "handoffs"),
        _total(rows, week, "wait_median_seconds"),
        _total(rows, week, "not_understood"),
    )


@dataclass(frozen=True)
class PeriodTotal:
    """Contacts of one channel or language over the period: the sum of its
    published weeks, and whether some week of it was withheld (then the true
    total is larger, and the page says "at least")."""

    key: str
    label: Text | str
    published: int
    partial: bool


def period_totals(series: Sequence[Series]) -> list[PeriodTotal]:
    return [
        PeriodTotal(
            one.key,
            one.label,
            sum(int(value) for value in one.values if value is not None),
            any(value is None for value in one.values),
        )
        for one in series
    ]


def offered_totals(dimension: str, series: Sequence[Series]) -> list[PeriodTotal]:
    """Every channel or language the line offers (the registry's), with its
    contacts in the period (none: 0), then any other the figures hold."""
    found = {one.key: one for one in period_totals(series)}
    codes = ORDERS[dimension] + [
        code for code in found if code not in ORDERS[dimension]
    ]
    return [
        found.get(code) or PeriodTotal(code, LABELS[dimension](code), 0, False)
        for code in codes
    ]


def wait_minutes(seconds: int | float | None) -> float | None:
    """A published wait for the chart's axis; over a day is drawn at a day."""
    if seconds is None:
        return None
    return min(seconds, OVER_A_DAY - 1) / 60
