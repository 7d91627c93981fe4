"""Which of the line's figures may be published: the one place where small
numbers are withheld (README, "Figures").

Every figure any view publishes, whatever its dimensions and its window of
weeks, is a *node*: one week with each of channel, language, topic and country
either fixed or summed over, or the sum of all the weeks. Publication decides
once per node and count for all views together, from that week's cells alone,
so two views (by channel, by channel and language) or two windows (January,
January and February) give the same answer for the same node and cannot be
subtracted from each other to give back what either withholds.

Per count (conversations, messages, danger, ...):

1. *Primary*: a value from 1 to ``threshold - 1`` is withheld. Zero is
   published: it is about nobody, and withholding it too would blank most of
   a small line's table while the reader still knows a withheld value is
   small.
2. *Small groups*: a node about fewer conversations than the threshold
   withholds every count (its messages or deletions would tell about those
   few people).
3. *Secondary*: the other nodes are published one by one, coarse sums first
   and the larger first, each only if, with everything published before it,
   no sum and difference of published values (``hotline.figures.span``) gives
   back
   - a value withheld by rules 1 and 2, or
   - where a node is the sum of others (``(week, sms)`` of ``(week, sms,
     es)``, ``(week, sms, en)`` ...), the sum of the non-zero values withheld
     by rules 1 and 2 among them when it is under the threshold or when it
     equals their number (each would be 1).
   A node withheld here that what is published determines anyway is
   published after all (it tells nothing new).
4. The sum of all the weeks is published only when every week's sum is:
   otherwise a window minus a shorter one would give a withheld week back.

The reader is assumed to know these rules and which cells are zero. Waits are
published as the bucket of a percentile, never a count, and only for nodes of
at least ``threshold`` conversations and enough waits (``wait_percentile``).
"""

from __future__ import annotations

import functools
import hashlib
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import product
from typing import Protocol

from hotline.figures.cells import COUNTS, DIMENSIONS, LONGER, WAIT_BUCKETS, RawCell
from hotline.figures.span import Span, Vector

# With zeros published, a threshold of 2 would withhold only ones: every
# withheld value would be known to be 1.
MIN_THRESHOLD = 3
DEFAULT_THRESHOLD = 5
# The published value of a percentile that falls beyond the last bucket: more
# than a day (86400 s), said as one second more.
OVER_A_DAY = WAIT_BUCKETS[-1] + 1

# week, channel, language, topic, country; None where the node sums over it
# (the week is None only in the sum of all the weeks).
Node = tuple[date | None, str | None, str | None, str | None, str | None]
ALL_WEEKS: Node = (None, None, None, None, None)
# A node and one dimension it sums over: the node is the sum of its children
# that fix that dimension.
Relation = tuple[Node, int]
_SUMMED = range(1, len(DIMENSIONS))
_SHAPES = list(product((True, False), repeat=len(DIMENSIONS) - 1))


@dataclass
class Sums:
    """What one node adds up: the counts and the histogram of waits."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNTS, 0))
    waits: Counter[int] = field(default_factory=Counter)

    def add(self, cell: RawCell) -> None:
        for name in COUNTS:
            self.counts[name] += getattr(cell, name)
        self.waits.update(cell.waits)


def check_threshold(threshold: int) -> None:
    if threshold < MIN_THRESHOLD:
        raise ValueError(
            f"the figures' threshold must be at least {MIN_THRESHOLD}: with zeros "
            "published, anything smaller gives every withheld value away"
        )


Shape = tuple[bool, ...]  # which of channel, language, topic, country a node fixes
FINEST: Shape = (True,) * (len(DIMENSIONS) - 1)
WEEK_SUM: Shape = (False,) * (len(DIMENSIONS) - 1)


def lattice(
    cells: Iterable[RawCell], shapes: Iterable[Shape] | None = None
) -> dict[Node, Sums]:
    """Every node the cells fall in, with its sums; only nodes of ``shapes``
    (and the sum of all weeks) when given: a view needs its own nodes, the
    cells and the weeks' sums, and summing the other levels is most of a
    warm page's time."""
    kept = _SHAPES if shapes is None else list(dict.fromkeys(shapes))
    sums: dict[Node, Sums] = defaultdict(Sums)
    for cell in cells:
        for node in _ancestors(
            (cell.week, cell.channel, cell.language, cell.topic, cell.country), kept
        ):
            sums[node].add(cell)
        sums[ALL_WEEKS].add(cell)
    return dict(sums)


WeekCells = tuple[tuple[Node, tuple[int, ...]], ...]
Decision = dict[Node, frozenset[str]]


class Memory(Protocol):
    """Where one week's decision is kept once worked out, named by a digest
    of that week's cells (``hotline.figures.decisions``): deciding a week is
    most of the work, and a week stops changing once it is past."""

    def recall(self, week: date, threshold: int, digest: str) -> Decision | None: ...

    def remember(
        self, week: date, threshold: int, digest: str, decision: Decision
    ) -> None: ...


def digest(cells: WeekCells) -> str:
    """A week's cells, reduced to a name: the same cells, the same name."""
    return hashlib.sha256(repr(cells).encode()).hexdigest()


