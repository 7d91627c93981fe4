"""The line's published figures, over generated cells: nothing under the
threshold and nothing that can be subtracted back, in any view, window or
export; exports that say the same and follow their schema; no identifier.

The attacker here sees every view a supervisor or a ministry can get (all
sixteen choices of dimensions, their week totals and the total of all weeks)
and solves every sum they can write down, exactly (rational arithmetic).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction
from itertools import combinations
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline import config, create_app
from hotline.figures import publish
from hotline.figures.cells import COUNTS, DIMENSIONS, WAIT_BUCKETS, RawCell
from hotline.figures.publish import MEASURES, OVER_A_DAY, Table, table, to_csv, to_json

SCHEMA = json.loads(
    (Path(publish.__file__).parent / "figures.schema.json").read_text("utf-8")
)
MONDAYS = [date(2026, 1, 5) + timedelta(weeks=n) for n in range(3)]
SINCE, UNTIL = date(2026, 1, 1), date(2026, 1, 31)
VIEWS = [
    ("week", *chosen)
    for size in range(len(DIMENSIONS))
    for chosen in combinations(DIMENSIONS[1:], size)
]
# A date, a word from the line's lists, a number: nothing else may be printed.
PRINTABLE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}|[A-Za-z][A-Za-z_-]{0,39}|[0-9]*")
FIGURES = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

Node = tuple[str | None, ...]


@st.composite
def raw_cells(draw: st.DrawFn) -> RawCell:
    """One cell, mostly small (as most cells of a real line are)."""
    conversations = draw(st.integers(0, 14) | st.integers(0, 3))

    def part() -> int:
        return draw(st.integers(0, conversations))

    return RawCell(
        week=draw(st.sampled_from(MONDAYS)),
        channel=draw(st.sampled_from(["sms", "whatsapp", "webchat"])),
        language=draw(st.sampled_from(["es", "en", "qu"])),
        topic=draw(st.sampled_from(["labour", "sexual", "unknown"])),
        country=draw(st.sampled_from(["BO", "PE", "unknown"])),
        conversations=conversations,
        messages=conversations + draw(st.integers(0, 30)),
        danger=part(),
        handoffs=part(),
        after_hours=part(),
        not_understood=part(),
        deletions=part(),
        waits=draw(
            st.dictionaries(
                st.sampled_from([*WAIT_BUCKETS[:6], -1]), st.integers(1, 4), max_size=3
            )
        ),
    )


CELLS = st.lists(raw_cells(), max_size=14)
THRESHOLDS = st.sampled_from([3, 5, 5, 10])


def node_of(row: publish.Row) -> Node:
    """The row's place among all the sums any view shows."""
    if not row.key:
        return (None,) * len(DIMENSIONS)
    return tuple(row.key.get(name) for name in DIMENSIONS)


def seen(cells: list[RawCell], threshold: int) -> dict[Node, dict[str, int | None]]:
    """Everything the sixteen views publish, by node; a node must say the
    same in every view that shows it."""
    shown: dict[Node, dict[str, int | None]] = {}
    for by in VIEWS:
        view = table(cells, SINCE, UNTIL, by, threshold)
        for row in [*view.rows, *view.totals]:
            node = node_of(row)
            assert shown.setdefault(node, row.values) == row.values, (by, node)
    return shown


def truth(cells: list[RawCell], node: Node, name: str) -> int:
    return sum(
        getattr(cell, name)
        for cell in cells
        if all(
            want is None or want == have
            for want, have in zip(node, (cell.key()), strict=True)
        )
    )


def sums(shown: dict[Node, dict[str, int | None]]) -> list[tuple[Node, list[Node]]]:
    """Every sum the attacker can write: a node is the sum of the nodes that
    fix one more dimension (absent nodes are zeros); all weeks, of the weeks."""
    children: dict[tuple[Node, int], list[Node]] = defaultdict(list)
    for node in shown:
        for index, value in enumerate(node):
            if value is not None and (index or all(v is None for v in node[1:])):
                parent = (*node[:index], None, *node[index + 1 :])
                children[(parent, index)].append(node)
    return [(parent, nodes) for (parent, _), nodes in children.items()]


