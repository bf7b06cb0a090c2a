"""WhatsApp buttons and lists: Content resources per question, language and version; the question a message asks

Revision ID: 0010
Revises: 0007
Create Date: 2026-11-29 07:50:00
"""

import sqlalchemy as sa
from alembic import op

import sqlmodel
import storage.types


revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "whatsapp_content",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("language", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("version", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("content_sid", sqlmodel.sql.sqltypes.AutoString(length=34), nullable=False),
        sa.Column("content_type", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("template", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("approval_status", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True),
        sa.Column("approval_checked_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("question", "language", "kind", "version", name="uq_whatsapp_content_version"),
    )
    with op.batch_alter_table("message") as batch:
        batch.add_column(sa.Column("question", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True))
        batch.add_column(sa.Column("question_params", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("message") as batch:
        batch.drop_column("question_params")
        batch.drop_column("question")
    op.drop_table("whatsapp_content")
