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
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from actions.directory.emergency import emergency_numbers_for
from bot.danger import Verdict, assess_danger
from bot.languages import SUPPORTED_LANGUAGES
from hotline import forgetting, handoff, hours, metrics, rasa_trackers, reports, texts
from hotline.bot_client import BotClient, BotUnavailable, Handoff, Reading
from hotline.extensions import db
from hotline.figures import facts
from hotline.handoff import (
    AFTER_OPT_OUT,
    BOT_UNAVAILABLE,
    DANGER,
    FLOOD,
    HIGH,
    NORMAL,
    POSSIBLE_DANGER,
    URGENT,
)
from hotline.models import (
    Conversation,
    Message,
    MessageStatus,
    State,
    new_rasa_sender,
    utcnow,
)
from hotline.places import country_of_caller
from hotline.privacy import conversation_key, pseudonym
from hotline.review import confusions, consent

log = logging.getLogger(__name__)

MAX_STORED_CHARS = 10_000
MAX_BOT_CHARS = 1_000
_CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)


def clean_text(raw: str) -> str:
    """Printable, NFC-normalised text that never starts with ``/``: Rasa reads
    a leading ``/`` as an intent (``/restart`` would reset or un-pause a
    conversation). Slashes and spaces are stripped until none leads, so
    ``"/ /restart"`` cannot slip through."""
    text = _CONTROL.sub("", unicodedata.normalize("NFC", raw)).strip()
    while text.startswith("/"):
        text = text.lstrip("/").strip()
    return text


@dataclass
class Incoming:
    channel: str
    address: str  # phone number or web session id: hashed here, never stored
    text: str
    provider_id: str | None = None
    # A fresh, explicit choice (the voice menu, the widget's picker); the bot
    # otherwise follows the language the person writes in.
    language_choice: str | None = None
    # Where the caller is, when the address does not tell (a call is keyed by
    # its CallSid; the caller's number gives the country).
    country: str | None = None


@dataclass
class Outcome:
    conversation: Conversation
    texts: list[str] = field(default_factory=list)
    buttons: list[list[dict[str, str]]] = field(default_factory=list)
    # Set when this message put the conversation in front of a person (by the
    # bot's signal or the hotline's own reasons: danger, outage, flood).
    handoff: Handoff | None = None
    duplicate: bool = False
    fallback: bool = False
    # What the danger detector made of the message (bot.danger).
    verdict: Verdict = field(default_factory=lambda: Verdict(None))
    # The bot's texts that ask the person something (BotTurn.questions).
    questions: list[str] = field(default_factory=list)

    @property
    def danger(self) -> bool:
        return self.verdict.danger

    @property
    def ends_with_question(self) -> bool:
        """The last thing said asks the person something: nothing should be
        asked after it."""
        return bool(self.texts) and self.texts[-1] in self.questions

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
            current_app.config["RASA_JWT_SECRET"],
            current_app.config["BOT_TIMEOUT_SECONDS"],
        )
        current_app.extensions["aliada_bot"] = client
    return client


def find(channel: str, address: str) -> Conversation | None:
    key = conversation_key(channel, address)
    return db.session.scalar(select(Conversation).where(Conversation.key == key))


def find_or_start(
    channel: str, address: str, country: str | None = None
) -> Conversation:
    """The person's conversation, started if new; a new one is placed in the
    country of the number writing (or ``country``, for a call)."""
    key = conversation_key(channel, address)
    conversation = find(channel, address)
    if conversation is not None:
        return conversation
    conversation = Conversation(
        key=key,
        channel=channel,
        rasa_sender=new_rasa_sender(),
        country=country or country_of_caller(channel, address),
    )
    db.session.add(conversation)
    try:
        db.session.commit()
    except IntegrityError:  # the same person's other message started it first
        db.session.rollback()
        conversation = db.session.scalar(
            select(Conversation).where(Conversation.key == key)
        )
    return conversation


def keep(
    conversation: Conversation, text: str, status: str, provider_id: str | None = None
) -> Message | None:
    """Store one incoming message, cleaned (also a keyword or the safe word,
    matched without control characters: a NUL was a 500 on PostgreSQL); None
    when this delivery was already stored."""
    message = Message(
        conversation=conversation,
        direction="in",
        text=clean_text(text)[:MAX_STORED_CHARS],
        status=status,
        provider_id=provider_id,
    )
    db.session.add(message)
    conversation.last_message_at = utcnow()
    facts.first_contact(conversation)
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


