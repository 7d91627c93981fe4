"""reports and the person's consent for their use (issue 15)

Revision ID: 0010_reports
Revises: 0009_purge_runs_twilio_deletions
Create Date: 2026-12-06 17:00:00

A report goes with its conversation (ON DELETE CASCADE): erased on request or
by the purge like the messages.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_reports"
down_revision = "0009_purge_runs_twilio_deletions"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("consent", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversations.id"], ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("conversation_id"),
    )


def downgrade():
    op.drop_table("reports")
