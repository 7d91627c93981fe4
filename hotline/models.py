"""What the hotline stores: conversations, their messages and state changes.

A conversation is found by a keyed hash of who is writing (never the number or
session id itself). Its state follows a hand-off as events, not as a flag:
bot -> waiting (for a person) -> with_operator -> closed, and back to bot.
"""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_rasa_sender() -> str:
    return secrets.token_hex(16)


class Channel(enum.StrEnum):
    SMS = "sms"
    WHATSAPP = "whatsapp"
    VOICE = "voice"
    WEBCHAT = "webchat"


class State(enum.StrEnum):
    BOT = "bot"
    WAITING = "waiting"
    WITH_OPERATOR = "with_operator"
    CLOSED = "closed"


class MessageStatus(enum.StrEnum):
    ANSWERED = "answered"  # the bot answered it
    FOR_PERSON = "for_person"  # the bot could not; a person must read it
    HELD = "held"  # arrived during a flood; kept for a person, not sent to the bot
    SENT = "sent"  # one of ours, to the person


class Conversation(db.Model):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    # The id Rasa knows this conversation by; replaced when the person asks us
    # to delete their data, so the bot starts afresh.
    rasa_sender: Mapped[str] = mapped_column(String(32), default=new_rasa_sender)
    language: Mapped[str | None] = mapped_column(String(8))
    state: Mapped[str] = mapped_column(String(16), default=State.BOT)
    handoff_reason: Mapped[str | None] = mapped_column(String(32))
    handoff_priority: Mapped[str | None] = mapped_column(String(16))
    opted_out: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)

    messages: Mapped[list[Message]] = relationship(
        back_populates="conversation",
        cascade="all, delete-orphan",
        order_by="Message.id",
    )
    events: Mapped[list[ConversationEvent]] = relationship(
        back_populates="conversation",
        cascade="all, delete-orphan",
        order_by="ConversationEvent.id",
    )


class Message(db.Model):
    __tablename__ = "messages"
    __table_args__ = (
        Index("ix_messages_conversation_created", "conversation_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE")
    )
    direction: Mapped[str] = mapped_column(String(3))  # "in" or "out"
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    # Twilio's MessageSid (or a call step): a second delivery is answered once.
    provider_id: Mapped[str | None] = mapped_column(String(80), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="messages")


class ConversationEvent(db.Model):
    """One change in a conversation's life, with who made it and when."""

    __tablename__ = "conversation_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    detail: Mapped[str | None] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(64), default="system")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    conversation: Mapped[Conversation] = relationship(back_populates="events")
