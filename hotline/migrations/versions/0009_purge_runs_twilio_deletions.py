"""the retention purge's runs; the Twilio copies of live conversations that no
message row names, and those of forgotten ones waiting to be deleted

Revision ID: 0009_purge_runs_twilio_deletions
Revises: 0008_sealed_totp_secrets
Create Date: 2026-12-06 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0009_purge_runs_twilio_deletions"
down_revision = "0008_sealed_totp_secrets"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "purge_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("conversations", sa.Integer(), nullable=False),
        sa.Column("tracker_events", sa.Integer(), nullable=False),
        sa.Column("failure_counters", sa.Integer(), nullable=False),
        sa.Column("operator_line_calls", sa.Integer(), nullable=False),
        sa.Column("twilio_deleted", sa.Integer(), nullable=False),
        sa.Column("twilio_pending", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(40), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_purge_runs_finished_at", "purge_runs", ["finished_at"])
    op.create_table(
        "twilio_deletions",
        sa.Column("sid", sa.String(34), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("sid"),
    )

    op.create_table(
        "twilio_copies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("sid", sa.String(34), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sid"),
    )
    op.create_index(
        "ix_twilio_copies_conversation_id", "twilio_copies", ["conversation_id"]
    )


def downgrade():
    op.drop_index("ix_twilio_copies_conversation_id", table_name="twilio_copies")
    op.drop_table("twilio_copies")
    op.drop_table("twilio_deletions")
    op.drop_index("ix_purge_runs_finished_at", table_name="purge_runs")
    op.drop_table("purge_runs")
