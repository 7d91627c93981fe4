"""The line's figures as a ministry, a board or the dashboard may see them:
views over the anonymous cells with small numbers withheld
(``hotline.figures.suppression``), and their CSV and JSON exports (README,
"Figures"; ``figures.schema.json``). Pure functions, except ``published``,
which reads the store.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import current_app

from hotline.figures.cells import COUNTS, DIMENSIONS, RawCell, monday
from hotline.figures.suppression import (
    ALL_WEEKS,
    DEFAULT_THRESHOLD,
    FINEST,
    OVER_A_DAY,
    WEEK_SUM,
    Memory,
    Node,
    Sums,
    check_threshold,
    lattice,
    node_order,
    wait_percentile,
    withheld,
)

WAITS = ("wait_median_seconds", "wait_p90_seconds")
MEASURES: tuple[str, ...] = COUNTS + WAITS
SHARES = {"wait_median_seconds": 0.5, "wait_p90_seconds": 0.9}
# What a CSV column of dimension says on a row that sums over it.
ALL = "all"
# A channel, language, topic or country is a word; anything with a digit (a
# number, a hash, an id, a time) is refused rather than published.
CATEGORY = re.compile(r"[A-Za-z][A-Za-z_-]{0,39}")

__all__ = [
    "MEASURES",
    "OVER_A_DAY",
    "Row",
    "Table",
    "published",
    "table",
    "to_csv",
    "to_json",
    "views",
]


@dataclass(frozen=True)
class Row:
    """One line of a view. ``key`` names the row's week (ISO date of its Monday)
    and its other dimensions; ``values`` holds every measure, None where it is
    withheld (or, for a wait, where there are too few waits). A wait is the
    upper bound in seconds of the bucket holding the percentile, or
    ``OVER_A_DAY`` (86401) for more than a day."""

    key: dict[str, str]
    values: dict[str, int | None]


@dataclass(frozen=True)
class Table:
    """A view: ``rows`` by the dimensions ``by`` (week first), and ``totals``:
    one row per week summing all of that week (key: only ``week``), then the
    sum of all the weeks (empty key). Only weeks with figures appear."""

    by: tuple[str, ...]
    rows: list[Row]
    totals: list[Row]
    threshold: int
    since: date
    until: date


def table(
    cells: Iterable[RawCell],
    since: date,
    until: date,
    by: Sequence[str] = DIMENSIONS,
    threshold: int = DEFAULT_THRESHOLD,
    memory: Memory | None = None,
) -> Table:
    """The cells of every week with a day in ``[since, until]``, summed to the
    dimensions ``by``, small numbers withheld. Raises ValueError for unknown
    dimensions, a threshold under the minimum, or a cell whose category is not
    a word (it could be an identifier)."""
    return views(cells, since, until, [by], threshold, memory)[0]


def views(
    cells: Iterable[RawCell],
    since: date,
    until: date,
    bys: Sequence[Sequence[str]],
    threshold: int = DEFAULT_THRESHOLD,
    memory: Memory | None = None,
) -> list[Table]:
    """``table`` for each of ``bys``, deciding what to withhold once for all
    of them (the dashboard's charts: the decision is most of the work, and it
    is the same for every view); ``memory`` keeps each week's decision."""
    shapes = [_dimensions(by) for by in bys]
    check_threshold(threshold)
    chosen = [cell for cell in cells if _in_window(cell.week, since, until)]
    for cell in chosen:
        _check_categories(cell)
    shown = [
        tuple(name in dimensions for name in DIMENSIONS[1:]) for dimensions in shapes
    ]
    sums = lattice(chosen, [FINEST, WEEK_SUM, *shown])
    hidden = withheld(sums, threshold, memory)
    nodes = sorted((node for node in sums if node[0] is not None), key=node_order)
    weeks = [
        _row(node, ("week",), sums[node], hidden[node], threshold)
        for node in nodes
        if all(value is None for value in node[1:])
    ]
    if ALL_WEEKS in sums:
        everything = _row(ALL_WEEKS, (), sums[ALL_WEEKS], hidden[ALL_WEEKS], threshold)
    else:  # no figures: about nobody
        everything = Row({}, {**dict.fromkeys(COUNTS, 0), **dict.fromkeys(WAITS)})
    tables = []
    for dimensions in shapes:
        shape = tuple(name in dimensions for name in DIMENSIONS)
        rows = [
            _row(node, dimensions, sums[node], hidden[node], threshold)
            for node in nodes
            if tuple(value is not None for value in node) == shape
        ]
        tables.append(
            Table(dimensions, rows, [*weeks, everything], threshold, since, until)
        )
    return tables