def recent_messages(conversation: Conversation) -> int:
    """Messages the person sent in the last minute (counted in the database,
    so across workers)."""
    since = utcnow() - timedelta(minutes=1)
    recent = db.session.scalar(
        select(func.count(Message.id)).where(
            Message.conversation_id == conversation.id,
            Message.direction == "in",
            Message.created_at >= since,
        )
    )
    return recent or 0


@dataclass(frozen=True)
class Pace:
    """Whether a message comes in a flood (more than a person types), and
    whether it is the flood's first, which alone gets the polite answer."""

    flooding: bool
    first_of_flood: bool

    @classmethod
    def before_keeping(cls, conversation: Conversation) -> Pace:
        recent = recent_messages(conversation)
        limit = current_app.config["RATE_LIMIT_PER_MINUTE"]
        return cls(flooding=recent >= limit, first_of_flood=recent == limit)


def line_numbers(language: str, country: str | None = None) -> dict[str, str]:
    """The emergency and hotline numbers, as the catalogs' placeholders name
    them: the emergency number of the country the person is in, else those of
    every country the directory covers."""
    return {
        "emergency": emergency_numbers_for(country, language),
        "hotline": current_app.config["HOTLINE_NUMBER"],
    }


def in_their_language(
    text: texts.Text, language: str | None, country: str | None = None
) -> str:
    """One of the line's own texts with the numbers filled in: in the
    person's language, or in each default language while it is unknown."""
    if language:
        return text(language, **line_numbers(language, country))
    return "\n\n".join(
        text(code, **line_numbers(code, country)) for code in fallback_languages()
    )


def unavailable_answer(conversation: Conversation) -> str:
    return in_their_language(
        texts.BOT_UNAVAILABLE, conversation.language, conversation.country
    )


def choose_language(conversation: Conversation, choice: str | None) -> str | None:
    """A supported, new choice becomes the conversation's language at once."""
    if choice in SUPPORTED_LANGUAGES and choice != conversation.language:
        conversation.language = choice
        handoff.record(conversation, "language", detail=choice)
        return choice
    return None


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


def erase(conversation: Conversation, *, tracker_first: bool = True) -> None:
    """The person asked us to forget them: the whole conversation goes now
    (messages, events, notes, topic, state) and Rasa's tracker of it, so it
    leaves the operators' queue and console at once, and its copies at Twilio
    are queued for deletion. The next message starts a new conversation with a
    new Rasa id.

    ``tracker_first``: if Rasa's copy cannot be deleted, raise and keep
    everything, so the person can try again (the widget's delete button). When
    the bot has already told the person their data is gone, the hotline's copy
    goes anyway and the retention purge deletes the tracker later."""
    key, channel = conversation.key, conversation.channel
    try:
        rasa_trackers.forget(conversation.rasa_sender)
    except SQLAlchemyError:
        if tracker_first:
            raise
        log.warning(
            "conversation %s: Rasa's tracker could not be deleted now",
            pseudonym(key),
        )
    forgetting.forget([conversation.id], on_request=True)
    db.session.commit()
    metrics.DELETED.labels(channel).inc()
    log.info("conversation %s: deleted at the person's request", pseudonym(key))


def delete_conversation(channel: str, address: str) -> None:
    """The person's own delete (the widget's button): erase, if there is
    anything to erase."""
    key = conversation_key(channel, address)
    conversation = db.session.scalar(
        select(Conversation).where(Conversation.key == key)
    )
    if conversation is None:
        log.info("conversation %s: nothing to delete", pseudonym(key))
        return
    erase(conversation)


