"""One message from a person, whatever the channel: keep it, ask the bot, answer.

The hotline owns each conversation. A message is stored before the bot is asked,
so nothing is lost if the bot or this process fails; when the bot cannot answer,
the message is marked for a person and the caller gets a short answer in their
language with the hotline and emergency numbers. Channels (SMS, voice, web chat)
only translate their protocol to and from ``Incoming`` and ``Outcome``.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from bot.languages import SUPPORTED_LANGUAGES
from hotline import contact, handoff, hours, metrics, rasa_trackers, texts
from hotline.bot_client import BotClient, BotUnavailable, Handoff
from hotline.extensions import db
from hotline.models import (
    Channel,
    Conversation,
    ConversationEvent,
    Message,
    MessageStatus,
    State,
    new_rasa_sender,
    utcnow,
)
from hotline.privacy import conversation_key, pseudonym

log = logging.getLogger(__name__)

MAX_STORED_CHARS = 10_000
MAX_BOT_CHARS = 1_000
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)


def clean_text(raw: str) -> str:
    """Printable, NFC-normalised text; a leading ``/`` cannot reach Rasa as an
    intent (``/restart`` would reset or un-pause a conversation)."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", raw)).strip()
    return text.lstrip("/").strip()


@dataclass
class Incoming:
    channel: str
    address: str  # phone number or web session id: hashed here, never stored
    text: str
    provider_id: str | None = None
    # A fresh, explicit choice (the voice menu, the widget's picker); the bot
    # otherwise follows the language the person writes in.
    language_choice: str | None = None


@dataclass
class Outcome:
    conversation: Conversation
    texts: list[str] = field(default_factory=list)
    buttons: list[list[dict[str, str]]] = field(default_factory=list)
    handoff: Handoff | None = None
    duplicate: bool = False
    fallback: bool = False

    @property
    def language(self) -> str:
        return self.conversation.language or fallback_languages()[0]


def fallback_languages() -> list[str]:
    """Languages for a person whose language we do not know yet."""
    return current_app.config.get("UNKNOWN_LANGUAGE_ANSWERS", ["es", "en"])


def bot_client() -> BotClient:
    client = current_app.extensions.get("aliada_bot")
    if client is None:
        client = BotClient(
            current_app.config["RASA_URL"],
            current_app.config["RASA_TOKEN"],
            current_app.config["BOT_TIMEOUT_SECONDS"],
        )
        current_app.extensions["aliada_bot"] = client
    return client


def find_or_start(channel: str, address: str) -> Conversation:
    key = conversation_key(channel, address)
    conversation = db.session.scalar(
        select(Conversation).where(Conversation.key == key)
    )
    if conversation is not None:
        return conversation
    conversation = Conversation(key=key, channel=channel, rasa_sender=new_rasa_sender())
    db.session.add(conversation)
    try:
        db.session.commit()
    except IntegrityError:  # the same person's other message started it first
        db.session.rollback()
        conversation = db.session.scalar(
            select(Conversation).where(Conversation.key == key)
        )
    return conversation


def record_event(
    conversation: Conversation, kind: str, detail: str | None = None
) -> None:
    db.session.add(
        ConversationEvent(conversation=conversation, kind=kind, detail=detail)
    )


def keep(
    conversation: Conversation, text: str, status: str, provider_id: str | None = None
) -> Message | None:
    """Store one incoming message; None when this delivery was already stored."""
    message = Message(
        conversation=conversation,
        direction="in",
        text=text[:MAX_STORED_CHARS],
        status=status,
        provider_id=provider_id,
    )
    db.session.add(message)
    conversation.last_message_at = utcnow()
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return None
    return message


def already_delivered(provider_id: str | None) -> bool:
    if not provider_id:
        return False
    return (
        db.session.scalar(select(Message.id).where(Message.provider_id == provider_id))
        is not None
    )


def is_flooding(conversation: Conversation) -> bool:
    """More messages in the last minute than a person types (across workers)."""
    since = utcnow() - timedelta(minutes=1)
    recent = db.session.scalar(
        select(func.count(Message.id)).where(
            Message.conversation_id == conversation.id,
            Message.direction == "in",
            Message.created_at >= since,
        )
    )
    return (recent or 0) >= current_app.config["RATE_LIMIT_PER_MINUTE"]


def _last_incoming_status(conversation: Conversation) -> str | None:
    return db.session.scalar(
        select(Message.status)
        .where(Message.conversation_id == conversation.id, Message.direction == "in")
        .order_by(Message.id.desc())
        .limit(1)
    )


def line_numbers() -> dict[str, str]:
    """The emergency and hotline numbers, as the catalogs' placeholders name them."""
    return {
        "emergency": current_app.config["EMERGENCY_NUMBER"],
        "hotline": current_app.config["HOTLINE_NUMBER"],
    }


