"""An operator's reply (or the hand-back greeting) on the person's own channel.

- web chat: nothing to send; the widget fetches it (``GET /webchat/api/v1/
  messages``), which marks it sent;
- SMS and WhatsApp: Twilio's REST API, the number decrypted only for the call,
  with a status callback that later confirms or fails the message;
- voice: a caller cannot be handed text, so the reply fails with "voice".

A failure leaves the message FAILED with a ``delivery_failed`` event whose
detail is Twilio's error code or a short reason, never the number or the text;
the console shows it, and ``retry_failed`` sends it again (up to 3 attempts).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from hotline import conversations, handoff, safety, sealing, twilio_copies
from hotline.extensions import db
from hotline.ids import MAX_ID
from hotline.models import Channel, Conversation, Message, MessageStatus, utcnow
from hotline.privacy import pseudonym
from hotline.sms.segments import compose
from hotline.twilio_rest import OutgoingSms, TwilioError, send_message

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
WHATSAPP_WINDOW = timedelta(hours=24)
# Longer than any send takes (TWILIO_API_TIMEOUT_SECONDS): still QUEUED after
# this, the process sending it stopped.
STUCK_AFTER = timedelta(minutes=5)
STATUS_CALLBACK_PATH = "/twilio/sms/status"
TEXT_CHANNELS = (Channel.SMS, Channel.WHATSAPP)
MAX_DETAIL_CHARS = 64  # a code or a word; the column holds 200


class NotSent(Exception):
    """The message cannot go out now; ``detail`` says why in a word."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def deliver(message: Message, *, said_safe: bool = False) -> None:
    """Send one outgoing QUEUED message on its conversation's channel and
    record the outcome (committed: SENT with Twilio's SID, or FAILED).

    The number is forgotten on close and hand-back: deliver the hand-back
    greeting before ``handoff.return_to_bot``.

    An operator's text after a pause waits for the person's "yes"
    (``hotline.safety``): the person gets the question instead; once they
    said yes (``said_safe``), what waited goes."""
    db.session.add(message)
    db.session.flush()  # its conversation, when only its id was given
    conversation = message.conversation
    if conversation.channel == Channel.WEBCHAT:
        db.session.commit()
        return
    if conversation.channel not in TEXT_CHANNELS:
        _failed(message, str(conversation.channel))
        return
    message.attempts += 1
    try:  # what cannot go out at all fails now, asked or not
        outgoing = _outgoing(message)
    except NotSent as error:
        _failed(message, error.detail)
        return
    if not said_safe and safety.must_wait(message):
        if (question := safety.hold_until_safe(message)) is not None:
            deliver(question)
        return
    db.session.commit()  # the reply is kept before any network call
    try:
        sids = [send_message(sms) for sms in outgoing]
    except TwilioError as error:
        _failed(message, error.detail)
        return
    # Every copy at Twilio is deleted with the conversation: an earlier
    # attempt's and the later segments' SIDs are kept beside the message's.
    earlier = [message.provider_id] if message.provider_id else []
    twilio_copies.remember(conversation, earlier + sids[1:])
    message.provider_id = sids[0]
    message.status = MessageStatus.SENT
    db.session.commit()
    log.info(
        "conversation %s: message %s sent (attempt %s)",
        pseudonym(conversation.key),
        message.id,
        message.attempts,
    )


@dataclass(frozen=True)
class WidgetReplies:
    messages: list[dict[str, int | str]]
    language: str


def fetch_for_widget(conversation: Conversation | None, after: int) -> WidgetReplies:
    """The web chat's replies from people (operators, the line) with id >
    ``after``, marked sent. The bot's own replies went out in the answer to
    the person's message and are not repeated. A session with no conversation
    yet gets an empty list, like one with nothing new (no oracle).

    ``attempts`` counts fetches here, so a reply already fetched is given
    again to a widget that asks from an earlier id (its answer was lost)."""
    if conversation is None:
        return WidgetReplies([], conversations.fallback_languages()[0])
    replies = db.session.scalars(
        select(Message)
        .where(
            Message.conversation_id == conversation.id,
            Message.direction == "out",
            # No message has an id past MAX_ID; PostgreSQL refuses a larger one.
            Message.id > min(after, MAX_ID),
            (Message.status == MessageStatus.QUEUED)
            | ((Message.status == MessageStatus.SENT) & (Message.attempts > 0)),
        )
        .order_by(Message.id)
    ).all()
    for reply in replies:
        reply.status = MessageStatus.SENT
        reply.attempts += 1
    db.session.commit()
    return WidgetReplies(
        [
            {
                "id": reply.id,
                "text": reply.text,
                "from": "operator" if reply.operator_id else "line",
            }
            for reply in replies
        ],
        conversation.language or conversations.fallback_languages()[0],
    )


