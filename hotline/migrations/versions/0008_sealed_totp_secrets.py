"""operators' TOTP secrets encrypted at rest (CONTACT_ENCRYPTION_KEYS)

Revision ID: 0008_sealed_totp_secrets
Revises: 0005_conversation_country
Create Date: 2026-12-06 12:00:00

Runs inside the hotline's app (``flask --app hotline upgrade-db``), whose
configuration holds the keys: each secret is encrypted with the newest key,
then the clear column is dropped.
"""

import sqlalchemy as sa
from alembic import op

from hotline import sealing

revision = "0008_sealed_totp_secrets"
down_revision = "0007_conversation_public_id"
branch_labels = None
depends_on = None

operators = sa.table(
    "operators",
    sa.column("id", sa.Integer),
    sa.column("totp_secret", sa.String),
    sa.column("totp_secret_sealed", sa.LargeBinary),
)


def upgrade():
    with op.batch_alter_table("operators") as batch:
        batch.add_column(sa.Column("totp_secret_sealed", sa.LargeBinary()))
    connection = op.get_bind()
    query = sa.select(operators.c.id, operators.c.totp_secret)
    for row in connection.execute(query).all():
        connection.execute(
            operators.update()
            .where(operators.c.id == row.id)
            .values(totp_secret_sealed=sealing.seal(row.totp_secret))
        )
    with op.batch_alter_table("operators") as batch:
        batch.alter_column(
            "totp_secret_sealed", existing_type=sa.LargeBinary(), nullable=False
        )
        batch.drop_column("totp_secret")


def downgrade():
    with op.batch_alter_table("operators") as batch:
        batch.add_column(sa.Column("totp_secret", sa.String(length=64)))
    connection = op.get_bind()
    query = sa.select(operators.c.id, operators.c.totp_secret_sealed)
    for row in connection.execute(query).all():
        connection.execute(
            operators.update()
            .where(operators.c.id == row.id)
            .values(totp_secret=sealing.unseal(row.totp_secret_sealed))
        )
    with op.batch_alter_table("operators") as batch:
        batch.alter_column(
            "totp_secret", existing_type=sa.String(length=64), nullable=False
        )
        batch.drop_column("totp_secret_sealed")
