"""coordinators, appointments, reminders, absences; message routes; escalation details

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 19:23:50.952133
"""

import sqlalchemy as sa
from alembic import op

import sqlmodel
import storage.types


revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "coordinator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=True),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("starts_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("place_name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("address", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("entrance_photo_url", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("series_id", sqlmodel.sql.sqltypes.AutoString(length=36), nullable=True),
        sa.Column("rrule", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("confirmation_sent_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["coordinator.id"],
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appointment_participant_id"), ["participant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appointment_series_id"), ["series_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_appointment_starts_at"), ["starts_at"], unique=False)

    op.create_table(
        "absence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=True),
        sa.Column("own_words", sa.JSON(), nullable=True),
        sa.Column("minutes_late", sa.Integer(), nullable=True),
        sa.Column("too_late", sa.Boolean(), nullable=False),
        sa.Column("reported_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participant.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_absence_participant_id"), ["participant_id"], unique=False)

    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("due_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("claimed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_id"],
            ["appointment.id"],
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["message.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("appointment_id", "kind", "due_at", name="uq_reminder_appointment_kind_due"),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_appointment_id"), ["appointment_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_status"), ["status"], unique=False)

    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details", sa.JSON(), server_default="{}", nullable=False))

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coordinator_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column("template_params", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("route", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column("fallback_of_id", sa.Integer(), nullable=True))
        batch_op.alter_column("participant_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_foreign_key("fk_message_coordinator_id", "coordinator", ["coordinator_id"], ["id"])
        batch_op.create_foreign_key("fk_message_fallback_of_id", "message", ["fallback_of_id"], ["id"])

    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.add_column(sa.Column("reminders", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("coordinator_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_participant_coordinator_id", "coordinator", ["coordinator_id"], ["id"])



def downgrade() -> None:
    with op.batch_alter_table("participant", schema=None) as batch_op:
        batch_op.drop_constraint("fk_participant_coordinator_id", type_="foreignkey")
        batch_op.drop_column("coordinator_id")
        batch_op.drop_column("reminders")
        batch_op.drop_column("name")

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_constraint("fk_message_fallback_of_id", type_="foreignkey")
        batch_op.drop_constraint("fk_message_coordinator_id", type_="foreignkey")
        batch_op.alter_column("participant_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("fallback_of_id")
        batch_op.drop_column("route")
        batch_op.drop_column("template_params")
        batch_op.drop_column("template")
        batch_op.drop_column("coordinator_id")

    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_column("details")

    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reminder_status"))
        batch_op.drop_index(batch_op.f("ix_reminder_due_at"))
        batch_op.drop_index(batch_op.f("ix_reminder_appointment_id"))

    op.drop_table("reminder")
    with op.batch_alter_table("absence", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_absence_participant_id"))

    op.drop_table("absence")
    with op.batch_alter_table("appointment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appointment_starts_at"))
        batch_op.drop_index(batch_op.f("ix_appointment_series_id"))
        batch_op.drop_index(batch_op.f("ix_appointment_participant_id"))

    op.drop_table("appointment")
    op.drop_table("coordinator")
