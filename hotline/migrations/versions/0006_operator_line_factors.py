"""the operators' line's second secret and allowed numbers; failure counters
per client, calling number and account instead of one lock per account

Revision ID: 0006_operator_line_factors
Revises: 0005_conversation_country
Create Date: 2026-12-06 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006_operator_line_factors"
down_revision = "0005_conversation_country"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("operators") as batch:
        batch.add_column(sa.Column("phone_pin_hash", sa.String(200), nullable=True))
        # Replaced by failure_counters (hotline.lockout).
        batch.drop_column("failed_logins")
        batch.drop_column("locked_until")
    op.create_table(
        "operator_phones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.Column("number_key", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["operator_id"], ["operators.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("operator_id", "number_key"),
    )
    op.create_index(
        "ix_operator_phones_operator_id", "operator_phones", ["operator_id"]
    )
    op.create_table(
        "failure_counters",
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("scope", "subject"),
    )
    op.create_table(
        "operator_line_calls",
        sa.Column("call_sid", sa.String(34), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("problems", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("call_sid"),
    )


def downgrade():
    op.drop_table("operator_line_calls")
    op.drop_table("failure_counters")
    op.drop_index("ix_operator_phones_operator_id", "operator_phones")
    op.drop_table("operator_phones")
    with op.batch_alter_table("operators") as batch:
        batch.add_column(
            sa.Column("locked_until", sa.DateTime(), nullable=True),
        )
        batch.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch.drop_column("phone_pin_hash")
