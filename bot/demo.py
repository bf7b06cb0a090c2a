"""`bot demo`: an empty database filled with a small volunteer centre, to see every part work.

Two coordinators, participants in several languages (one mid-conversation, with a
kennismaking), appointments with their reminders, an absence, a no-show and an open
escalation, and two dashboard accounts whose passwords are printed once.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlmodel import Session as DbSession
from sqlmodel import func, select

from bot import appointments, escalations
from bot.flow.outputs import INTAKE
from bot.i18n import PEOPLE_ZONE
from bot.intake import store_intake, translate_intake
from bot.services import Services
from bot.users import NewUser, add_user
from storage import queries
from storage.db import session_scope
from storage.models import (
    Absence,
    AppointmentStatus,
    Channel,
    Coordinator,
    Direction,
    Message,
    Participant,
    Role,
    User,
)

BEGELEIDER_EMAIL, CENTRE_EMAIL = "anna@welkom.example", "centrum@welkom.example"
PLACE = appointments.NewAppointment(
    participant_id=0,
    kind="work",
    starts_at=datetime.min,
    ends_at=datetime.min,
    place_name="Kringloop De Markt",
    address="Markt 1, Doetinchem",
)
# (name, phone, language, coordinator index): the first is the simulator's default newcomer.
PEOPLE = [
    ("Amal", "+31612345678", "ar", 0),
    ("Dawit", "+31612345679", "ti", 0),
    ("Oksana", "+31612345680", "uk", 1),
    ("Hodan", "+31612345681", "so", 1),
    ("Ahmad", "+31612345682", "fa", 0),
]
AMAL_INTAKE = {
    "name": "Amal",
    "country": "سوريا",
    "dutch": "little",
    "contact": "voice",
    "reminders": True,
    "volunteering": "practise_dutch",
    "learn": ["dutch", "people"],
    "learn_words": "أريد أن أتعلم الطبخ الهولندي",
    "future": "paid_work",
    "days": ["tue", "thu"],
    "day_parts": ["morning"],
    "checkin": "every_two_weeks",
    "lunch": "halal",
    "trusted_person": True,
}
AMAL_CHAT = [
    (Direction.INBOUND, "مرحبا"),
    (Direction.OUTBOUND, "أهلاً يا أمل! موعدك القادم يوم الثلاثاء."),
    (Direction.INBOUND, "شكراً، سأكون هناك"),
]

# Dawit asks for a person: the open escalation.
DAWIT_CHAT = [(Direction.INBOUND, "ሓገዝ የድልየኒ")]


class DemoError(Exception):
    """The database already holds people: the demo only fills an empty one."""


@dataclass(frozen=True)
class DemoAccounts:
    begeleider: tuple[str, str]  # e-mail, password
    centre: tuple[str, str]


def is_empty(db: DbSession) -> bool:
    return all(db.exec(select(func.count()).select_from(table)).one() == 0 for table in (Participant, User))


def fill(services: Services, now: datetime) -> DemoAccounts:
    with session_scope(services.db) as db:
        if not is_empty(db):
            raise DemoError
        coordinators = _coordinators(db, now)
        people = [_participant(db, name, phone, lang, coordinators[i].id, now) for name, phone, lang, i in PEOPLE]
        _history(services, db, people[0], now)
        _appointments(services, db, people, now)
        _absence_and_no_show(services, db, people[1], now)
        _chat(db, people[1], DAWIT_CHAT, now - timedelta(hours=2, minutes=1))
        escalations.open_or_join(services, db, people[1], "asked_for_person", now - timedelta(hours=2), flow_id="menu")
        return _accounts(db, coordinators[0].id, now)


def _coordinators(db: DbSession, now: datetime) -> list[Coordinator]:
    made = [
        Coordinator(name="Anna de Vries", phone="+31600000001", channel=Channel.WHATSAPP, created_at=now),
        Coordinator(name="Bram Jansen", phone="+31600000002", channel=Channel.WHATSAPP, created_at=now),
    ]
    db.add_all(made)
    db.flush()
    return made


def _participant(db: DbSession, name: str, phone: str, language: str, coordinator_id: int, now: datetime):
    participant = Participant(
        phone=phone,
        channel=Channel.WHATSAPP,
        language=language,
        name=name,
        reminders=True,
        coordinator_id=coordinator_id,
        consent_given_at=now - timedelta(days=14),
        created_at=now - timedelta(days=14),
    )
    db.add(participant)
    db.flush()
    return participant


def _history(services: Services, db: DbSession, participant: Participant, now: datetime) -> None:
    """A kennismaking and a few messages, as if the newcomer had written last week."""
    intake = store_intake(db, participant, services.book.producer(INTAKE), AMAL_INTAKE, now - timedelta(days=13))
    participant.contact = AMAL_INTAKE["contact"]  # as the kennismaking keeps it (voice notes where recorded)
    translate_intake(intake, services.translator, now)
    _chat(db, participant, AMAL_CHAT, now - timedelta(days=7))


def _chat(db: DbSession, participant: Participant, lines: list[tuple[str, str]], since: datetime) -> None:
    for minutes, (direction, body) in enumerate(lines):
        at = since + timedelta(minutes=minutes)
        status = "received" if direction == Direction.INBOUND else "delivered"
        db.add(
            Message(
                participant_id=participant.id,
                direction=direction,
                channel=Channel.WHATSAPP,
                body=body,
                status=status,
                processed_at=at,
                created_at=at,
                updated_at=at,
            )
        )


def _appointments(services: Services, db: DbSession, people: list[Participant], now: datetime) -> None:
    """Amal's work mornings from her kennismaking; a first appointment for the others."""
    rules, today = services.settings.reminder_rules, now.astimezone(PEOPLE_ZONE).date()
    for index, participant in enumerate(people):
        day = today + timedelta(days=2 + index)
        starts_at = datetime.combine(day, time(10, 0), PEOPLE_ZONE)
        new = PLACE.model_copy(
            update=dict(participant_id=participant.id, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3))
        )
        made = appointments.create(db, new, now, rules)
        made[0].confirmation_sent_at = now  # confirmed already: the demo's reminders are what arrives
    amal = people[0]
    from_intake = PLACE.model_copy(update=dict(participant_id=amal.id))
    intake_start, intake_end = today + timedelta(days=7), today + timedelta(days=35)
    made = appointments.from_intake(
        db,
        amal,
        queries.intake_of(db, amal.id),
        services.book.producer(INTAKE),
        intake_start,
        intake_end,
        from_intake,
        now,
        rules,
    )
    for appointment in made:
        appointment.confirmation_sent_at = now


