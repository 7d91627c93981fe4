"""Supervisors' page "What the bot did not understand": the anonymous counts
of the bot's confusions by language, and the review list of masked messages
kept with the person's consent, each turned into an NLU example or discarded.
Accepted examples download as a Rasa NLU file per language. Every view and
action is in the audit log.

The counts are shown whole here, small ones too: supervisors are staff, and
nothing on this page names a conversation. Nothing of it is exported but the
NLU examples (text, no counts).
"""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from bot.languages import SUPPORTED_LANGUAGES
from hotline.console import access
from hotline.console.blueprint import bp
from hotline.console.forms import ActionForm, ExampleForm
from hotline.console.i18n import say
from hotline.extensions import db
from hotline.handoff import audit
from hotline.models import ReviewItem
from hotline.review import confusions, items
from hotline.texts import Text

WEEKS_SHOWN = 12
KIND_LABELS = {
    confusions.NOT_UNDERSTOOD: Text("console", "did not understand"),
    confusions.LOW_CONFIDENCE: Text("console", "unsure"),
}
EXAMPLE_ADDED = Text("console", "Added to the NLU examples.")
ITEM_DISCARDED = Text("console", "Discarded: nothing of it is kept.")
ITEM_GONE = Text("console", "This message is no longer in the list.")
CHOOSE_INTENT = Text(
    "console", "Choose an intent and write the example in at most 1,000 characters."
)


def _example_form(item: ReviewItem) -> ExampleForm:
    """Filled with the masked text, and the intent the bot read (else its
    runner-up: "nlu_fallback" is no intent to train)."""
    form = ExampleForm(prefix=f"item-{item.id}", formdata=None)
    form.intent.choices = list(items.intents())
    known = [
        name for name in (item.intent, item.runner_up) if name in form.intent.choices
    ]
    form.intent.data = known[0] if known else None
    form.text.data = item.text
    return form


@bp.get("/review")
def review() -> str:
    access.require_supervisor()
    since = date.today() - timedelta(weeks=WEEKS_SHOWN)
    by_language: dict[str, list[confusions.Row]] = {}
    for row in confusions.table(since):
        by_language.setdefault(row.language, []).append(row)
    pending = items.pending()
    audit(access.me(), "review_viewed", detail=f"{len(pending)} pending")
    db.session.commit()
    return render_template(
        "console/review.html",
        by_language=by_language,
        kinds={kind: say(text) for kind, text in KIND_LABELS.items()},
        pending=[(item, _example_form(item)) for item in pending],
        discard_form=ActionForm(),
        accepted=items.accepted_count(),
        weeks=WEEKS_SHOWN,
    )


@bp.post("/review/<item_id>/accept")
def accept_review_item(item_id: str) -> Response:
    access.require_supervisor()
    item = items.find_pending(item_id)
    if item is None:
        flash(say(ITEM_GONE), "error")
        return redirect(url_for("console.review"))
    form = ExampleForm(prefix=f"item-{item_id}")
    form.intent.choices = list(items.intents())
    if not form.validate():
        flash(say(CHOOSE_INTENT), "error")
        return redirect(url_for("console.review"))
    items.accept(item, form.intent.data or "", form.text.data or "")
    audit(
        access.me(), "review_accepted", detail=f"{item.language} {item.example_intent}"
    )
    db.session.commit()
    flash(say(EXAMPLE_ADDED), "info")
    return redirect(url_for("console.review"))


@bp.post("/review/<item_id>/discard")
def discard_review_item(item_id: str) -> Response:
    access.require_supervisor()
    if not ActionForm().validate():
        abort(400)
    item = items.find_pending(item_id)
    if item is None:
        flash(say(ITEM_GONE), "error")
        return redirect(url_for("console.review"))
    language = item.language
    items.discard(item)
    audit(access.me(), "review_discarded", detail=language)
    db.session.commit()
    flash(say(ITEM_DISCARDED), "info")
    return redirect(url_for("console.review"))


@bp.get("/review/nlu-<language>.yml")
def review_examples(language: str) -> Response:
    """The accepted examples of one language, as a Rasa 3 NLU training file."""
    access.require_supervisor()
    if language not in SUPPORTED_LANGUAGES:
        abort(404)
    body = items.nlu_yaml(language)
    audit(access.me(), "review_downloaded", detail=language)
    db.session.commit()
    return Response(
        body,
        mimetype="application/x-yaml",
        headers={
            "Content-Disposition": f'attachment; filename="nlu-review-{language}.yml"'
        },
    )
