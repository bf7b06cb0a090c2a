"""A database error names the statement, never the values: they are message bodies and names."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Participant
from tests.support.databases import fresh_database

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_failed_statement_keeps_its_parameters_out_of_the_error_text(kind: str, tmp_path: Path) -> None:
    with fresh_database(kind, tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with session_scope(engine) as db:
                db.add(Participant(phone="+31612345678", channel="sms", name="Amal", created_at=NOW))
            with pytest.raises(IntegrityError) as failed, session_scope(engine) as db:
                db.add(Participant(phone="+31612345678", channel="sms", name="Tulpenhof 7", created_at=NOW))
        finally:
            engine.dispose()
    assert "INSERT INTO participant" in str(failed.value)
    # PostgreSQL's own detail names the clashing key (the phone); the other values stay out.
    assert "[SQL parameters hidden" in str(failed.value) and "Tulpenhof" not in str(failed.value)
