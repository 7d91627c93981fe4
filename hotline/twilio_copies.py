"""The line's copies at Twilio of forgotten conversations, and their deletion.

Twilio keeps a log of every message (with its text and the person's number),
of every call, and every recording (the voice messages callers leave). When
the hotline forgets a conversation, the SIDs of those copies move to the
``twilio_deletions`` queue, which keeps nothing else (no conversation, no
key); the retention purge deletes them through Twilio's REST API, a call's
recordings first, and keeps what Twilio refused for the next run.

Where the SIDs come from: ``Message.provider_id`` holds the MessageSid of a
person's SMS or WhatsApp message and of an operator's reply sent through the
REST API, ``<CallSid>:<RecordingSid>`` for a voice message, and
``<CallSid>:<step>`` for each turn of a call. ``twilio_copies`` holds the rest:
the SIDs of the bot's SMS answers (sent in TwiML, reported to ``<Message
action>``) and of an operator's reply's later segments.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from hotline import twilio_rest
from hotline.extensions import db
from hotline.models import Conversation, Message, TwilioCopy, TwilioDeletion
from hotline.twilio_rest import TwilioError

log = logging.getLogger(__name__)

SID = re.compile(r"(SM|MM|CA|RE)[0-9a-fA-F]{32}")
KIND_BY_PREFIX = {"SM": "message", "MM": "message", "CA": "call", "RE": "recording"}
# Twilio down or refusing everything: stop asking after this many failures in
# a row; what is left waits for the next run.
MAX_FAILURES_IN_A_ROW = 20
BATCH = 500


def twilio_sids(provider_id: str) -> list[str]:
    """The SIDs of the Twilio copies a provider id names: none for a web chat
    id; the CallSid and the RecordingSid of a voice message."""
    return [part for part in provider_id.split(":") if SID.fullmatch(part)]


def remember(conversation: Conversation | None, sids: Iterable[str]) -> None:
    """Keep SIDs of a conversation's copies at Twilio that no message row
    holds (uncommitted); a conversation already forgotten (None) has them
    queued for deletion at once."""
    found = [sid for sid in sids if SID.fullmatch(sid)]
    if conversation is None:
        _insert_new(TwilioDeletion, [_queued(sid) for sid in found])
        return
    _insert_new(
        TwilioCopy, [{"conversation_id": conversation.id, "sid": sid} for sid in found]
    )


def queue_copies_of(conversation_ids: Sequence[int]) -> int:
    """Queue the Twilio copies of these conversations for deletion
    (uncommitted); returns how many SIDs were found."""
    found: set[str] = set()
    for start in range(0, len(conversation_ids), BATCH):
        batch = conversation_ids[start : start + BATCH]
        for provider_id in db.session.scalars(
            select(Message.provider_id).where(
                Message.conversation_id.in_(batch), Message.provider_id.is_not(None)
            )
        ):
            found.update(twilio_sids(provider_id))
        found.update(
            db.session.scalars(
                select(TwilioCopy.sid).where(TwilioCopy.conversation_id.in_(batch))
            )
        )
    _insert_new(TwilioDeletion, [_queued(sid) for sid in sorted(found)])
    return len(found)


def _queued(sid: str) -> dict[str, object]:
    return {"sid": sid, "kind": KIND_BY_PREFIX[sid[:2]], "attempts": 0}


def _insert_new(model: type[TwilioCopy | TwilioDeletion], rows: list[dict]) -> None:
    """Insert, skipping a SID already there (each status report of one
    message; a call erased mid-way, then purged: both name its CallSid)."""
    dialect = (
        postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    )
    for start in range(0, len(rows), BATCH):
        db.session.execute(
            dialect.insert(model).on_conflict_do_nothing(index_elements=["sid"]),
            rows[start : start + BATCH],
        )


@dataclass(frozen=True)
class Sweep:
    """What one pass over the queue did: deleted, refused (kept for the next
    run) and left waiting (not tried: Twilio is not configured, or failed too
    often in a row)."""

    deleted: int = 0
    failed: int = 0
    waiting: int = 0

    @property
    def pending(self) -> int:
        return self.failed + self.waiting


def pending() -> int:
    return db.session.scalar(select(func.count()).select_from(TwilioDeletion)) or 0


def delete_at_twilio() -> Sweep:
    """Delete every queued copy at Twilio (404 counts as done), committing
    after each, so a stopped run never asks twice for what went."""
    if not twilio_rest.is_configured():
        return Sweep(waiting=pending())
    queued = db.session.scalars(select(TwilioDeletion).order_by(TwilioDeletion.sid))
    deleted = failed = in_a_row = 0
    for copy in queued.all():
        if in_a_row >= MAX_FAILURES_IN_A_ROW:
            break
        try:
            _delete(copy)
        except TwilioError as error:
            copy.attempts += 1
            failed += 1
            in_a_row += 1
            log.warning("a %s at Twilio was not deleted (%s)", copy.kind, error.detail)
        else:
            db.session.delete(copy)
            deleted += 1
            in_a_row = 0
        db.session.commit()
    return Sweep(deleted=deleted, failed=failed, waiting=pending() - failed)


def _delete(copy: TwilioDeletion) -> None:
    """A call's recordings and the calls it started (with theirs) go first:
    once the call log is gone, nothing lists them by call any more."""
    if copy.kind == "call":
        _delete_call(copy.sid)
    else:
        twilio_rest.delete(copy.kind, copy.sid)


def _delete_call(call_sid: str) -> None:
    for child in twilio_rest.child_calls(call_sid):
        _delete_call(child)
    for recording in twilio_rest.recordings_of_call(call_sid):
        twilio_rest.delete("recording", recording)
    twilio_rest.delete("call", call_sid)
