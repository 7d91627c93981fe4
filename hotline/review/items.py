"""The review list: messages the bot did not understand, kept masked with
the person's consent, that supervisors turn into NLU examples or discard.

An item holds the masked text, its language, the intent the bot read and the
runner-up, and the week: no conversation, no key, no time finer than the
week. It outlives its conversation's purge and has its own retention
(``REVIEW_RETENTION_DAYS``, default 180): ``purge_older_than`` deletes older
items, accepted examples too, so accepted examples are downloaded (and
added to ``bot/data/nlu``) within that time.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

import yaml
from sqlalchemy import delete, select

from hotline.bot_client import Reading
from hotline.extensions import db
from hotline.figures.cells import monday
from hotline.ids import is_token
from hotline.models import ReviewItem
from hotline.review.masking import mask

PENDING, ACCEPTED = "pending", "accepted"
DOMAIN = Path(__file__).resolve().parents[2] / "bot" / "domain"
MAX_TEXT_CHARS = 1_000  # what the bot reads of a message


def keep(text: str, language: str | None, reading: Reading, day: date) -> ReviewItem:
    """Mask the message and add it to the list (in the caller's transaction)."""
    item = ReviewItem(
        week=monday(day),
        language=language or "unknown",
        intent=reading.intent or "",
        runner_up=reading.runner_up or "",
        text=mask(text[:MAX_TEXT_CHARS], language),
        status=PENDING,
    )
    db.session.add(item)
    return item


def pending() -> list[ReviewItem]:
    """Waiting for a supervisor, oldest week first (within a week in no
    telling order: the ids are random)."""
    query = (
        select(ReviewItem)
        .where(ReviewItem.status == PENDING)
        .order_by(ReviewItem.week, ReviewItem.language, ReviewItem.id)
    )
    return list(db.session.scalars(query))


def accepted_count() -> dict[str, int]:
    counts: dict[str, int] = {}
    for language in db.session.scalars(
        select(ReviewItem.language).where(ReviewItem.status == ACCEPTED)
    ):
        counts[language] = counts.get(language, 0) + 1
    return counts


# The review_items.id column (models.new_review_id writes 16 characters).
ITEM_ID_LENGTH = 24


def find_pending(item_id: str) -> ReviewItem | None:
    """The item still to review; None for what no item id could be (a NUL
    in an address reached PostgreSQL, which refuses it in text: a 500)."""
    if not is_token(item_id, ITEM_ID_LENGTH):
        return None
    item = db.session.get(ReviewItem, item_id)
    return item if item is not None and item.status == PENDING else None


def accept(item: ReviewItem, intent: str, text: str) -> None:
    """The supervisor's example: the text as they edited it, on one line."""
    item.text = " ".join(text.split())[:MAX_TEXT_CHARS]
    item.example_intent = intent
    item.status = ACCEPTED


def discard(item: ReviewItem) -> None:
    """Nothing of a discarded item is kept."""
    db.session.delete(item)


def purge_older_than(days: int, today: date | None = None) -> int:
    """Delete items of weeks that ended more than ``days`` ago; how many.
    Called by the retention purge with ``REVIEW_RETENTION_DAYS``."""
    cutoff = monday((today or date.today()) - timedelta(days=days))
    result = db.session.execute(delete(ReviewItem).where(ReviewItem.week < cutoff))
    db.session.commit()
    return result.rowcount or 0


@cache
def intents() -> tuple[str, ...]:
    """The intents of the bot's domain, for the supervisor to choose from."""
    names: list[str] = []
    for path in sorted(DOMAIN.glob("*.yml")):
        for name in (
            yaml.safe_load(path.read_text(encoding="utf-8")).get("intents") or []
        ):
            if isinstance(name, str) and name not in names:
                names.append(name)
    return tuple(names)


class _NluDumper(yaml.SafeDumper):
    """Examples as Rasa writes them: a literal block of "- " lines."""


def _literal(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_NluDumper.add_representer(str, _literal)


def nlu_yaml(language: str) -> str:
    """The accepted examples of ``language`` as a Rasa 3 NLU training file."""
    query = (
        select(ReviewItem)
        .where(ReviewItem.status == ACCEPTED, ReviewItem.language == language)
        .order_by(ReviewItem.example_intent, ReviewItem.text)
    )
    by_intent: dict[str, list[str]] = {}
    for item in db.session.scalars(query):
        by_intent.setdefault(item.example_intent or "", []).append(item.text)
    document = {
        "version": "3.1",
        "nlu": [
            {
                "intent": intent,
                "metadata": {"language": language},
                "examples": "".join(f"- {text}\n" for text in examples),
            }
            for intent, examples in by_intent.items()
        ],
    }
    return yaml.dump(
        document, Dumper=_NluDumper, allow_unicode=True, sort_keys=False, width=10_000
    )
