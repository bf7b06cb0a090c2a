"""Twilio addresses become E.164 numbers with a channel."""

import pytest

from bot.phone import Address, InvalidPhone, masked, parse_address
from storage.models import Channel


@pytest.mark.parametrize(
    ("raw", "address"),
    [
        ("whatsapp:+31612345678", Address("+31612345678", Channel.WHATSAPP)),
        ("WhatsApp:+31 6 1234 5678", Address("+31612345678", Channel.WHATSAPP)),
        ("+31612345678", Address("+31612345678", Channel.SMS)),
        ("0612345678", Address("+31612345678", Channel.SMS)),
        ("whatsapp:+963944123456", Address("+963944123456", Channel.WHATSAPP)),
    ],
)
def test_parse_address(raw: str, address: Address) -> None:
    assert parse_address(raw) == address


@pytest.mark.parametrize("raw", ["", "whatsapp:", "hello", "+1", "whatsapp:+999999999999999999"])
def test_not_a_phone_number(raw: str) -> None:
    with pytest.raises(InvalidPhone):
        parse_address(raw)


def test_twilio_form_has_the_channel_prefix() -> None:
    assert Address("+31612345678", Channel.WHATSAPP).twilio == "whatsapp:+31612345678"
    assert Address("+31612345678", Channel.SMS).twilio == "+31612345678"


def test_masked_hides_the_middle() -> None:
    assert masked("+31612345678") == "+31*******78"
