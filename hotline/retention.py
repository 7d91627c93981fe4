"""The retention purge: one run forgets everything past its time, and is
recorded, so that a purge that stops running is seen (``purge-check``,
``/metrics``, a banner in supervisors' console).

A run deletes conversations silent for longer than ``RETENTION_DAYS`` (with
their messages, events and notes), Rasa's trackers silent as long, failure
counters that no longer count, calls to the operators' line whose PIN step
can no longer come, masked review items past ``REVIEW_RETENTION_DAYS``
(``hotline.review``), and the line's copies at Twilio of every forgotten
conversation (``hotline.twilio_copies``). ``purge_runs`` keeps, per run, when,
whether it succeeded, the counts and the kind of error: never a text or key.

Overdue: no run has succeeded for 36 hours (a daily job has missed a day and
a half). A line that has never purged is overdue once its oldest stored
conversation is 36 hours old, so a fresh install does not alarm before its
first run was due.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from hotline import config, forgetting, lockout, rasa_trackers, twilio_copies
from hotline.extensions import db
from hotline.models import Conversation, PurgeRun, utcnow
from hotline.review import items as review_items
from hotline.voice import operator_access

log = logging.getLogger(__name__)

OVERDUE_AFTER = timedelta(hours=36)
BATCH = 1000  # conversations deleted per statement and commit


def purge() -> PurgeRun:
    """Run a whole purge and record it; the returned run says whether it
    succeeded (``ok``), what went (counts) and, if not, the error's kind."""
    run = PurgeRun(started_at=utcnow())
    db.session.add(run)
    db.session.commit()
    try:
        _purge_into(run)
    except Exception as error:  # whatever failed, the run is recorded as failed
        db.session.rollback()
        run.error = type(error).__name__[:40]
        log.error("retention purge failed (%s)", run.error)
    run.ok = run.error is None
    run.finished_at = utcnow()
    db.session.commit()
    return run


def _purge_into(run: PurgeRun) -> None:
    """Each step commits its counts, so a failure later keeps them."""
    cutoff = utcnow() - timedelta(days=current_app.config["RETENTION_DAYS"])
    while ids := list(
        db.session.scalars(
            select(Conversation.id)
            .where(Conversation.last_message_at < cutoff)
            .limit(BATCH)
        )
    ):
        run.conversations += forgetting.forget(ids)
        db.session.commit()
    run.tracker_events = rasa_trackers.purge_silent_since(cutoff)
    run.failure_counters = lockout.forget_expired()
    run.operator_line_calls = operator_access.forget_stale()
    run.review_items = review_items.purge_older_than(
        current_app.config["REVIEW_RETENTION_DAYS"]
    )
    db.session.commit()
    sweep = twilio_copies.delete_at_twilio()
    run.twilio_deleted, run.twilio_pending = sweep.deleted, sweep.pending
    if sweep.failed:
        run.error = "twilio_refused"
    elif sweep.waiting and not config.is_development(current_app.config):
        # Outside development a line with copies at Twilio must be able to
        # delete them: TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN are missing.
        run.error = "twilio_not_configured"


@dataclass(frozen=True)
class Standing:
    """When the purge last succeeded (None: never) and whether it is overdue."""

    last_success: datetime | None
    overdue: bool


def standing(now: datetime | None = None) -> Standing:
    now = now or utcnow()
    last_success = db.session.scalar(
        select(func.max(PurgeRun.finished_at)).where(PurgeRun.ok.is_(True))
    )
    since = last_success
    if since is None:  # never purged: due once there was something to purge
        since = db.session.scalar(select(func.min(Conversation.created_at)))
    return Standing(
        last_success=last_success,
        overdue=since is not None and now - since > OVERDUE_AFTER,
    )