def handle(incoming: Incoming, conversation: Conversation | None = None) -> Outcome:
    """Keep the message, ask the bot, keep its answer; never lose the message.

    Danger is looked for in every message, whoever has the conversation. A
    message the bot does not answer (outage, flood) puts the conversation in
    front of a person. ``conversation`` spares a second look-up when the
    channel already has it."""
    conversation = conversation or find_or_start(
        incoming.channel, incoming.address, incoming.country
    )
    outcome = Outcome(conversation=conversation)
    text = clean_text(incoming.text)
    outcome.verdict = assess_danger(text)
    fresh_language = choose_language(conversation, incoming.language_choice)
    if handoff.is_with_people(conversation) and not handoff.bot_keeps_answering(
        conversation
    ):
        return _for_the_operators(conversation, incoming, text, outcome)
    handoff.reopen(conversation)
    pace = Pace.before_keeping(conversation)
    status = MessageStatus.HELD if pace.flooding else MessageStatus.ANSWERED
    message = keep(conversation, text, status, incoming.provider_id)
    if message is None:  # the same delivery again: it was answered once
        outcome.duplicate = True
        return outcome
    metrics.MESSAGES.labels(incoming.channel, conversation.language or "unknown").inc()

    if pace.flooding:
        metrics.REJECTED.labels(incoming.channel, "rate_limited").inc()
        log.info("conversation %s: flood, message held", pseudonym(conversation.key))
        _to_a_person(outcome, FLOOD, incoming.address)
        outcome.texts = _flood_answer(outcome, pace)
        _store_replies(conversation, outcome.texts)
        db.session.commit()
        return outcome
    answer = consent.take_answer(
        conversation, text, danger=outcome.danger, language=outcome.language
    )
    if answer is not None:
        # A plain yes or no to the line's question: not a message for the bot.
        outcome.texts = [answer]
        _store_replies(conversation, outcome.texts)
        db.session.commit()
        return outcome
    if not text:
        outcome.texts = [texts.EMPTY_MESSAGE(outcome.language)]
        # Kept like every answer: the transcript shows it, a retry gets it.
        _store_replies(conversation, outcome.texts)
        db.session.commit()
        return outcome

    metadata: dict[str, str] = {"channel": incoming.channel}
    if fresh_language:
        metadata["language"] = fresh_language
    if conversation.country:
        # Where the person probably is (their number's country, or what the
        # bot learnt): the bot's danger answers give that emergency number.
        metadata["country_hint"] = conversation.country
    try:
        turn = bot_client().send(
            conversation.rasa_sender, text[:MAX_BOT_CHARS], metadata
        )
    except BotUnavailable as error:
        message.status = MessageStatus.FOR_PERSON
        metrics.FALLBACKS.labels(incoming.channel, str(error)).inc()
        log.warning(
            "conversation %s: bot unavailable (%s); message kept for a person",
            pseudonym(conversation.key),
            error,
        )
        _to_a_person(outcome, BOT_UNAVAILABLE, incoming.address)
        outcome.fallback = True
        outcome.texts = [
            danger_answer(conversation)
            if outcome.danger
            else unavailable_answer(conversation)
        ]
        _store_replies(conversation, outcome.texts)
        db.session.commit()
        return outcome

    metrics.BOT_LATENCY.labels(incoming.channel).observe(turn.seconds)
    facts.read(conversation, turn.reading)
    if turn.language in SUPPORTED_LANGUAGES:
        conversation.language = turn.language
    if turn.country:
        conversation.country = turn.country
    if turn.report_consent:
        reports.set_consent(conversation, turn.report_consent)
    outcome.texts, outcome.buttons = turn.texts, turn.buttons
    outcome.questions = turn.questions
    if turn.handoff:
        handoff.request_person(
            conversation,
            turn.handoff.reason,
            turn.handoff.priority,
            incoming.address,
            turn.handoff.topic,
        )
        outcome.handoff = turn.handoff
    if outcome.danger:  # a person, even if the bot's classifier saw no danger
        if not turn.emergency_number_given:
            # The bot answered the question; the emergency number comes too.
            outcome.texts = [*outcome.texts, danger_answer(conversation)]
            outcome.buttons = [*outcome.buttons, []]
        _to_a_person(outcome, POSSIBLE_DANGER, incoming.address)
    if outcome.handoff and (away := team_away_answer(conversation, outcome.language)):
        outcome.texts = [*outcome.texts, away]
        outcome.buttons = [*outcome.buttons, []]
    if turn.delete_data:
        language = conversation.language
        erase(conversation, tracker_first=False)
        # The person starts afresh, in the language they were writing in.
        outcome.conversation = Conversation(channel=incoming.channel, language=language)
        return outcome
    if turn.reading is not None:
        _learn_from(outcome, message, turn.reading)
    _store_replies(conversation, outcome.texts)
    db.session.commit()
    return outcome


def _learn_from(outcome: Outcome, message: Message, reading: Reading) -> None:
    """What the bot did not understand, or read unsure, is counted; with the
    person's consent it is kept masked, and the first time, consent is asked."""
    conversation = outcome.conversation
    confusions.count(conversation.language, reading, message.created_at.date())
    question = consent.after_not_understood(
        conversation, message, reading, danger=outcome.danger, language=outcome.language
    )
    if question:
        outcome.texts = [*outcome.texts, question]
        outcome.buttons = [*outcome.buttons, []]


