"""Rewrite every sealed value with the newest key (``flask --app hotline
reencrypt``), so an old key can leave ``CONTACT_ENCRYPTION_KEYS``.

The line keeps serving meanwhile: each value is rewritten in its own short
transaction, and only if it is still the value that was read (compare and
swap). A number cleared on close, or written again by a hand-off, while the
command runs is left as the line left it: never brought back.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import InstrumentedAttribute

from hotline import sealing
from hotline.extensions import db
from hotline.models import Conversation, Operator

# Every column that holds a sealed value.
SEALED_COLUMNS: tuple[InstrumentedAttribute[bytes | None], ...] = (
    Conversation.contact,
    Operator.totp_secret_sealed,
)


@dataclass
class Tally:
    rewritten: int = 0
    current: int = 0  # written with the newest key already
    moved_on: int = 0  # changed by the line while the command ran
    unreadable: int = 0  # no configured key opens it: do not remove a key yet


def reseal_row(
    column: InstrumentedAttribute[bytes | None], row_id: int, sealed: bytes
) -> bool:
    """Rewrite one value with the newest key if it still is ``sealed``; False
    when the line changed it in the meantime."""
    model = column.class_
    rewritten = sealing.reseal(sealed)
    result = db.session.execute(
        update(model)
        .where(model.id == row_id, column == sealed)
        .values({column.key: rewritten})
    )
    db.session.commit()
    return bool(result.rowcount)


def reencrypt_all() -> Tally:
    tally = Tally()
    for column in SEALED_COLUMNS:
        model = column.class_
        rows = db.session.execute(
            select(model.id, column).where(column.is_not(None))
        ).all()
        db.session.commit()  # no transaction held while rewriting
        for row_id, sealed in rows:
            if sealing.is_current(sealed):
                tally.current += 1
                continue
            try:
                rewritten = reseal_row(column, row_id, sealed)
            except sealing.Unreadable:
                tally.unreadable += 1
                continue
            if rewritten:
                tally.rewritten += 1
            else:
                tally.moved_on += 1
    return tally