def recoverable(shown: dict[Node, dict[str, int | None]], name: str) -> set[Node]:
    """The withheld values of ``name`` that the published sums pin down:
    reduced row echelon form of the equations in the withheld values; a value
    is determined exactly when a reduced row is that value alone."""
    pivots: dict[Node, dict[Node, Fraction]] = {}
    for parent, children in sums(shown):
        row: dict[Node, Fraction] = defaultdict(Fraction)
        for node, sign in [(parent, 1), *((child, -1) for child in children)]:
            if shown[node][name] is None:
                row[node] += sign
        for pivot, reduced in pivots.items():
            if row.get(pivot):
                factor = row[pivot]
                for node, coefficient in reduced.items():
                    row[node] -= factor * coefficient
        row = {node: value for node, value in row.items() if value}
        if not row:
            continue
        pivot = min(row, key=str)
        row = {node: value / row[pivot] for node, value in row.items()}
        for other in pivots.values():
            if other.get(pivot):
                factor = other[pivot]
                for node, coefficient in row.items():
                    other[node] = other.get(node, 0) - factor * coefficient
                    if not other[node]:
                        del other[node]
        pivots[pivot] = row
    return {pivot for pivot, row in pivots.items() if len(row) == 1}


@FIGURES
@given(cells=CELLS, threshold=THRESHOLDS)
def test_no_view_shows_a_small_number_or_lets_one_be_subtracted_back(
    cells: list[RawCell], threshold: int
) -> None:
    shown = seen(cells, threshold)
    for node, values in shown.items():
        # A group of fewer people than the threshold (not a group of nobody).
        few = truth(cells, node, "conversations") < threshold and any(
            truth(cells, node, name) for name in COUNTS
        )
        for name in COUNTS:
            value = values[name]
            if value is not None:
                assert value == truth(cells, node, name), (node, name)
                assert value == 0 or value >= threshold, (node, name, value)
                assert not few, (node, name, "a group of fewer people")
        if few:
            assert values["wait_median_seconds"] is None
            assert values["wait_p90_seconds"] is None
    for name in COUNTS:
        # A withheld zero given back says what a published zero says.
        assert not {
            node for node in recoverable(shown, name) if truth(cells, node, name)
        }, name
        for parent, children in sums(shown):
            if shown[parent][name] is None:
                continue
            withheld = [
                truth(cells, child, name)
                for child in children
                if shown[child][name] is None and truth(cells, child, name)
            ]
            # What subtraction leaves is no small number, nor a row of ones.
            assert not withheld or (
                sum(withheld) >= threshold and sum(withheld) > len(withheld)
            ), (parent, name, withheld)


@FIGURES
@given(cells=CELLS, threshold=THRESHOLDS, weeks=st.sampled_from([1, 2]))
def test_a_shorter_window_says_the_same_of_its_weeks(
    cells: list[RawCell], threshold: int, weeks: int
) -> None:
    """Two windows cannot be subtracted: a week's figures do not depend on
    the window, and the total of all weeks shows a count only when every
    week's total does."""
    whole = table(cells, SINCE, UNTIL, threshold=threshold)
    part = table(cells, SINCE, MONDAYS[weeks - 1], threshold=threshold)
    assert part.rows == [row for row in whole.rows if row in part.rows]
    assert {row.key["week"] for row in part.rows} <= {
        monday.isoformat() for monday in MONDAYS[:weeks]
    }
    assert part.totals[:-1] == whole.totals[: len(part.totals) - 1]
    for view in (whole, part):
        for name in COUNTS:
            if view.totals[-1].values[name] is not None:
                assert all(row.values[name] is not None for row in view.totals[:-1])


@FIGURES
@given(cells=CELLS, threshold=THRESHOLDS, by=st.sampled_from(VIEWS))
def test_csv_and_json_say_the_same_follow_the_schema_and_name_nobody(
    cells: list[RawCell], threshold: int, by: tuple[str, ...]
) -> None:
    view = table(cells, SINCE, UNTIL, by, threshold)
    document = to_json(view)
    jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(document)
    records = list(csv.DictReader(io.StringIO(to_csv(view))))
    from_json = [
        *document["rows"],
        *document["week_totals"],
        document["total"],
    ]
    assert len(records) == len(from_json)
    for record, item in zip(records, from_json, strict=True):
        for name in by:
            assert record[name] == item.get(name, "all")
        for name in MEASURES:
            assert record[name] == ("" if item[name] is None else str(item[name]))
    for text in strings(document) + [field for r in records for field in r.values()]:
        assert PRINTABLE.fullmatch(text), text
    assert names(document) <= {*document, *DIMENSIONS, *MEASURES}