def unavailable_answer(language: str | None) -> str:
    numbers = line_numbers()
    if language:
        return texts.BOT_UNAVAILABLE(language, **numbers)
    return "\n\n".join(
        texts.BOT_UNAVAILABLE(code, **numbers) for code in fallback_languages()
    )


def choose_language(conversation: Conversation, choice: str | None) -> str | None:
    """A supported, new choice becomes the conversation's language at once."""
    if choice in SUPPORTED_LANGUAGES and choice != conversation.language:
        conversation.language = choice
        record_event(conversation, "language", choice)
        return choice
    return None


def request_person(
    conversation: Conversation,
    reason: str,
    priority: str,
    address: str | None = None,
    topic: str = "",
) -> None:
    """Hand-off as a state change plus an event (operators pick it up). For SMS
    and WhatsApp the number is kept, encrypted, so an operator can answer."""
    if conversation.state in (State.BOT, State.CLOSED):
        conversation.state = State.WAITING
        conversation.waiting_since = utcnow()
    if address and conversation.channel in (Channel.SMS, Channel.WHATSAPP):
        conversation.contact = contact.seal(address)
    conversation.handoff_reason = reason
    if topic:
        conversation.handoff_topic = topic[:32]
    conversation.handoff_priority = _higher(conversation.handoff_priority, priority)
    record_event(conversation, "handoff", f"{reason}/{priority}")
    metrics.HANDOFFS.labels(conversation.channel, priority).inc()


_PRIORITY_ORDER = ("normal", "high", "urgent")


def _higher(current: str | None, new: str) -> str:
    ranks = {name: rank for rank, name in enumerate(_PRIORITY_ORDER)}
    if current is None or ranks.get(new, 0) > ranks.get(current, 0):
        return new
    return current


def forget_transcript(conversation: Conversation) -> None:
    """The person asked us to delete their data: their messages go now, and
    Rasa gets a fresh conversation id."""
    for message in list(conversation.messages):
        db.session.delete(message)
    forget_tracker(conversation)
    conversation.rasa_sender = new_rasa_sender()
    conversation.handoff_reason = None
    record_event(conversation, "data_deleted")


def replies_to(provider_id: str) -> list[str]:
    """What we answered a stored message (for a retry whose answer was lost):
    the replies after it, up to the person's next message. Replies from people
    and the line are left out: the widget fetches those on their own."""
    original = db.session.scalar(
        select(Message).where(Message.provider_id == provider_id)
    )
    if original is None:
        return []
    in_this_conversation = (
        Message.conversation_id == original.conversation_id,
        Message.id > original.id,
    )
    next_incoming = db.session.scalar(
        select(func.min(Message.id)).where(
            *in_this_conversation, Message.direction == "in"
        )
    )
    query = select(Message.text).where(
        *in_this_conversation,
        Message.direction == "out",
        Message.operator_id.is_(None),
        Message.status == MessageStatus.SENT,
        Message.attempts == 0,
    )
    if next_incoming is not None:
        query = query.where(Message.id < next_incoming)
    return list(db.session.scalars(query.order_by(Message.id)))


def sent_to_bot_at(provider_id: str) -> datetime | None:
    """When a delivery that went to the bot was stored (None: it did not go
    to the bot, as while people have the conversation, or it is gone)."""
    return db.session.scalar(
        select(Message.created_at).where(
            Message.provider_id == provider_id,
            Message.status == MessageStatus.ANSWERED,
        )
    )


def forget_tracker(conversation: Conversation) -> None:
    """Rasa's copy of the conversation goes too. Failing here must not fail the
    person's turn: the retention purge deletes what is left."""
    try:
        rasa_trackers.forget(conversation.rasa_sender)
    except SQLAlchemyError:
        log.warning(
            "conversation %s: Rasa's tracker could not be deleted now",
            pseudonym(conversation.key),
        )


def delete_conversation(channel: str, address: str) -> None:
    """The person asked: their whole conversation goes now, so it leaves the
    operators' queue and console at once (messages, events and notes follow by
    ON DELETE CASCADE)."""
    key = conversation_key(channel, address)
    conversation = db.session.scalar(
        select(Conversation).where(Conversation.key == key)
    )
    if conversation is not None:
        # First Rasa's copy: if that fails, the person is told and can try again.
        rasa_trackers.forget(conversation.rasa_sender)
    result = db.session.execute(delete(Conversation).where(Conversation.key == key))
    db.session.commit()
    deleted = bool(result.rowcount)
    if deleted:
        metrics.DELETED.labels(channel).inc()
    log.info(
        "conversation %s: %s at the person's request",
        pseudonym(key),
        "deleted" if deleted else "nothing to delete",
    )


