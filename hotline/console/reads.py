"""Every read of a transcript leaves a trace in the audit log: the page, and
the JSON updates it polls (which return the messages themselves).

Polling asks every second, so one entry stands for a spell of reading: at most
one per operator per conversation every ``READ_AUDIT_EVERY``, whichever way
they read it. The entry says how much was read (counts), never what.
A poll that brings no message reads nothing and leaves nothing.
"""

from __future__ import annotations

from datetime import timedelta

from hotline import handoff
from hotline.extensions import db
from hotline.models import Conversation, Operator

VIEWED = "viewed_transcript"
READ_AUDIT_EVERY = timedelta(minutes=10)
PAGE, UPDATES = "page", "updates"


def _read_lately(operator: Operator, conversation: Conversation) -> bool:
    return handoff.audited_within(operator, conversation, VIEWED, READ_AUDIT_EVERY)


def record_read(
    operator: Operator,
    conversation: Conversation,
    source: str,
    messages: int,
    notes: int = 0,
) -> None:
    """``source`` is ``PAGE`` or ``UPDATES``; committed at once, so the trace
    stays even if what follows fails."""
    if _read_lately(operator, conversation):
        return
    detail = f"{source}: {messages} messages, {notes} notes"
    handoff.audit(operator, VIEWED, conversation.id, detail)
    db.session.commit()
