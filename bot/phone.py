"""Phone numbers and channels as Twilio writes them ('whatsapp:+316...', '+316...')."""

from dataclasses import dataclass

import phonenumbers

from storage.models import Channel

WHATSAPP_PREFIX = "whatsapp:"
# Numbers written without a country code are most likely Dutch.
DEFAULT_REGION = "NL"


class InvalidPhone(ValueError):
    """Not a phone number we can write back to."""


@dataclass(frozen=True)
class Address:
    phone: str  # E.164; for the e-mail channel (coordinators only), the e-mail address
    channel: str  # a Channel, or EMAIL

    @property
    def twilio(self) -> str:
        return f"{WHATSAPP_PREFIX}{self.phone}" if self.channel == Channel.WHATSAPP else self.phone


def parse_address(raw: str) -> Address:
    """'whatsapp:+31 6 1234 5678' -> Address('+31612345678', WHATSAPP)."""
    raw = raw.strip()
    channel = Channel.SMS
    if raw.lower().startswith(WHATSAPP_PREFIX):
        channel, raw = Channel.WHATSAPP, raw[len(WHATSAPP_PREFIX) :]
    return Address(to_e164(raw), channel)


def to_e164(raw: str) -> str:
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException as error:
        raise InvalidPhone(str(error)) from error
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhone("not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def to_valid_e164(raw: str) -> str:
    """A number to register someone by: it must exist in its country's numbering plan, not only look right."""
    number = to_e164(raw)
    if not phonenumbers.is_valid_number(phonenumbers.parse(number)):
        raise InvalidPhone("not a valid phone number")
    return number


def masked(phone: str) -> str:
    """Enough of a number to tell two apart on a screen, not enough to call: +31******78."""
    return phone[:3] + "*" * max(len(phone) - 5, 0) + phone[-2:]
