"""The whole life of a conversation, in one place for every channel and the
console: bot -> waiting (for a person) -> with_operator -> closed, and back to
the bot; its priority; its events. Every change is an event (who, when) and,
for operators, an audit entry; nothing here is a bare flag.

An *episode* is one stay with people, from leaving the bot until closed or
handed back: it enters the queue once, however many messages or signals ask
for a person during it; a later, more serious one only raises its priority.

While a conversation waits or is with an operator, the person's messages go to
the console, never to Rasa (``conversations.handle`` asks ``is_with_people``),
so no ``/restart`` from the person can un-pause it.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, case, exists, func, select, update

from hotline import metrics, sealing
from hotline.extensions import db
from hotline.figures import facts
from hotline.models import (
    AuditEntry,
    Channel,
    Conversation,
    ConversationEvent,
    Operator,
    State,
    utcnow,
)

URGENT, HIGH, NORMAL = "urgent", "high", "normal"
# The event that starts an episode with people: a conversation that has one
# reached people (the console's supervisors read those without a reason).
HANDED_OFF = "handoff"
PRIORITY_RANK = {URGENT: 0, HIGH: 1, NORMAL: 2}

# Why the hotline itself puts a conversation in front of a person (the bot
# signals its own reasons: request_human, emergency, interpreter, ...).
BOT_UNAVAILABLE = "bot_unavailable"  # Rasa down, slow or silent; Twilio fallback
FLOOD = "flood"  # more messages than a person types: held, not sent to the bot
AFTER_OPT_OUT = "after_opt_out"  # wrote after STOP: the line stays silent
DANGER = "danger"  # the danger detector is sure (``bot.danger``)
# The danger classifier is unsure: a person looks soon (high priority), and
# until one takes the conversation the bot keeps answering, so a false alarm
# costs an operator a minute, not the person their answers.
POSSIBLE_DANGER = "possible_danger"


def bot_keeps_answering(conversation: Conversation) -> bool:
    """Waiting for a person over possible danger only: the bot answers on."""
    return (
        conversation.state == State.WAITING
        and conversation.handoff_reason == POSSIBLE_DANGER
    )


def is_with_people(conversation: Conversation) -> bool:
    return conversation.state in (State.WAITING, State.WITH_OPERATOR)


def actor_of(operator: Operator | None) -> str:
    return f"operator:{operator.id}" if operator else "system"


def record(
    conversation: Conversation,
    kind: str,
    operator: Operator | None = None,
    detail: str | None = None,
) -> None:
    """An event in the conversation's trail, and for operators the audit log."""
    db.session.add(
        ConversationEvent(
            conversation=conversation,
            kind=kind,
            detail=detail,
            actor=actor_of(operator),
        )
    )
    if operator is not None:
        audit(operator, kind, conversation.id, detail)


def audit(
    operator: Operator | None,
    action: str,
    conversation_id: int | None = None,
    detail: str | None = None,
) -> None:
    db.session.add(
        AuditEntry(
            operator_id=operator.id if operator else None,
            action=action,
            conversation_id=conversation_id,
            detail=detail,
        )
    )


def audited_within(
    operator: Operator, conversation: Conversation, action: str, window: timedelta
) -> bool:
    """The trail holds ``action`` by this operator on this conversation less
    than ``window`` ago (a recent read, a reason still valid)."""
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    AuditEntry.operator_id == operator.id,
                    AuditEntry.conversation_id == conversation.id,
                    AuditEntry.action == action,
                    AuditEntry.created_at >= utcnow() - window,
                )
            )
        )
    )


