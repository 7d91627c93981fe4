"""each week's suppression decision, kept under a digest of its cells

Revision ID: 0013_figure_decisions
Revises: 0012_bot_review
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_figure_decisions"
down_revision = "0012_bot_review"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "figure_decisions",
        sa.Column("week", sa.Date(), primary_key=True),
        sa.Column("threshold", sa.Integer(), primary_key=True),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("decision", sa.Text(), nullable=False),
    )


def downgrade():
    op.drop_table("figure_decisions")
