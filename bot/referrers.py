"""Ambassadors and community sources as records: added with a code, their links and a QR code.

The WhatsApp link opens a chat with the bot with the code already typed
(`https://wa.me/<number>?text=<code>`); the SMS variant does the same in the SMS app. The QR
code holds the WhatsApp link (else the SMS one), as PNG, SVG or PDF for flyers (segno).
"""

import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import quote

import segno
from sqlalchemy import ColumnElement
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session as DbSession
from sqlmodel import col, select

from bot.config import Settings
from bot.referral_codes import new_code
from storage import queries
from storage.models import Channel, Coordinator, Referrer, ReferrerTarget

QR_FORMATS = (".png", ".svg", ".pdf")


class ReferrerError(ValueError):
    """A referrer that cannot be added or changed; the message names the option."""


@dataclass(frozen=True)
class NewReferrer:
    kind: str
    name: str
    phone: str | None = None
    languages: tuple[str, ...] = ()
    target: int = 0
    partner_id: int | None = None
    neighbourhood: str = ""


@dataclass(frozen=True)
class Links:
    whatsapp: str | None
    sms: str | None
    sms_number: str | None


def add_referrer(db: DbSession, new: NewReferrer, now: datetime) -> Referrer:
    """A referrer with a fresh code; with a phone, the coordinator row their notices go to
    (theirs if they are a coordinator already). A partner is paired both ways."""
    partner = db.get(Referrer, new.partner_id) if new.partner_id else None
    if new.partner_id and partner is None:
        raise ReferrerError(f"--partner: no ambassador {new.partner_id}")
    referrer = Referrer(
        kind=new.kind,
        name=new.name.strip(),
        phone=new.phone,
        languages=list(new.languages),
        target_per_period=new.target,
        partner_id=new.partner_id,
        neighbourhood=new.neighbourhood.strip(),
        code=_unused_code(db),
        created_at=now,
    )
    referrer.coordinator_id, referrer.coordinator_made = _coordinator_for(db, new, now)
    db.add(referrer)
    db.flush()
    if partner is not None:
        partner.partner_id = referrer.id
        db.add(partner)
    return referrer


def _unused_code(db: DbSession) -> str:
    while True:  # 27^4 codes; a clash is rare, and then another is drawn
        code = new_code()
        if db.exec(select(Referrer.id).where(Referrer.code == code)).first() is None:
            return code


def _coordinator_for(db: DbSession, new: NewReferrer, now: datetime) -> tuple[int | None, bool]:
    """The coordinator row their notices go to, and whether it was made for that alone."""
    if new.phone is None:
        return None, False
    existing = queries.coordinator_by_phone(db, new.phone)
    if existing is not None:
        return existing.id, False
    added = Coordinator(name=new.name.strip(), phone=new.phone, channel=Channel.WHATSAPP, created_at=now)
    db.add(added)
    db.flush()
    return added.id, True


def real_coordinators() -> ColumnElement[bool]:
    """A condition on Coordinator: not a row made only to reach an ambassador (for lists to pick from)."""
    made = select(Referrer.coordinator_id).where(col(Referrer.coordinator_made))
    return col(Coordinator.id).not_in(made)


def set_target(db: DbSession, referrer: Referrer, period_start: date, target: int) -> None:
    """A personal target for one period (the usual one stays for the others)."""
    existing = db.exec(
        select(ReferrerTarget).where(
            ReferrerTarget.referrer_id == referrer.id, ReferrerTarget.period_start == period_start
        )
    ).first()
    row = existing or ReferrerTarget(referrer_id=referrer.id, period_start=period_start, target=target)
    row.target = target
    db.add(row)
    try:
        db.flush()
    except IntegrityError as error:  # the same target set at the same moment elsewhere
        raise ReferrerError("--period: changed meanwhile, try again") from error


def links(settings: Settings, code: str) -> Links:
    """The click-to-chat links for a code, for the numbers this bot has."""
    whatsapp = _digits(settings.twilio_whatsapp_from)
    sms = _plus(settings.twilio_sms_from)
    return Links(
        whatsapp=f"https://wa.me/{whatsapp}?text={quote(code)}" if whatsapp else None,
        sms=f"sms:{sms}?body={quote(code)}" if sms else None,
        sms_number=sms,
    )


def _digits(number: str | None) -> str | None:
    return "".join(ch for ch in number if ch.isdigit()) if number else None


def _plus(number: str | None) -> str | None:
    return "+" + _digits(number) if number else None


def write_qr(settings: Settings, referrer: Referrer, path: Path) -> None:
    """The QR code of the referrer's link, for a flyer; the format by the file's extension."""
    if path.suffix.lower() not in QR_FORMATS:
        raise ReferrerError(f"--out: use one of {', '.join(QR_FORMATS)}")
    target = qr_target(settings, referrer)
    # Error correction Q: still readable with a fold or a smudge on a printed flyer.
    segno.make(target, error="q").save(str(path), scale=10, border=4)


def qr_png(settings: Settings, referrer: Referrer) -> bytes:
    out = io.BytesIO()
    segno.make(qr_target(settings, referrer), error="q").save(out, kind="png", scale=10, border=4)
    return out.getvalue()


def qr_target(settings: Settings, referrer: Referrer) -> str:
    found = links(settings, referrer.code)
    target = found.whatsapp or found.sms
    if target is None:
        raise ReferrerError("TWILIO_WHATSAPP_FROM or TWILIO_SMS_FROM: a QR code needs the bot's number")
    return target
