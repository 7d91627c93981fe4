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
3. *Secondary*: a node is the sum of its children over each dimension it sums
   over (``(week, sms)`` is the sum of ``(week, sms, es)``, ``(week, sms, en)``
   ...). In each such sum the withheld members other than zeros must be none
   or at least two (one alone is the total minus the others); when the sum is
   published, the withheld children must add up to at least the threshold (or
   the difference would be a small number) and to more than their number (or
   each would be 1). Otherwise the smallest published non-zero child is
   withheld too, or, when none is left, the sum.
4. The sum of all the weeks is published only when every week's sum is:
   otherwise a window minus a shorter one would give a withheld week back.

The reader is assumed to know the rules and which withheld values are not
zero. Waits are published as the bucket of a percentile, never a count, and
only for nodes of at least ``threshold`` conversations and enough waits
(``wait_percentile``).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict, deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import product

from hotline.figures.cells import COUNTS, DIMENSIONS, LONGER, WAIT_BUCKETS, RawCell

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


def lattice(cells: Iterable[RawCell]) -> dict[Node, Sums]:
    """Every node the cells fall in, with its sums."""
    sums: dict[Node, Sums] = defaultdict(Sums)
    keeps = list(product((True, False), repeat=len(DIMENSIONS) - 1))
    for cell in cells:
        values = (cell.channel, cell.language, cell.topic, cell.country)
        for keep in keeps:
            node = (
                cell.week,
                *(
                    value if kept else None
                    for value, kept in zip(values, keep, strict=True)
                ),
            )
            sums[node].add(cell)  # type: ignore[index]
        sums[ALL_WEEKS].add(cell)
    return dict(sums)


def withheld(sums: Mapping[Node, Sums], threshold: int) -> dict[Node, frozenset[str]]:
    """The counts each node withholds (rules 1 to 4)."""
    check_threshold(threshold)
    weeks: dict[date, list[Node]] = defaultdict(list)
    for node in sums:
        if node[0] is not None:
            weeks[node[0]].append(node)
    hidden: dict[Node, set[str]] = defaultdict(set)
    for nodes in weeks.values():
        relations = _relations(nodes)
        for name in COUNTS:
            values = {node: sums[node].counts[name] for node in nodes}
            small = {
                node
                for node in nodes
                if 0 < values[node] < threshold
                or sums[node].counts["conversations"] < threshold
            }
            for node in _secondary(relations, values, small, threshold):
                hidden[node].add(name)
    if ALL_WEEKS in sums:
        totals = [node for node in sums if node[0] is not None and _week_sum(node)]
        hidden[ALL_WEEKS] = {
            name
            for name in COUNTS
            if any(name in hidden[node] for node in totals)
            or 0 < sums[ALL_WEEKS].counts[name] < threshold
            or sums[ALL_WEEKS].counts["conversations"] < threshold
        }
    return {node: frozenset(hidden[node]) for node in sums}


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


def _week_sum(node: Node) -> bool:
    return all(value is None for value in node[1:])


Relation = tuple[Node, int]


def _relations(nodes: list[Node]) -> dict[Relation, list[Node]]:
    """Each (sum, dimension it sums over) with its children, in a fixed order."""
    children: dict[Relation, list[Node]] = defaultdict(list)
    for node in sorted(nodes, key=node_order):
        for index in range(1, len(DIMENSIONS)):
            if node[index] is not None:
                children[(_parent(node, index), index)].append(node)
    return dict(children)


def _parent(node: Node, index: int) -> Node:
    return (*node[:index], None, *node[index + 1 :])  # type: ignore[return-value]


def node_order(node: Node) -> tuple[str, ...]:
    return tuple("" if value is None else str(value) for value in node)


def _secondary(
    relations: Mapping[Relation, list[Node]],
    values: Mapping[Node, int],
    small: set[Node],
    threshold: int,
) -> set[Node]:
    """Rule 3 on top of rules 1 and 2: withhold more until no sum gives a
    withheld value back."""
    hidden = set(small)
    queue = deque(sorted(relations, key=lambda rel: (node_order(rel[0]), rel[1])))
    while queue:
        relation = queue.popleft()
        parent, children = relation[0], relations[relation]
        while target := _complement(parent, children, values, hidden, threshold):
            hidden.add(target)
            for index in range(1, len(DIMENSIONS)):
                if target[index] is not None:
                    queue.append((_parent(target, index), index))
            queue.extend(
                (target, index)
                for index in range(1, len(DIMENSIONS))
                if (target, index) in relations
            )
    return hidden


def _complement(
    parent: Node,
    children: list[Node],
    values: Mapping[Node, int],
    hidden: set[Node],
    threshold: int,
) -> Node | None:
    """What to withhold next so that this sum gives nothing back, or None."""
    withheld_children = [
        values[child] for child in children if child in hidden and values[child]
    ]
    if parent in hidden:
        exposed = values[parent] > 0 and not withheld_children
    else:
        count, total = len(withheld_children), sum(withheld_children)
        exposed = count > 0 and (count == 1 or total < threshold or total == count)
    if not exposed:
        return None
    published = [child for child in children if child not in hidden and values[child]]
    if published:
        return min(published, key=lambda child: values[child])
    return None if parent in hidden else parent
