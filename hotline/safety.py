"""Safe for a watched phone: ask before writing after a pause, and a safe word
that stops every message at once.

An operator who writes by SMS or WhatsApp long after the person's last message
(more than an hour later, or when the person wrote while the team was away and
nobody has answered since) may land on a phone that someone else now holds.
The text is held; the person gets a short, neutral question instead ("can we
write to you now?") and the safe word. A plain "yes" releases what was held;
the safe word, at any time, cancels every message not yet sent, closes the
conversation and forgets the number, and the line answers nothing (an answer
would show there was someone to answer).

Every operator text passes here on its way out (``delivery.deliver``): the
console's send and its retry button, and the retry job.
"""

from __future__ import annotations

import logging
from datetime import UTC, timedelta
from functools import cache
from typing import Any

from sqlalchemy import func, select

from actions.answers import is_bare_answer, read_answer
from bot.languages import SUPPORTED_LANGUAGES
from hotline import handoff, hours, texts
from hotline.extensions import db
from hotline.models import (
    Conversation,
    ConversationEvent,
    Message,
    MessageStatus,
    State,
    utcnow,
)
from hotline.privacy import pseudonym
from hotline.texts import fold

log = logging.getLogger(__name__)

# Longer than this since the person last wrote, and the phone may be in other hands.
PAUSE = timedelta(hours=1)
# The event of the person's "yes" to the question.
SAID_SAFE = "safe_to_write"
# Messages of ours not yet on the person's phone: the safe word stops them all.
UNSENT = (MessageStatus.QUEUED, MessageStatus.FAILED, MessageStatus.AWAITING_SAFE)


@cache
def safe_words() -> frozenset[str]:
    """The safe word in every language (the person may write any of them)."""
    return frozenset(fold(texts.SAFE_WORD(code)) for code in SUPPORTED_LANGUAGES)


def is_safe_word(text: str) -> bool:
    return fold(text) in safe_words()


def _latest(conversation: Conversation, *where: Any) -> Message | None:
    return db.session.scalar(
        select(Message)
        .where(Message.conversation_id == conversation.id, *where)
        .order_by(Message.id.desc())
        .limit(1)
    )


def _held(conversation: Conversation) -> list[Message]:
    return list(
        db.session.scalars(
            select(Message)
            .where(
                Message.conversation_id == conversation.id,
                Message.status == MessageStatus.AWAITING_SAFE,
            )
            .order_by(Message.id)
        )
    )


def _said_safe_since(conversation: Conversation, message: Message) -> bool:
    said_safe = db.session.scalar(
        select(func.max(ConversationEvent.created_at)).where(
            ConversationEvent.conversation_id == conversation.id,
            ConversationEvent.kind == SAID_SAFE,
        )
    )
    return said_safe is not None and said_safe >= message.created_at


def after_a_pause(conversation: Conversation) -> bool:
    """The person last wrote over an hour ago, or wrote while the team was
    away and nobody has written to them since."""
    last_in = _latest(conversation, Message.direction == "in")
    if last_in is None:  # nothing from the person yet: no pause to measure
        return False
    if utcnow() - last_in.created_at > PAUSE:
        return True
    # Something of ours that reached the person since (not the text that is
    # on its way now).
    last_out = _latest(
        conversation,
        Message.direction == "out",
        Message.status == MessageStatus.SENT,
    )
    if last_out is not None and last_out.id > last_in.id:
        return False  # the conversation is going on
    if _said_safe_since(conversation, last_in):
        return False  # their last message was the "yes"
    written_at = last_in.created_at.replace(tzinfo=UTC)
    return not hours.opening_hours().is_open(conversation.language or "en", written_at)


def must_wait(message: Message) -> bool:
    """An operator's text (delivery asks for SMS and WhatsApp) that must wait
    for the person's "yes": one is already waiting, or the person may no
    longer hold the phone."""
    if message.operator_id is None:
        return False
    conversation = message.conversation
    return bool(_held(conversation)) or after_a_pause(conversation)


def hold_until_safe(message: Message) -> Message | None:
    """Keep an operator's text back; the question to send the person (with
    the safe word), or None when they were asked already."""
    conversation = message.conversation
    already_asked = bool(_held(conversation))
    message.status = MessageStatus.AWAITING_SAFE
    db.session.add(message)
    if already_asked:
        db.session.commit()
        return None
    language = conversation.language or "en"
    handoff.record(conversation, "safety_check")
    question = Message(
        conversation=conversation,
        direction="out",
        text=texts.SAFETY_CHECK(language, safe_word=texts.SAFE_WORD(language)),
        status=MessageStatus.QUEUED,
    )
    db.session.add(question)
    db.session.commit()
    return question


def release_if_safe(conversation: Conversation, text: str) -> list[Message]:
    """The person's plain "yes" (in any of the line's languages) to the
    question: what was held, now queued to send. "Yes, but later" is not one;
    the operator reads it and decides."""
    held = _held(conversation)
    if not held or not is_bare_answer(text) or read_answer(text) != "yes":
        return []
    handoff.record(conversation, SAID_SAFE)
    for message in held:
        message.status = MessageStatus.QUEUED
    db.session.commit()
    return held


def cancel_held(conversation: Conversation) -> None:
    """What waited for the person's "yes" will not be sent (the conversation
    is closed or back with the bot, and the number forgotten)."""
    for message in _held(conversation):
        message.status = MessageStatus.CANCELLED


def stop_everything(conversation: Conversation) -> None:
    """The safe word: nothing more goes out, a person's conversation is
    closed and the number forgotten. The next message starts with the bot."""
    unsent = db.session.scalars(
        select(Message).where(
            Message.conversation_id == conversation.id,
            Message.direction == "out",
            Message.status.in_(UNSENT),
        )
    )
    for message in unsent:
        message.status = MessageStatus.CANCELLED
    handoff.record(conversation, "safe_word")
    if conversation.state in (State.WAITING, State.WITH_OPERATOR):
        handoff.close(conversation, None)
    conversation.contact = None
    db.session.commit()
    log.info(
        "conversation %s: safe word, messages stopped", pseudonym(conversation.key)
    )
