"""The supervisors' dashboard of the line's figures and its downloads:
``/console/figures`` (charts, the same numbers as tables, this week at a
glance, the channels and languages for OAS guideline 23) and
``/console/figures.csv`` / ``.json`` (the published view of the period, as
``flask --app hotline figures`` writes it). Supervisors only; each download
leaves an audit entry, like every other read of the line's records.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from hotline import handoff
from hotline.console import access, dashboard
from hotline.console.blueprint import bp
from hotline.console.forms import PeriodForm
from hotline.console.i18n import say
from hotline.extensions import db
from hotline.figures import publish
from hotline.figures.publish import OVER_A_DAY
from hotline.texts import Text

EXPORTED = "exported_figures"  # the audit action; its detail: format and period
FORMATS = {"csv": "text/csv", "json": "application/json"}

PERIOD_PROBLEM = Text(
    "console",
    "Choose a period of at most a year, its first day before its last. "
    "The last 12 weeks are shown instead.",
)
WITHHELD = Text("console", "withheld")
AT_MOST = Text("console", "at most %(minutes)s min")
OVER_ONE_DAY = Text("console", "more than a day")
TOO_FEW_WAITS = Text("console", "too few waits to show")
TARGET_MINUTES = Text("console", "%(minutes)s min")
AT_LEAST = Text("console", "at least %(count)s (some weeks withheld)")


def today() -> date:
    """The figures' weeks are UTC weeks."""
    return datetime.now(UTC).date()


def _period(args: PeriodForm, default: dashboard.Period) -> dashboard.Period | None:
    """The period asked for, the default for what is left empty; None when
    it is no period at all (a bad date, backwards, longer than a year)."""
    if not args.validate():
        return None
    # Nothing is counted after today: a later last day is today.
    until = min(args.until.data or default.until, default.until)
    period = dashboard.Period(args.since.data or default.since, until)
    return period if period.valid() else None


def chosen_period() -> tuple[dashboard.Period, PeriodForm, bool]:
    """The period in the address, or the default; and whether the address
    asked for one that is not a period."""
    default = dashboard.Period.default(today())
    form = PeriodForm(request.args)
    period = _period(form, default)
    return period or default, form, period is None


def count_text(value: int | float | None) -> str:
    return say(WITHHELD) if value is None else str(value)


def wait_text(seconds: int | float | None) -> str:
    """A published wait is the upper bound of its bucket: "at most"."""
    if seconds is None:
        return say(TOO_FEW_WAITS)
    if seconds >= OVER_A_DAY:
        return say(OVER_ONE_DAY)
    return say(AT_MOST, minutes=_minutes(seconds))


def shown(series: dashboard.Series, value: int | float | None) -> str:
    """One value of a table, in words where it is not a plain count."""
    if series.kind == "count":
        return count_text(value)
    if series.kind == "target":
        return say(TARGET_MINUTES, minutes=_minutes(value or 0))
    return wait_text(value)


def _minutes(seconds: int | float) -> str:
    minutes = seconds / 60
    return f"{minutes:g}" if minutes < 10 else str(round(minutes))


def period_total(total: dashboard.PeriodTotal) -> str:
    """The sum of the published weeks; "at least" it when a week is withheld."""
    if not total.partial:
        return str(total.published)
    if not total.published:
        return say(WITHHELD)
    return say(AT_LEAST, count=total.published)


def chart_data(board: dashboard.Dashboard) -> dict[str, object]:
    """What figures.js draws: the same values as the tables, waits in
    minutes; null where a table says withheld or too few."""
    return {
        "weeks": [week.isoformat() for week in board.weeks],
        "charts": [
            {
                "id": chart.id,
                "yTitle": say(chart.y_title),
                "xTitle": say(dashboard.WEEK_STARTING),
                "series": [
                    {
                        "label": _say(series.label),
                        "kind": series.kind,
                        "data": [
                            dashboard.wait_minutes(value)
                            if series.kind != "count"
                            else value
                            for value in series.values
                        ],
                    }
                    for series in chart.series
                ],
            }
            for chart in board.charts
        ],
    }


def _say(label: Text | str) -> str:
    return label if isinstance(label, str) else say(label)


@bp.get("/figures")
def figures() -> str:
    access.require_supervisor()
    period, form, refused = chosen_period()
    if refused:
        flash(say(PERIOD_PROBLEM), "error")
    config = current_app.config
    board = dashboard.build(
        period, config["FIGURES_THRESHOLD"], config["HANDOFF_WAIT_TARGET_SECONDS"]
    )
    charts = {chart.id: chart for chart in board.charts}
    return render_template(
        "console/figures.html",
        board=board,
        form=form,
        glance=dashboard.glance(today()),
        charts=board.charts,
        # In an attribute, escaped as any text: the page has no inline script.
        chart_json=json.dumps(chart_data(board)),
        per_channel=dashboard.offered_totals("channel", charts["by-channel"].series),
        per_language=dashboard.offered_totals("language", charts["by-language"].series),
        shown=shown,
        period_total=period_total,
        say_label=_say,
        wait_text=wait_text,
        count_text=count_text,
        formats=list(FORMATS),
    )


@bp.get("/figures.<fmt>")
def figures_export(fmt: str) -> Response:
    """The period's published view as a download, as the CLI writes it."""
    access.require_supervisor()
    if fmt not in FORMATS:
        abort(404)
    period, _form, refused = chosen_period()
    if refused:
        # Back to the page, which says why (only these two: the rest of a
        # query is nothing the page reads, and url_for takes "_scheme"...).
        asked = {name: request.args.get(name) for name in ("since", "until")}
        return redirect(url_for("console.figures", **asked))
    view = publish.published(period.since, period.until)
    body = (
        publish.to_csv(view)
        if fmt == "csv"
        else json.dumps(publish.to_json(view), indent=2) + "\n"
    )
    handoff.audit(access.me(), EXPORTED, None, f"{fmt} {period.since}..{period.until}")
    db.session.commit()
    name = f"aliada-figures-{period.since}-{period.until}.{fmt}"
    return Response(
        body,
        mimetype=FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
