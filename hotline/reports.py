"""Reports and the person's say over their use (issue 15).

A person who reports a case chooses, in their language, how it may be used:
shared with the authorities, kept confidential by the line's staff, or only
counted. The bot asks and signals the choice; an operator can record a report
the person made by phone or chat, and change the choice when the person asks.
Every change is an event in the conversation's history.

Exports follow the choice, in this one place: a shared report leaves the line
with its summary; an anonymous one only as a count; a confidential one never.
No export holds a key, a number, a conversation's address or a message.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field

from sqlalchemy import func, select

from hotline import handoff
from hotline.extensions import db
from hotline.models import (
    Conversation,
    Operator,
    Report,
    ReportConsent,
    ReportSource,
    utcnow,
)

MAX_SUMMARY_CHARS = 4_000  # as a note
CONSENT_GIVEN = "report_consent_given"
CONSENT_CHANGED = "report_consent_changed"
# What may leave the line: rows for these, counts for these (never confidential).
EXPORTED_ROWS = (ReportConsent.SHARE,)
EXPORTED_COUNTS = (ReportConsent.SHARE, ReportConsent.ANONYMOUS)
CSV_COLUMNS = (
    "row",
    "consent",
    "reports",
    "reported_on",
    "channel",
    "language",
    "country",
    "source",
    "summary",
)


def is_consent(value: object) -> bool:
    return value in tuple(ReportConsent)


def report_of(conversation: Conversation) -> Report | None:
    return db.session.scalar(
        select(Report).where(Report.conversation_id == conversation.id)
    )


def set_consent(
    conversation: Conversation,
    consent: str,
    operator: Operator | None = None,
    summary: str | None = None,
) -> Report:
    """Record the report or change its consent (the person's choice: through
    the bot without ``operator``, else as the operator recorded it). The
    change is an event in the conversation's history (and, by an operator, in
    the audit log); the caller commits."""
    if not is_consent(consent):
        raise ValueError(f"not a consent: {consent!r}")
    source = ReportSource.OPERATOR if operator else ReportSource.PERSON
    actor = handoff.actor_of(operator) if operator else ReportSource.PERSON.value
    report = report_of(conversation)
    if report is None:
        report = Report(
            conversation_id=conversation.id,
            consent=consent,
            source=source,
            summary=summary or None,
            changed_by=actor,
        )
        db.session.add(report)
        handoff.record(conversation, CONSENT_GIVEN, operator, consent)
        return report
    if summary:
        report.summary = summary
    if report.consent != consent:
        handoff.record(
            conversation, CONSENT_CHANGED, operator, f"{report.consent} -> {consent}"
        )
        report.consent, report.source, report.changed_by = consent, source, actor
    elif operator is not None:
        handoff.audit(operator, "report_summary", conversation.id)
    report.updated_at = utcnow()
    return report


@dataclass
class ReportsExport:
    """What of the line's reports may leave it."""

    counts: dict[str, int] = field(default_factory=dict)
    shared: list[dict[str, str]] = field(default_factory=list)


def export() -> ReportsExport:
    tallies = dict(
        db.session.execute(
            select(Report.consent, func.count(Report.id)).group_by(Report.consent)
        ).all()
    )
    result = ReportsExport(
        counts={str(c): int(tallies.get(c, 0)) for c in EXPORTED_COUNTS}
    )
    rows = db.session.execute(
        select(
            Report, Conversation.channel, Conversation.language, Conversation.country
        )
        .join(Conversation, Conversation.id == Report.conversation_id)
        .where(Report.consent.in_(EXPORTED_ROWS))
        .order_by(Report.created_at)
    ).all()
    result.shared = [
        {
            "consent": report.consent,
            "reported_on": report.created_at.date().isoformat(),
            "channel": channel,
            "language": language or "",
            "country": country or "",
            "source": report.source,
            "summary": report.summary or "",
        }
        for report, channel, language, country in rows
    ]
    return result


def as_json(data: ReportsExport) -> str:
    return json.dumps(
        {"counts": data.counts, "shared_reports": data.shared},
        ensure_ascii=False,
        indent=2,
    )


def as_csv(data: ReportsExport) -> str:
    """A ``total`` row per consent that may be counted, then a ``report`` row
    per shared report."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, restval="", lineterminator="\n")
    writer.writeheader()
    for consent, total in data.counts.items():
        writer.writerow({"row": "total", "consent": consent, "reports": total})
    for row in data.shared:
        writer.writerow({"row": "report", **row, "summary": _inert(row["summary"])})
    return out.getvalue()


def _inert(value: str) -> str:
    """A summary a spreadsheet will not run as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


FORMATS = {"csv": as_csv, "json": as_json}