def retry_failed() -> int:
    """Send again every SMS/WhatsApp reply that failed fewer than 3 times, or
    was left QUEUED by a process that stopped mid-send; returns how many went
    out this time."""
    stuck_before = utcnow() - STUCK_AFTER
    failed = db.session.scalars(
        select(Message)
        .join(Conversation)
        .where(
            Message.direction == "out",
            (Message.status == MessageStatus.FAILED)
            | (
                (Message.status == MessageStatus.QUEUED)
                & (Message.created_at < stuck_before)
            ),
            Message.attempts < MAX_ATTEMPTS,
            Conversation.channel.in_([str(channel) for channel in TEXT_CHANNELS]),
        )
        .order_by(Message.id)
    ).all()
    for message in failed:
        deliver(message)
    return sum(message.status == MessageStatus.SENT for message in failed)


def report_status(provider_id: str, status: str, error_code: str | None) -> None:
    """Twilio's delivery report for a message we sent; unknown SIDs are ignored.

    "sent" only confirms a message still in flight: reports can arrive out of
    order, and a late "sent" must not hide a failure."""
    message = db.session.scalar(
        select(Message).where(
            Message.provider_id == provider_id, Message.direction == "out"
        )
    )
    if message is None:
        return
    if status in ("delivered", "read") or (
        status == "sent" and message.status == MessageStatus.QUEUED
    ):
        message.status = MessageStatus.SENT
    elif status in ("failed", "undelivered") and message.status != (
        MessageStatus.FAILED
    ):
        _failed(message, error_code or status)
        return
    db.session.commit()


def _outgoing(message: Message) -> list[OutgoingSms]:
    conversation = message.conversation
    config = current_app.config
    if conversation.opted_out:
        raise NotSent("opted_out")
    if conversation.channel == Channel.WHATSAPP and not _within_whatsapp_window(
        conversation
    ):
        raise NotSent("whatsapp_window")
    if not conversation.contact:
        raise NotSent("no_contact")
    try:
        number = sealing.unseal(conversation.contact)
    except sealing.Unreadable:  # a key removed before `reencrypt` ran
        raise NotSent("contact_unreadable") from None
    if conversation.channel == Channel.WHATSAPP:
        sender = config["TWILIO_WHATSAPP_NUMBER"] and (
            "whatsapp:" + config["TWILIO_WHATSAPP_NUMBER"]
        )
        number = number if number.startswith("whatsapp:") else "whatsapp:" + number
    else:
        sender = config["TWILIO_PHONE_NUMBER"]
    if not (sender and config["TWILIO_ACCOUNT_SID"] and config["TWILIO_AUTH_TOKEN"]):
        raise NotSent("not_configured")
    callback = (
        config["PUBLIC_URL"].rstrip("/") + STATUS_CALLBACK_PATH
        if config["PUBLIC_URL"]
        else None
    )
    bodies = compose([message.text], sms=conversation.channel == Channel.SMS)
    return [OutgoingSms(number, sender, body, callback) for body in bodies]


def _within_whatsapp_window(conversation: Conversation) -> bool:
    """WhatsApp allows free replies only within 24 h of the person's last message."""
    last_incoming = db.session.scalar(
        select(func.max(Message.created_at)).where(
            Message.conversation_id == conversation.id, Message.direction == "in"
        )
    )
    return last_incoming is not None and utcnow() - last_incoming < WHATSAPP_WINDOW


def _failed(message: Message, detail: str) -> None:
    detail = detail[:MAX_DETAIL_CHARS]
    message.status = MessageStatus.FAILED
    handoff.record(message.conversation, "delivery_failed", detail=detail)
    db.session.commit()
    log.warning(
        "conversation %s: message %s not delivered (%s)",
        pseudonym(message.conversation.key),
        message.id,
        detail,
    )
