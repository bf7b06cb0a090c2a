"""message.voice_for_id becomes message.goes_before_id: any message may go just before another

A voice note went before the text it speaks; now a question's lead ("not understood") goes before
the question too, by the same link (bot/ordering.py). Same column, same values, a name that fits.

Revision ID: 0016
Revises: 0012
Create Date: 2026-11-29 08:50:00
"""

from alembic import op

revision = "0016"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # RENAME COLUMN in place (SQLite 3.25+, PostgreSQL): batch mode would copy the message table,
    # which SQLite refuses while other rows refer to messages. The foreign key follows the column.
    op.drop_index(op.f("ix_message_voice_for_id"), table_name="message")
    op.execute("ALTER TABLE message RENAME COLUMN voice_for_id TO goes_before_id")
    op.create_index(op.f("ix_message_goes_before_id"), "message", ["goes_before_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_message_goes_before_id"), table_name="message")
    op.execute("ALTER TABLE message RENAME COLUMN goes_before_id TO voice_for_id")
    op.create_index(op.f("ix_message_voice_for_id"), "message", ["voice_for_id"], unique=False)
