"""Lines of the Dutch messages coordinators get: who it is, why, and the newcomer's own words."""

from babel import Locale

from bot.holidays import day_off
from bot.i18n import PEOPLE_ZONE, format_when
from bot.services import Services
from storage.models import Appointment, Participant


def text(services: Services, key: str, params: dict[str, str] | None = None) -> str:
    return services.coordinator_texts.text("nl", key, params or {})


def who(services: Services, participant: Participant) -> str:
    """First name, or the end of the number: enough to recognise, not a full identity."""
    if participant.name:
        return participant.name.split()[0]
    return text(services, "who.unknown", {"ending": participant.phone[-4:]})


def language_name(code: str | None) -> str:
    """The language's name in Dutch, e.g. 'Tigrinya'."""
    return Locale.parse(code or "nl").get_display_name("nl") or (code or "nl")


def reason_text(services: Services, reason: str) -> str:
    key = f"escalation.reason.{reason}"
    return text(services, key) if services.coordinator_texts.has("nl", key) else reason


def words(services: Services, translation: dict | None, links: list[dict]) -> list[str]:
    """The newcomer's words as written, the Dutch below, then links to what they sent along."""
    lines: list[str] = []
    if translation and translation.get("original"):
        lines.append(text(services, "escalation.words", {"original": translation["original"]}))
        if translation.get("language") != "nl":
            dutch = translation.get("dutch")
            lines.append(
                text(services, "escalation.words_dutch", {"dutch": dutch})
                if dutch
                else text(services, "escalation.words_untranslated")
            )
    lines += [text(services, "escalation.media", {"link": item["url"]}) for item in links]
    return lines


def appointment_params(services: Services, appointment: Appointment) -> dict[str, str]:
    return {
        "kind": text(services, f"appointment.kind.{appointment.kind}"),
        "when": format_when(appointment.starts_at, "nl"),
        "place": appointment.place_name,
    }


def contact_wish(services: Services, wish: dict) -> str:
    """How a newcomer asked to be contacted at a check-in: 'telefoongesprek, met een tolk'."""
    way = text(services, f"checkin.contact_way.{wish.get('contact_way', 'message')}")
    with_whom = text(services, f"checkin.with_whom.{wish.get('with_whom', 'alone')}")
    return text(services, "checkin.wants_person", {"way": way, "with_whom": with_whom})


def holiday_warnings(services: Services, participant: Participant, made: list[Appointment]) -> list[str]:
    """Appointments that fall on a public holiday or one the participant keeps, flagged when made."""
    lines = []
    for appointment in made:
        holiday = day_off(appointment.starts_at.astimezone(PEOPLE_ZONE).date(), participant.holidays)
        if holiday:
            when = format_when(appointment.starts_at, "nl")
            lines.append(
                text(services, "holiday.warning", {"when": when, "holiday": text(services, f"holiday.{holiday}")})
            )
    return lines
