"""How often the bot did not understand, or was unsure, counted by week,
language and the pair of intents it hesitated between: anonymous counts, no
conversation and no text, kept after the purge.

"Unsure" is a turn the bot answered with less than ``REVIEW_LOW_CONFIDENCE``
(default 0.5) for its intent. Below config.yml's FallbackClassifier threshold
(0.3) the bot already says it did not understand (``not_understood``); from
0.3 to 0.5 it answered although no intent held even half the probability: a
coin toss between the intent it chose and the runner-up, where the confusions
worth new training examples hide.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from hotline.bot_client import Reading
from hotline.extensions import db
from hotline.figures.cells import monday
from hotline.models import BotConfusion

NOT_UNDERSTOOD, LOW_CONFIDENCE = "not_understood", "low_confidence"
NONE = "-"  # no intent, or no runner-up


def kind_of(reading: Reading) -> str | None:
    if not reading.understood:
        return NOT_UNDERSTOOD
    if reading.confidence < current_app.config["REVIEW_LOW_CONFIDENCE"]:
        return LOW_CONFIDENCE
    return None


def count(language: str | None, reading: Reading, day: date) -> None:
    """One more in this week's cell, if the bot did not understand or was
    unsure (in the caller's transaction)."""
    kind = kind_of(reading)
    if kind is None:
        return
    values = {
        "week": monday(day),
        "language": language or "unknown",
        "kind": kind,
        "intent": reading.intent or NONE,
        "runner_up": reading.runner_up or NONE,
        "count": 1,
    }
    dialect = (
        postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    )
    insert = dialect.insert(BotConfusion).values(**values)
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=["week", "language", "kind", "intent", "runner_up"],
            set_={"count": BotConfusion.__table__.c.count + 1},
        )
    )


@dataclass(frozen=True)
class Row:
    week: date
    language: str
    kind: str
    intent: str
    runner_up: str
    count: int


def table(since: date) -> list[Row]:
    """The cells from the week of ``since`` on, by language, the most first."""
    query = (
        select(BotConfusion)
        .where(BotConfusion.week >= monday(since))
        .order_by(
            BotConfusion.language,
            BotConfusion.week.desc(),
            BotConfusion.count.desc(),
            BotConfusion.intent,
            BotConfusion.runner_up,
        )
    )
    return [
        Row(c.week, c.language, c.kind, c.intent, c.runner_up, c.count)
        for c in db.session.scalars(query)
    ]
