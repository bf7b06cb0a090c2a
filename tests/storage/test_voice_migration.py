"""Migration 0011: who chose voice in an earlier kennismaking keeps that choice."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.db import make_engine
from storage.migrate import downgrade, upgrade
from tests.support.databases import fresh_database


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


def test_the_kennismakings_contact_answer_becomes_the_participants(database_url: str) -> None:
    upgrade(database_url, "0007")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        for n, contact in ((1, "voice"), (2, "paper"), (3, None)):
            connection.execute(
                text(
                    "INSERT INTO participant (id, phone, channel, holidays, created_at)"
                    " VALUES (:id, :phone, 'whatsapp', '[]', '2026-11-20 10:00:00+00:00')"
                ),
                {"id": n, "phone": f"+3161234567{n}"},
            )
            answers = json.dumps({"contact": contact} if contact else {})
            connection.execute(
                text(
                    "INSERT INTO intake (participant_id, language, answers, untranslated, confirmed_at, updated_at)"
                    " VALUES (:id, 'so', :answers, 0, '2026-11-20 10:00:00+00:00', '2026-11-20 10:00:00+00:00')"
                ),
                {"id": n, "answers": answers},
            )
        # Rows that refer to messages: the migration must not copy the message table.
        for n, replaces in ((1, None), (2, 1)):
            connection.execute(
                text(
                    "INSERT INTO message (id, participant_id, direction, channel, body, num_media, media, status,"
                    " attempts, fallback_of_id, created_at, updated_at) VALUES (:id, 1, 'out', 'whatsapp', '', 0,"
                    " '[]', 'sent', 1, :replaces, '2026-11-20 10:00:00+00:00', '2026-11-20 10:00:00+00:00')"
                ),
                {"id": n, "replaces": replaces},
            )
    upgrade(database_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, contact FROM participant ORDER BY id")).all()
        kept = connection.execute(text("SELECT id, fallback_of_id, goes_before_id FROM message ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [(1, "voice"), (2, "paper"), (3, None)]
    assert [tuple(row) for row in kept] == [(1, None, None), (2, 1, None)]
    engine.dispose()


def test_0016_renames_the_voice_link_in_place_and_keeps_every_link(database_url: str) -> None:
    """voice_for_id becomes goes_before_id with its values (a voice note before its text), and back."""
    upgrade(database_url, "0015")
    engine = make_engine(database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO participant (id, phone, channel, holidays, created_at, registered_by_centre,"
                " consent_via_centre) VALUES (1, '+31612345671', 'whatsapp', '[]', '2026-11-20 10:00:00+00:00',"
                " false, false)"
            )
        )
        for n in (1, 2):
            connection.execute(
                text(
                    "INSERT INTO message (id, participant_id, direction, channel, body, num_media, media, status,"
                    " attempts, created_at, updated_at) VALUES (:id, 1, 'out', 'whatsapp', '', 0, '[]', 'sent', 1,"
                    " '2026-11-20 10:00:00+00:00', '2026-11-20 10:00:00+00:00')"
                ),
                {"id": n},
            )
        connection.execute(text("UPDATE message SET voice_for_id = 2 WHERE id = 1"))
    upgrade(database_url, "0016")
    with engine.connect() as connection:
        linked = connection.execute(text("SELECT id, goes_before_id FROM message ORDER BY id")).all()
    assert [tuple(row) for row in linked] == [(1, 2), (2, None)]
    downgrade(database_url, "0015")
    with engine.connect() as connection:
        linked = connection.execute(text("SELECT id, voice_for_id FROM message ORDER BY id")).all()
    assert [tuple(row) for row in linked] == [(1, 2), (2, None)]
    engine.dispose()
