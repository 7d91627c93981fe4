"""``flask --app hotline ...`` commands: database upgrade, the retention purge
and its check, re-encryption with the newest key and the reports export."""

from __future__ import annotations

import click
from flask import Flask
from flask_migrate import upgrade

from hotline import key_rotation, reports, retention
from hotline.figures import decisions
from hotline.models import PurgeRun


def describe(run: PurgeRun) -> str:
    """Counts only: what a log or a cron mail may show."""
    return (
        f"deleted {run.conversations} conversations, {run.tracker_events} events "
        f"of Rasa's trackers, {run.failure_counters} expired failure counters, "
        f"{run.operator_line_calls} unfinished operator-line calls, "
        f"{run.review_items} review items past their retention; "
        f"deleted {run.twilio_deleted} copies at Twilio, {run.twilio_pending} "
        "still to delete"
    )


def init_app(app: Flask) -> None:
    @app.cli.command("upgrade-db")
    def upgrade_db() -> None:
        """Create or upgrade the hotline's tables (Alembic migrations)."""
        upgrade()
        click.echo("database is up to date")

    @app.cli.command("purge")
    def purge() -> None:
        """Forget what is past RETENTION_DAYS, here, in Rasa's trackers and at
        Twilio (run it daily; `make run` does). Fails when any part failed.
        Then decides the last year's figures once, for the dashboard."""
        run = retention.purge()
        click.echo(describe(run))
        decisions.decide_last_year()
        if not run.ok:
            raise click.ClickException(f"the purge failed ({run.error})")

    @app.cli.command("purge-check")
    def purge_check() -> None:
        """Exit 1 when the purge is overdue (no success for 36 hours), for
        monitoring."""
        standing = retention.standing()
        last = (
            f"{standing.last_success:%Y-%m-%d %H:%M} UTC"
            if standing.last_success
            else "never"
        )
        if standing.overdue:
            click.echo(f"purge overdue: last success {last}", err=True)
            raise SystemExit(1)
        click.echo(f"purge ok: last success {last}")

    @app.cli.command("reports")
    @click.option(
        "--format", "fmt", type=click.Choice(sorted(reports.FORMATS)), default="csv"
    )
    def export_reports(fmt: str) -> None:
        """Print the reports the persons let leave the line: shared ones with
        their summary, counted ones as a count, confidential ones never."""
        click.echo(reports.FORMATS[fmt](reports.export()), nl=False)

    @app.cli.command("reencrypt")
    def reencrypt() -> None:
        """Rewrite every encrypted value (numbers kept during a hand-off, TOTP
        secrets) with the first of CONTACT_ENCRYPTION_KEYS, while the line
        serves; then the other keys can be removed."""
        tally = key_rotation.reencrypt_all()
        click.echo(
            f"re-encrypted {tally.rewritten}, already with the newest key "
            f"{tally.current}, changed by the line meanwhile {tally.moved_on}"
        )
        if tally.unreadable:
            raise click.ClickException(
                "values that open with none of CONTACT_ENCRYPTION_KEYS: "
                f"{tally.unreadable}; put back the key that wrote them before "
                "removing any"
            )
