"""Storage on SQLite and PostgreSQL: the same tests, the same code."""

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect
from sqlmodel import select

from bot import outbound
from storage import queries
from storage.db import make_engine, session_scope
from storage.migrate import downgrade, upgrade
from storage.models import Channel, Message, Participant
from tests.support.databases import fresh_database

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
TABLES = {
    "participant",
    "whatsapp_content",
    "checkin",
    "ending",
    "message",
    "flow_session",
    "intake",
    "cached_translation",
    "escalation",
    "escalation_event",
    "maintenance",
    "coordinator",
    "appointment",
    "reminder",
    "absence",
    "user_account",
    "login_attempt",
    "audit_entry",
    "referrer",
    "referrer_target",
    "referral",
    "placement",
    "alembic_version",
}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    upgrade(database_url)
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


def inbound(sid: str, body: str = "hallo", channel: str = Channel.WHATSAPP) -> queries.Inbound:
    return queries.Inbound(sid=sid, channel=channel, body=body)


def new_participant(engine: Engine, phone: str = "+31612345678") -> Participant:
    with session_scope(engine) as db:
        return queries.get_or_create_participant(db, phone, Channel.WHATSAPP, NOW)


def test_migrations_go_up_and_down(database_url: str) -> None:
    upgrade(database_url)
    engine = make_engine(database_url)
    assert set(inspect(engine).get_table_names()) == TABLES
    downgrade(database_url, "base")
    assert set(inspect(engine).get_table_names()) == {"alembic_version"}
    upgrade(database_url)
    assert set(inspect(engine).get_table_names()) == TABLES
    engine.dispose()


def test_datetimes_come_back_utc_aware(engine: Engine) -> None:
    amsterdam = timezone(timedelta(hours=1))
    with session_scope(engine) as db:
        participant = queries.get_or_create_participant(db, "+31612345678", Channel.SMS, NOW)
        participant.consent_given_at = datetime(2026, 12, 1, 10, 30, tzinfo=amsterdam)
        db.add(participant)
    with session_scope(engine) as db:
        stored = db.exec(select(Participant)).one()
    assert stored.created_at == NOW and stored.created_at.tzinfo is not None
    assert stored.consent_given_at == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert stored.consent_given_at.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive datetime"), session_scope(engine) as db:
        participant = queries.get_or_create_participant(db, "+31612345678", Channel.SMS, NOW)
        participant.last_inbound_at = datetime(2026, 12, 1, 8, 0)
        db.add(participant)
        db.flush()


def test_one_participant_per_phone(engine: Engine) -> None:
    first, second = new_participant(engine), new_participant(engine)
    assert first.id == second.id


def test_inbound_is_stored_once_per_sid_and_channel_follows_the_last_message(engine: Engine) -> None:
    participant = new_participant(engine)
    with session_scope(engine) as db:
        message, is_new = queries.record_inbound(db, participant, inbound("SM1"), NOW)
    with session_scope(engine) as db:
        again, is_new_again = queries.record_inbound(db, participant, inbound("SM1", "changed?"), NOW)
        queries.record_inbound(db, participant, inbound("SM2", channel=Channel.SMS), NOW + timedelta(seconds=5))
    assert is_new and not is_new_again
    assert again.id == message.id and again.body == "hallo"
    with session_scope(engine) as db:
        stored = db.get(Participant, participant.id)
        assert stored.channel == Channel.SMS
        assert stored.last_inbound_at == NOW + timedelta(seconds=5)
        assert len(db.exec(select(Message)).all()) == 2


def test_the_webhooks_upsert_makes_one_participant_and_keeps_their_latest_message_time(engine: Engine) -> None:
    late, early = NOW + timedelta(minutes=1), NOW - timedelta(minutes=5)
    with session_scope(engine) as db:
        first = queries.participant_for_inbound(db, "+31612345678", Channel.WHATSAPP, NOW)
    with session_scope(engine) as db:
        second = queries.participant_for_inbound(db, "+31612345678", Channel.SMS, late)
    with session_scope(engine) as db:
        # A message that Twilio delivered late: its channel counts, its older time does not.
        third = queries.participant_for_inbound(db, "+31612345678", Channel.WHATSAPP, early)
    assert first.id == second.id == third.id
    assert (second.channel, second.last_inbound_at) == (Channel.SMS, late)
    assert (third.channel, third.last_inbound_at) == (Channel.WHATSAPP, late)
    with session_scope(engine) as db:
        assert len(db.exec(select(Participant)).all()) == 1


