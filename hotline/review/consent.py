"""Asking once whether the line may keep, masked, what the bot did not
understand, and reading the answer.

The first time the bot does not understand someone, the line adds one short
question after the bot's answer, in the person's language. Only a plain "yes"
(``actions.answers``, the words of ``bot/answer_words.yml``) is consent: that
message, and later ones the bot does not understand, go masked into the
review list (``items``). A plain "no" is answered and nothing is kept. Any
other message is the person going on: it goes to the bot as usual, and counts
as no answer, which is no. The question is asked once per conversation,
never after an answer, and never when the message signals danger, while
people have the conversation, on a call, or after STOP.
"""

from __future__ import annotations

import json
import logging

from sqlalchemy import select

from actions.answers import is_bare_answer, read_answer
from hotline import handoff, texts
from hotline.bot_client import Reading
from hotline.extensions import db
from hotline.models import Channel, Conversation, ConversationEvent, Message
from hotline.privacy import pseudonym
from hotline.review import items

log = logging.getLogger(__name__)

ASKED, YES, NO, NO_ANSWER = "asked", "yes", "no", "no_answer"
# The event that marks the question, naming the message it is about and what
# the bot read of it; purged with the conversation.
ASKED_EVENT = "review_asked"


def may_ask(conversation: Conversation, danger: bool) -> bool:
    return (
        conversation.review_consent is None
        and not danger
        and conversation.channel != Channel.VOICE
        and not conversation.opted_out
        and not handoff.is_with_people(conversation)
    )


def after_not_understood(
    conversation: Conversation,
    message: Message,
    reading: Reading,
    *,
    danger: bool,
    language: str,
) -> str | None:
    """A turn the bot did not understand: kept if the person said yes; the
    question to add to the bot's answer if they were never asked."""
    if reading.understood:
        return None
    if conversation.review_consent == YES:
        items.keep(
            message.text, conversation.language, reading, message.created_at.date()
        )
        return None
    if not may_ask(conversation, danger):
        return None
    conversation.review_consent = ASKED
    handoff.record(
        conversation,
        ASKED_EVENT,
        detail=json.dumps(
            {
                "message": message.id,
                "intent": reading.intent,
                "runner_up": reading.runner_up,
            }
        ),
    )
    return texts.REVIEW_QUESTION(language)


def take_answer(
    conversation: Conversation, text: str, *, danger: bool, language: str
) -> str | None:
    """The person's message after the question. A plain yes or no is the
    answer: what to reply (the message goes no further). Anything else is
    not an answer: None, and the message goes on to the bot."""
    if conversation.review_consent != ASKED:
        return None
    answer = read_answer(text) if is_bare_answer(text) and not danger else None
    if answer == YES:
        conversation.review_consent = YES
        _keep_asked_about(conversation)
        log.info("conversation %s: consent to review", pseudonym(conversation.key))
        return texts.REVIEW_KEPT(language)
    if answer == NO:
        conversation.review_consent = NO
        return texts.REVIEW_NOT_KEPT(language)
    conversation.review_consent = NO_ANSWER
    return None


def no_answer(conversation: Conversation) -> None:
    """The conversation went to people before the person answered."""
    if conversation.review_consent == ASKED:
        conversation.review_consent = NO_ANSWER


def _keep_asked_about(conversation: Conversation) -> None:
    detail = db.session.scalar(
        select(ConversationEvent.detail)
        .where(
            ConversationEvent.conversation_id == conversation.id,
            ConversationEvent.kind == ASKED_EVENT,
        )
        .order_by(ConversationEvent.id.desc())
        .limit(1)
    )
    asked = json.loads(detail or "{}")
    message = db.session.get(Message, asked.get("message") or 0)
    if message is None or message.conversation_id != conversation.id:
        return
    reading = Reading(
        intent=asked.get("intent"), runner_up=asked.get("runner_up"), understood=False
    )
    items.keep(message.text, conversation.language, reading, message.created_at.date())