def _to_a_person(outcome: Outcome, reason: str, address: str | None) -> None:
    """The hotline's own hand-off: urgent, for danger, when the message surely
    signals it; high, for the reason given, when it may (recall first: a
    person reads it either way)."""
    if outcome.verdict.certain:
        reason, priority = DANGER, URGENT
    else:
        priority = HIGH if outcome.danger else NORMAL
    conversation = outcome.conversation
    handoff.request_person(conversation, reason, priority, address)
    if outcome.handoff is None:
        outcome.handoff = Handoff(reason=reason, priority=priority)
    if outcome.danger:
        facts.danger(conversation)
        handoff.record(conversation, "danger")
        metrics.DANGER.labels(conversation.channel).inc()


def _for_the_operators(
    conversation: Conversation, incoming: Incoming, text: str, outcome: Outcome
) -> Outcome:
    """A person has (or will have) this conversation: the message goes to the
    console, not to Rasa. Someone waiting hears where they are in line (once
    per flood), or the emergency number at once when the message signals
    danger; danger makes the conversation urgent whoever has it."""
    pace = Pace.before_keeping(conversation)
    if keep(conversation, text, MessageStatus.FOR_PERSON, incoming.provider_id) is None:
        outcome.duplicate = True
        return outcome
    metrics.MESSAGES.labels(incoming.channel, conversation.language or "unknown").inc()
    consent.no_answer(conversation)
    if outcome.danger:
        _to_a_person(outcome, POSSIBLE_DANGER, incoming.address)
    if conversation.state == State.WAITING:  # else the operator answers
        outcome.texts = _while_waiting(outcome, pace)
    _store_replies(conversation, outcome.texts)
    db.session.commit()
    return outcome


def _while_waiting(outcome: Outcome, pace: Pace) -> list[str]:
    """The answer to someone waiting for a person: their place in line (or
    when the team is back), unless danger or a flood calls for another."""
    if pace.flooding or outcome.danger:
        return _flood_answer(outcome, pace)
    return [
        team_away_answer(outcome.conversation, outcome.language)
        or texts.IN_LINE(
            outcome.language,
            position=handoff.queue_position(outcome.conversation),
            emergency=line_numbers(outcome.language, outcome.conversation.country)[
                "emergency"
            ],
        )
    ]


def _flood_answer(outcome: Outcome, pace: Pace) -> list[str]:
    """The emergency number for danger; else one polite answer per flood.
    Every message is kept for a person all the same."""
    if outcome.danger:
        return [danger_answer(outcome.conversation)]
    return [texts.RATE_LIMITED(outcome.language)] if pace.first_of_flood else []


def hold_for_person(
    incoming: Incoming, conversation: Conversation, reason: str
) -> Outcome:
    """A message the bot will not see (Twilio's fallback URL, or written after
    STOP): kept for a person, and the conversation put in front of one.
    Stored already by a main URL that was too slow, it is marked instead.
    The answer is the emergency number when the message signals danger,
    otherwise the outage answer, or nothing after STOP (the line is silent)."""
    outcome = Outcome(conversation=conversation)
    text = clean_text(incoming.text)
    outcome.verdict = assess_danger(text)
    stored = keep(conversation, text, MessageStatus.FOR_PERSON, incoming.provider_id)
    if stored is None:
        _mark_for_person(incoming.provider_id)
    _to_a_person(outcome, reason, incoming.address)
    if outcome.danger:
        outcome.texts = [danger_answer(conversation)]
    elif reason != AFTER_OPT_OUT:
        outcome.texts = [unavailable_answer(conversation)]
    _store_replies(conversation, outcome.texts)
    db.session.commit()
    return outcome


def danger_answer(conversation: Conversation) -> str:
    """What the line says at once to a message that signals danger, whether
    or not the bot can answer: the emergency number first."""
    return in_their_language(
        texts.DANGER_ANSWER, conversation.language, conversation.country
    )


def team_away_answer(conversation: Conversation, language: str) -> str | None:
    """Outside the team's hours for this language: when they are back and the
    24-hour numbers; None while someone can answer."""
    now = datetime.now(UTC)
    if hours.opening_hours().is_open(language, now):
        return None
    numbers = line_numbers(language, conversation.country)
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


def _mark_for_person(provider_id: str | None) -> None:
    message = db.session.scalar(
        select(Message).where(Message.provider_id == provider_id)
    )
    if message is not None:
        message.status = MessageStatus.FOR_PERSON
