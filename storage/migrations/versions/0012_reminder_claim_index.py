"""an index of the reminders still to send, for the dispatcher's batch claim

Revision ID: 0012
Revises: 0015
Create Date: 2026-11-29 08:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0015"
branch_labels = None
depends_on = None

_SCHEDULED = sa.text("status = 'scheduled'")


def upgrade() -> None:
    op.create_index(
        "ix_reminder_scheduled_due_at",
        "reminder",
        ["due_at"],
        postgresql_where=_SCHEDULED,
        sqlite_where=_SCHEDULED,
    )


def downgrade() -> None:
    op.drop_index("ix_reminder_scheduled_due_at", table_name="reminder")