def published(
    since: date,
    until: date,
    by: Sequence[str] = DIMENSIONS,
) -> Table:
    """The view of the store's figures, with the line's ``FIGURES_THRESHOLD``."""
    return published_views(since, until, [by])[0]


def published_views(
    since: date, until: date, bys: Sequence[Sequence[str]]
) -> list[Table]:
    """Views of the store's figures, with the line's ``FIGURES_THRESHOLD``,
    each week decided once and kept (``hotline.figures.decisions``)."""
    from hotline.figures.decisions import StoredDecisions

    return views(
        _store_cells(monday(since), until),
        since,
        until,
        bys,
        current_app.config["FIGURES_THRESHOLD"],
        StoredDecisions(),
    )


def to_csv(table: Table) -> str:
    """The view's rows then its totals, one header line; a withheld value is an
    empty field, a summed-over dimension says ``all``."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*table.by, *MEASURES])
    for row in [*table.rows, *table.totals]:
        writer.writerow(
            [row.key.get(name, ALL) for name in table.by]
            + [
                "" if row.values[name] is None else row.values[name]
                for name in MEASURES
            ]
        )
    return out.getvalue()


def to_json(table: Table) -> dict[str, Any]:
    """The view as ``figures.schema.json`` describes it; null is withheld."""
    return {
        "since": table.since.isoformat(),
        "until": table.until.isoformat(),
        "threshold": table.threshold,
        "by": list(table.by),
        "rows": [{**row.key, **row.values} for row in table.rows],
        "week_totals": [{**row.key, **row.values} for row in table.totals[:-1]],
        "total": dict(table.totals[-1].values),
    }


def _store_cells(since: date, until: date) -> list[RawCell]:
    from hotline.figures.store import raw_cells

    return raw_cells(since, until)


def _row(
    node: Node,
    dimensions: tuple[str, ...],
    sums: Sums,
    hidden: frozenset[str],
    threshold: int,
) -> Row:
    key = {
        name: value.isoformat() if isinstance(value, date) else str(value)
        for name, value in zip(DIMENSIONS, node, strict=True)
        if name in dimensions and value is not None
    }
    values: dict[str, int | None] = {
        name: None if name in hidden else sums.counts[name] for name in COUNTS
    }
    small = sums.counts["conversations"] < threshold
    for name in WAITS:
        values[name] = (
            None if small else wait_percentile(sums.waits, SHARES[name], threshold)
        )
    return Row(key, values)


def _dimensions(by: Sequence[str]) -> tuple[str, ...]:
    unknown = set(by) - set(DIMENSIONS)
    if unknown or "week" not in by:
        raise ValueError(
            f"figures are by week and any of {', '.join(DIMENSIONS[1:])}; "
            f"not by {', '.join(sorted(unknown)) or 'these without week'}"
        )
    return tuple(name for name in DIMENSIONS if name in by)


def _in_window(week: date, since: date, until: date) -> bool:
    return week <= until and week + timedelta(days=6) >= since


def _check_categories(cell: RawCell) -> None:
    for name in DIMENSIONS[1:]:
        if not CATEGORY.fullmatch(getattr(cell, name)):
            # The value itself is not said: it may be what must not be shown.
            raise ValueError(f"a cell's {name} is not a category name")
