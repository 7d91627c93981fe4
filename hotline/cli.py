"""``flask --app hotline ...`` commands: database upgrade, retention purge and
re-encryption with the newest key."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import delete

from hotline import key_rotation, lockout, rasa_trackers
from hotline.extensions import db
from hotline.figures import store
from hotline.models import Conversation, utcnow


def purge_expired() -> tuple[int, int]:
    """Delete conversations silent for longer than the retention period, and
    Rasa's trackers silent as long. Returns how many of each went."""
    cutoff = utcnow() - timedelta(days=current_app.config["RETENTION_DAYS"])
    expired = Conversation.last_message_at < cutoff
    store.fold_all(expired)  # their anonymous figures stay
    result = db.session.execute(delete(Conversation).where(expired))
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
