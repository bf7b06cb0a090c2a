"""consent, stop, intake, escalations and translation cache

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 18:49:37.080496
"""

import sqlalchemy as sa
from alembic import op

import sqlmodel
import storage.types


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cached_translation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("provider", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("translated_text", sa.Text(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_table(
        "escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("flow_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("step_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escalation_participant_id"), ["participant_id"], unique=False)

    op.create_table(
        "intake",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("untranslated", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("participant_id"),
    )
    with op.batch_alter_table("intake", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_intake_untranslated"), ["untranslated"], unique=False)

    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stopped_at", storage.types.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_column("stopped_at")

    with op.batch_alter_table("intake", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intake_untranslated"))

    op.drop_table("intake")
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_participant_id"))

    op.drop_table("escalation")
    op.drop_table("cached_translation")
