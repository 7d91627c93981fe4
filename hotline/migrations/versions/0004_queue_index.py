"""an index for the hand-off queue (state, waiting_since)

Revision ID: 0004_queue_index
Revises: d69f959ce0d3
Create Date: 2026-11-29 12:55:00

"""

from alembic import op

revision = "0004_queue_index"
down_revision = "d69f959ce0d3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_conversations_state_waiting", "conversations", ["state", "waiting_since"]
    )


def downgrade():
    op.drop_index("ix_conversations_state_waiting", table_name="conversations")
