"""Persistence: SQLModel tables, query helpers and Alembic migrations."""
