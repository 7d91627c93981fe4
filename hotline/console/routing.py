"""The queue as one operator sees it: what they can answer first, which
conversations nobody on shift can answer ("needs interpreter"), and which
they may take (and so read while they wait)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from hotline import handoff
from hotline.console.i18n import say
from hotline.extensions import db
from hotline.models import Conversation, Operator, utcnow
from hotline.privacy import pseudonym
from hotline.texts import Text

ON_SHIFT_WITHIN = timedelta(hours=12)
UNDER_A_MINUTE = Text("console", "under 1 min")
MINUTES = Text("console", "%(minutes)s min")
HOURS_AND_MINUTES = Text("console", "%(hours)s h %(minutes)02d min")


@dataclass(frozen=True)
class QueueRow:
    conversation: Conversation
    pseudonym: str
    mine: bool  # in one of the operator's languages
    needs_interpreter: bool
    claimable: bool  # the operator may open and take it (``may_claim``)
    waiting: timedelta

    @property
    def waiting_label(self) -> str:
        minutes = int(self.waiting.total_seconds() // 60)
        if minutes < 1:
            return say(UNDER_A_MINUTE)
        if minutes < 60:
            return say(MINUTES, minutes=minutes)
        return say(HOURS_AND_MINUTES, hours=minutes // 60, minutes=minutes % 60)


def languages_on_shift(now: datetime | None = None) -> set[str]:
    """Languages spoken by active operators seen in the last 12 hours."""
    since = (now or utcnow()) - ON_SHIFT_WITHIN
    operators = db.session.scalars(
        select(Operator).where(Operator.active, Operator.last_seen_at >= since)
    )
    return {code for operator in operators for code in operator.language_codes}


def needs_interpreter(conversation: Conversation, spoken: set[str]) -> bool:
    return bool(conversation.language) and conversation.language not in spoken


def may_claim(
    operator: Operator, conversation: Conversation, spoken: set[str] | None = None
) -> bool:
    """Whether the operator may take this conversation from the queue, and so
    read it while it waits (whatever its state now: a claim lost to a
    colleague is told as such). A supervisor, any; an operator, one in their
    languages, one in an unknown language or in one nobody on shift speaks
    (whoever takes it finds an interpreter), and an urgent one (whoever is
    free first: the ready-made replies go out in the person's language)."""
    if operator.supervises or conversation.handoff_priority == handoff.URGENT:
        return True
    if not conversation.language or conversation.language in operator.language_codes:
        return True
    if spoken is None:
        spoken = languages_on_shift()
    return needs_interpreter(conversation, spoken)


def queue_for(operator: Operator) -> list[QueueRow]:
    """The waiting queue: urgent first, always, whatever the language; within
    one priority the operator's own languages first, then waiting time."""
    now = utcnow()
    spoken = languages_on_shift(now)
    own = set(operator.language_codes)
    rows = [
        QueueRow(
            conversation=conversation,
            pseudonym=pseudonym(conversation.key),
            mine=conversation.language in own,
            needs_interpreter=needs_interpreter(conversation, spoken),
            claimable=may_claim(operator, conversation, spoken),
            waiting=now - (conversation.waiting_since or now),
        )
        for conversation in handoff.waiting_queue()
    ]
    # waiting_queue() is in priority and waiting order; a stable sort keeps it.
    return sorted(
        rows,
        key=lambda row: (handoff.rank(row.conversation.handoff_priority), not row.mine),
    )
