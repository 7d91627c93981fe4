"""The line's figures, kept after the conversations are gone.

A conversation counts in one cell: the week of its ``created_at`` (the Monday,
UTC), its channel, language, first topic and country as they are when it is
counted. While it lives it is counted from its own row (the facts
``hotline.figures.facts`` notes on it); before it is deleted, by the retention
purge or at the person's request, ``fold_all`` adds it to its cell in
``figure_cells`` and ``figure_waits``, in the same transaction as the delete,
so it is counted exactly once: live or folded, never both, never neither.

A deletion at the person's request still counts the conversation, and counts
one deletion: the issue asks for "deletions on request", and a count in a cell
says nothing about who asked.

Folding is SQL (one GROUP BY over the conversations being deleted, added to
the cells with ``INSERT ... ON CONFLICT DO UPDATE`` on PostgreSQL and SQLite),
so a purge of 100,000 messages folds in a few statements, and two workers
folding into the same cell at once add up instead of overwriting each other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    Select,
    Subquery,
    case,
    cast,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from hotline.extensions import db
from hotline.figures.cells import COUNTS, DIMENSIONS, UNKNOWN, RawCell, monday
from hotline.figures.tables import FigureCell, FigureWait
from hotline.models import Conversation, ConversationWait, Message


class week_of(FunctionElement):
    """The Monday of a timestamp's week, as a date, in SQL."""

    type = Date()
    inherit_cache = True


@compiles(week_of, "postgresql")
def _week_on_postgresql(element: week_of, compiler: Any, **kw: Any) -> str:
    return (
        f"CAST(date_trunc('week', {compiler.process(element.clauses, **kw)}) AS DATE)"
    )


@compiles(week_of, "sqlite")
def _week_on_sqlite(element: week_of, compiler: Any, **kw: Any) -> str:
    # The next Sunday (or the day itself), six days back: its Monday.
    return f"date({compiler.process(element.clauses, **kw)}, 'weekday 0', '-6 days')"


def _facts(which: ColumnElement[bool]) -> Subquery:
    """One row per conversation ``which`` selects: its cell and its facts."""
    messages = (
        select(func.count(Message.id))
        .where(Message.conversation_id == Conversation.id, Message.direction == "in")
        .correlate(Conversation)
        .scalar_subquery()
    )
    return (
        select(
            Conversation.id,
            week_of(Conversation.created_at).label("week"),
            Conversation.channel.label("channel"),
            func.coalesce(Conversation.language, UNKNOWN).label("language"),
            func.coalesce(Conversation.first_topic, UNKNOWN).label("topic"),
            func.coalesce(Conversation.country, UNKNOWN).label("country"),
            messages.label("messages"),
            Conversation.danger_detected,
            Conversation.handoff_count,
            Conversation.after_hours,
            Conversation.turns_not_understood,
        )
        .where(which)
        .subquery()
    )


def _one_if(condition: ColumnElement[Any]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _counts(facts: Subquery, *, deletions: bool) -> Select:
    """The counts of each cell over ``facts``, in ``COUNTS`` order."""
    dimensions = [facts.c[name] for name in DIMENSIONS]
    conversations = func.count()
    return select(
        *dimensions,
        conversations.label("conversations"),
        func.coalesce(func.sum(facts.c.messages), 0).label("messages"),
        _one_if(facts.c.danger_detected).label("danger"),
        func.coalesce(func.sum(facts.c.handoff_count), 0).label("handoffs"),
        _one_if(facts.c.after_hours).label("after_hours"),
        _one_if(facts.c.turns_not_understood > 0).label("not_understood"),
        (conversations if deletions else literal_column("0")).label("deletions"),
    ).group_by(*dimensions)


def _waits(facts: Subquery) -> Select:
    """Waits per cell and bucket over ``facts``."""
    dimensions = [facts.c[name] for name in DIMENSIONS]
    return (
        select(
            *dimensions,
            ConversationWait.bucket.label("bucket"),
            func.count().label("waits"),
        )
        .join_from(
            facts, ConversationWait, ConversationWait.conversation_id == facts.c.id
        )
        .group_by(*dimensions, ConversationWait.bucket)
    )


def _add_to(
    table: Any, rows: Select | list[dict[str, Any]], keys: Iterable[str]
) -> None:
    """Insert ``rows`` (a query, or values) into ``table``, adding each count
    to a cell that is already there: one statement, so concurrent folds add
    up."""
    keys = list(keys)
    insert = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}[
        db.session.get_bind().dialect.name
    ]
    if isinstance(rows, Select):
        names = list(rows.selected_columns.keys())
        statement = insert(table).from_select(names, rows)
    else:
        names = list(rows[0])
        statement = insert(table).values(rows)
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={
            name: table.c[name] + statement.excluded[name]
            for name in names
            if name not in keys
        },
    )
    db.session.execute(statement)