def handle(incoming: Incoming, conversation: Conversation | None = None) -> Outcome:
    """Keep the message, ask the bot, keep its answer; never lose the message.

    ``conversation`` spares a second look-up when the channel already has it."""
    conversation = conversation or find_or_start(incoming.channel, incoming.address)
    outcome = Outcome(conversation=conversation)
    text = clean_text(incoming.text)
    fresh_language = choose_language(conversation, incoming.language_choice)
    if handoff.is_with_people(conversation):
        return _for_the_operators(conversation, incoming, text, outcome)
    if conversation.state == State.CLOSED:  # writing again: the bot has it now
        conversation.state = State.BOT
        record_event(conversation, "reopened")
    flooding = is_flooding(conversation)
    # One polite answer per flood; every message is kept for a person.
    flood_answered = (
        flooding and _last_incoming_status(conversation) == MessageStatus.HELD
    )
    status = MessageStatus.HELD if flooding else MessageStatus.ANSWERED
    message = keep(conversation, text, status, incoming.provider_id)
    if message is None:  # the same delivery again: it was answered once
        outcome.duplicate = True
        return outcome
    metrics.MESSAGES.labels(incoming.channel, conversation.language or "unknown").inc()

    if flooding:
        metrics.REJECTED.labels(incoming.channel, "rate_limited").inc()
        log.info("conversation %s: flood, message held", pseudonym(conversation.key))
        if not flood_answered:
            outcome.texts = [texts.RATE_LIMITED(outcome.language)]
        return outcome
    if not text:
        outcome.texts = [texts.EMPTY_MESSAGE(outcome.language)]
        return outcome

    metadata: dict[str, str] = {"channel": incoming.channel}
    if fresh_language:
        metadata["language"] = fresh_language
    try:
        turn = bot_client().send(
            conversation.rasa_sender, text[:MAX_BOT_CHARS], metadata
        )
    except BotUnavailable as error:
        # Kept for a person to read; the conversation stays with the bot, which
        # answers the next message once it is back.
        message.status = MessageStatus.FOR_PERSON
        record_event(conversation, "bot_unavailable")
        metrics.FALLBACKS.labels(incoming.channel, str(error)).inc()
        log.warning(
            "conversation %s: bot unavailable (%s); message kept for a person",
            pseudonym(conversation.key),
            error,
        )
        outcome.fallback = True
        outcome.texts = [unavailable_answer(conversation.language)]
        _store_replies(conversation, outcome.texts)
        db.session.commit()
        return outcome

    metrics.BOT_LATENCY.labels(incoming.channel).observe(turn.seconds)
    if turn.language in SUPPORTED_LANGUAGES:
        conversation.language = turn.language
    if turn.handoff:
        request_person(
            conversation,
            turn.handoff.reason,
            turn.handoff.priority,
            incoming.address,
            turn.handoff.topic,
        )
    outcome.texts, outcome.buttons, outcome.handoff = (
        turn.texts,
        turn.buttons,
        turn.handoff,
    )
    if turn.handoff and (away := team_away_answer(outcome.language)):
        outcome.texts = [*turn.texts, away]
        outcome.buttons = [*turn.buttons, []]
    if turn.delete_data:
        forget_transcript(conversation)
    else:
        _store_replies(conversation, outcome.texts)
    db.session.commit()
    return outcome


def _for_the_operators(
    conversation: Conversation, incoming: Incoming, text: str, outcome: Outcome
) -> Outcome:
    """A person has (or will have) this conversation: the message goes to the
    console, not to Rasa; someone waiting hears where they are in line."""
    if keep(conversation, text, MessageStatus.FOR_PERSON, incoming.provider_id) is None:
        outcome.duplicate = True
        return outcome
    metrics.MESSAGES.labels(incoming.channel, conversation.language or "unknown").inc()
    if conversation.state == State.WAITING:
        outcome.texts = [
            team_away_answer(outcome.language)
            or texts.IN_LINE(
                outcome.language,
                position=handoff.queue_position(conversation),
                emergency=current_app.config["EMERGENCY_NUMBER"],
            )
        ]
    return outcome


def team_away_answer(language: str) -> str | None:
    """Outside the team's hours for this language: when they are back and the
    24-hour numbers; None while someone can answer."""
    now = datetime.now(UTC)
    if hours.opening_hours().is_open(language, now):
        return None
    numbers = line_numbers()
    if when := hours.when_back(language, now):
        return texts.TEAM_AWAY(language, when=when, **numbers)
    return texts.TEAM_AWAY_NO_TIME(language, **numbers)


def _store_replies(conversation: Conversation, replies: list[str]) -> None:
    for reply in replies:
        db.session.add(
            Message(
                conversation=conversation,
                direction="out",
                text=reply,
                status=MessageStatus.SENT,
            )
        )


def mark_for_person(provider_id: str) -> None:
    message = db.session.scalar(
        select(Message).where(Message.provider_id == provider_id)
    )
    if message is not None:
        message.status = MessageStatus.FOR_PERSON