def withheld(
    sums: Mapping[Node, Sums], threshold: int, memory: Memory | None = None
) -> dict[Node, frozenset[str]]:
    """The counts each node withholds (rules 1 to 4); ``memory`` keeps each
    week's decision for the next time its cells are the same."""
    check_threshold(threshold)
    weeks: dict[date, list[Node]] = defaultdict(list)
    for node in sums:
        if node[0] is not None:
            weeks[node[0]].append(node)
    hidden: dict[Node, set[str]] = defaultdict(set)
    for week, nodes in weeks.items():
        cells = tuple(
            (node, tuple(sums[node].counts[name] for name in COUNTS))
            for node in sorted(nodes, key=node_order)
            if None not in node
        )
        for node, names in _decided(week, cells, threshold, memory).items():
            hidden[node].update(names)
    if ALL_WEEKS in sums:
        totals = [node for node in sums if node[0] is not None and _week_sum(node)]
        everything = sums[ALL_WEEKS].counts
        hidden[ALL_WEEKS] = {
            name
            for name in COUNTS
            if any(name in hidden[node] for node in totals)
            or 0 < everything[name] < threshold
            or everything["conversations"] < threshold
        }
    return {node: frozenset(hidden[node]) for node in sums}


def _decided(
    week: date, cells: WeekCells, threshold: int, memory: Memory | None
) -> Decision:
    """One week's decision: remembered, or worked out and remembered."""
    if memory is None:
        return _week_withheld(cells, threshold)
    name = digest(cells)
    decision = memory.recall(week, threshold, name)
    if decision is None:
        decision = _week_withheld(cells, threshold)
        memory.remember(week, threshold, name, decision)
    return decision


@functools.lru_cache(maxsize=128)
def _week_withheld(cells: WeekCells, threshold: int) -> Decision:
    """One week's withheld counts, from its cells' counts alone: the same for
    every view and window, and worked out once while they do not change."""
    sums = lattice(
        RawCell(*node, **dict(zip(COUNTS, counts, strict=True)))  # type: ignore[misc]
        for node, counts in cells
    )
    nodes = [node for node in sums if node != ALL_WEEKS]
    week = _Week(nodes)
    few = {node for node in nodes if sums[node].counts["conversations"] < threshold}
    hidden: dict[Node, set[str]] = defaultdict(set)
    for name in COUNTS:
        values = {node: sums[node].counts[name] for node in nodes}
        shown = week.published(values, few, threshold)
        for node in nodes:
            if node not in shown:
                hidden[node].add(name)
    shared: dict[frozenset[str], frozenset[str]] = {}
    return {
        node: shared.setdefault(frozenset(names), frozenset(names))
        for node, names in hidden.items()
    }


def wait_percentile(waits: Counter[int], share: float, threshold: int) -> int | None:
    """The upper bound of the bucket holding ``share`` of the waits (nearest
    rank), or ``OVER_A_DAY``. None with fewer waits than the threshold, or when
    the percentile would be the single longest wait (one person's)."""
    count = sum(waits.values())
    rank = math.ceil(share * count)
    if count < threshold or rank >= count:
        return None
    seen = 0
    for bound in (*WAIT_BUCKETS, LONGER):
        seen += waits.get(bound, 0)
        if seen >= rank:
            return OVER_A_DAY if bound == LONGER else bound
    return None


def node_order(node: Node) -> tuple[str, ...]:
    return tuple("" if value is None else str(value) for value in node)


class _Week:
    """One week's nodes: the cells (the nodes that fix every dimension) each
    adds up, and each node's place in the sums a reader sees."""

    def __init__(self, nodes: list[Node]) -> None:
        self.nodes = sorted(nodes, key=node_order)
        self.finest = [node for node in self.nodes if None not in node]
        self.cells: dict[Node, list[Node]] = defaultdict(list)
        self.children: dict[Relation, list[Node]] = defaultdict(list)
        self.relations: dict[Node, list[Relation]] = defaultdict(list)
        for node in self.nodes:
            for index in _SUMMED:
                if node[index] is not None:
                    relation = (_parent(node, index), index)
                    self.children[relation].append(node)
                    self.relations[node].append(relation)
                else:
                    self.relations[node].append((node, index))
        for cell in self.finest:
            for ancestor in _ancestors(cell):
                self.cells[ancestor].append(cell)

    def published(
        self, values: Mapping[Node, int], few: set[Node], threshold: int
    ) -> set[Node]:
        """The nodes whose value may be published (rules 1 to 3)."""
        columns = {cell: column for column, cell in enumerate(self.finest)}

        def vector(node: Node) -> Vector:
            return {columns[cell]: 1 for cell in self.cells[node] if values[cell]}

        def primary(node: Node) -> bool:
            return bool(values[node]) and (values[node] < threshold or node in few)

        protected = [vector(node) for node in self.nodes if primary(node)]
        for children in self.children.values():
            small = [values[child] for child in children if primary(child)]
            if len(small) > 1 and (sum(small) < threshold or sum(small) == len(small)):
                protected.append(
                    {
                        column: 1
                        for child in children
                        if primary(child)
                        for column in vector(child)
                    }
                )
        span = Span(protected)
        shown: set[Node] = set()
        kept_back = []
        # A small group's zeros are withheld too, harmlessly.
        candidates = [node for node in self.nodes if node not in few]
        for node in sorted(candidates, key=lambda node: (_level(node), -values[node])):
            if primary(node):
                continue
            residue = span.residue(vector(node))
            if not residue:
                shown.add(node)
            elif span.gives_away(residue):
                kept_back.append(node)
            else:
                shown.add(node)
                span.add(residue)
        shown.update(node for node in kept_back if not span.residue(vector(node)))
        return shown


def _ancestors(node: Node, shapes: list[Shape] = _SHAPES) -> list[Node]:
    """The node and every node that sums it over some of its dimensions."""
    return [
        (
            node[0],
            *(
                value if kept else None
                for value, kept in zip(node[1:], shape, strict=True)
            ),
        )  # type: ignore[misc]
        for shape in shapes
    ]


def _parent(node: Node, index: int) -> Node:
    return (*node[:index], None, *node[index + 1 :])  # type: ignore[return-value]


def _level(node: Node) -> int:
    return sum(value is not None for value in node[1:])


def _week_sum(node: Node) -> bool:
    return all(value is None for value in node[1:])