def add(cells: Iterable[RawCell], batch: int = 500) -> None:
    """Add already counted cells to the folded figures (sample data for
    measurement, ``tools.figures_sample``); the caller commits."""
    counts: list[dict[str, Any]] = []
    waits: list[dict[str, Any]] = []
    for cell in cells:
        name = {dimension: getattr(cell, dimension) for dimension in DIMENSIONS}
        counts.append({**name, **{count: getattr(cell, count) for count in COUNTS}})
        waits += [{**name, "bucket": b, "waits": n} for b, n in cell.waits.items()]
    for rows, table, keys in (
        (counts, FigureCell.__table__, DIMENSIONS),
        (waits, FigureWait.__table__, (*DIMENSIONS, "bucket")),
    ):
        for start in range(0, len(rows), batch):
            _add_to(table, rows[start : start + batch], keys)


def fold_all(which: ColumnElement[bool], *, on_request: bool = False) -> int:
    """Add the conversations ``which`` selects to their cells, just before
    they are deleted, in the same transaction (the caller deletes them by the
    same condition, then commits). Returns how many were folded.

    The conversations are locked first (PostgreSQL's ``FOR UPDATE``; SQLite
    writes one at a time): a second purge or an erase at the same moment
    waits, then finds them gone and folds nothing twice."""
    db.session.flush()
    folded = len(
        db.session.execute(select(Conversation.id).where(which).with_for_update()).all()
    )
    if not folded:
        return 0
    facts = _facts(which)
    _add_to(FigureCell.__table__, _counts(facts, deletions=on_request), DIMENSIONS)
    _add_to(FigureWait.__table__, _waits(facts), (*DIMENSIONS, "bucket"))
    return folded


def raw_cells(since: date, until: date) -> list[RawCell]:
    """Every cell of the weeks from ``since``'s to ``until``'s (both
    included), before any suppression: the folded counts plus the live
    conversations, read in one statement so that a purge committing meanwhile
    cannot count a conversation twice or not at all."""
    first, last = monday(since), monday(until)
    live = _facts(
        (Conversation.created_at >= datetime.combine(first, time()))
        & (Conversation.created_at < datetime.combine(last + timedelta(7), time()))
    )
    no_bucket = [
        cast(null(), Integer).label("bucket"),
        literal_column("0").label("waits"),
    ]
    no_counts = [literal_column("0").label(name) for name in COUNTS]
    cells, waits = FigureCell.__table__, FigureWait.__table__
    live_cells = _counts(live, deletions=False).subquery()
    live_waits = _waits(live).subquery()
    query = union_all(
        select(*(cells.c[name] for name in (*DIMENSIONS, *COUNTS)), *no_bucket).where(
            cells.c.week.between(first, last)
        ),
        select(*(live_cells.c[name] for name in (*DIMENSIONS, *COUNTS)), *no_bucket),
        select(
            *(waits.c[name] for name in DIMENSIONS),
            *no_counts,
            waits.c.bucket,
            waits.c.waits,
        ).where(waits.c.week.between(first, last)),
        select(
            *(live_waits.c[name] for name in DIMENSIONS),
            *no_counts,
            live_waits.c.bucket,
            live_waits.c.waits,
        ),
    )
    return _combined(db.session.execute(query).all())


def _combined(rows: Iterable[Any]) -> list[RawCell]:
    """Rows of the same cell summed into one ``RawCell``."""
    counts: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0))
    waits: dict[tuple, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        week = row.week if isinstance(row.week, date) else date.fromisoformat(row.week)
        key = (week, row.channel, row.language, row.topic, row.country)
        cell = counts[key]
        for name in COUNTS:
            cell[name] += int(getattr(row, name) or 0)
        if row.bucket is not None:
            waits[key][int(row.bucket)] += int(row.waits)
    return [
        RawCell(
            *key,
            **cell,
            waits=dict(sorted(waits[key].items())) if key in waits else {},
        )
        for key, cell in sorted(counts.items())
    ]
