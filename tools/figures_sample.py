"""Made-up figures for measuring the dashboard and the exports: weeks of
folded cells, as if a busy line had run and purged that long.

    DATABASE_URL=postgresql+psycopg://... \\
        .venv/hotline/bin/python -m tools.figures_sample --weeks 52

adds ``--weeks`` weeks ending with the current one to the configured
database's ``figure_cells`` and ``figure_waits`` (upgrade it first: ``flask
--app hotline upgrade-db``). About ``--per-week`` conversations a week (400 by
default), spread over channels, languages, topics and countries with weights
like a line in the Americas; run it twice and the counts add up. ``--seed``
makes the same figures again. Never run it on a line's real database: its
figures would be mixed with made-up ones.
"""

from __future__ import annotations

import argparse
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from hotline import create_app
from hotline.extensions import db
from hotline.figures import store
from hotline.figures.cells import COUNTS, UNKNOWN, RawCell, monday, wait_bucket

CHANNELS = {"sms": 35, "whatsapp": 30, "webchat": 25, "voice": 10}
LANGUAGES = {
    "es": 45,
    "en": 15,
    "pt": 12,
    "fr": 6,
    "ht": 6,
    "qu": 5,
    "gn": 4,
    "quc": 4,
    "ay": 3,
}
TOPICS = {
    "shelter": 14,
    "work_rights": 14,
    "immigration": 12,
    "legal_aid": 10,
    "health": 9,
    "consulate": 8,
    "report_case": 7,
    "return_home": 5,
    "hotline": 4,
    "situation": 4,
    "emergency": 3,
    UNKNOWN: 10,
}
COUNTRIES = {
    "MX": 22,
    "GT": 10,
    "US": 10,
    "CO": 8,
    "PE": 8,
    "BR": 8,
    "BO": 5,
    "PY": 4,
    "HT": 4,
    "EC": 4,
    "AR": 4,
    UNKNOWN: 13,
}


def pick(weights: dict[str, int], rng: random.Random) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    waits: dict[int, int] = field(default_factory=lambda: defaultdict(int))


def one_week(week: date, conversations: int, rng: random.Random) -> list[RawCell]:
    """The cells of one week: each conversation drawn, then counted."""
    tallies: dict[tuple[str, ...], Tally] = defaultdict(Tally)
    for _ in range(conversations):
        cell = tuple(pick(w, rng) for w in (CHANNELS, LANGUAGES, TOPICS, COUNTRIES))
        tally = tallies[cell]
        counts = tally.counts
        counts["conversations"] += 1
        counts["messages"] += 1 + int(rng.expovariate(1 / 6))
        danger = rng.random() < 0.05
        counts["danger"] += danger
        handoffs = int(danger or rng.random() < 0.25) + int(rng.random() < 0.03)
        counts["handoffs"] += handoffs
        for _ in range(handoffs):
            if rng.random() < 0.9:  # most waits end with a person
                tally.waits[wait_bucket(rng.lognormvariate(5.5, 1.1))] += 1
        counts["after_hours"] += rng.random() < 0.4
        counts["not_understood"] += rng.random() < 0.3
        counts["deletions"] += rng.random() < 0.02
    return [
        RawCell(week, *cell, **tally.counts, waits=dict(tally.waits))
        for cell, tally in tallies.items()
    ]


def sample(weeks: int, per_week: int, seed: int, until: date) -> list[RawCell]:
    """``weeks`` weeks ending with ``until``'s, slowly busier over time."""
    rng = random.Random(seed)
    last = monday(until)
    cells: list[RawCell] = []
    for back in range(weeks - 1, -1, -1):
        growth = 1 - 0.3 * back / max(weeks, 1)
        conversations = max(0, int(rng.gauss(per_week * growth, per_week * 0.08)))
        cells += one_week(last - timedelta(weeks=back), conversations, rng)
    return cells


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--per-week", type=int, default=400)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--until", type=date.fromisoformat, default=date.today())
    options = parser.parse_args(argv)
    cells = sample(options.weeks, options.per_week, options.seed, options.until)
    with create_app().app_context():
        store.add(cells)
        db.session.commit()
    print(f"added {len(cells)} cells over {options.weeks} weeks")


if __name__ == "__main__":
    main()
