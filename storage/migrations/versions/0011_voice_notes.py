"""how a participant prefers to be reached, and voice notes that go before a text

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-29 07:40:00
"""

import sqlalchemy as sa
from alembic import op

import sqlmodel


revision = "0011"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
    # The foreign key inline with the new column, so SQLite adds it in place: copying the table
    # (batch mode) drops the old one, which SQLite refuses while other rows refer to messages.
    voice_for = sa.Column("voice_for_id", sa.Integer(), sa.ForeignKey("message.id"), nullable=True)
    op.add_column("message", voice_for, inline_references=True)
    op.create_index(op.f("ix_message_voice_for_id"), "message", ["voice_for_id"], unique=False)
    _contact_from_kennismaking()


def _contact_from_kennismaking() -> None:
    """Who already answered the kennismaking keeps their answer (stored by step id 'contact')."""
    connection = op.get_bind()
    intake = sa.table("intake", sa.column("participant_id", sa.Integer()), sa.column("answers", sa.JSON()))
    participant = sa.table("participant", sa.column("id", sa.Integer()), sa.column("contact", sa.String(20)))
    for participant_id, answers in connection.execute(sa.select(intake.c.participant_id, intake.c.answers)):
        chosen = (answers or {}).get("contact")
        if isinstance(chosen, str) and len(chosen) <= 20:
            connection.execute(
                participant.update().where(participant.c.id == participant_id).values(contact=chosen)
            )


def downgrade() -> None:
    op.drop_index(op.f("ix_message_voice_for_id"), table_name="message")
    with op.batch_alter_table("message") as batch:
        batch.drop_column("voice_for_id")  # PostgreSQL drops its foreign key with it
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("contact")