def strings(value: object) -> list[str]:
    """Every value in a JSON document."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return [value] if isinstance(value, str) else []


def names(value: object) -> set[str]:
    """Every property name in a JSON document."""
    if isinstance(value, dict):
        return {*value}.union(*(names(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(names(item) for item in value))
    return set()


# What must never be published: numbers, Twilio's ids, session ids, times,
# keyed hashes.
IDENTIFIERS = (
    st.from_regex(r"\+[1-9][0-9]{7,14}", fullmatch=True)
    | st.from_regex(r"(SM|CA|MM)[0-9a-f]{32}", fullmatch=True)
    | st.uuids(version=4).map(str)
    | st.datetimes().map(lambda moment: moment.isoformat())
    | st.binary(min_size=32, max_size=32).map(bytes.hex)
)


@FIGURES
@given(identifier=IDENTIFIERS, dimension=st.sampled_from(DIMENSIONS[1:]))
def test_a_cell_holding_an_identifier_is_refused_without_saying_it(
    identifier: str, dimension: str
) -> None:
    fields = {"channel": "sms", dimension: identifier}
    cell = RawCell(MONDAYS[0], conversations=9, **fields)
    with pytest.raises(ValueError) as refusal:
        table([cell], SINCE, UNTIL)
    assert identifier not in str(refusal.value)


def test_a_small_group_is_withheld_and_so_is_what_would_give_it_back() -> None:
    """Three Quechua conversations next to ten Spanish ones: the three are
    withheld, and so are the ten (or the week's 13 minus 10 gives 3)."""
    week = MONDAYS[0]
    cells = [
        RawCell(week, "sms", "qu", conversations=3, messages=9, danger=1),
        RawCell(week, "sms", "es", conversations=10, messages=40, danger=6),
        RawCell(week, "webchat", "es", conversations=12, messages=70),
    ]
    view = table(cells, SINCE, UNTIL, by=("week", "language"))
    by_language = {row.key["language"]: row.values for row in view.rows}
    assert by_language["qu"]["conversations"] is None
    assert by_language["es"]["conversations"] is None
    assert view.totals[0].key == {"week": "2026-01-05"}
    assert view.totals[0].values["conversations"] == 25
    assert view.totals[0].values["danger"] == 7
    assert view.totals[-1].key == {}
    lines = to_csv(view).splitlines()
    assert lines[0] == ",".join(["week", "language", *MEASURES])
    assert lines[-2].startswith("2026-01-05,all,25,119,7,0,")
    assert lines[-1].startswith("all,all,25,119,7,0,")


def test_zero_is_published_and_an_empty_window_says_nothing_happened() -> None:
    cells = [RawCell(MONDAYS[0], "sms", conversations=8, messages=20)]
    view = table(cells, SINCE, UNTIL, by=("week", "channel"))
    assert view.rows[0].values["danger"] == 0
    empty = table([], SINCE, UNTIL)
    assert empty.rows == [] and empty.totals[-1].values["conversations"] == 0


def test_waits_are_the_bucket_of_the_percentile_and_never_one_persons() -> None:
    week = MONDAYS[0]
    nine = RawCell(week, "voice", conversations=9, waits={60: 5, 600: 3, -1: 1})
    row = table([nine], SINCE, UNTIL, by=("week",)).rows[0]
    assert row.values["wait_median_seconds"] == 60
    assert row.values["wait_p90_seconds"] is None  # would be the longest wait
    ten = RawCell(week, "voice", conversations=10, waits={60: 5, 600: 3, -1: 2})
    row = table([ten], SINCE, UNTIL, by=("week",)).rows[0]
    assert row.values["wait_p90_seconds"] == OVER_A_DAY == 86401
    few = RawCell(week, "voice", conversations=9, waits={60: 4})
    assert table([few], SINCE, UNTIL).rows[0].values["wait_median_seconds"] is None


def test_views_are_by_week_and_known_dimensions_only() -> None:
    with pytest.raises(ValueError):
        table([], SINCE, UNTIL, by=("channel",))
    with pytest.raises(ValueError):
        table([], SINCE, UNTIL, by=("week", "phone"))
    view: Table = table([], SINCE, UNTIL, by=("language", "week"))
    assert view.by == ("week", "language")


@pytest.mark.parametrize("threshold", [-1, 0, 1, 2])
def test_a_threshold_that_would_give_values_away_is_refused(
    threshold: int, tmp_path: Path
) -> None:
    with pytest.raises(ValueError):
        table([], SINCE, UNTIL, threshold=threshold)
    with pytest.raises(config.ConfigurationError, match="FIGURES_THRESHOLD"):
        create_app(
            {
                "TESTING": True,
                "FIGURES_THRESHOLD": threshold,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'h.db'}",
            }
        )
