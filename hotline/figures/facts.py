"""What the line's figures need to know of a conversation, noted on it where it
happens (``conversations.keep`` and ``handle``, ``handoff``) and counted by
``hotline.figures.store``. Only flags, counts and a topic name: never a word
the person wrote, nor an exact time.

- after hours: the person's first message arrived while no person of the
  team answered in the conversation's language (its opening hours,
  ``hotline.hours``; the default hours while the language is unknown). The
  first contact, not any later message: one person writing for weeks is one
  conversation, and its week is the week it began.
- danger: the hotline's own danger detector saw danger in a message (sure or
  possible, ``bot.danger``), or the conversation was handed off as urgent
  (the bot's emergency, or the detector's sure verdict).
- hand-offs: each time the conversation entered the queue for a person.
- waits: from entering the queue until a person took it; a wait nobody ended
  (the person left, the conversation was closed) is not a wait for a person.
- not understood: turns where the bot said it did not understand.
- topic: the first topic the bot read in the conversation.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from hotline import hours
from hotline.bot_client import Reading
from hotline.extensions import db
from hotline.figures.cells import wait_bucket
from hotline.models import Conversation, ConversationWait, utcnow

# A topic is one of the bot's slot values (``topic`` in bot/domain/core.yml):
# anything else, which could carry someone's words, is not kept.
TOPIC_NAME = re.compile(r"[a-z_]{1,32}")


def first_contact(conversation: Conversation) -> None:
    """A message from the person is being kept: the first decides whether
    the conversation began after hours."""
    if conversation.after_hours is None:
        team_in = hours.opening_hours().is_open(
            conversation.language, datetime.now(UTC)
        )
        conversation.after_hours = not team_in


def read(conversation: Conversation, reading: Reading | None) -> None:
    """What the bot made of one of the person's messages."""
    if reading is None:
        return
    topic = reading.topic or ""
    if conversation.first_topic is None and TOPIC_NAME.fullmatch(topic):
        conversation.first_topic = topic
    if not reading.understood:
        # Added in the database: two workers' turns both count.
        conversation.turns_not_understood = Conversation.turns_not_understood + 1


def danger(conversation: Conversation) -> None:
    conversation.danger_detected = True


def handed_off(conversation: Conversation) -> None:
    """The conversation entered the queue for a person."""
    conversation.handoff_count = Conversation.handoff_count + 1


def taken(conversation: Conversation) -> None:
    """A person took the waiting conversation: how long the person waited,
    kept as its bucket only."""
    if conversation.waiting_since is None:
        return
    seconds = (utcnow() - conversation.waiting_since).total_seconds()
    db.session.add(
        ConversationWait(conversation_id=conversation.id, bucket=wait_bucket(seconds))
    )
