"""Callers waiting for a person in Twilio's call queues, and who can take them.

One Twilio queue per language (``aliada-es``), and a second one for urgent
calls (``aliada-es-urgent``): Twilio serves each queue first come, first
served, so an emergency put behind five ordinary callers would wait for all of
them. An operator's phone takes the urgent queue of a language first.

Whether a caller is still in a queue is read from the conversation's events:
``call_enqueued`` when the line puts them there, ``caller_hung_up`` or
``left_queue`` when Twilio reports the wait ended, ``answered_by_phone`` when
an operator's phone took the call. A caller who hung up stays ``waiting`` (the
console shows the conversation and its trail) but no phone picks them up. A
call claimed in the console stays on hold until its operator phones in.
"""

from __future__ import annotations

import itertools
from datetime import timedelta

from sqlalchemy import select

from hotline import handoff
from hotline.extensions import db
from hotline.models import Channel, Conversation, Operator, State, utcnow
from hotline.privacy import conversation_key

ENQUEUED = "call_enqueued"
HUNG_UP = "caller_hung_up"
LEFT = "left_queue"
ANSWERED = "answered_by_phone"
_QUEUE_EVENTS = frozenset({ENQUEUED, HUNG_UP, LEFT, ANSWERED})
# An operator counts as on duty while their console (polled every few seconds,
# stamped each minute) or their phone login is this recent.
ON_DUTY_WITHIN = timedelta(minutes=5)


def queue_name(language: str, priority: str | None) -> str:
    suffix = "-urgent" if priority == "urgent" else ""
    return f"aliada-{language}{suffix}"


def call_conversation(call_sid: str) -> Conversation | None:
    """The conversation of a call, if the line has one (never a new one)."""
    key = conversation_key(Channel.VOICE, call_sid)
    return db.session.scalar(select(Conversation).where(Conversation.key == key))


def in_call_queue(conversation: Conversation) -> bool:
    """The caller was put in a queue and has neither left it nor been answered."""
    for event in reversed(conversation.events):
        if event.kind in _QUEUE_EVENTS:
            return event.kind == ENQUEUED
    return False


def someone_on_duty(language: str) -> bool:
    """An active operator who speaks ``language`` was seen lately."""
    since = utcnow() - ON_DUTY_WITHIN
    operators = db.session.scalars(
        select(Operator).where(Operator.active, Operator.last_seen_at >= since)
    )
    return any(language in operator.language_codes for operator in operators)


def next_call_for(operator: Operator) -> Conversation | None:
    """A caller on hold the operator already claimed in the console; else the
    first one in the operator's languages, in the console's order (urgent
    first, then high, then waiting time)."""
    claimed = db.session.scalars(
        select(Conversation)
        .where(
            Conversation.state == State.WITH_OPERATOR,
            Conversation.operator_id == operator.id,
            Conversation.channel == Channel.VOICE,
        )
        .order_by(Conversation.last_message_at)
    )
    spoken = set(operator.language_codes)
    waiting = (
        conversation
        for conversation in handoff.waiting_queue()
        if conversation.channel == Channel.VOICE and conversation.language in spoken
    )
    return next(
        (c for c in itertools.chain(claimed, waiting) if in_call_queue(c)), None
    )
