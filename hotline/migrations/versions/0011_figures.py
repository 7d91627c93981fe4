"""the line's figures: facts kept on each conversation, and the anonymous
cells they are folded into before the conversation is deleted

Revision ID: 0011_figures
Revises: 0008_sealed_totp_secrets
Create Date: 2027-01-10 12:00:00

Conversations already stored get no facts (no topic, no danger, no hand-off,
after hours unknown): the line did not note them then.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_figures"
down_revision = "0008_sealed_totp_secrets"
branch_labels = None
depends_on = None


def dimensions():
    """The five columns that name a cell (new ones for each table)."""
    return [
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("country", sa.String(length=8), nullable=False),
    ]


COUNTS = (
    "conversations",
    "messages",
    "danger",
    "handoffs",
    "after_hours",
    "not_understood",
    "deletions",
)
CELL = ("week", "channel", "language", "topic", "country")


def upgrade():
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("first_topic", sa.String(length=32)))
        batch.add_column(
            sa.Column(
                "danger_detected",
                sa.Boolean(),
                nullable=False,
                server_default=sa.false(),
            )
        )
        batch.add_column(
            sa.Column("handoff_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("after_hours", sa.Boolean()))
        batch.add_column(
            sa.Column(
                "turns_not_understood",
                sa.Integer(),
                nullable=False,
                server_default="0",
            )
        )
    op.create_table(
        "conversation_waits",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "conversation_id",
            sa.Integer(),
            sa.ForeignKey("conversations.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("bucket", sa.Integer(), nullable=False),
    )
    op.create_index(
        "ix_conversation_waits_conversation_id",
        "conversation_waits",
        ["conversation_id"],
    )
    op.create_table(
        "figure_cells",
        *dimensions(),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        sa.PrimaryKeyConstraint(*CELL),
    )
    op.create_table(
        "figure_waits",
        *dimensions(),
        sa.Column("bucket", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("waits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(*CELL, "bucket"),
    )


def downgrade():
    op.drop_table("figure_waits")
    op.drop_table("figure_cells")
    op.drop_index("ix_conversation_waits_conversation_id", "conversation_waits")
    op.drop_table("conversation_waits")
    with op.batch_alter_table("conversations") as batch:
        for name in (
            "turns_not_understood",
            "after_hours",
            "handoff_count",
            "danger_detected",
            "first_topic",
        ):
            batch.drop_column(name)
