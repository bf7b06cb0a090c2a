"""how a participant prefers to be reached, and voice notes that go before a text

Revision ID: 0011
Revises: 0007
Create Date: 2026-11-29 07:40:00
"""

import sqlalchemy as sa
from alembic import op

import sqlmodel


revision = "0011"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as batch:
        batch.add_column(sa.Column("contact", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("voice_for_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_message_voice_for_id_message", "message", ["voice_for_id"], ["id"])
        batch.create_index(batch.f("ix_message_voice_for_id"), ["voice_for_id"], unique=False)
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
    with op.batch_alter_table("message") as batch:
        batch.drop_index(batch.f("ix_message_voice_for_id"))
        batch.drop_constraint("fk_message_voice_for_id_message", type_="foreignkey")
        batch.drop_column("voice_for_id")
    with op.batch_alter_table("participant") as batch:
        batch.drop_column("contact")
