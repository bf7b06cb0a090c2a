"""maintenance: when periodic chores such as retention last ran

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 05:20:00
"""

import sqlalchemy as sa
from alembic import op

import sqlmodel
import storage.types


revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "maintenance",
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("last_run_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("maintenance")