def request_person(
    conversation: Conversation,
    reason: str,
    priority: str,
    address: str | None = None,
    topic: str = "",
) -> bool:
    """Put the conversation in front of a person, once per episode; True when
    this started the episode. Asked again during it, only a higher priority
    counts (an event says so, and the reason becomes the graver one). For SMS
    and WhatsApp the number is kept, encrypted, so an operator can answer."""
    if address and conversation.channel in (Channel.SMS, Channel.WHATSAPP):
        conversation.contact = sealing.seal(address)
    if priority == URGENT:
        facts.danger(conversation)
    if is_with_people(conversation):
        if topic and not conversation.handoff_topic:
            conversation.handoff_topic = topic[:32]
        if rank(priority) < rank(conversation.handoff_priority):
            conversation.handoff_priority = priority
            conversation.handoff_reason = reason  # the reason shown explains it
            record(conversation, "priority_raised", detail=f"{reason}/{priority}")
        elif bot_keeps_answering(conversation) and reason != POSSIBLE_DANGER:
            # Another reason (a request for a person, an outage) needs the
            # person now: the bot stops answering.
            conversation.handoff_reason = reason
            record(conversation, "reason_changed", detail=f"{reason}/{priority}")
        return False
    conversation.state = State.WAITING
    conversation.waiting_since = utcnow()
    conversation.handoff_reason = reason
    conversation.handoff_priority = priority
    conversation.handoff_topic = topic[:32] or None
    record(conversation, HANDED_OFF, detail=f"{reason}/{priority}")
    facts.handed_off(conversation)
    metrics.HANDOFFS.labels(conversation.channel, priority).inc()
    return True


def reopen(conversation: Conversation) -> None:
    """A closed conversation whose person writes again is the bot's again."""
    if conversation.state == State.CLOSED:
        conversation.state = State.BOT
        conversation.handoff_reason = None
        conversation.handoff_priority = None
        record(conversation, "reopened")


def rank(priority: str | None) -> int:
    """0 for the most urgent; an unknown priority after every known one."""
    return PRIORITY_RANK.get(priority or "", len(PRIORITY_RANK))


def _priority_rank():  # type: ignore[no-untyped-def]
    return case(
        PRIORITY_RANK, value=Conversation.handoff_priority, else_=len(PRIORITY_RANK)
    )


def waiting_queue() -> list[Conversation]:
    """Everyone waiting: urgent first, then high, then by waiting time."""
    return list(
        db.session.scalars(
            select(Conversation)
            .where(Conversation.state == State.WAITING)
            .order_by(_priority_rank(), Conversation.waiting_since, Conversation.id)
        )
    )


def queue_position(conversation: Conversation) -> int:
    """1 for the next person to be helped; counts those ahead in the same order."""
    own = rank(conversation.handoff_priority)
    since = conversation.waiting_since or utcnow()
    ahead = db.session.scalar(
        select(func.count(Conversation.id)).where(
            Conversation.state == State.WAITING,
            Conversation.id != conversation.id,
            (_priority_rank() < own)
            | and_(_priority_rank() == own, Conversation.waiting_since < since),
        )
    )
    return (ahead or 0) + 1


def claim(conversation_id: int, operator: Operator) -> bool:
    """Take a waiting conversation; of two operators at once exactly one wins
    (a single conditional UPDATE decides)."""
    result = db.session.execute(
        update(Conversation)
        .where(Conversation.id == conversation_id, Conversation.state == State.WAITING)
        .values(state=State.WITH_OPERATOR, operator_id=operator.id)
    )
    if result.rowcount != 1:
        db.session.rollback()
        return False
    conversation = db.session.get(Conversation, conversation_id)
    db.session.refresh(conversation)
    facts.taken(conversation)
    record(conversation, "claimed", operator)
    db.session.commit()
    return True


def transfer(conversation: Conversation, to: Operator, by: Operator) -> None:
    conversation.operator_id = to.id
    conversation.state = State.WITH_OPERATOR
    record(conversation, "transferred", by, detail=f"to operator:{to.id}")
    db.session.commit()


def close(conversation: Conversation, by: Operator | None) -> None:
    """Done: the number is forgotten; the next message starts with the bot."""
    conversation.state = State.CLOSED
    conversation.contact = None
    conversation.waiting_since = None
    record(conversation, "closed", by)
    db.session.commit()


def return_to_bot(conversation: Conversation, by: Operator) -> None:
    """Hand back: the bot answers the next message (the caller of this sends
    the person the catalog's hand-back greeting on their channel)."""
    conversation.state = State.BOT
    conversation.operator_id = None
    conversation.waiting_since = None
    conversation.handoff_reason = None
    conversation.handoff_priority = None
    conversation.contact = None
    record(conversation, "returned_to_bot", by)
    db.session.commit()
