"""Safe for a watched phone: ask before writing after a pause, and a safe word
that stops every message at once.

An operator who writes by SMS or WhatsApp long after the person's last message
(more than an hour later, or when the person wrote while the team was away)
may land on a phone that someone else now holds. The reply is held; the person
gets a short, neutral question instead ("can we write to you now?") and the
safe word. "Yes" releases what was held; the safe word, at any time, cancels
every message not yet sent, closes the conversation and forgets the number, and
the line answers nothing (an answer would show there was someone to answer).
"""

from __future__ import annotations

import logging
from datetime import UTC, timedelta

from sqlalchemy import select

from actions.answers import read_answer
from bot.languages import SUPPORTED_LANGUAGES
from hotline import delivery, handoff, hours, texts
from hotline.extensions import db
from hotline.models import Channel, Conversation, Message, MessageStatus, State, utcnow
from hotline.privacy import pseudonym
from hotline.texts import fold

log = logging.getLogger(__name__)

# Longer than this since the person last wrote, and the phone may be in other hands.
PAUSE = timedelta(hours=1)
TEXT_CHANNELS = (Channel.SMS, Channel.WHATSAPP)
# Messages of ours not yet on the person's phone: the safe word stops them all.
UNSENT = (MessageStatus.QUEUED, MessageStatus.FAILED, MessageStatus.AWAITING_SAFE)


def safe_words() -> frozenset[str]:
    """The safe word in every language (the person may write any of them)."""
    return frozenset(
        fold(texts.SAFE_WORD(language)) for language in SUPPORTED_LANGUAGES
    )


def is_safe_word(text: str) -> bool:
    return fold(text) in safe_words()


def _last_message_in(conversation: Conversation) -> Message | None:
    return db.session.scalar(
        select(Message)
        .where(Message.conversation_id == conversation.id, Message.direction == "in")
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


def after_a_pause(conversation: Conversation) -> bool:
    """The person last wrote over an hour ago, or while the team was away."""
    last = _last_message_in(conversation)
    if last is None:  # nothing from the person yet: no pause to measure
        return False
    if utcnow() - last.created_at > PAUSE:
        return True
    written_at = last.created_at.replace(tzinfo=UTC)
    return not hours.opening_hours().is_open(conversation.language or "en", written_at)


def needs_check(conversation: Conversation) -> bool:
    """An operator's text must wait for the person's "yes"."""
    if conversation.channel not in TEXT_CHANNELS:
        return False
    return bool(_held(conversation)) or after_a_pause(conversation)


def hold_until_safe(message: Message) -> None:
    """Keep an operator's text back and, unless already asked, ask the person
    whether we may write (with the safe word)."""
    conversation = message.conversation
    already_asked = bool(_held(conversation))
    message.status = MessageStatus.AWAITING_SAFE
    db.session.add(message)
    if already_asked:
        db.session.commit()
        return
    language = conversation.language or "en"
    question = Message(
        conversation=conversation,
        direction="out",
        text=texts.SAFETY_CHECK(language, safe_word=texts.SAFE_WORD(language)),
        status=MessageStatus.QUEUED,
    )
    handoff.record(conversation, "safety_check")
    delivery.deliver(question)


def release_if_safe(conversation: Conversation, text: str) -> bool:
    """The person's answer to the question: "yes" sends what was held."""
    held = _held(conversation)
    if not held or read_answer(text) != "yes":
        return False
    handoff.record(conversation, "safe_to_write")
    for message in held:
        message.status = MessageStatus.QUEUED
        delivery.deliver(message)
    return True


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
