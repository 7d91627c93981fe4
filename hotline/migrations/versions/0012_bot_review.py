"""what the bot did not understand: anonymous confusion counts, the review
list of masked, consented messages, and the consent on the conversation

Revision ID: 0012_bot_review
Revises: 0011_figures
Create Date: 2026-12-06 17:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012_bot_review"
down_revision = "0011_figures"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("review_consent", sa.String(16), nullable=True))
    op.create_table(
        "bot_confusions",
        sa.Column("week", sa.Date(), primary_key=True),
        sa.Column("language", sa.String(8), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("intent", sa.String(64), primary_key=True),
        sa.Column("runner_up", sa.String(64), primary_key=True),
        sa.Column("count", sa.Integer(), nullable=False),
    )
    op.create_table(
        "review_items",
        sa.Column("id", sa.String(24), primary_key=True),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("intent", sa.String(64), nullable=False),
        sa.Column("runner_up", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("example_intent", sa.String(64), nullable=True),
    )
    op.create_index("ix_review_items_week", "review_items", ["week"])
    # The retention purge also deletes review items past their own retention.
    with op.batch_alter_table("purge_runs") as batch:
        batch.add_column(
            sa.Column("review_items", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("purge_runs") as batch:
        batch.drop_column("review_items")
    op.drop_index("ix_review_items_week", table_name="review_items")
    op.drop_table("review_items")
    op.drop_table("bot_confusions")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("review_consent")
