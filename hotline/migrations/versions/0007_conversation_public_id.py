"""a random public id per conversation, for the console's addresses

Revision ID: 0007_conversation_public_id
Revises: 0005_conversation_country
Create Date: 2026-12-06 10:30:00

"""

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0007_conversation_public_id"
down_revision = "0006_operator_line_factors"
branch_labels = None
depends_on = None

conversations = sa.table(
    "conversations",
    sa.column("id", sa.Integer),
    sa.column("public_id", sa.String),
)


def upgrade():
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("public_id", sa.String(length=32), nullable=True))
    # Existing conversations get theirs here, as new ones get it from the
    # model's default (hotline.models.new_public_id: the same 22 characters).
    bind = op.get_bind()
    rows = bind.execute(sa.select(conversations.c.id)).scalars().all()
    if rows:
        bind.execute(
            conversations.update()
            .where(conversations.c.id == sa.bindparam("row_id"))
            .values(public_id=sa.bindparam("new_id")),
            [{"row_id": row, "new_id": secrets.token_urlsafe(16)} for row in rows],
        )
    with op.batch_alter_table("conversations") as batch:
        batch.alter_column(
            "public_id", existing_type=sa.String(length=32), nullable=False
        )
        batch.create_index("ix_conversations_public_id", ["public_id"], unique=True)


def downgrade():
    with op.batch_alter_table("conversations") as batch:
        batch.drop_index("ix_conversations_public_id")
        batch.drop_column("public_id")
