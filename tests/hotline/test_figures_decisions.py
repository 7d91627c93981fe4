"""Each week's suppression is decided once and kept: a supervisor's look at a
year of figures does not wait for a year of linear algebra, and what a past
week withholds is the same in every process."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import make_app
from flask import Flask
from sqlalchemy import select

from hotline.extensions import db
from hotline.figures import publish, store, suppression
from hotline.figures.cells import RawCell, monday
from hotline.figures.tables import FigureDecision
from tools import figures_sample as sample

TODAY = date.today()


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Flask:
    return make_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)


def a_few_weeks(app: Flask, weeks: int = 4) -> None:
    with app.app_context():
        store.add(sample.sample(weeks, 60, 3, TODAY))
        db.session.commit()


def decided_weeks(app: Flask) -> set[date]:
    with app.app_context():
        return set(db.session.scalars(select(FigureDecision.week)))


def as_published(app: Flask) -> dict:
    with app.app_context():
        view = publish.published(TODAY - timedelta(weeks=5), TODAY, ("week", "channel"))
        return publish.to_json(view)


def test_a_new_process_reads_the_kept_decision_instead_of_deciding_again(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    a_few_weeks(app)
    first = as_published(app)
    assert decided_weeks(app)
    # A new worker: nothing in its own cache, and deciding would fail.
    suppression._week_withheld.cache_clear()

    def deciding(*_: object) -> None:
        raise AssertionError("a kept week was decided again")

    monkeypatch.setattr(suppression, "_week_withheld", deciding)
    assert as_published(app) == first


def test_a_week_whose_cells_changed_is_decided_again(app: Flask) -> None:
    a_few_weeks(app)
    before = as_published(app)
    week = monday(TODAY)
    with app.app_context():
        store.add([RawCell(week, "sms", "es", conversations=40, messages=90)])
        db.session.commit()

    def this_week(figures: dict) -> list[dict]:
        return [r for r in figures["week_totals"] if r["week"] == week.isoformat()]

    grown = this_week(as_published(app))[0]["conversations"]
    assert grown is not None and grown >= 40
    assert grown != (this_week(before) or [{}])[0].get("conversations")


def test_after_the_purge_the_last_year_is_decided(app: Flask) -> None:
    a_few_weeks(app, weeks=6)
    with app.app_context():
        weeks_with_figures = {
            cell.week for cell in store.raw_cells(TODAY - timedelta(days=364), TODAY)
        }
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert decided_weeks(app) == weeks_with_figures