@pytest.mark.parametrize(
    "body",
    ["x" * 5000, "😀👍🏽🇳🇱 مرحبا \u200f123\u200f ትግርኛ", "\u202eevil\u202c \x07\x1b[31m\r\n\t end", ""],
    ids=["5000 characters", "emoji, RTL and Ge'ez", "control characters", "empty"],
)
def test_message_bodies_are_stored_intact(engine: Engine, body: str) -> None:
    participant = new_participant(engine)
    with session_scope(engine) as db:
        queries.record_inbound(db, participant, inbound("SM1", body), NOW)
    with session_scope(engine) as db:
        assert queries.message_by_sid(db, "SM1").body == body


def test_an_inbound_message_is_claimed_once(engine: Engine) -> None:
    participant = new_participant(engine)
    with session_scope(engine) as db:
        message_id = queries.record_inbound(db, participant, inbound("SM1"), NOW)[0].id
    with session_scope(engine) as db:
        assert queries.claim_inbound(db, message_id, NOW) is not None
    with session_scope(engine) as db:
        assert queries.claim_inbound(db, message_id, NOW) is None


def test_a_failed_run_leaves_the_message_unclaimed(engine: Engine) -> None:
    participant = new_participant(engine)
    with session_scope(engine) as db:
        message_id = queries.record_inbound(db, participant, inbound("SM1"), NOW)[0].id
    with pytest.raises(RuntimeError), session_scope(engine) as db:
        queries.claim_inbound(db, message_id, NOW)
        raise RuntimeError("crash while handling")
    with session_scope(engine) as db:
        assert queries.unprocessed_inbound(db, NOW) == [message_id]


def test_concurrent_claims_of_one_outbound_message_have_one_winner(engine: Engine) -> None:
    participant = new_participant(engine)
    with session_scope(engine) as db:
        message_id = queries.add_outbound(db, participant, "hoi", NOW).id
    wins: list[bool] = []
    barrier = threading.Barrier(4)

    def claim() -> None:
        barrier.wait()
        with session_scope(engine) as db:
            wins.append(outbound.claim(db, message_id, NOW) is not None)

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False, False, False, True]
    with session_scope(engine) as db:
        message = db.get(Message, message_id)
        assert message.status == queries.SUBMITTING and message.attempts == 1


def test_status_never_moves_backwards(engine: Engine) -> None:
    participant = new_participant(engine)
    with session_scope(engine) as db:
        message = queries.add_outbound(db, participant, "hoi", NOW)
        assert outbound.apply_status(message, "delivered", None, NOW)
        assert not outbound.apply_status(message, "sent", None, NOW)
        assert outbound.apply_status(message, "read", None, NOW)
        assert outbound.apply_status(message, "undelivered", 63016, NOW)
        assert message.status == "undelivered" and message.error_code == 63016


def test_due_retries_are_found_by_time(engine: Engine) -> None:
    participant = new_participant(engine)
    with session_scope(engine) as db:
        due = queries.add_outbound(db, participant, "due", NOW)
        later = queries.add_outbound(db, participant, "later", NOW)
        for message, when in ((due, NOW), (later, NOW + timedelta(hours=1))):
            message.status, message.next_attempt_at = queries.RETRYING, when
            db.add(message)
    with session_scope(engine) as db:
        assert outbound.due_retries(db, NOW) == [due.id]


def test_flow_sessions_are_saved_replaced_and_ended(engine: Engine) -> None:
    participant = new_participant(engine)
    with session_scope(engine) as db:
        queries.save_flow_run(db, participant.id, "welkom", {"step_id": "a", "answers": {"x": "ي"}}, NOW)
    with session_scope(engine) as db:
        queries.save_flow_run(db, participant.id, "welkom", {"step_id": "b"}, NOW)
    with session_scope(engine) as db:
        assert queries.flow_run_of(db, participant.id).state == {"step_id": "b"}
        queries.end_flow_run(db, participant.id)
    with session_scope(engine) as db:
        assert queries.flow_run_of(db, participant.id) is None


def test_the_migrations_build_exactly_the_tables_the_models_describe(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), SQLModel.metadata) == []
