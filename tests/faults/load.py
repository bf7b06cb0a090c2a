"""A realistic load for the fault suite, and what it must lead to, counted at the Twilio stand-in.

Newcomers of a volunteer centre, in their own languages, all past consent and kennismaking:
- talkers write "menu" several times (one answer each) and have an appointment tomorrow
  whose reminder is due now;
- others are talking with their begeleider (an escalation open): their words go to her
  with the Dutch translation beside them, one message each.
"""

import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sqlmodel import select

from bot.services import Services
from storage.db import session_scope
from storage.models import (
    Appointment,
    Coordinator,
    Direction,
    Escalation,
    EscalationStatus,
    Intake,
    Message,
    Participant,
    Reminder,
)
from storage.queries import FAILED
from storage.types import utcnow
from tests.support.fake_twilio import FakeTwilio

BEGELEIDER = "+31612340000"
LANGUAGES = ("ar", "uk", "ti", "fa", "so", "tr")
# "My son is ill today, I cannot come", in Arabic: words for a person, to be translated.
OWN_WORDS = "ابني مريض اليوم، لا أستطيع أن آتي"
# Not the form the Twilio stand-in gives the messages it takes (SM + a count in 32 hex digits).
_SIDS = itertools.count(1)


@dataclass(frozen=True)
class Inbound:
    sid: str
    sender: str  # as Twilio writes it: whatsapp:+31...
    body: str


@dataclass
class Load:
    inbound: list[Inbound]
    # Per phone number, how many messages it must receive: one answer per message and a reminder
    # for a talker, one relayed message per message of a newcomer talking with the begeleider.
    due: Counter[str] = field(default_factory=Counter)
    reminders: int = 0

    @property
    def expected_outbound(self) -> int:
        return sum(self.due.values())


def seed(services: Services, talkers: int = 4, relayed: int = 2, each: int = 5) -> Load:
    """Store the centre and its newcomers; return the messages they are about to send."""
    now = utcnow()
    talking, with_begeleider, due = [], [], Counter()
    with session_scope(services.db) as db:
        begeleider = Coordinator(name="Anna", phone=BEGELEIDER, channel="whatsapp", last_inbound_at=now, created_at=now)
        db.add(begeleider)
        db.flush()
        for n in range(talkers + relayed):
            phone = f"+316123{n + 1:05d}"
            participant = Participant(
                phone=phone,
                channel="whatsapp",
                language=LANGUAGES[n % len(LANGUAGES)],
                name=f"Deelnemer {n + 1}",
                reminders=True,
                consent_given_at=now,
                coordinator_id=begeleider.id,
                last_inbound_at=now,
                created_at=now,
            )
            db.add(participant)
            db.flush()
            db.add(Intake(participant_id=participant.id, language=participant.language, answers={}, confirmed_at=now))
            if n < talkers:
                _appointment_reminded_now(db, participant, begeleider, now)
                talking.append(phone)
                due[phone] += each + 1
            else:
                db.add(_escalation(participant, begeleider, now))
                with_begeleider.append(phone)
                due[BEGELEIDER] += each
    inbound = [
        Inbound(f"SMfa{next(_SIDS):030x}", f"whatsapp:{phone}", "menu" if phone in talking else f"{OWN_WORDS} ({turn})")
        for turn in range(each)
        for phone in talking + with_begeleider
    ]
    return Load(inbound, due, reminders=talkers)


def _appointment_reminded_now(db, participant: Participant, begeleider: Coordinator, now) -> None:
    start = now + timedelta(days=1)
    appointment = Appointment(
        participant_id=participant.id,
        kind="work",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        place_name="Kringloop De Ruil",
        address="Markt 1, Doetinchem",
        coordinator_id=begeleider.id,
        confirmation_sent_at=now,
        created_at=now,
        updated_at=now,
    )
    db.add(appointment)
    db.flush()
    db.add(Reminder(appointment_id=appointment.id, kind="evening", due_at=now - timedelta(minutes=1)))


def _escalation(participant: Participant, begeleider: Coordinator, now) -> Escalation:
    return Escalation(
        participant_id=participant.id,
        reason="help",
        reasons=["help"],
        status=EscalationStatus.ACKNOWLEDGED,
        coordinator_id=begeleider.id,
        flow_id="relay",
        acknowledged_at=now,
        acknowledged_by=f"coordinator:{begeleider.id}",
        created_at=now,
        updated_at=now,
    )


@dataclass(frozen=True)
class Row:
    """One line of the fault table."""

    fault: str
    inbound: int  # messages the newcomers sent
    handled: int  # handled, once each
    due: int  # answers, reminders and relayed messages that must go out
    sent: int  # of those, taken by Twilio
    duplicated: int  # taken by Twilio more than once, or answered more than once
    lost: int  # due but never taken (or failed for good)
    note: str = ""


def count(fault: str, services: Services, twilio: FakeTwilio, load: Load, note: str = "") -> Row:
    """What happened, from the database and from what the Twilio stand-in took."""
    with session_scope(services.db) as db:
        messages = db.exec(select(Message)).all()
    by_sid = {m.twilio_sid: m for m in messages if m.direction == Direction.INBOUND}
    handled = sum(
        1 for i in load.inbound if i.sid in by_sid and by_sid[i.sid].processed_at and by_sid[i.sid].status != FAILED
    )
    taken = Counter(_message_id(form) for form in twilio.sent)
    outbound = {m.id for m in messages if m.direction == Direction.OUTBOUND}
    received = Counter()
    for form in twilio.sent:
        received[form["To"].removeprefix("whatsapp:")] += 1
    extra = sum((received - load.due).values())
    missing = sum((load.due - received).values())
    return Row(
        fault=fault,
        inbound=len(load.inbound),
        handled=handled,
        due=load.expected_outbound,
        sent=len(set(taken) & outbound),
        duplicated=max(extra, sum(taken.values()) - len(taken)),
        lost=missing,
        note=note,
    )


def _message_id(form: dict) -> int:
    """Our message's id, from the status-callback URL every send carries."""
    return int(parse_qs(urlsplit(form["StatusCallback"]).query)["m"][0])


def assert_survived(row: Row) -> None:
    assert (row.handled, row.sent, row.duplicated, row.lost) == (row.inbound, row.due, 0, 0), row
