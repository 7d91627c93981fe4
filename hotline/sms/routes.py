"""``POST /twilio/sms``: one SMS or WhatsApp message in, TwiML replies out.

Keywords first (STOP, START, HELP in every language), then the bot through the
conversation service. ``/twilio/sms/fallback`` is the number's fallback URL:
Twilio calls it when the main URL failed or took longer than 15 s, so it answers
without the bot and keeps the message for a person. ``/twilio/sms/status`` is
where Twilio reports the delivery of an operator's reply (``hotline.delivery``),
``/twilio/sms/sent`` the SID of each answer sent in TwiML (``hotline.twilio_copies``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import click
from flask import Blueprint, Response, abort, request, url_for

from hotline import (
    conversations,
    delivery,
    handoff,
    metrics,
    safety,
    texts,
    twilio_copies,
    twiml,
)
from hotline.conversations import Incoming, Outcome, line_numbers
from hotline.extensions import db
from hotline.models import Channel, Conversation, MessageStatus
from hotline.sms.keywords import Keyword, find_keyword
from hotline.sms.segments import compose
from hotline.twilio_security import twilio_only

# cli_group=None: the blueprint's commands are top-level (`flask retry-deliveries`).
bp = Blueprint("sms", __name__, url_prefix="/twilio/sms", cli_group=None)
# Twilio's message ids are "SM" or "MM" and 32 hex digits. Anything but letters
# and digits is no id (a NUL was a 500 on PostgreSQL), nor anything longer:
# Twilio's signature joins names and values without a separator, so a replay
# can move the next parameter into the id ("SM...NumMedia0") and look new.
MESSAGE_SID = re.compile(r"[A-Za-z0-9]{2,34}")
# Twilio's error codes are numbers (30003: unreachable handset).
ERROR_CODE = re.compile(r"\d{1,10}")


@dataclass(frozen=True)
class InboundSms:
    sender: str
    body: str
    message_sid: str
    channel: str

    def incoming(self) -> Incoming:
        return Incoming(
            channel=self.channel,
            address=self.sender,
            text=self.body,
            provider_id=self.message_sid,
        )


def parse_webhook(form: dict[str, str]) -> InboundSms | None:
    """Twilio's parameters, or None when the ones we need are missing."""
    sender = form.get("From", "").strip()
    sid = form.get("MessageSid", "").strip() or form.get("SmsSid", "").strip()
    if not sender or not sid:
        return None
    channel = Channel.WHATSAPP if sender.startswith("whatsapp:") else Channel.SMS
    return InboundSms(
        sender=sender, body=form.get("Body", ""), message_sid=sid, channel=channel
    )


def _reply(texts_: list[str], channel: str) -> Response:
    """The answers in TwiML; Twilio tells ``/sent`` each one's SID."""
    bodies = compose(texts_, sms=channel == Channel.SMS)
    return twiml.twiml_response(twiml.messages(bodies, url_for("sms.sent")))


def _inbound() -> InboundSms:
    inbound = parse_webhook(request.form.to_dict())
    if inbound is None or not MESSAGE_SID.fullmatch(inbound.message_sid):
        metrics.REJECTED.labels(request.path, "missing_parameters").inc()
        abort(400)
    return inbound


def _answer_keyword(inbound: InboundSms, conversation: Conversation) -> Response | None:
    """STOP, START and HELP; None when the message is not one of them. After
    STOP the line stays silent until START, but what the person writes still
    reaches a person (and danger is answered)."""
    found = find_keyword(inbound.body)
    if found is None and not conversation.opted_out:
        return None
    if conversations.already_delivered(inbound.message_sid):
        return _reply([], inbound.channel)
    keyword, keyword_language = found or (None, None)
    language = conversation.language or keyword_language
    if keyword is Keyword.START and conversation.opted_out:
        conversation.opted_out = False
        handoff.record(conversation, "opted_in")
        conversations.keep(
            conversation, inbound.body, MessageStatus.ANSWERED, inbound.message_sid
        )
        return _reply([texts.SMS_STARTED(language)], inbound.channel)
    if conversation.opted_out:
        outcome = conversations.hold_for_person(
            inbound.incoming(), conversation, handoff.AFTER_OPT_OUT
        )
        return _reply(outcome.texts, inbound.channel)
    if keyword is Keyword.STOP:
        conversation.opted_out = True
        handoff.record(conversation, "opted_out")
        conversations.keep(
            conversation, inbound.body, MessageStatus.ANSWERED, inbound.message_sid
        )
        return _reply([texts.SMS_STOPPED(language)], inbound.channel)
    if keyword is Keyword.HELP:
        conversations.keep(
            conversation, inbound.body, MessageStatus.ANSWERED, inbound.message_sid
        )
        numbers = line_numbers(language or "en", conversation.country)
        return _reply([texts.SMS_HELP(language, **numbers)], inbound.channel)
    return None


