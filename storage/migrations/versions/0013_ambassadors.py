"""ambassadors and community sources, their targets, and the newcomers they brought

Revision ID: 0013
Revises: 0010
Create Date: 2026-11-29 07:45:00
"""

import sqlalchemy as sa
from alembic import op

import sqlmodel
import storage.types


revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "referrer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("languages", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("neighbourhood", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("code", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("target_per_period", sa.Integer(), nullable=False),
        sa.Column("coordinator_id", sa.Integer(), nullable=True),
        sa.Column("coordinator_made", sa.Boolean(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["coordinator_id"], ["coordinator.id"]),
        sa.ForeignKeyConstraint(["partner_id"], ["referrer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_table(
        "referrer_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("target", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["referrer_id"], ["referrer.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("referrer_id", "period_start", name="uq_referrer_target_period"),
    )
    op.create_index(op.f("ix_referrer_target_referrer_id"), "referrer_target", ["referrer_id"], unique=False)
    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=False),
        sa.Column("arrived_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("may_tell_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("told_message_id", sa.Integer(), nullable=True),
        sa.Column("plan_signed_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["participant_id"], ["participant.id"]),
        sa.ForeignKeyConstraint(["referrer_id"], ["referrer.id"]),
        sa.ForeignKeyConstraint(["told_message_id"], ["message.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("participant_id"),
    )
    op.create_index(op.f("ix_referral_referrer_id"), "referral", ["referrer_id"], unique=False)
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("referrer_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_user_account_referrer_id", "referrer", ["referrer_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.drop_constraint("fk_user_account_referrer_id", type_="foreignkey")
        batch.drop_column("referrer_id")
    op.drop_index(op.f("ix_referral_referrer_id"), table_name="referral")
    op.drop_table("referral")
    op.drop_index(op.f("ix_referrer_target_referrer_id"), table_name="referrer_target")
    op.drop_table("referrer_target")
    op.drop_table("referrer")
