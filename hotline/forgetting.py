"""The one place where conversations are deleted: by the retention purge
(``hotline.retention``) and at the person's request (``conversations.erase``).

Whatever must happen before a conversation goes happens here, once for both
paths: its anonymous figures are added to their cell
(``hotline.figures.store``), the SIDs of its copies at Twilio move to the deletion queue
(``hotline.twilio_copies``). Messages, events and notes follow their
conversation by ON DELETE CASCADE. Rasa's tracker is deleted by each caller
(at once for an erasure, by silence for the purge).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete

from hotline import twilio_copies
from hotline.extensions import db
from hotline.figures import store
from hotline.models import Conversation


def forget(conversation_ids: Sequence[int], *, on_request: bool = False) -> int:
    """Delete these conversations and everything they hold (uncommitted:
    the caller commits, so the figures, the queue and the deletion go
    together); returns how many went. ``on_request``: the person asked (it
    counts as a deletion in the figures)."""
    if not conversation_ids:
        return 0
    store.fold_all(Conversation.id.in_(conversation_ids), on_request=on_request)
    twilio_copies.queue_copies_of(conversation_ids)
    result = db.session.execute(
        delete(Conversation).where(Conversation.id.in_(conversation_ids))
    )
    return result.rowcount or 0
