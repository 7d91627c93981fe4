"""The queue, a conversation and what an operator does with it, the audit log,
and the JSON the page polls for news (from the database, so any worker answers).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from sqlalchemy import exc, select
from werkzeug.wrappers import Response

from hotline import delivery, handoff, reports, safety, texts
from hotline.console import access, canned, reads, routing
from hotline.console.blueprint import bp
from hotline.console.forms import (
    ActionForm,
    CannedForm,
    NoteForm,
    ReasonForm,
    ReplyForm,
    TransferForm,
)
from hotline.console.i18n import label, say
from hotline.console.reports import report_context
from hotline.conversations import fallback_languages
from hotline.extensions import db
from hotline.ids import row_id
from hotline.models import (
    AuditEntry,
    Conversation,
    Message,
    MessageStatus,
    Note,
    Operator,
    State,
)
from hotline.privacy import pseudonym
from hotline.texts import Text

log = logging.getLogger(__name__)
AUDIT_PAGE = 200

PERSON = Text("console", "Person")
OPERATOR = Text("console", "Operator")
BOT = Text("console", "Bot")
NO_LANGUAGES = Text("console", "no languages")
YOURS_NOW = Text("console", "This conversation is yours now.")
TAKEN_FIRST = Text("console", "%(name)s took this conversation first.")
NOT_WAITING = Text("console", "This conversation is no longer waiting.")
NOT_SENT = Text(
    "console",
    "This conversation is closed or no longer with you: your reply was not sent.",
)
REPLY_TOO_LONG = Text("console", "Write a reply of at most 1,600 characters.")
CHOOSE_CANNED = Text("console", "Choose one of the ready-made replies.")
ONLY_FAILED = Text("console", "Only a reply that failed can be sent again.")
NOTE_TOO_LONG = Text("console", "Write a note of at most 4,000 characters.")
NOT_TRANSFERABLE = Text(
    "console", "Only a conversation with an operator can be transferred."
)
CHOOSE_OPERATOR = Text("console", "Choose another active operator.")
TRANSFERRED = Text("console", "Transferred to %(name)s.")
ALREADY_CLOSED = Text("console", "This conversation was already closed.")
CLOSED = Text("console", "Conversation closed.")
NOT_WITH_PEOPLE = Text("console", "This conversation is not with people any more.")
BOT_AGAIN = Text("console", "The bot answers this person again.")
WRITE_A_REASON = Text(
    "console", "Write your reason in 10 to 200 characters: it goes in the audit log."
)


@dataclass(frozen=True)
class Entry:
    """One line of a transcript: who wrote it, when, and what."""

    kind: str  # person, bot, operator, note
    author: str
    text: str
    created_at: datetime
    status: str | None = None
    message_id: int | None = None


def _language(conversation: Conversation) -> str:
    return conversation.language or fallback_languages()[0]


def _operator_names() -> dict[int, str]:
    return {
        operator.id: operator.display_name
        for operator in db.session.scalars(select(Operator))
    }


def _message_entry(message: Message, names: dict[int, str]) -> Entry:
    if message.direction == "in":
        kind, author = "person", say(PERSON)
    elif message.operator_id is not None:
        kind, author = "operator", names.get(message.operator_id) or say(OPERATOR)
    else:
        kind, author = "bot", say(BOT)
    status = message.status if kind == "operator" else None
    return Entry(kind, author, message.text, message.created_at, status, message.id)


def transcript(conversation: Conversation) -> list[Entry]:
    names = _operator_names()
    entries = [_message_entry(message, names) for message in conversation.messages]
    notes = db.session.scalars(
        select(Note).where(Note.conversation_id == conversation.id)
    )
    entries += [
        Entry(
            "note",
            names.get(note.operator_id or 0) or say(OPERATOR),
            note.text,
            note.created_at,
        )
        for note in notes
    ]
    return sorted(entries, key=lambda entry: entry.created_at)


def _my_conversations(operator: Operator) -> list[Conversation]:
    query = select(Conversation).where(Conversation.state == State.WITH_OPERATOR)
    if not operator.supervises:
        query = query.where(Conversation.operator_id == operator.id)
    return list(db.session.scalars(query.order_by(Conversation.last_message_at)))


def _latest_message_id() -> int:
    return db.session.scalar(select(db.func.max(Message.id))) or 0


def _queue_context() -> dict[str, object]:
    operator = access.me()
    return {
        "rows": routing.queue_for(operator),
        "mine": _my_conversations(operator),
        "supervisor": operator.supervises,
        "pseudonym": pseudonym,
    }


@bp.get("/")
def queue() -> str:
    return render_template(
        "console/queue.html",
        latest=_latest_message_id(),
        **_queue_context(),
    )


@bp.get("/c/<public_id>")
def conversation(public_id: str) -> str:
    record = access.readable(public_id)
    operator = access.me()
    entries = transcript(record)
    notes = sum(entry.kind == "note" for entry in entries)
    reads.record_read(operator, record, reads.PAGE, len(entries) - notes, notes)
    language = _language(record)
    canned_form = CannedForm()
    canned_form.context.choices = canned.choices(language)
    transfer_form = TransferForm()
    transfer_form.operator_id.choices = [
        (other.id, f"{other.display_name} ({other.languages or say(NO_LANGUAGES)})")
        for other in db.session.scalars(
            select(Operator)
            .where(Operator.active, Operator.id != record.operator_id)
            .order_by(Operator.display_name)
        )
    ]
    return render_template(
        "console/conversation.html",
        conversation=record,
        pseudonym=pseudonym(record.key),
        entries=entries,
        latest=max((e.message_id or 0 for e in entries), default=0),
        owner=access.holds(operator, record),
        manager=access.can_manage(operator, record),
        names=_operator_names(),
        action_form=ActionForm(),
        reply_form=ReplyForm(),
        canned_form=canned_form,
        note_form=NoteForm(),
        transfer_form=transfer_form,
        **report_context(reports.report_of(record)),
    )


def _back(public_id: str) -> Response:
    return redirect(url_for("console.conversation", public_id=public_id))


@bp.post("/c/<public_id>/claim")
def claim(public_id: str) -> Response:
    """Of two operators claiming at once, one wins; the other is told who.
    Only a conversation that reached people and that the operator may take
    (``routing.may_claim``): any other is a 404, as if it did not exist."""
    record = access.find(public_id)
    if not (routing.may_claim(access.me(), record) and access.reached_people(record)):
        abort(404)
    if handoff.claim(record.id, access.me()):
        flash(say(YOURS_NOW), "info")
        return _back(record.public_id)
    db.session.refresh(record)
    if record.state == State.WITH_OPERATOR and record.operator is not None:
        flash(say(TAKEN_FIRST, name=record.operator.display_name), "error")
    else:
        flash(say(NOT_WAITING), "error")
    return redirect(url_for("console.queue"))


def _owned_and_open(public_id: str) -> Conversation | None:
    """The conversation if the operator may write to the person now; else a
    message says why and None."""
    record = access.readable(public_id)
    if record.operator_id != access.me().id:
        abort(403)
    if record.state != State.WITH_OPERATOR:
        flash(say(NOT_SENT), "error")
        return None
    return record


# The database failing under us (locked, connection lost, no free connection
# in the pool): something that happens to a working program, unlike a bug.
DATABASE_FAILED = (exc.OperationalError, exc.InterfaceError, exc.TimeoutError)


def deliver(message: Message) -> None:
    """Send a reply that is already stored (QUEUED) on the person's channel.

    ``delivery.deliver`` records what the channel did itself: sent, or FAILED
    (Twilio refused, no number, opted out, voice...), which the page shows
    with a button to send it again. What is left is the database failing
    while it writes: the reply stays as last stored (QUEUED, or FAILED when
    sent again), the retry job sends it (it takes those, QUEUED ones once
    older than ``delivery.STUCK_AFTER``; if Twilio had taken it already the
    person may get it twice, rather than never), and the session is rolled
    back so the operator's action goes on (the hand-back after its greeting).
    Anything else is a bug and is not caught: the app's error handler logs it
    with its traceback and counts it, and the operator sees the error instead
    of a reply that silently never left."""
    message_id = message.id  # loaded now: after a rollback it would be read again
    try:
        delivery.deliver(message)
    except DATABASE_FAILED as error:
        db.session.rollback()
        log.warning(
            "message %s: the database failed during delivery (%s); "
            "left for the retry job",
            message_id,
            type(error).__name__,
        )


def _send(record: Conversation, text: str) -> Message:
    operator = access.me()
    message = Message(
        conversation=record,
        direction="out",
        text=text,
        status=MessageStatus.QUEUED,
        operator_id=operator.id,
    )
    db.session.add(message)
    handoff.audit(operator, "replied", record.id)
    db.session.commit()
    deliver(message)
    return message


@bp.post("/c/<public_id>/reply")
def reply(public_id: str) -> Response:
    form = ReplyForm()
    record = _owned_and_open(public_id)
    if record is None:
        return _back(public_id)
    if not form.validate():
        flash(say(REPLY_TOO_LONG), "error")
        return _back(record.public_id)
    _send(record, form.text.data or "")
    return _back(record.public_id)


@bp.post("/c/<public_id>/canned")
def send_canned(public_id: str) -> Response:
    form = CannedForm()
    record = _owned_and_open(public_id)
    if record is None:
        return _back(public_id)
    text = canned.BY_CONTEXT.get(form.context.data or "")
    if text is None:
        flash(say(CHOOSE_CANNED), "error")
        return _back(record.public_id)
    _send(record, text(_language(record)))
    return _back(record.public_id)


@bp.post("/c/<public_id>/m/<int:message_id>/retry")
def retry(public_id: str, message_id: int) -> Response:
    """Send a failed reply again (the owner, while the conversation is open)."""
    record = _owned_and_open(public_id)
    if record is None:
        return _back(public_id)
    message = db.session.get(Message, message_id)
    if (
        message is None
        or message.conversation_id != record.id
        or message.status != MessageStatus.FAILED
    ):
        flash(say(ONLY_FAILED), "error")
        return _back(record.public_id)
    handoff.audit(access.me(), "resent", record.id)
    db.session.commit()
    deliver(message)
    return _back(record.public_id)


def _managed(public_id: str) -> Conversation:
    record = access.readable(public_id)
    if not access.can_manage(access.me(), record):
        abort(403)
    return record


@bp.post("/c/<public_id>/note")
def note(public_id: str) -> Response:
    record = _managed(public_id)
    form = NoteForm()
    if not form.validate():
        flash(say(NOTE_TOO_LONG), "error")
        return _back(record.public_id)
    operator = access.me()
    db.session.add(
        Note(conversation_id=record.id, operator_id=operator.id, text=form.text.data)
    )
    handoff.audit(operator, "noted", record.id)
    db.session.commit()
    return _back(record.public_id)


@bp.post("/c/<public_id>/transfer")
def transfer(public_id: str) -> Response:
    record = _managed(public_id)
    form = TransferForm()
    target = db.session.get(Operator, form.operator_id.data or 0)
    if record.state != State.WITH_OPERATOR:
        flash(say(NOT_TRANSFERABLE), "error")
        return _back(record.public_id)
    if target is None or not target.active or target.id == record.operator_id:
        flash(say(CHOOSE_OPERATOR), "error")
        return _back(record.public_id)
    handoff.transfer(record, target, access.me())
    flash(say(TRANSFERRED, name=target.display_name), "info")
    return redirect(url_for("console.queue"))


@bp.post("/c/<public_id>/close")
def close(public_id: str) -> Response:
    record = _managed(public_id)
    if record.state == State.CLOSED:
        flash(say(ALREADY_CLOSED), "error")
        return _back(record.public_id)
    safety.cancel_held(record)
    handoff.close(record, access.me())
    flash(say(CLOSED), "info")
    return redirect(url_for("console.queue"))


@bp.post("/c/<public_id>/return")
def return_to_bot(public_id: str) -> Response:
    record = _managed(public_id)
    if not handoff.is_with_people(record):
        flash(say(NOT_WITH_PEOPLE), "error")
        return _back(record.public_id)
    # Queued and handed to delivery before the hand-back forgets the number.
    _send(record, texts.BACK_TO_BOT(_language(record)))
    safety.cancel_held(record)
    handoff.return_to_bot(record, access.me())
    flash(say(BOT_AGAIN), "info")
    return redirect(url_for("console.queue"))


@bp.post("/c/<public_id>/reason")
def give_reason(public_id: str) -> Response:
    """A supervisor's written reason to read a conversation that never reached
    people (asked by ``blueprint.ask_reason``); operators have none to give."""
    record = access.find(public_id)
    operator = access.me()
    if not operator.supervises:
        abort(404)
    form = ReasonForm()
    if not form.validate():
        flash(say(WRITE_A_REASON), "error")
        raise access.ReasonRequired(record)
    access.give_reason(operator, record, form.reason.data or "")
    return _back(record.public_id)


@bp.get("/audit")
def audit_log() -> str:
    access.require_supervisor()
    entries = db.session.scalars(
        select(AuditEntry).order_by(AuditEntry.id.desc()).limit(AUDIT_PAGE)
    ).all()
    named = {entry.conversation_id for entry in entries} - {None}
    conversations = {
        record.id: record
        for record in db.session.scalars(
            select(Conversation).where(Conversation.id.in_(named))
        )
    }
    return render_template(
        "console/audit.html",
        entries=entries,
        names=_operator_names(),
        conversations=conversations,
        pseudonym=pseudonym,
    )


@bp.get("/api/updates")
def updates() -> Response:
    """What changed since message ``after``: the queue (as the page renders
    it), and the open conversation's new messages when ``conversation`` is
    given. Polled every few seconds; it does not count as activity."""
    after = request.args.get("after", 0, type=row_id)
    payload: dict[str, object] = {
        "latest": _latest_message_id(),
        "queue_html": render_template("console/_queue.html", **_queue_context()),
    }
    public_id = request.args.get("conversation")
    if public_id is not None:
        record = access.readable(public_id)
        names = _operator_names()
        payload["state"] = record.state
        messages = payload["messages"] = [
            {
                "id": entry.message_id,
                "kind": entry.kind,
                "author": entry.author,
                "text": entry.text,
                "status": entry.status,
                "status_label": label(entry.status),
                "time": entry.created_at.strftime("%H:%M"),
            }
            for entry in (
                _message_entry(message, names)
                for message in db.session.scalars(
                    select(Message)
                    .where(Message.conversation_id == record.id, Message.id > after)
                    .order_by(Message.id)
                )
            )
        ]
        if messages:
            reads.record_read(access.me(), record, reads.UPDATES, len(messages))
    return jsonify(payload)
