"""A conversation's report in the console: the person's choice of its use shown
plainly, an operator recording a report or changing that choice when the
person asks; and the supervisors' export, which only ever holds what the
choices allow (``hotline.reports``)."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from werkzeug.wrappers import Response

from hotline import handoff, reports
from hotline.console import access
from hotline.console.blueprint import bp
from hotline.console.forms import ReportForm
from hotline.console.i18n import say
from hotline.extensions import db
from hotline.models import Report, ReportConsent
from hotline.texts import Text

# What each choice means for the operator reading it.
CONSENT_LABELS = {
    ReportConsent.SHARE: Text(
        "console", "May be shared with the authorities (it is exported)"
    ),
    ReportConsent.CONFIDENTIAL: Text(
        "console", "Confidential: stays with the line's staff, never exported"
    ),
    ReportConsent.ANONYMOUS: Text(
        "console", "Anonymous: only counted, never exported as a report"
    ),
}
SOURCE_LABELS = {
    "person": Text("console", "the person, answering the bot"),
    "operator": Text("console", "an operator, as the person asked"),
}
# No use is chosen for the person: "share" preselected was one click from the police.
CHOOSE_CONSENT = Text("console", "Choose what the person said")
REPORT_SAVED = Text("console", "The report and the person's choice are saved.")
REPORT_INVALID = Text(
    "console",
    "Choose how the person lets the report be used; a summary has at most "
    "4,000 characters.",
)
EXPORTED = "exported_reports"
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def consent_label(consent: str) -> str:
    text = CONSENT_LABELS.get(ReportConsent(consent))
    return say(text) if text else consent


def report_context(report: Report | None) -> dict[str, object]:
    """The report's part of the conversation page, and its form with the
    current choice selected (none before the person chose)."""
    form = ReportForm()
    form.consent.choices = [
        ("", say(CHOOSE_CONSENT)),
        *((c.value, consent_label(c)) for c in ReportConsent),
    ]
    if not form.is_submitted():
        form.consent.data = report.consent if report is not None else ""
    return {
        "report": report,
        "report_form": form,
        "report_consent": consent_label(report.consent) if report else "",
        "report_source": say(SOURCE_LABELS[report.source]) if report else "",
    }


@bp.post("/c/<public_id>/report")
def record_report(public_id: str) -> Response:
    """Whoever may handle the conversation (like a note) records the report or
    changes its use; the page shows the result."""
    record = access.readable(public_id)
    operator = access.me()
    if not access.can_manage(operator, record):
        abort(403)
    form = ReportForm()
    form.consent.choices = [(c.value, c.value) for c in ReportConsent]
    if not form.validate():
        flash(say(REPORT_INVALID), "error")
    else:
        reports.set_consent(
            record, form.consent.data or "", operator, form.summary.data or None
        )
        db.session.commit()
        flash(say(REPORT_SAVED), "info")
    return redirect(url_for("console.conversation", public_id=record.public_id))


@bp.get("/reports")
def reports_page() -> str:
    access.require_supervisor()
    return render_template("console/reports.html", counts=reports.export().counts)


@bp.get("/reports.<fmt>")
def reports_download(fmt: str) -> Response:
    """Only what the persons' choices allow; the download is audited."""
    access.require_supervisor()
    if fmt not in reports.FORMATS:
        abort(404)
    body = reports.FORMATS[fmt](reports.export())
    handoff.audit(access.me(), EXPORTED, detail=fmt)
    db.session.commit()
    response = make_response(body)
    response.headers["Content-Type"] = MEDIA_TYPES[fmt]
    response.headers["Content-Disposition"] = f"attachment; filename=reports.{fmt}"
    response.headers["Cache-Control"] = "no-store"
    return response