def _absence_and_no_show(services: Services, db: DbSession, participant: Participant, now: datetime) -> None:
    """Last week: one work morning cancelled in time, one missed without a word."""
    rules = services.settings.reminder_rules
    for days_ago, status in ((8, AppointmentStatus.CANCELLED), (5, AppointmentStatus.NO_SHOW)):
        starts_at = datetime.combine(
            now.astimezone(PEOPLE_ZONE).date() - timedelta(days=days_ago), time(10), PEOPLE_ZONE
        )
        new = PLACE.model_copy(
            update=dict(participant_id=participant.id, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3))
        )
        (appointment,) = appointments.create(db, new, now - timedelta(days=20), rules)
        appointments.set_status(db, appointment, status, now)
        appointment.confirmation_sent_at = now
        if status == AppointmentStatus.CANCELLED:
            db.add(
                Absence(
                    participant_id=participant.id,
                    appointment_id=appointment.id,
                    kind="cancel",
                    reason="sick",
                    reported_at=starts_at - timedelta(days=1),
                )
            )


def _accounts(db: DbSession, coordinator_id: int, now: datetime) -> DemoAccounts:
    begeleider_password, centre_password = secrets.token_urlsafe(9), secrets.token_urlsafe(9)
    add_user(db, NewUser(BEGELEIDER_EMAIL, "Anna de Vries", Role.BEGELEIDER, begeleider_password, coordinator_id), now)
    add_user(db, NewUser(CENTRE_EMAIL, "Centrum", Role.CENTRE, centre_password), now)
    return DemoAccounts((BEGELEIDER_EMAIL, begeleider_password), (CENTRE_EMAIL, centre_password))
