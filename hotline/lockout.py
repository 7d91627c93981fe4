"""Failure counters and the locks they set, in the database so that every
worker sees the same ones (table ``failure_counters``).

A ``Rule`` names what it counts (its scope: a web client, an account's web
logins, a calling number...) and how many failures within a window lock it,
for how long. A subject is a keyed hash (``hotline.privacy``) of a client's
address or a calling number, or an operator's id: never an address or a
number in clear. Each surface has its own rules, so a brute force on the
phone line never locks the web login, nor the other way round.

Each failure is counted by one UPDATE computed in the database, never read,
added and written back: a burst of guesses sent in parallel cannot slip
past the limit by all reading the same count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from hotline.extensions import db
from hotline.models import FailureCounter, utcnow

# Failures count within this window; reaching a rule's limit locks for LOCKOUT.
WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
LOCKOUT_MINUTES = int(LOCKOUT.total_seconds() // 60)


@dataclass(frozen=True)
class Rule:
    scope: str  # at most 16 characters (the column)
    max_failures: int


def _row(rule: Rule, subject: str):  # type: ignore[no-untyped-def]
    return and_(FailureCounter.scope == rule.scope, FailureCounter.subject == subject)


def locked_until(rule: Rule, subject: str) -> datetime | None:
    """Until when ``subject`` is locked under ``rule``; None when it is not."""
    until = db.session.scalar(
        select(FailureCounter.locked_until).where(_row(rule, subject))
    )
    return until if until is not None and until > utcnow() else None


def has_failed(rule: Rule, subject: str) -> bool:
    """A failure of ``subject`` in its current window, or a lock still on."""
    now = utcnow()
    found = db.session.scalar(
        select(FailureCounter.subject).where(
            _row(rule, subject),
            or_(
                and_(
                    FailureCounter.failures > 0,
                    FailureCounter.window_started_at >= now - WINDOW,
                ),
                FailureCounter.locked_until > now,
            ),
        )
    )
    return found is not None


def _insert_missing(rule: Rule, subject: str, now: datetime) -> None:
    """The subject's row, made if it is not there yet (two at once: one row)."""
    on_postgresql = db.session.get_bind().dialect.name == "postgresql"
    dialect = postgresql if on_postgresql else sqlite
    db.session.execute(
        dialect.insert(FailureCounter)
        .values(scope=rule.scope, subject=subject, failures=0, window_started_at=now)
        .on_conflict_do_nothing()
    )


def fail(rule: Rule, subject: str) -> datetime | None:
    """Count one failure (committed at once). When it reaches the rule's
    limit the subject is locked, its count starts again, and the time the
    lock ends is returned; otherwise None."""
    now = utcnow()
    _insert_missing(rule, subject, now)
    stale = FailureCounter.window_started_at < now - WINDOW
    count = case((stale, 0), else_=FailureCounter.failures) + 1
    reaches = count >= rule.max_failures
    until = now + LOCKOUT
    failures = db.session.scalar(
        update(FailureCounter)
        .where(_row(rule, subject))
        .values(
            failures=case((reaches, 0), else_=count),
            window_started_at=case(
                (or_(stale, reaches), now), else_=FailureCounter.window_started_at
            ),
            locked_until=case((reaches, until), else_=FailureCounter.locked_until),
        )
        .returning(FailureCounter.failures)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    # A failure leaves a count of one or more, unless it set the lock.
    return until if failures == 0 else None


def clear(rule: Rule, subject: str) -> None:
    """Forget the subject's failures and lock (it proved who it is)."""
    db.session.execute(delete(FailureCounter).where(_row(rule, subject)))
    db.session.commit()


def forget_expired() -> int:
    """Delete counters that no longer count anything (window over, no lock),
    so the table keeps no trace of a client longer than it must."""
    now = utcnow()
    result = db.session.execute(
        delete(FailureCounter).where(
            FailureCounter.window_started_at < now - WINDOW,
            or_(
                FailureCounter.locked_until.is_(None),
                FailureCounter.locked_until < now,
            ),
        )
    )
    db.session.commit()
    return result.rowcount or 0
