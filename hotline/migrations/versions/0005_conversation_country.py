"""the country a conversation's person is in (for the emergency number)

Revision ID: 0005_conversation_country
Revises: 0004_queue_index
Create Date: 2026-12-06 08:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005_conversation_country"
down_revision = "0004_queue_index"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("country", sa.String(length=2), nullable=True))


def downgrade():
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("country")
