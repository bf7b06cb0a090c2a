"""escalations for every reason, routed to a coordinator, with their history; relayed messages

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 04:22:57.706547
"""

import sqlalchemy as sa
from alembic import op

import sqlmodel
import storage.types


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalation_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("actor", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("action", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalation.id"]),
        sa.ForeignKeyConstraint(["message_id"], ["message.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("escalation_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escalation_event_escalation_id"), ["escalation_id"], unique=False)

    with op.batch_alter_table("coordinator", schema=None) as batch_op:
        batch_op.add_column(sa.Column("on_duty", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("last_inbound_at", storage.types.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reasons", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("priority", sa.Integer(), nullable=False, server_default="2"))
        batch_op.add_column(
            sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False, server_default="open")
        )
        batch_op.add_column(sa.Column("coordinator_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_at", storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_by", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column("resolved_by", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column("notice_due_at", storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("notice_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
        batch_op.add_column(sa.Column("renotify_at", storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("renotified", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_escalation_coordinator_id"), ["coordinator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalation_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalation_notice_due_at"), ["notice_due_at"], unique=False)
        batch_op.create_foreign_key("fk_escalation_coordinator_id", "coordinator", ["coordinator_id"], ["id"])

    # Escalations from before: resolved ones stay resolved; each keeps its one reason.
    op.execute("UPDATE escalation SET status = 'resolved' WHERE resolved_at IS NOT NULL")
    op.execute("UPDATE escalation SET updated_at = created_at")
    escalation = sa.table("escalation", sa.column("id", sa.Integer()), sa.column("reason", sa.String()),
                          sa.column("reasons", sa.JSON()))
    connection = op.get_bind()
    for row in connection.execute(sa.select(escalation.c.id, escalation.c.reason)).all():
        connection.execute(escalation.update().where(escalation.c.id == row.id).values(reasons=[row.reason]))
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.alter_column("updated_at", existing_type=storage.types.UTCDateTime(timezone=True), nullable=False)

    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("translation", sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f("ix_message_escalation_id"), ["escalation_id"], unique=False)
        batch_op.create_foreign_key("fk_message_escalation_id", "escalation", ["escalation_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("message", schema=None) as batch_op:
        batch_op.drop_constraint("fk_message_escalation_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_message_escalation_id"))
        batch_op.drop_column("translation")
        batch_op.drop_column("escalation_id")

    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_constraint("fk_escalation_coordinator_id", type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_escalation_notice_due_at"))
        batch_op.drop_index(batch_op.f("ix_escalation_status"))
        batch_op.drop_index(batch_op.f("ix_escalation_coordinator_id"))
        for column in ("updated_at", "renotified", "renotify_at", "notice_kind", "notice_due_at", "resolved_by", "acknowledged_by",
                       "acknowledged_at", "coordinator_id", "status", "priority", "reasons"):
            batch_op.drop_column(column)

    with op.batch_alter_table("coordinator", schema=None) as batch_op:
        batch_op.drop_column("last_inbound_at")
        batch_op.drop_column("on_duty")

    with op.batch_alter_table("escalation_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_event_escalation_id"))

    op.drop_table("escalation_event")