def _stop_everything(inbound: InboundSms, conversation: Conversation) -> Response:
    """The safe word: kept (for the record), nothing sent, no answer."""
    if not conversations.already_delivered(inbound.message_sid):
        conversations.keep(
            conversation, inbound.body, MessageStatus.ANSWERED, inbound.message_sid
        )
        safety.stop_everything(conversation)
    return _reply([], inbound.channel)


@bp.post("")
@twilio_only
def incoming() -> Response:
    inbound = _inbound()
    conversation = conversations.find_or_start(inbound.channel, inbound.sender)
    if safety.is_safe_word(inbound.body):
        return _stop_everything(inbound, conversation)
    if (answer := _answer_keyword(inbound, conversation)) is not None:
        return answer
    outcome: Outcome = conversations.handle(inbound.incoming(), conversation)
    if outcome.duplicate:
        return _reply([], inbound.channel)
    # "Yes, you can write": kept like any message (the operator reads it),
    # then what the operator wrote goes out.
    for message in safety.release_if_safe(conversation, inbound.body):
        delivery.deliver(message, said_safe=True)
    return _reply(outcome.texts, inbound.channel)


@bp.post("/fallback")
@twilio_only
def fallback() -> Response:
    """Twilio gave up on the main URL: answer at once without the bot, and put
    the message in front of a person (after STOP, silently)."""
    inbound = _inbound()
    conversation = conversations.find_or_start(inbound.channel, inbound.sender)
    if safety.is_safe_word(inbound.body):
        return _stop_everything(inbound, conversation)
    metrics.FALLBACKS.labels(inbound.channel, "twilio_fallback").inc()
    reason = (
        handoff.AFTER_OPT_OUT if conversation.opted_out else handoff.BOT_UNAVAILABLE
    )
    outcome = conversations.hold_for_person(inbound.incoming(), conversation, reason)
    return _reply(outcome.texts, inbound.channel)


@bp.post("/status")
@twilio_only
def status() -> Response:
    """Twilio's delivery report for a reply we sent. Always 200 (Twilio retries
    otherwise); a SID we do not know changes nothing."""
    sid = request.form.get("MessageSid", "").strip()
    error_code = request.form.get("ErrorCode", "").strip()
    if MESSAGE_SID.fullmatch(sid):
        delivery.report_status(
            sid,
            request.form.get("MessageStatus", "").strip().lower(),
            error_code if ERROR_CODE.fullmatch(error_code) else None,
        )
    return Response("", status=200, mimetype="text/plain")


@bp.post("/sent")
@twilio_only
def sent() -> Response:
    """``<Message action>``: Twilio's report on an answer the line sent in
    TwiML, the only place the line learns that message's SID. It is kept with
    the person's conversation (queued for deletion at once when the
    conversation is already gone: the answer to "delete my data"), so that
    forgetting the conversation deletes Twilio's copy too."""
    sid = request.form.get("MessageSid", "").strip()
    to = request.form.get("To", "").strip()
    if twilio_copies.SID.fullmatch(sid) and to:
        channel = Channel.WHATSAPP if to.startswith("whatsapp:") else Channel.SMS
        twilio_copies.remember(conversations.find(channel, to), [sid])
        db.session.commit()
    return twiml.twiml_response(twiml.messages([]))


@bp.cli.command("retry-deliveries")
def retry_deliveries() -> None:
    """Send again the SMS/WhatsApp replies that failed (up to 3 attempts)."""
    click.echo(f"{delivery.retry_failed()} replies sent")
