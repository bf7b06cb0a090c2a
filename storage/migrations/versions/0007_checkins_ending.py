"""check-ins, the holidays a participant keeps, and the end of their volunteering

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 05:40:00
"""

import sqlalchemy as sa
from alembic import op

import sqlmodel
import storage.types


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("checkin_rhythm", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch.add_column(sa.Column("holidays", sa.JSON(), server_default="[]", nullable=False))
        batch.add_column(sa.Column("ended_at", storage.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("end_reason", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
    op.create_table(
        "checkin",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("due_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("extended", sa.Boolean(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("mood", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True),
        sa.Column("answers", sa.JSON(), server_default="{}", nullable=False),
        sa.Column("thanked", sa.Boolean(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("participant_id", "due_at", name="uq_checkin_participant_due"),
    )
    op.create_index(op.f("ix_checkin_due_at"), "checkin", ["due_at"], unique=False)
    op.create_index(op.f("ix_checkin_participant_id"), "checkin", ["participant_id"], unique=False)
    op.create_index(op.f("ix_checkin_status"), "checkin", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_checkin_status"), table_name="checkin")
    op.drop_index(op.f("ix_checkin_participant_id"), table_name="checkin")
    op.drop_index(op.f("ix_checkin_due_at"), table_name="checkin")
    op.drop_table("checkin")
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("end_reason")
        batch.drop_column("ended_at")
        batch.drop_column("holidays")
        batch.drop_column("checkin_rhythm")
