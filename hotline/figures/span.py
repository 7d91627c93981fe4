"""What a reader can work out from published sums: every linear combination
of them. A sum is a vector over a week's cells (1 for each cell it adds up);
the published ones span a space, kept in reduced row echelon form, and a
withheld value is given away exactly when its vector falls in that space.

Arithmetic is modulo a 61-bit prime rather than over the rationals (which
grow without bound): a vector in the rational span is in this one too, except
for a prime dividing some minor of a 0/1 matrix, which a prime this large does
not in practice; the error could only withhold more.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

PRIME = 2**61 - 1
Vector = dict[int, int]


class Span:
    """The span of the published vectors, and the protected vectors (the
    withheld values that must stay unknown), each reduced by it."""

    def __init__(self, protected: Iterable[Vector]) -> None:
        self._basis: dict[int, Vector] = {}
        distinct = {frozenset(vector.items()) for vector in protected if vector}
        self._protected = [dict(vector) for vector in distinct]
        # Parallel vectors have the same columns: only those are compared.
        self._by_columns: dict[frozenset[int], set[int]] = defaultdict(set)
        # Which protected residues hold each column.
        self._holders: dict[int, set[int]] = defaultdict(set)
        for number, vector in enumerate(self._protected):
            self._by_columns[frozenset(vector)].add(number)
            for column in vector:
                self._holders[column].add(number)

    def residue(self, vector: Vector) -> Vector:
        """What the vector adds to the span; empty when it is already known."""
        residue = dict(vector)
        for pivot in [column for column in vector if column in self._basis]:
            _eliminate(residue, self._basis[pivot], pivot)
        return residue

    def gives_away(self, residue: Vector) -> bool:
        """Whether adding this residue would determine a protected value: a
        protected residue points the same way."""
        first = min(residue)
        return any(
            all(
                value * residue[first] % PRIME == residue[column] * other[first] % PRIME
                for column, value in other.items()
            )
            for other in map(
                self._protected.__getitem__,
                self._by_columns.get(frozenset(residue), ()),
            )
        )

    def add(self, residue: Vector) -> None:
        """Publish a vector, given as its non-empty ``residue``."""
        # The column the fewest protected residues hold: the least work.
        pivot = min(residue, key=lambda column: (len(self._holders[column]), column))
        scale = pow(residue[pivot], PRIME - 2, PRIME)
        row = {column: value * scale % PRIME for column, value in residue.items()}
        for other in self._basis.values():
            _eliminate(other, row, pivot)
        self._basis[pivot] = row
        for number in list(self._holders[pivot]):
            protected = self._protected[number]
            before = frozenset(protected)
            _eliminate(protected, row, pivot)
            after = frozenset(protected)
            self._by_columns[before].discard(number)
            self._by_columns[after].add(number)
            for column in before - after:
                self._holders[column].discard(number)
            for column in after - before:
                self._holders[column].add(number)


def _eliminate(target: Vector, row: Vector, pivot: int) -> None:
    """Subtract the multiple of ``row`` (1 at ``pivot``) that clears
    ``target`` at ``pivot``."""
    factor = target.get(pivot, 0)
    if not factor:
        return
    for column, value in row.items():
        result = (target.get(column, 0) - factor * value) % PRIME
        if result:
            target[column] = result
        else:
            target.pop(column, None)
