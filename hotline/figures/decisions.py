"""Each week's suppression decision, kept in the database
(``figure_decisions``) under a digest of the week's cells.

Deciding what a week withholds is exact linear algebra over its cells
(``hotline.figures.suppression``): seconds per week on a busy line. A past
week's cells no longer change, so its decision is worked out once for every
process and every view; a week whose cells changed (live conversations,
a purge folding them) has a new digest and is decided again. The daily job
and ``flask purge`` decide the last year after each purge
(``decide_last_year``), so a supervisor's first look does not wait for it.
"""

from __future__ import annotations

import json
import logging
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from hotline.extensions import db
from hotline.figures.suppression import Decision, Node
from hotline.figures.tables import FigureDecision

log = logging.getLogger(__name__)


class StoredDecisions:
    """``suppression.Memory`` in the line's database."""

    def recall(self, week: date, threshold: int, digest: str) -> Decision | None:
        stored = db.session.scalar(
            select(FigureDecision).where(
                FigureDecision.week == week, FigureDecision.threshold == threshold
            )
        )
        if stored is None or stored.digest != digest:
            return None
        return {
            (week, *dimensions): frozenset(names)
            for *dimensions, names in json.loads(stored.decision)
        }

    def remember(
        self, week: date, threshold: int, digest: str, decision: Decision
    ) -> None:
        """Kept at once (a savepoint, committed): a second worker deciding
        the same week at the same moment loses nothing but its own copy."""
        rows = [[*_dimensions(node), sorted(names)] for node, names in decision.items()]
        text = json.dumps(rows, separators=(",", ":"))
        try:
            with db.session.begin_nested():
                stored = db.session.get(FigureDecision, (week, threshold))
                if stored is None:
                    stored = FigureDecision(week=week, threshold=threshold)
                    db.session.add(stored)
                stored.digest, stored.decision = digest, text
        except IntegrityError:
            return  # the other worker's copy is the same decision
        db.session.commit()


def decide_last_year(today: date | None = None) -> None:
    """Every week of the last year decided once and kept: run after each
    purge (``purge_schedule``, ``flask purge``). A failure is logged and
    leaves the dashboard to decide on its own."""
    from hotline.figures import publish

    today = today or date.today()
    try:
        publish.published(today - timedelta(days=364), today, ("week",))
    except Exception:  # the figures must never fail the purge
        log.exception("the last year's figures could not be decided")


def _dimensions(node: Node) -> list[str | None]:
    return list(node[1:])
