"""the ending dialogue (afronden): its reason and the answers

Revision ID: 0008
Revises: 0009
Create Date: 2026-11-29 07:40:00
"""

import sqlalchemy as sa
from alembic import op

import sqlmodel
import storage.types


revision = "0008"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ending",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("started_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("asked_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answers", sa.JSON(), server_default="{}", nullable=False),
        sa.Column("consulent_note", sa.Text(), nullable=True),
        sa.Column("notified_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("participant_id"),
    )


def downgrade() -> None:
    op.drop_table("ending")
