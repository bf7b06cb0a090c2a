"""A database error names the statement, never the values: they are message bodies and names."""

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError

from storage.db import make_engine, session_scope
from storage.migrate import upgrade
from storage.models import Participant
from tests.support.databases import fresh_database

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
# Bound values (a traceback shows the source line, so not written out there).
VALUES = {"phone": "+31612345678", "other": "+31687654321", "name": "Farida"}


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
    assert "[SQL parameters hidden" in str(failed.value)
    assert "Tulpenhof" not in str(failed.value) and "+31612345678" not in str(failed.value)


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("statement", "problem"),
    [
        # DETAIL:  Key (phone)=(+31612345678) already exists.
        (
            "INSERT INTO participant (phone, channel, holidays, created_at) VALUES (:phone, 'sms', '[]', now())",
            "duplicate key value violates unique constraint",
        ),
        # DETAIL:  Failing row contains (..., +31687654321, ...).
        (
            "INSERT INTO participant (phone, channel, holidays, created_at) VALUES (:other, NULL, '[]', now())",
            'null value in column "channel"',
        ),
        # invalid input syntax for type integer: "Farida"
        ("SELECT id FROM participant WHERE id = CAST(:name AS integer)", "InvalidTextRepresentation"),
    ],
    ids=["unique key", "not null", "data error"],
)
def test_postgresql_error_texts_reach_no_log_with_a_value(
    statement: str, problem: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """PostgreSQL repeats values in its error texts; an RQ worker logs a failed job's exception with its
    traceback (its cause included). Neither carries the number; the code can still read the detail."""
    with fresh_database("postgres", tmp_path) as url:
        upgrade(url)
        engine = make_engine(url)
        try:
            with session_scope(engine) as db:
                db.add(Participant(phone="+31612345678", channel="sms", created_at=NOW))
            with pytest.raises(DBAPIError) as failed, session_scope(engine) as db:
                try:
                    db.execute(text(statement), VALUES)
                except DBAPIError:
                    logging.getLogger("rq.worker").error("job failed", exc_info=True)  # as RQ does
                    raise
        finally:
            engine.dispose()
    logged = caplog.text
    assert problem in str(failed.value) and problem in logged and "Traceback" in logged
    for leak in ("+31612345678", "+31687654321", "31612345678", "Farida", "DETAIL"):
        assert leak not in logged and leak not in str(failed.value)
    assert failed.value.orig.diag.sqlstate  # the structured error is still there for the code
