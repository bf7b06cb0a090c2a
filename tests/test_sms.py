"""SMS segments per text and language; reminders by SMS fit in two segments."""

from datetime import UTC, datetime

import pytest

from bot.config import ROOT
from bot.i18n import SUPPORTED_LANGUAGES, Catalogs, shown_params
from bot.sms import MIN_PLACE, segments, within_segments

CATALOGS = Catalogs.load(ROOT / "translations")
# A realistic fill for placeholders: a long place name, an address and a route link (and a length limit).
SAMPLE = {
    "hoped": "Koken voor veel mensen.",
    # The centre's note for the consulent (ENDING_CONSULENT_NOTE), as the newcomer reads it.
    "note": "Zij heeft vier weken goed meegewerkt.",
    "minutes": "15",
    "max": "100",
    "when": datetime(2026, 12, 1, 12, 0, tzinfo=UTC).isoformat(),
    "place": "Buurthuis De Linde",
    # A moved appointment's old time, already written as a date (appointment.moved).
    "before": "dinsdag 1 december, 13:00",
    "address": "Lindelaan 1, Doetinchem",
    "route": "https://www.google.com/maps/dir/?api=1&destination=Lindelaan+1%2C+Doetinchem",
    "name": "Anna",
    "answer": "Ik ben Ahmed uit Syrië",
    "centre": "Vrijwilligerscentrale Doetinchem",
}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a" * 160, ("GSM-7", 1)),
        ("a" * 161, ("GSM-7", 2)),
        ("a" * 306, ("GSM-7", 2)),
        ("a" * 307, ("GSM-7", 3)),
        ("€" * 80, ("GSM-7", 1)),
        ("€" * 81, ("GSM-7", 2)),
        ("ب" * 70, ("UCS-2", 1)),
        ("ب" * 71, ("UCS-2", 2)),
        ("ب" * 134, ("UCS-2", 2)),
        ("a" * 69 + "😀", ("UCS-2", 2)),
        ("Çà\nØ", ("GSM-7", 1)),
    ],
)
def test_segments(text: str, expected: tuple[str, int]) -> None:
    assert segments(text) == expected


def filled(language: str, key: str) -> str:
    return CATALOGS.text(language, key, shown_params(SAMPLE, language))


def test_report_the_segments_of_every_text_per_language(capsys) -> None:
    """Printed with the test run: which texts cost the most by SMS, per language."""
    rows = []
    for language in SUPPORTED_LANGUAGES:
        # Words people write and the papers' texts (printed in a PDF) are never sent as a message.
        texts = sorted(
            key for key in CATALOGS.keys("nl") if not key.endswith(".words") and not key.startswith("paper.")
        )
        costs = {key: segments(filled(language, key)) for key in texts}
        worst = max(costs, key=lambda key: costs[key][1])
        ucs2 = sum(1 for encoding, _ in costs.values() if encoding == "UCS-2")
        rows.append(
            f"{language}: {sum(n for _, n in costs.values())} segments for {len(costs)} texts, "
            f"{ucs2} of them UCS-2; longest {worst} = {costs[worst][1]}"
        )
    with capsys.disabled():
        print("\nSMS segments per language (texts filled with a sample appointment):\n  " + "\n  ".join(rows))
    assert len(rows) == len(SUPPORTED_LANGUAGES)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_a_reminder_by_sms_fits_in_two_segments(language: str) -> None:
    encoding, count = segments(filled(language, "reminder.sms"))
    assert count <= 2, f"{language}: {encoding} {count} segments"


LONG_PLACES = ("Buurthuis De Linde aan de Lindelaan", "Kringloopwinkel Het Goed Doetinchem-Oost")


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
@pytest.mark.parametrize("place", LONG_PLACES)
def test_a_reminder_by_sms_fits_two_segments_with_long_place_names_in_every_month(language: str, place: str) -> None:
    assert len(place) <= 40
    for month in range(1, 13):
        params = shown_params(
            {"when": datetime(2026, month, 30 if month != 2 else 28, 11, 0, tzinfo=UTC).isoformat(), "place": place},
            language,
        )
        text = within_segments(lambda filled_in: CATALOGS.text(language, "reminder.sms", filled_in), params)
        assert segments(text)[1] <= 2, f"{language} month {month}: {text}"
        assert place[:MIN_PLACE] in text  # abbreviated, still recognisable


def test_a_place_is_abbreviated_only_as_far_as_needed() -> None:
    def fill(params: dict[str, str]) -> str:
        return "ب" * 120 + params["place"]

    assert within_segments(fill, {"place": "Kringloop"}) == "ب" * 120 + "Kringloop"
    shortened = within_segments(fill, {"place": "Kringloopwinkel Het Goed Doetinchem-Oost"})
    assert segments(shortened) == ("UCS-2", 2) and shortened.endswith(".")
    assert segments(shortened[:-1] + "Xy")[1] == 3  # one character more would not fit
