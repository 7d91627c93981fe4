"""What the hotline stores: conversations, their messages and state changes.

A conversation is found by a keyed hash of who is writing (never the number or
session id itself). Its state follows a hand-off as events, not as a flag:
bot -> waiting (for a person) -> with_operator -> closed, and back to bot.
"""

from __future__ import annotations

import enum
import secrets
from datetime import UTC, datetime

from sqlalchemy import (
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hotline import sealing
from hotline.extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_rasa_sender() -> str:
    return secrets.token_hex(16)


def new_public_id() -> str:
    """The name of a conversation in the console's addresses and JSON: 22
    random URL-safe characters (128 bits), so an address can be neither
    guessed nor counted up to, unlike the row's sequential id."""
    return secrets.token_urlsafe(16)


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
    FOR_PERSON = (
        "for_person"  # the bot could not, or a person has it: a person reads it
    )
    HELD = "held"  # arrived during a flood; kept for a person, not sent to the bot
    SENT = "sent"  # one of ours, to the person
    # An operator's reply on its way (SMS/WhatsApp through Twilio's REST API):
    QUEUED = "queued"
    FAILED = "failed"
    # An operator's text held until the person says it is safe to write
    # (hotline.safety), and one the safe word stopped before it left.
    AWAITING_SAFE = "awaiting_safe"
    CANCELLED = "cancelled"


class Role(enum.StrEnum):
    OPERATOR = "operator"  # sees and handles the conversations they take
    SUPERVISOR = "supervisor"  # sees the whole queue and the audit log
    ADMIN = "admin"  # also manages accounts


class Conversation(db.Model):
    __tablename__ = "conversations"
    # The queue reads waiting conversations by state and time, not the history.
    __table_args__ = (
        Index("ix_conversations_state_waiting", "state", "waiting_since"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    public_id: Mapped[str] = mapped_column(
        String(32), unique=True, index=True, default=new_public_id
    )
    key: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    # The id Rasa knows this conversation by; replaced when the person asks us
    # to delete their data, so the bot starts afresh.
    rasa_sender: Mapped[str] = mapped_column(String(32), default=new_rasa_sender)
    language: Mapped[str | None] = mapped_column(String(8))
    # The country the person is in (ISO code), for the emergency number: from
    # the conversation once the bot learns it, else the caller's number.
    country: Mapped[str | None] = mapped_column(String(2))
    state: Mapped[str] = mapped_column(String(16), default=State.BOT)
    handoff_reason: Mapped[str | None] = mapped_column(String(32))
    handoff_priority: Mapped[str | None] = mapped_column(String(16))
    # What the person asked about before the hand-off (rights, shelter...).
    handoff_topic: Mapped[str | None] = mapped_column(String(32))
    opted_out: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The hand-off: since when the person waits, and who has the conversation.
    waiting_since: Mapped[datetime | None] = mapped_column()
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("operators.id", ondelete="SET NULL")
    )
    # The number to answer by SMS/WhatsApp, encrypted, kept only while a person
    # handles the conversation (hotline.sealing).
    contact: Mapped[bytes | None] = mapped_column(LargeBinary)
    # What the line's anonymous figures need of this conversation, noted as it
    # happens (``hotline.figures.facts``) and folded into its cell before the
    # conversation is deleted (``hotline.figures.store``).
    first_topic: Mapped[str | None] = mapped_column(String(32))
    danger_detected: Mapped[bool] = mapped_column(default=False, server_default=false())
    handoff_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # None until the person's first message: was the team away then?
    after_hours: Mapped[bool | None] = mapped_column()
    turns_not_understood: Mapped[int] = mapped_column(default=0, server_default="0")

    operator: Mapped[Operator | None] = relationship()

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
    # Set on an operator's reply (None: the person, the bot or the line).
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("operators.id", ondelete="SET NULL")
    )
    attempts: Mapped[int] = mapped_column(default=0)

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


class ConversationWait(db.Model):
    """How long the person waited for a person of the team, once per hand-off
    that someone took: only its bucket (``hotline.figures.cells.wait_bucket``),
    the precision the figures need and no more."""

    __tablename__ = "conversation_waits"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    bucket: Mapped[int] = mapped_column()


class Operator(db.Model):
    """A person of the team who takes conversations over."""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    # Encrypted (hotline.sealing): a copy of the database alone gives no codes.
    totp_secret_sealed: Mapped[bytes] = mapped_column(LargeBinary)
    role: Mapped[str] = mapped_column(String(16), default=Role.OPERATOR)
    # Language codes this person answers in, comma-separated ("es,en").
    languages: Mapped[str] = mapped_column(String(64), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # The TOTP time step last used to log in: a code works once.
    last_totp_step: Mapped[int | None] = mapped_column()
    # The operators' phone line asks for this PIN after the code (argon2, like
    # the password); None: the phone line refuses this operator.
    phone_pin_hash: Mapped[str | None] = mapped_column(String(200))
    last_seen_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def totp_secret(self) -> str:
        """The authenticator's secret, decrypted when a code is checked."""
        return sealing.unseal(self.totp_secret_sealed)

    @totp_secret.setter
    def totp_secret(self, secret: str) -> None:
        self.totp_secret_sealed = sealing.seal(secret)

    @property
    def supervises(self) -> bool:
        """Supervisors and administrators: the audit log, every conversation
        that reached people, and the others with a written reason."""
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    @property
    def language_codes(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


class Note(db.Model):
    """An operator's internal note on a conversation; the person never sees it."""

    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("operators.id", ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(db.Model):
    """Who looked at or did what, and when: every transcript view and reply."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int | None] = mapped_column(
        ForeignKey("operators.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(32))
    conversation_id: Mapped[int | None] = mapped_column(index=True)
    detail: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class OperatorPhone(db.Model):
    """A number an operator may call the operators' line from, kept only as a
    keyed hash (``hotline.console.operator_phones``)."""

    __tablename__ = "operator_phones"
    __table_args__ = (UniqueConstraint("operator_id", "number_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(
        ForeignKey("operators.id", ondelete="CASCADE"), index=True
    )
    number_key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FailureCounter(db.Model):
    """Failed logins of one kind (``scope``) by one client, calling number or
    account (``subject``, a keyed hash or an operator's id), and the lock they
    set (``hotline.lockout``)."""

    __tablename__ = "failure_counters"

    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column()


class OperatorLineCall(db.Model):
    """A call to the operators' line between its code and its PIN: what was
    found wrong so far, kept here so that no URL carries a verdict."""

    __tablename__ = "operator_line_calls"

    call_sid: Mapped[str] = mapped_column(String(34), primary_key=True)
    operator_id: Mapped[int | None] = mapped_column()
    # Comma-separated reasons found at the code step ("" when none).
    problems: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
