"""what the papers (werkafspraken, getuigschrift, certificaat) need beyond the kennismaking

Revision ID: 0009
Revises: 0013
Create Date: 2026-11-29 07:45:00
"""

import sqlalchemy as sa
from alembic import op

import sqlmodel
import storage.types


revision = "0009"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "placement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("tasks", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("bring", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("break_minutes", sa.Integer(), nullable=True),
        sa.Column("lunch", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("consulent_name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("consulent_phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("consulent_email", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("participant_id"),
    )


def downgrade() -> None:
    op.drop_table("placement")
