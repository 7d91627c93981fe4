"""``flask --app hotline ...`` commands: database upgrade and retention purge."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import delete

from hotline import lockout, rasa_trackers
from hotline.extensions import db
from hotline.models import Conversation, utcnow


def purge_expired() -> tuple[int, int]:
    """Delete conversations silent for longer than the retention period, and
    Rasa's trackers silent as long. Returns how many of each went."""
    cutoff = utcnow() - timedelta(days=current_app.config["RETENTION_DAYS"])
    result = db.session.execute(
        delete(Conversation).where(Conversation.last_message_at < cutoff)
    )
    db.session.commit()
    return result.rowcount or 0, rasa_trackers.purge_silent_since(cutoff)


def init_app(app: Flask) -> None:
    @app.cli.command("upgrade-db")
    def upgrade_db() -> None:
        """Create or upgrade the hotline's tables (Alembic migrations)."""
        upgrade()
        click.echo("database is up to date")

    @app.cli.command("purge")
    def purge() -> None:
        """Delete transcripts older than RETENTION_DAYS, and failure counters
        that no longer count (run it daily)."""
        conversations, tracker_events = purge_expired()
        click.echo(
            f"deleted {conversations} conversations and {tracker_events} events "
            "of Rasa's trackers"
        )
        click.echo(f"forgot {lockout.forget_expired()} expired failure counters")
