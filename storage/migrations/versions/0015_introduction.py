"""the bot's first message to someone the centre registered, and consent given through the centre

Revision ID: 0015
Revises: 0011
Create Date: 2026-11-29 07:30:00
"""

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, not batch mode: on SQLite batch mode copies the table and drops the old one,
    # which SQLite refuses while messages and other rows refer to participants.
    op.add_column(
        "participant", sa.Column("registered_by_centre", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column(
        "participant", sa.Column("consent_via_centre", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("participant", sa.Column("introduced_at", storage.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("introduced_at")
        batch.drop_column("consent_via_centre")
        batch.drop_column("registered_by_centre")
